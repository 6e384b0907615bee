/**
 * `readiness triage`: the items still missing after an import, decided one by one on a real
 * pseudo-terminal (util-linux `script`), or all at once from a JSON plan; each decision written
 * to the checklist with its comments kept, and the result valid.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, CLEAN_ENV, runCli, tempProject } from "../helpers/cli.js";

const MD = `# Launch checklist

## Operations
- [x] Backups run nightly
- [ ] Restore drill done
- [ ] Health endpoint /healthz answers
- [ ] On-call rotation

## Security
- [x] Secrets in a vault
- [ ] Pen test booked
- [ ] GPU isolation
`;

const NOW = { READINESS_NOW: "2026-12-07T10:00:00Z" };

async function imported(): Promise<{ dir: string; file: string; before: string; cleanup: () => void }> {
  const p = tempProject({ "launch.md": MD });
  const r = await runCli(["import", "launch.md", "-o", "readiness.yaml"], { cwd: p.dir });
  expect(r.code, r.stderr).toBe(0);
  const file = join(p.dir, "readiness.yaml");
  return { dir: p.dir, file, before: readFileSync(file, "utf8"), cleanup: () => p.cleanup() };
}

/** `before` with each [old, new] text replaced once (each must be there). */
function edited(before: string, changes: [string, string][]): string {
  let out = before;
  for (const [from, to] of changes) {
    expect(out).toContain(from);
    out = out.replace(from, to);
  }
  return out;
}

const PLAN = [
  { id: "restore-drill-done", action: "attest", by: "Ana Ruiz", evidence: "https://wiki.example.com/drill", expires_after: "90d" },
  { id: "pen-test-booked", action: "waive", reason: "booked for January", until: "2026-12-31", by: "CISO" },
  { id: "health-endpoint-healthz-answers", action: "probe" },
  { id: "gpu-isolation", action: "na", reason: "no GPUs in this service" },
  { id: "on-call-rotation", action: "skip" },
];

