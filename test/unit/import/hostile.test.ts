import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../../src/import/index.js";
import { checkChecklist } from "./helpers.js";

/** CPU time, not wall time: the suite runs beside other busy workers. */
function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}

/** About `bytes` of a realistic checklist: sections of mixed items, tables, prose and code. */
function bigChecklist(bytes: number): string {
  const parts: string[] = ["# Huge Legacy Checklist\n"];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const block =
      `\n## ${n}. Area ${n} (Priority: ${["HIGH", "MEDIUM", "LOW"][n % 3]})\n\n` +
      `- [x] **Service ${n}:** listening on port ${8000 + (n % 1000)}\n` +
      `- [ ] Health check \`/health\` for service ${n}\n` +
      `- ✅ p99 < ${n % 50}ms under load, error rate < 0.1%\n` +
      `- ⚠️ Runbook for area ${n} — see [wiki](https://wiki.example.com/${n})\n` +
      `  - [ ] Nested step ${n}\n\n` +
      `| Check | Status |\n|---|---|\n| Table row ${n} | ✅ Done |\n\n` +
      "Some prose that is not an item.\n\n```\n- [x] code, not an item\n```\n";
    parts.push(block);
    size += block.length;
  }
  return parts.join("");
}

describe("hostile inputs", () => {
  it("a 10 MB checklist imports in seconds", () => {
    const text = bigChecklist(10 * 1024 * 1024);
    const input = Buffer.from(text);
    expect(input.length).toBeGreaterThan(10 * 1024 * 1024);
    const { value, ms } = timed(() => importMarkdown(input, { file: "huge.md" }));
    expect(ms).toBeLessThan(30_000);
    expect(value.summary.items).toBeGreaterThan(100_000);
    expect(value.summary.claims.done).toBeGreaterThan(50_000);
    // Determinism holds at scale too.
    expect(importMarkdown(input, { file: "huge.md" }).yaml === value.yaml).toBe(true);
  }, 300_000);

  const ONE_MB = 1024 * 1024;
  const lines: [string, string][] = [
    ["a long item", `# T\n- [ ] ${"a".repeat(ONE_MB)}\n`],
    ["emphasis markers", `# T\n- [ ] ${"**".repeat(ONE_MB / 2)}\n`],
    ["unclosed links", `# T\n- [ ] ${"[a](".repeat(ONE_MB / 4)}\n`],
    ["brackets", `# T\n- [ ] ${"[".repeat(ONE_MB)}\n`],
    ["status emoji", `# T\n- ${"✅ ".repeat(ONE_MB / 3)}x\n`],
    ["pipes", `# T\n- [x] ok\n\n${"|".repeat(ONE_MB)}\n`],
    ["hashes", `${"#".repeat(ONE_MB)}\n- [x] ok\n`],
    ["spaces in a heading", `# ${" ".repeat(ONE_MB)}x\n- [x] ok\n`],
    ["spaces in a setext heading", `a${" ".repeat(ONE_MB)}b\nc\n===\n- [x] ok\n`],
    ["comment openers", `# T\n- [x] ok ${"<!--".repeat(ONE_MB / 4)}\n- [x] next\n`],
    ["probe bait", `# T\n- [ ] ${"port 80 p99 < 1ms error rate < 1% coverage 80% TLS 1.3 `a.b` ".repeat(ONE_MB / 64)}\n`],
    ["html tags", `# T\n- [ ] ${"<a ".repeat(ONE_MB / 3)}\n`],
    ["mojibake bait", `# T\n- [x] ${"âœ".repeat(ONE_MB / 2)}\n`],
    ["bold split bait", `# T\n- [x] **${"x".repeat(ONE_MB)}\n`],
    ["quote markers", `# T\n- [x] ok\n\n${"> ".repeat(ONE_MB / 2)}- [ ] deep\n`],
    ["list markers", `# T\n- [x] ok\n\n${"- ".repeat(ONE_MB / 2)}[ ] deep\n`],
  ];
  for (const [label, text] of lines) {
    it(`a single 1 MB line of ${label} finishes quickly`, () => {
      const { value, ms } = timed(() => importMarkdown(text, { file: "line.md" }));
      expect(ms).toBeLessThan(3_000);
      checkChecklist(value.yaml);
      // Titles stay readable; descriptions are capped.
      expect(value.yaml.length).toBeLessThan(20_000);
    });
  }
});
