/**
 * The documentation cannot drift from the schema: every ```yaml block in README.md and docs/*.md that
 * shows a checklist (it has `version: 1` or `sections:`) is validated by the library as a checklist.
 * A block that is deliberately partial starts with a `# fragment` line and is skipped. The composed
 * example (`extends:`) is validated with stand-ins for the baseline file and package it names.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkChecklistText, formatIssue } from "../../src/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const pages = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

interface Block {
  page: string;
  line: number;
  text: string;
}

/** The ```yaml blocks of a Markdown page, with the line each starts on. */
function yamlBlocks(page: string): Block[] {
  const lines = readFileSync(join(ROOT, page), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ya?ml\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !/^\s*```\s*$/.test(lines[i + 1]!)) i++;
    const indent = open[1]!.length;
    blocks.push({ page, line: start + 1, text: lines.slice(start, i + 1).map((l) => l.slice(indent)).join("\n") + "\n" });
    i++;
  }
  return blocks;
}

const blocks = pages.flatMap(yamlBlocks);
const checklists = blocks.filter((b) => /^(version: 1|sections:)/m.test(b.text) && !/^# fragment\b/.test(b.text));

// Stand-ins for the files and the npm package the composition example extends, so it validates as
// the service's file it shows.
const dir = mkdtempSync(join(tmpdir(), "readiness-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "baseline.yaml"),
  `version: 1
name: Platform baseline
sections:
  - id: availability
    title: Availability
    items:
      - { id: gateway-health, title: Gateway health, probes: [{ http: "http://localhost:3001/health" }] }
      - { id: legacy-port, title: Legacy port, probes: [{ tcp: "localhost:9000" }] }
`,
);
mkdirSync(join(dir, "node_modules", "@acme", "readiness-baseline"), { recursive: true });
writeFileSync(join(dir, "node_modules", "@acme", "readiness-baseline", "package.json"), JSON.stringify({ name: "@acme/readiness-baseline", version: "1.0.0" }));
writeFileSync(join(dir, "node_modules", "@acme", "readiness-baseline", "readiness.yaml"), "version: 1\nsections: []\n");

describe("checklists shown in the documentation", () => {
  it("finds them", () => {
    expect(checklists.length).toBeGreaterThanOrEqual(5);
  });

  it.each(checklists.map((b) => [`${b.page}:${b.line}`, b] as const))("%s validates", (_where, block) => {
    const { checklist, issues } = checkChecklistText(block.text, join(dir, "readiness.yaml"), { env: {} });
    const errors = issues.filter((i) => i.level !== "warning");
    expect(errors.map((i) => formatIssue(i)), `${block.page}:${block.line}`).toEqual([]);
    expect(checklist).toBeDefined();
  });
});
