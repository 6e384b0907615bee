/**
 * Reports through the CLI: every format from one run, files, schema validation, JUnit parsing,
 * GitHub Actions annotations and step summary, baseline, diff and merge.
 */
import { Ajv } from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { ROOT, runCli, tempProject } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

let api: Running;
let healthy = true;
beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    if (req.url === "/health") return void res.writeHead(healthy ? 200 : 503).end(healthy ? "ok" : "down");
    res.writeHead(404).end();
  });
});
afterAll(() => api.close());

const SECRET = "sekr1t-value-42";
const HOSTILE = 'Pipes | `ticks` <script>alert(1)</script> & "quotes"';

const checklist = (): string => `version: 1
name: Reports E2E
vars:
  token: \${env.API_TOKEN}
sections:
  - id: svc
    title: Service ${HOSTILE.replace(/"/g, "'")}
    items:
      - id: health
        title: "${HOSTILE.replace(/"/g, '\\"')}"
        severity: critical
        probes:
          - http: ${api.url}/health
            headers: { Authorization: "Bearer \${vars.token}" }
      - id: missing-doc
        title: Runbook written
        severity: high
        status: missing
      - id: claimed
        title: On-call trained
        status: done
`;

describe("every format from the same run", () => {
  it("writes terminal, markdown, json, junit, html and badge, all valid and masked", async () => {
    healthy = true;
    const p = tempProject({ "readiness.yaml": checklist() });
    try {
      const outs = ["markdown=r/report.md", "json=r/report.json", "junit=r/junit.xml", "html=r/report.html", "badge=r/badge.svg", "terminal=r/report.txt"];
      const r = await runCli(["audit", ...outs.flatMap((o) => ["-o", o])], { cwd: p.dir, env: { API_TOKEN: SECRET } });
      expect(r.code).toBe(0); // CONDITIONAL: a high item is missing
      const files = Object.fromEntries(["report.md", "report.json", "junit.xml", "report.html", "badge.svg", "report.txt"].map((f) => [f, readFileSync(join(p.dir, "r", f), "utf8")]));
      for (const [name, text] of Object.entries({ ...files, stdout: r.stdout, stderr: r.stderr })) {
        expect(text, name).not.toContain(SECRET);
        expect(text, name).not.toContain("\x1b");
      }
      // No temp files left beside the reports.
      expect(readdirSync(join(p.dir, "r")).sort()).toEqual(["badge.svg", "junit.xml", "report.html", "report.json", "report.md", "report.txt"]);

      const json = JSON.parse(files["report.json"]!) as Report;
      const schema: unknown = JSON.parse(readFileSync(join(ROOT, "schemas", "report.schema.json"), "utf8"));
      const validate = new Ajv({ allErrors: true, strict: false }).compile(schema as object);
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      expect(json.verdict).toBe("CONDITIONAL");
      expect([json.score, json.verified_score]).toEqual([Math.round((100 * 13) / 18), Math.round((100 * 10) / 18)]);

      expect(XMLValidator.validate(files["junit.xml"]!)).toBe(true);
      const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(files["junit.xml"]!) as { testsuites: { testsuite: { testcase: { name: string; failure?: unknown }[] } | { testcase: unknown[] }[] } };
      const suites = [junit.testsuites.testsuite].flat() as { testcase: { name: string; failure?: unknown }[] }[];
      const cases = suites.flatMap((s) => [s.testcase].flat());
      expect(cases).toHaveLength(3);
      expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(1);
      expect(cases.map((c) => c.name).join("\n")).toContain("<script>");

      // User-written text can't inject HTML or break the Markdown tables.
      expect(files["report.md"]).not.toContain("<script>");
      expect(files["report.html"]).not.toContain("<script>alert");
      expect(files["report.html"]).not.toMatch(/(src|href)=["']https?:/);
      expect(files["badge.svg"]).toMatch(/^<svg[\s\S]*CONDITIONAL[\s\S]*<\/svg>\s*$/);
    } finally {
      p.cleanup();
    }
  });
});

describe("GitHub Actions", () => {
  it("prints annotations pointing at the item's line and appends the step summary", async () => {
    healthy = false;
    const p = tempProject({ "readiness.yaml": checklist() });
    try {
      const summary = join(p.dir, "summary.md");
      writeFileSync(summary, "previous step\n");
      const r = await runCli(["audit", "-f", "json"], { cwd: p.dir, env: { API_TOKEN: SECRET, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: p.dir } });
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as Report).verdict).toBe("NO-GO"); // stdout is still clean JSON
      const annotations = r.stderr.split("\n").filter((l) => l.startsWith("::"));
      expect(annotations[0]).toMatch(/^::error file=readiness\.yaml,line=9,title=readiness%3A critical item health fail::/);
      expect(annotations[1]).toMatch(/^::error file=readiness\.yaml,line=15,title=readiness%3A high item missing-doc missing::Runbook written/);
      expect(r.stderr).not.toContain(SECRET);
      // With the terminal report, annotations go to stdout, where GitHub documents them.
      const text = await runCli(["audit"], { cwd: p.dir, env: { API_TOKEN: SECRET, GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: p.dir } });
      expect(text.stdout.split("\n").filter((l) => l.startsWith("::error file=readiness.yaml,line=9,"))).toHaveLength(1);
      expect(text.stderr).not.toContain("::error");
      const appended = readFileSync(summary, "utf8");
      expect(appended.startsWith("previous step\n")).toBe(true);
      expect(appended).toContain("NO-GO");
      expect(appended).not.toContain(SECRET);
    } finally {
      p.cleanup();
      healthy = true;
    }
  });
});

