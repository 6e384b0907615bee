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
