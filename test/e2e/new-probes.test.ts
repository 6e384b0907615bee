/**
 * The probe types added for a native stack check, through the CLI: --dry-run shows each resolved
 * with passwords hidden, --no-exec skips the service probe (it runs systemctl) and nothing else.
 */
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import type { Report } from "../../src/types.js";

const CHECKLIST = `version: 1
name: Stack
sections:
  - id: s
    title: S
    items:
      - id: svc
        title: nginx unit active
        probes: [{ service: nginx.service }]
      - id: db
        title: database reachable
        probes:
          - postgres: postgresql://app:\${env.PGPASSWORD}@127.0.0.1:1/app
            timeout: 10s
      - id: cache
        title: cache answers
        probes:
          - redis: redis://:literal-secret@127.0.0.1:1
            timeout: 10s
      - id: disk
        title: disk
        probes: [{ disk: ., min_free: 1KB }]
`;

describe("new probe types through the CLI", () => {
  it("--dry-run shows each probe resolved, passwords as ***", async () => {
    const p = tempProject({ "readiness.yaml": CHECKLIST });
    try {
      const r = await runCli(["audit", "--dry-run"], { cwd: p.dir, env: { PGPASSWORD: "env-secret" } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`run  service "nginx.service"`);
      expect(r.stdout).toContain("postgresql://app:***@127.0.0.1:1/app");
      expect(r.stdout).toContain("redis://:***@127.0.0.1:1");
      expect(r.stdout + r.stderr).not.toMatch(/env-secret|literal-secret/);
    } finally {
      p.cleanup();
    }
  });

  it("--no-exec skips the service probe only; failures never show a password", async () => {
    const p = tempProject({ "readiness.yaml": CHECKLIST });
    try {
      const r = await runCli(["audit", "--no-exec", "-f", "json"], { cwd: p.dir, env: { PGPASSWORD: "env-secret" } });
      const report = JSON.parse(r.stdout) as Report;
      const items = report.sections[0]!.items;
      expect(items.map((i) => i.result)).toEqual(["skipped", "fail", "fail", "pass"]);
      expect(items[0]!.message).toMatch(/--no-exec/);
      expect(items[1]!.message).toContain("postgresql://app:***@127.0.0.1:1/app: connection refused");
      expect(items[2]!.message).toContain("redis://:***@127.0.0.1:1: connection refused");
      expect(r.stdout + r.stderr).not.toMatch(/env-secret|literal-secret/);
    } finally {
      p.cleanup();
    }
  });
});
