/**
 * The reports as a user sees them from the built CLI: the terminal report laid out for the width
 * (COLUMNS when stdout is not a terminal, else 80), and `list` naming a waived item as waived.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayWidth } from "../../src/util/width.js";
import { runCli, tempProject } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

let api: Running;
beforeAll(async () => {
  api = await startHttpServer((_req, res) => res.end("ok"));
});
afterAll(() => api.close());

const checklist = (url: string): string => `version: 1
name: Layout ✅ データ
sections:
  - id: main
    title: Main 🚀
    items:
      - id: health
        title: The health endpoint answers 200 — a title long enough to be cut at sixty columns ✅
        severity: critical
        probes:
          - http: "${url}/health"
      - id: pentest
        title: Penetration test findings closed
        severity: high
        status: missing
      - id: mfa
        title: Multi-factor authentication
        severity: high
        waiver: { reason: planned for v2.1, until: 2026-12-31, by: Security Lead }
`;

describe("layout from the CLI", () => {
  it("lays the terminal report out for COLUMNS, 80 without it, no line wider", async () => {
    const p = tempProject({ "readiness.yaml": checklist(api.url) });
    try {
      for (const [columns, width] of [[undefined, 80], ["60", 60], ["160", 160]] as const) {
        const r = await runCli(["audit"], { cwd: p.dir, env: { COLUMNS: columns, READINESS_NOW: "2026-12-01" } });
        expect(r.stderr).toBe("");
        const lines = r.stdout.trimEnd().split("\n");
        expect(lines.filter((l) => displayWidth(l) > width), `width ${width}`).toEqual([]);
        // The verdict box is as wide as the width allows (at most 100) and last.
        expect(displayWidth(lines.at(-1)!)).toBe(Math.min(width, 100));
        expect(lines.at(-1)).toMatch(/^╚═+╝$/);
        // A passing item is one line: its result, severity, title, id and measure.
        const health = lines.filter((l) => l.includes("health") && !l.includes("Timing") && !l.includes("slowest"));
        expect(health).toHaveLength(1);
        expect(health[0]).toMatch(/^ {2}✔ pass +critical +The health.* {2}health +200 OK in \d+m?s$/);
        // An item that needs attention has its cause on the line below.
        expect(r.stdout).toMatch(/✘ MISSING +high +Penetration test.* {2}pentest\n {6}\S/);
      }
    } finally {
      p.cleanup();
    }
  });

  it("list shows a waived item as waived, and an expired waiver as expired", async () => {
    const p = tempProject({ "readiness.yaml": checklist(api.url) });
    try {
      const active = await runCli(["list"], { cwd: p.dir, env: { READINESS_NOW: "2026-12-01" } });
      expect(active.stderr).toBe("");
      expect(active.stdout).toContain("mfa  [high]  Multi-factor authentication  — waived until 2026-12-31 by Security Lead");
      expect(active.stdout).not.toContain("manual: no status");
      const expired = await runCli(["list"], { cwd: p.dir, env: { READINESS_NOW: "2027-01-01" } });
      expect(expired.stdout).toContain("mfa  [high]  Multi-factor authentication  — manual: no status (waiver expired 2026-12-31)");
    } finally {
      p.cleanup();
    }
  });
});