describe("readiness triage --json PLAN", () => {
  it("applies every decision, comments kept, and the result is valid", async () => {
    const p = await imported();
    try {
      writeFileSync(join(p.dir, "plan.json"), JSON.stringify(PLAN, null, 2));
      const r = await runCli(["triage", "--json", "plan.json"], { cwd: p.dir, env: NOW });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("Triage plan applied to readiness.yaml: 1 attested, 1 waived, 1 n/a, 1 with probes, 1 skipped; 1 still missing.\n");
      const expected = edited(p.before, [
        [
          "title: Restore drill done\n        status: missing\n",
          "title: Restore drill done\n        status: done\n        evidence: https://wiki.example.com/drill\n        attested_by: Ana Ruiz\n        attested_at: 2026-12-07\n        expires_after: 90d\n",
        ],
        [
          "        # probes:  (suggested from line 6 — review, then uncomment)\n        #   - http: ${vars.base_url}/healthz\n        #     status: 200\n",
          "        probes:  # suggested from line 6 (added by readiness triage): review them\n          - http: ${vars.base_url}/healthz\n            status: 200\n",
        ],
        ["title: Pen test booked\n        status: missing\n", "title: Pen test booked\n        status: missing\n        waiver:\n          reason: booked for January\n          until: 2026-12-31\n          by: CISO\n"],
        ["title: GPU isolation\n        status: missing\n", "title: GPU isolation\n        status: n/a\n        reason: no GPUs in this service\n"],
      ]);
      expect(readFileSync(p.file, "utf8")).toBe(expected);
      expect(expected).toContain("- id: restore-drill-done  # line 5");
      const v = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
      expect(v.code, v.stdout + v.stderr).toBe(0);
      // What is left: the skipped item only.
      const left = await runCli(["triage", "--list", "--json"], { cwd: p.dir, env: NOW });
      expect((JSON.parse(left.stdout) as { id: string }[]).map((i) => i.id)).toEqual(["on-call-rotation"]);
    } finally {
      p.cleanup();
    }
  });

  it("checks the whole plan first: one line per problem with the plan's path and line, exit 2, nothing written", async () => {
    const p = await imported();
    try {
      const bad = `[
  { "id": "restore-drill-done", "action": "attest" },
  { "id": "nope", "action": "skip" },
  { "id": "pen-test-booked", "action": "waive", "reason": "booked", "until": "2020-01-01", "by": "CISO" },
  { "id": "on-call-rotation", "action": "probe" },
  { "id": "gpu-isolation", "action": "na", "reasn": "x" },
  { "id": "backups-run-nightly", "action": "attest", "by": "Ana Ruiz" }
]
`;
      const r = await runCli(["triage", "--json", "-"], { cwd: p.dir, env: NOW, input: bad });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toEqual([
        '<stdin>:2:3: decision 1: attest of "restore-drill-done" needs "by"',
        '<stdin>:3:3: decision 2: no item "nope" in the checklist (readiness list shows the ids)',
        expect.stringMatching(/^<stdin>:4:3: decision 3: .*2020-01-01: the date is in the past/),
        '<stdin>:5:3: decision 4: item "on-call-rotation" has no probe suggestions to add',
        '<stdin>:6:3: decision 5: na takes no "reasn" (it takes reason)',
        "readiness: <stdin>: 5 problems in the plan: nothing written",
      ]);
      expect(readFileSync(p.file, "utf8")).toBe(p.before);
      const notJson = await runCli(["triage", "--json", "-"], { cwd: p.dir, input: "[{" });
      expect(notJson.code).toBe(2);
      expect(notJson.stderr).toMatch(/^readiness: <stdin>: not JSON: /);
      expect(notJson.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      p.cleanup();
    }
  });

  it("--list --json gives the missing items with their suggestions; without a terminal or plan: one line, exit 2", async () => {
    const p = await imported();
    try {
      const r = await runCli(["triage", "--list", "--json"], { cwd: p.dir, env: NOW });
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as { id: string; section: string; severity: string; suggestions: unknown[] }[];
      expect(rows.map((i) => i.id)).toEqual(["restore-drill-done", "health-endpoint-healthz-answers", "on-call-rotation", "pen-test-booked", "gpu-isolation"]);
      expect(rows[1]).toMatchObject({ section: "operations", severity: "medium", suggestions: [{ http: "${vars.base_url}/healthz", status: 200 }] });
      const tty = await runCli(["triage"], { cwd: p.dir });
      expect(tty.code).toBe(2);
      expect(tty.stderr).toMatch(/^readiness: triage asks its questions on a terminal, and stdin is not one: .*--json plan\.json/);
      expect(tty.stderr.trim().split("\n")).toHaveLength(1);
      expect(readFileSync(p.file, "utf8")).toBe(p.before);
    } finally {
      p.cleanup();
    }
  });
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Runs `readiness triage` in a pseudo-terminal made by util-linux `script`, typing `keys`. */
function onTerminal(dir: string, keys: string): Promise<{ code: number | null; out: string }> {
  const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", `${quote(process.execPath)} ${quote(BIN)} triage`, "/dev/null"], { cwd: dir, env: { ...CLEAN_ENV, NO_COLOR: "1", ...NOW }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    });
    child.stdin.end(keys);
  });
}

describe.skipIf(!hasScript)("readiness triage on a terminal", () => {
  it("attest one, waive one, skip one, quit: each written with comments kept", async () => {
    const p = await imported();
    try {
      // restore-drill-done: attest; health…: skip; on-call-rotation: waive; pen-test-booked: quit.
      const keys = ["a", "Ana Ruiz", "https://wiki.example.com/drill", "", "s", "w", "rota starts in January", "2026-12-31", "", "q", ""].join("\n");
      const r = await onTerminal(p.dir, keys);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain("[1/5] restore-drill-done  (medium)  section operations");
      expect(r.out).toContain("suggested probes (from line 6 of the source):");
      expect(r.out).toContain("recorded: on-call-rotation waived until 2026-12-31, approved by Ana Ruiz");
      expect(r.out).toContain("Triage of readiness.yaml: 1 attested, 1 waived, 0 n/a, 0 with probes, 1 skipped; 3 still missing.");
      const expected = edited(p.before, [
        ["title: Restore drill done\n        status: missing\n", "title: Restore drill done\n        status: done\n        evidence: https://wiki.example.com/drill\n        attested_by: Ana Ruiz\n        attested_at: 2026-12-07\n"],
        ["title: On-call rotation\n        status: missing\n", "title: On-call rotation\n        status: missing\n        waiver:\n          reason: rota starts in January\n          until: 2026-12-31\n          by: Ana Ruiz\n"],
      ]);
      expect(readFileSync(p.file, "utf8")).toBe(expected);
      const v = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
      expect(v.code, v.stdout + v.stderr).toBe(0);
    } finally {
      p.cleanup();
    }
  });

  it("a waiver the rules refuse is not recorded and the item is asked again", async () => {
    const p = await imported();
    try {
      const keys = ["w", "later", "2030-01-01", "CISO", "n", "done on paper only", "q", ""].join("\n");
      const r = await onTerminal(p.dir, keys);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/not recorded: .*2030-01-01: \d+ days away, more than gate\.max_waiver_days \(90\)/);
      expect(r.out).toContain("recorded: restore-drill-done marked n/a: done on paper only");
      expect(readFileSync(p.file, "utf8")).toBe(edited(p.before, [["title: Restore drill done\n        status: missing\n", "title: Restore drill done\n        status: n/a\n        reason: done on paper only\n"]]));
    } finally {
      p.cleanup();
    }
  });
});
