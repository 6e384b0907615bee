/**
 * The library API as a program would use it: load a file, audit it against a real server, render.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, checkChecklistText, loadChecklist, ReadinessError, renderReport, type Report } from "../../src/index.js";
import { tempProject } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

let server: Running;
beforeAll(async () => {
  server = await startHttpServer((_req, res) => void res.writeHead(200).end("ok"));
});
afterAll(() => server.close());

describe("library API", () => {
  it("loadChecklist → audit → renderReport", async () => {
    const p = tempProject({
      "readiness.yaml": `version: 1\nname: API\nvars: { url: "\${env.URL}" }\nsections:\n  - title: S\n    items:\n      - { title: Up, severity: critical, probes: [{ http: "\${vars.url}" }] }\n`,
    });
    try {
      const checklist = await loadChecklist(`${p.dir}/readiness.yaml`, { env: { URL: server.url } });
      const report: Report = await audit(checklist, { concurrency: 2, now: () => new Date("2026-11-23T00:00:00Z") });
      expect([report.verdict, report.score, report.started_at]).toEqual(["GO", 100, "2026-11-23T00:00:00.000Z"]);
      // The URL came from the environment: masked in every rendering.
      for (const format of ["terminal", "markdown", "json", "junit", "html"] as const) {
        const text = renderReport(report, format);
        expect(text, format).not.toContain(server.url);
      }
      expect(JSON.parse(renderReport(report, "json"))).toMatchObject({ verdict: "GO", schema_version: 1 });
    } finally {
      p.cleanup();
    }
  });

  it("invalid input: checkChecklistText returns issues, loadChecklist throws a ReadinessError carrying them", async () => {
    const { checklist, issues } = checkChecklistText("version: 2\nsections: []\n", "x.yaml", { env: {} });
    expect(checklist).toBeUndefined();
    expect(issues).toEqual([{ file: "x.yaml", line: 1, column: 10, path: "/version", message: "expected 1; got 2", level: "error" }]);
    const p = tempProject({ "bad.yaml": "version: 2\nsections: []\n" });
    try {
      const err: unknown = await loadChecklist(`${p.dir}/bad.yaml`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReadinessError);
      expect((err as ReadinessError).issues).toHaveLength(1);
    } finally {
      p.cleanup();
    }
  });
});
