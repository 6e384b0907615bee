/**
 * `readiness import SOURCE.md --update existing.yaml`: the Markdown changed (an item added, one
 * removed, one reworded and moved to another section) after people recorded attestations, a
 * waiver, a probe, a severity, a dependency, tags, an owner and comments in the YAML. Nothing
 * recorded is lost, the new item is there, and the result is valid.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli, tempProject } from "../helpers/cli.js";

const V1 = `# Launch checklist

## Operations
- [x] Backups run nightly
- [ ] Restore drill done
- [ ] Health endpoint /healthz answers
- [ ] On-call rotation
- [ ] Status page exists

## Security
- [x] Secrets in a vault
- [ ] Pen test booked
`;

// Added: "Rollback plan written". Removed: "Status page exists" and "On-call rotation".
// Reworded and moved to Security: "Restore drill done" → "Restore drill done quarterly".
const V2 = `# Launch checklist

## Operations
- [x] Backups run nightly
- [ ] Health endpoint /healthz answers
- [ ] Rollback plan written

## Security
- [x] Secrets in a vault
- [ ] Pen test booked
- [ ] Restore drill done quarterly
`;

const NOW = { READINESS_NOW: "2026-12-07T10:00:00Z" };

interface Item {
  id: string;
  title: string;
  [k: string]: unknown;
}
interface Doc {
  sections: { id: string; items: Item[] }[];
}
const byId = (text: string): Map<string, Item & { section: string }> => new Map((parse(text) as Doc).sections.flatMap((s) => s.items.map((i) => [i.id, { ...i, section: s.id }] as const)));

/** The checklist imported from V1, with what people recorded since. */
async function recordedProject(): Promise<{ dir: string; file: string; recorded: string; cleanup: () => void }> {
  const p = tempProject({ "launch.md": V1 });
  const run = async (args: string[], input?: string): Promise<void> => {
    const r = await runCli(args, { cwd: p.dir, env: NOW, ...(input !== undefined ? { input } : {}) });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  };
  await run(["import", "launch.md", "-o", "readiness.yaml"]);
  await run(["attest", "backups-run-nightly", "secrets-in-a-vault", "--by", "Ana Ruiz", "--evidence", "https://wiki.example.com/ops"]);
  await run(["attest", "restore-drill-done", "--by", "Bo Chen", "--expires-after", "90d"]);
  await run(["waive", "pen-test-booked", "--reason", "booked for January", "--until", "2026-12-31", "--by", "CISO"]);
  await run(["triage", "--json", "-"], JSON.stringify([{ id: "health-endpoint-healthz-answers", action: "probe" }]));
  const file = join(p.dir, "readiness.yaml");
  // Edits by hand: a severity, a dependency, tags, an owner, a comment.
  let text = readFileSync(file, "utf8");
  text = text.replace("        title: On-call rotation\n", "        title: On-call rotation\n        severity: critical\n        owner: sre-team\n");
  text = text.replace("        title: Secrets in a vault\n", "        # audited by the security team in November\n        title: Secrets in a vault\n        tags: [security, vault]\n        depends_on: [backups-run-nightly]\n");
  writeFileSync(file, text);
  const v = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
  expect(v.code, v.stdout + v.stderr).toBe(0);
  writeFileSync(join(p.dir, "launch.md"), V2);
  return { dir: p.dir, file, recorded: text, cleanup: () => p.cleanup() };
}