describe("baseline, diff and merge", () => {
  it("--baseline shows deltas; diff exits 1 on a regression; merge exits 1 if any service is NO-GO", async () => {
    const p = tempProject({ "readiness.yaml": checklist() });
    try {
      const env = { API_TOKEN: SECRET };
      healthy = true;
      expect((await runCli(["audit", "-q", "-o", "json=good.json"], { cwd: p.dir, env })).code).toBe(0);
      healthy = false;
      const bad = await runCli(["audit", "-f", "json", "-o", "json=bad.json", "--baseline", "good.json"], { cwd: p.dir, env });
      expect(bad.code).toBe(1);
      const report = JSON.parse(bad.stdout) as Report;
      expect(report.baseline?.score_delta).toBe(17 - 72);
      expect(report.baseline?.newly_failing.map((c) => c.id)).toEqual(["health"]);

      const worse = await runCli(["diff", "good.json", "bad.json"], { cwd: p.dir });
      expect(worse.code).toBe(1);
      expect(worse.stdout).toContain("health");
      const better = await runCli(["diff", "bad.json", "good.json", "-f", "json"], { cwd: p.dir });
      expect(better.code).toBe(0);
      expect((JSON.parse(better.stdout) as { regressed: boolean }).regressed).toBe(false);

      const fleet = await runCli(["merge", "good.json", "bad.json", "-f", "json"], { cwd: p.dir });
      expect(fleet.code).toBe(1);
      const merged = JSON.parse(fleet.stdout) as { verdict: string; services: { verdict: string }[] };
      expect(merged.verdict).toBe("NO-GO");
      expect(merged.services.map((s) => s.verdict)).toEqual(["NO-GO", "CONDITIONAL"]);

      writeFileSync(join(p.dir, "broken.json"), "{ not json");
      const broken = await runCli(["diff", "good.json", "broken.json"], { cwd: p.dir });
      expect(broken.code).toBe(2);
      // V8 words the cause its own way; the place is ours.
      expect(broken.stderr).toMatch(/^broken\.json:1:3: not valid JSON: [^\n]+\nreadiness: broken\.json:1:3: not valid JSON \([^\n]+\)\n$/);
      expect((await runCli(["merge", "nope.json"], { cwd: p.dir })).code).toBe(2);
      expect(existsSync(join(p.dir, "nope.json"))).toBe(false);
    } finally {
      p.cleanup();
      healthy = true;
    }
  });
});
