/**
 * `--untrusted` beyond audit: validate, list and explain load the checklist as `audit --untrusted`
 * does (environment allow-list, reads confined to its directory, no package extended); under it a
 * command probe's skip names `--untrusted`; `--dry-run` shows each item's `depends_on`, also as JSON.
 */
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";

const HOSTILE = `version: 1
name: hostile
sections:
  - id: s
    title: S
    items:
      - { id: tok, title: "T \${env.GH_TOKEN}", probes: [{ file: ok.txt }] }
      - { id: pw, title: P, probes: [{ file: /etc/passwd }] }
`;

describe("validate, list and explain --untrusted", () => {
  it("refuse what audit --untrusted refuses, with the same messages, and accept it without the flag", async () => {
    const p = tempProject({ "hostile.yaml": HOSTILE, "ok.txt": "x" });
    try {
      const env = { GH_TOKEN: "ghp_secret_value_1234" };
      for (const args of [["validate", "hostile.yaml"], ["list", "hostile.yaml"], ["explain", "tok", "--file", "hostile.yaml"]]) {
        const plain = await runCli(args, { cwd: p.dir, env });
        expect(plain.code, `${args.join(" ")}: ${plain.stderr}`).toBe(0);
        const r = await runCli([...args, "--untrusted"], { cwd: p.dir, env });
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr).toContain("hostile.yaml:7:");
        expect(r.stderr).toContain("environment variable GH_TOKEN is not allowed with --untrusted (allow it with --allow-env GH_TOKEN");
        expect(r.stderr).toMatch(/hostile\.yaml:8:\d+: "\/etc\/passwd" is absolute/);
        expect(r.stderr).not.toContain("ghp_secret_value_1234");
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      p.cleanup();
    }
  });

  it("--allow-env lets a named variable through, and alone is a usage error", async () => {
    const p = tempProject({ "readiness.yaml": HOSTILE.replace(/\n.*etc\/passwd.*\n/, "\n"), "ok.txt": "x" });
    try {
      const env = { GH_TOKEN: "ghp_secret_value_1234" };
      const ok = await runCli(["validate", "--untrusted", "--allow-env", "GH_TOKEN"], { cwd: p.dir, env });
      expect(ok.code, ok.stderr).toBe(0);
      const listed = await runCli(["list", "--untrusted", "--allow-env", "GH_TOKEN", "--json"], { cwd: p.dir, env });
      expect(listed.code, listed.stderr).toBe(0);
      expect((JSON.parse(listed.stdout) as { title: string }[])[0]!.title).toBe("T ***");
      for (const args of [["validate"], ["list"], ["explain", "tok"]]) {
        const r = await runCli([...args, "--allow-env", "GH_TOKEN"], { cwd: p.dir, env });
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toBe("readiness: --allow-env GH_TOKEN: only means something with --untrusted");
      }
    } finally {
      p.cleanup();
    }
  });

  it("validate --untrusted refuses extending a package", async () => {
    const p = tempProject({ "readiness.yaml": "version: 1\nname: p\nextends: [some-package]\nsections: []\n" });
    try {
      const r = await runCli(["validate", "--untrusted"], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("extends some-package: a package is not extended with --untrusted");
    } finally {
      p.cleanup();
    }
  });
});

const DEPENDS = `version: 1
name: deps
sections:
  - id: s
    title: S
    items:
      - { id: db, title: DB, probes: [{ command: [echo, hi] }] }
      - { id: api, title: API, depends_on: [db], probes: [{ file: ok.txt }] }
      - { id: web, title: Web, depends_on: [api, db], status: done }
`;

describe("audit --dry-run", () => {
  it("shows each item's depends_on, in the terminal plan and as JSON", async () => {
    const p = tempProject({ "readiness.yaml": DEPENDS, "ok.txt": "x" });
    try {
      const r = await runCli(["audit", "--dry-run"], { cwd: p.dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^ {2}db \[medium\] DB — 1 probe$/m);
      expect(r.stdout).toMatch(/^ {2}api \[medium\] API — 1 probe {2}\(depends on db\)$/m);
      expect(r.stdout).toMatch(/^ {2}web \[medium\] Web — manual \(done\) {2}\(depends on api, db\)$/m);
      const j = await runCli(["audit", "--dry-run", "-f", "json"], { cwd: p.dir });
      expect(j.code, j.stderr).toBe(0);
      const plan = JSON.parse(j.stdout) as { items: { id: string; status: string; depends_on?: string[]; probes: { type: string; target: unknown; skip?: string }[] }[]; probes_to_run: number };
      expect(plan.items.map((i) => [i.id, i.status, i.depends_on])).toEqual([
        ["db", "run", undefined],
        ["api", "run", ["db"]],
        ["web", "manual", ["api", "db"]],
      ]);
      expect(plan.items[0]!.probes[0]).toMatchObject({ type: "command", target: ["echo", "hi"] });
      expect(plan.probes_to_run).toBe(2);
    } finally {
      p.cleanup();
    }
  });

  it("names --untrusted, not --no-exec, as the reason a command probe is skipped under --untrusted", async () => {
    const p = tempProject({ "readiness.yaml": DEPENDS, "ok.txt": "x" });
    try {
      const dry = await runCli(["audit", "--dry-run", "--untrusted"], { cwd: p.dir });
      expect(dry.stdout).toContain('skip command ["echo","hi"] (timeout 10.0s) — not run: --untrusted (no program runs for an untrusted checklist)');
      const run = await runCli(["audit", "--untrusted", "-f", "json"], { cwd: p.dir });
      const report = JSON.parse(run.stdout) as { sections: { items: { id: string; probes: { message: string }[] }[] }[] };
      const db = report.sections[0]!.items.find((i) => i.id === "db")!;
      expect(db.probes[0]!.message).toBe("not run: --untrusted (no program runs for an untrusted checklist)");
      const noExec = await runCli(["audit", "--dry-run", "--no-exec"], { cwd: p.dir });
      expect(noExec.stdout).toContain("— not run: --no-exec (command probes are not executed)");
    } finally {
      p.cleanup();
    }
  });
});