describe("readiness import --update", () => {
  it("an item added, one removed, one reworded and moved: nothing recorded is lost", async () => {
    const p = await recordedProject();
    try {
      const r = await runCli(["import", "launch.md", "--update", "readiness.yaml"], { cwd: p.dir, env: NOW });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^Updated readiness\.yaml from launch\.md: added 1, removed 2, kept 4, renamed 1, moved 1\n/);
      expect(r.stderr).toContain("  renamed      restore-drill-done: \"Restore drill done\" → \"Restore drill done quarterly\" (id kept)");
      expect(r.stderr).toContain("  removed      on-call-rotation (\"On-call rotation\") — kept, marked with a comment");
      const after = readFileSync(p.file, "utf8");
      const before = byId(p.recorded);
      const now = byId(after);
      // Every item recorded on is still there with every key it had (the reworded one has its new title).
      for (const [id, item] of before) {
        const { section: _s, title: _t, ...rest } = item;
        expect(now.get(id), id).toMatchObject(rest);
      }
      expect(now.get("restore-drill-done")).toMatchObject({ title: "Restore drill done quarterly", section: "security", attested_by: "Bo Chen", expires_after: "90d" });
      expect(now.get("pen-test-booked")?.waiver).toEqual({ reason: "booked for January", until: "2026-12-31", by: "CISO" });
      expect(now.get("health-endpoint-healthz-answers")?.probes).toEqual([{ http: "${vars.base_url}/healthz", status: 200 }]);
      expect(now.get("on-call-rotation")).toMatchObject({ severity: "critical", owner: "sre-team" });
      expect(now.get("secrets-in-a-vault")).toMatchObject({ tags: ["security", "vault"], depends_on: ["backups-run-nightly"] });
      // The new item right after the one it follows in the Markdown, as a fresh import writes it.
      const ops = (parse(after) as Doc).sections.find((s) => s.id === "operations")?.items.map((i) => i.id);
      expect(ops).toEqual(["backups-run-nightly", "health-endpoint-healthz-answers", "rollback-plan-written", "on-call-rotation", "status-page-exists"]);
      expect(after).toContain("      - id: rollback-plan-written  # line 6\n        title: Rollback plan written\n        status: missing\n");
      // Comments kept; removed items marked.
      expect(after).toContain("        # audited by the security team in November\n");
      expect(after).toContain("      # removed from launch.md on 2026-12-07\n      - id: on-call-rotation  # line 7\n");
      expect(after).toContain("      # removed from launch.md on 2026-12-07\n      - id: status-page-exists  # line 8\n");
      const v = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
      expect(v.code, v.stdout + v.stderr).toBe(0);
      // Run again on the same Markdown: nothing changes.
      const again = await runCli(["import", "launch.md", "--update", "readiness.yaml"], { cwd: p.dir, env: NOW });
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(p.file, "utf8")).toBe(after);
    } finally {
      p.cleanup();
    }
  });

  it("--prune removes a removed item only when nothing was recorded on it", async () => {
    const p = await recordedProject();
    try {
      const r = await runCli(["import", "launch.md", "--update", "readiness.yaml", "--prune"], { cwd: p.dir, env: NOW });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("removed 2 (1 pruned)");
      expect(r.stderr).toContain("  removed      status-page-exists (\"Status page exists\") — pruned");
      expect(r.stderr).toContain("  removed      on-call-rotation (\"On-call rotation\") — kept, marked with a comment (not pruned: something is recorded on it)");
      const now = byId(readFileSync(p.file, "utf8"));
      expect(now.has("status-page-exists")).toBe(false);
      expect(now.get("on-call-rotation")).toMatchObject({ severity: "critical", owner: "sre-team" });
      const v = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
      expect(v.code, v.stdout + v.stderr).toBe(0);
    } finally {
      p.cleanup();
    }
  });

  it("refuses --prune without --update, and --update with -o: one line, exit 2", async () => {
    const p = tempProject({ "launch.md": V1 });
    try {
      const a = await runCli(["import", "launch.md", "--prune"], { cwd: p.dir });
      expect(a.code).toBe(2);
      expect(a.stderr).toBe("readiness: --prune: only means something with --update EXISTING.yaml\n");
      const b = await runCli(["import", "launch.md", "--update", "readiness.yaml", "-o", "x.yaml"], { cwd: p.dir });
      expect(b.code).toBe(2);
      expect(b.stderr.trim().split("\n")).toHaveLength(1);
      const c = await runCli(["import", "launch.md", "--update", "missing.yaml"], { cwd: p.dir });
      expect(c.code).toBe(2);
      expect(c.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      p.cleanup();
    }
  });
});
