/**
 * `readiness import` end to end: each real seed checklist becomes a valid checklist that audits,
 * and claims survive as unverified credit.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { ROOT, runCli, tempProject } from "../helpers/cli.js";

// The five seeds of ../shared/seeds, copied into the repository (byte for byte, as .md) so that a
// clone anywhere runs this test: CI's checkout has no ../shared beside it.
const SEEDS = join(ROOT, "test", "fixtures", "import", "seeds");
const seeds = readdirSync(SEEDS).filter((f) => f.endsWith(".md")).sort();

describe("importing the seed checklists", () => {
  it("finds the five seeds", () => {
    expect(seeds).toHaveLength(5);
  });

  it.each(seeds)("%s imports to a checklist that validates and audits", async (seed) => {
    const p = tempProject();
    try {
      const imported = await runCli(["import", join(SEEDS, seed), "-o", "readiness.yaml"], { cwd: p.dir });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toMatch(/^Imported .*: \d+ items? in \d+ sections?/m);
      const yaml = readFileSync(join(p.dir, "readiness.yaml"), "utf8");
      expect(yaml).not.toMatch(/‚úÖ|âœ…|‚ö†Ô∏è/);
      const valid = await runCli(["validate"], { cwd: p.dir });
      expect(valid.code, valid.stderr).toBe(0);
      // Suggestions are commented out by default, so the audit runs nothing and only weighs claims.
      const audit = await runCli(["audit", "-f", "json", "--no-exec"], { cwd: p.dir });
      expect([0, 1]).toContain(audit.code);
      const report = JSON.parse(audit.stdout) as Report;
      expect(report.verified_score === 0 || report.verified_score === null).toBe(true);
      expect(report.counts.pass + report.counts.fail).toBe(0);
      // Same input, same output.
      const again = await runCli(["import", join(SEEDS, seed)], { cwd: p.dir });
      expect(again.stdout).toBe(yaml);
    } finally {
      p.cleanup();
    }
  });

  it("an all-✅ checklist audits with score 100 and verified score 0", async () => {
    const p = tempProject({
      "claims.md": "# Release\n\n## Checks\n\n- [x] Backups tested\n- ✅ Alerts configured\n- [X] Runbook written\n- ✔ Load test passed: p99 < 10ms\n",
    });
    try {
      expect((await runCli(["import", "claims.md", "-o", "readiness.yaml"], { cwd: p.dir })).code).toBe(0);
      const r = await runCli(["audit", "-f", "json"], { cwd: p.dir });
      const report = JSON.parse(r.stdout) as Report;
      expect([report.score, report.verified_score, report.counts.attested]).toEqual([100, 0, 4]);
      const text = await runCli(["audit"], { cwd: p.dir });
      expect(text.stdout).toMatch(/score 100\/100 · verified 0\/100/);
      expect(text.stdout).toContain("100 of the 100 points rest on claims nobody verified (4 attested)");
      // With --strict the claims earn nothing.
      const strict = JSON.parse((await runCli(["audit", "-f", "json", "--strict"], { cwd: p.dir })).stdout) as Report;
      expect([strict.score, strict.verdict]).toEqual([0, "NO-GO"]);
      // --with-probes writes the suggestions live: the latency claim now needs evidence.
      expect((await runCli(["import", "claims.md", "--with-probes", "-o", "live.yaml"], { cwd: p.dir })).code).toBe(0);
      expect(readFileSync(join(p.dir, "live.yaml"), "utf8")).toMatch(/^\s+- metric:/m);
      const live = await runCli(["audit", "live.yaml", "-f", "json"], { cwd: p.dir });
      const liveReport = JSON.parse(live.stdout) as Report;
      expect(liveReport.counts.fail).toBeGreaterThanOrEqual(1);
      expect(liveReport.sections.flatMap((s) => s.items).some((i) => i.contradicted)).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  it("refuses what cannot be imported with one line and exit 2, and never overwrites", async () => {
    const p = tempProject({ "bin.md": Buffer.from([0, 1, 2, 3, 0xff]), "empty.md": "", "ok.md": "- [x] a\n", "taken.yaml": "keep\n" });
    try {
      for (const [args, re] of [
        [["import", "bin.md"], /bin\.md/],
        [["import", "empty.md"], /empty\.md/],
        [["import", "nope.md"], /nope\.md: no such file/],
        [["import", "ok.md", "-o", "taken.yaml"], /taken\.yaml already exists/],
      ] as [string[], RegExp][]) {
        const r = await runCli(args, { cwd: p.dir });
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr, args.join(" ")).toMatch(re);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(readFileSync(join(p.dir, "taken.yaml"), "utf8")).toBe("keep\n");
    } finally {
      p.cleanup();
    }
  });
});
