/**
 * A verdict a team can gate on: the same checklist against the same healthy targets gives the same
 * verdict run after run, whatever readiness's own load (its command probes) does to the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { runCli, tempProject } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

let api: Running;
beforeAll(async () => {
  api = await startHttpServer((_req, res) => void res.writeHead(200).end("ok"));
});
afterAll(async () => {
  await api.close();
});

const checklist = (items: string, head = ""): string => `version: 1\nname: Verdict\n${head}sections:\n  - id: main\n    title: Main\n    items:\n${items}`;

describe("latency is measured without readiness's own load in it", () => {
  it("12 max_latency probes of a server answering at once, beside 8 CPU-busy commands: GO in every run", async () => {
    const p = tempProject();
    try {
      let items = "";
      // The commands first, so that they are running while the requests are made.
      for (let i = 0; i < 8; i++) items += `      - id: busy-${i}\n        title: busy ${i}\n        severity: high\n        probes:\n          - command: node -e "let t=Date.now();while(Date.now()-t<200);"\n`;
      for (let i = 0; i < 12; i++) items += `      - id: api-${i}\n        title: api ${i}\n        severity: critical\n        probes:\n          - http: ${api.url}/api/${i}\n            max_latency: 100ms\n`;
      const file = p.write("readiness.yaml", checklist(items, "gate:\n  verified: 0\n"));
      const verdicts: string[] = [];
      for (let run = 0; run < 8; run++) {
        const r = await runCli(["audit", file, "-f", "json"], { cwd: p.dir });
        const report = JSON.parse(r.stdout) as Report;
        const failing = report.sections[0]?.items.filter((i) => i.result !== "pass").map((i) => `${i.id}: ${i.message ?? ""}`);
        verdicts.push(`${report.verdict}${failing?.length ? ` (${failing.join("; ")})` : ""}`);
      }
      expect(verdicts).toEqual(Array(8).fill("GO"));
    } finally {
      p.cleanup();
    }
  }, 120_000);
});

describe("evidence-first defaults", () => {
  it("a checklist of claims without probes is CONDITIONAL, saying why and how to opt out; gate.verified: 0 accepts it", async () => {
    const p = tempProject();
    try {
      const items = ["a", "b", "c"].map((id) => `      - id: ${id}\n        title: ${id} done\n        severity: critical\n        status: done\n`).join("");
      const claims = p.write("claims.yaml", checklist(items));
      const r = await runCli(["audit", claims, "-f", "json"], { cwd: p.dir });
      const report = JSON.parse(r.stdout) as Report;
      expect([r.code, report.verdict, report.score, report.verified_score, report.gate.verified]).toEqual([0, "CONDITIONAL", 100, 0, 50]);
      expect(report.reasons).toEqual(["verified score 0 is below the required 50: too little of the score comes from passing probes (add probes, or set gate.verified: 0 to accept claims)"]);
      expect((await runCli(["audit", claims, "--fail-on", "conditional"], { cwd: p.dir })).code).toBe(1);
      const optOut = p.write("opt-out.yaml", checklist(items, "gate:\n  verified: 0\n"));
      expect(JSON.parse((await runCli(["audit", optOut, "-f", "json"], { cwd: p.dir })).stdout)).toMatchObject({ verdict: "GO", reasons: [] });
    } finally {
      p.cleanup();
    }
  });

  it("an unknown gate.flaky or gate.contradicted value, and --stable 0, are one line and exit 2", async () => {
    const p = tempProject();
    try {
      const bad = p.write("bad.yaml", checklist(`      - id: a\n        title: A\n        status: done\n`, "gate:\n  flaky: maybe\n  contradicted: sometimes\n"));
      const r = await runCli(["audit", bad], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('bad.yaml:4:10: expected one of fail, warn; got "maybe" (at /gate/flaky)\n');
      expect(r.stderr).toContain('bad.yaml:5:17: expected one of block, conditional, ignore; got "sometimes" (at /gate/contradicted)\n');
      const good = p.write("good.yaml", checklist(`      - id: a\n        title: A\n        status: done\n`));
      const stable = await runCli(["audit", good, "--wait", "5s", "--stable", "0"], { cwd: p.dir });
      expect([stable.code, stable.stderr.trim()]).toEqual([2, "readiness: --stable 0: expected a whole number from 1 to 1000"]);
    } finally {
      p.cleanup();
    }
  });
});

describe("flaky is a result people see", () => {
  it("a probe that passed on its second attempt is a flaky pass in JSON, terminal, Markdown, HTML and a GitHub warning; gate.flaky: fail fails it", async () => {
    let calls = 0;
    const flaky = await startHttpServer((_req, res) => void res.writeHead(++calls % 2 === 1 ? 503 : 200).end("ok"));
    const p = tempProject();
    try {
      const items = `      - id: api\n        title: API answers\n        severity: critical\n        probes:\n          - http: ${flaky.url}/health\n            retries: 1\n            retry_delay: 10ms\n`;
      const file = p.write("readiness.yaml", checklist(items));
      calls = 0;
      const json = JSON.parse((await runCli(["audit", file, "-f", "json"], { cwd: p.dir })).stdout) as Report;
      expect(json.verdict).toBe("GO");
      expect(json.sections[0]?.items[0]?.probes[0]).toMatchObject({ result: "pass", attempts: 2, flaky: true, first_failure: expect.stringMatching(/expected status 2xx, got 503/) as unknown });
      expect(json.flaky).toEqual([{ id: "api", title: "API answers", target: `${flaky.url}/health`, attempts: 2, first_failure: expect.stringMatching(/got 503/) as unknown }]);
      for (const [format, heading] of [["terminal", "Flaky (1): passed only after a failed attempt"], ["markdown", "### 🎲 Flaky (1)"], ["html", "<h2>Flaky (1)"]] as const) {
        calls = 0;
        const r = await runCli(["audit", file, "-f", format], { cwd: p.dir });
        expect(r.stdout, format).toContain(heading);
      }
      calls = 0;
      const gh = await runCli(["audit", file], { cwd: p.dir, env: { GITHUB_ACTIONS: "true" } });
      expect(gh.stdout).toMatch(/^::warning file=readiness\.yaml,line=\d+,title=readiness%3A item api flaky::API answers: http:.* passed on attempt 2 after: .*got 503/m);
      calls = 0;
      const strict = p.write("strict.yaml", checklist(items, "gate:\n  flaky: fail\n"));
      const failed = JSON.parse((await runCli(["audit", strict, "-f", "json"], { cwd: p.dir })).stdout) as Report;
      expect(failed.verdict).toBe("NO-GO");
      expect(failed.sections[0]?.items[0]?.message).toMatch(/^flaky \(gate\.flaky: fail\): http:.* passed on attempt 2 after: .*got 503/);
    } finally {
      p.cleanup();
      await flaky.close();
    }
  }, 60_000);
});
