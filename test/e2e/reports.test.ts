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

describe("pictures over real reports", () => {
  it("diff draws the score over every report given (terminal, Markdown, HTML), the diff stays between the last two; --baseline draws two points; merge a row of cells per service", async () => {
    const p = tempProject({ "readiness.yaml": checklist() });
    try {
      const env = { API_TOKEN: SECRET };
      // Three runs: up, down, up again.
      for (const [name, up] of [["r1.json", true], ["r2.json", false], ["r3.json", true]] as const) {
        healthy = up;
        await runCli(["audit", "-q", "-o", `json=${name}`], { cwd: p.dir, env });
      }
      healthy = true;
      const reports = ["r1.json", "r2.json", "r3.json"];

      const json = await runCli(["diff", ...reports, "-f", "json"], { cwd: p.dir });
      expect(json.code).toBe(0); // r2 → r3 got better
      const d = JSON.parse(json.stdout) as { old: { score: number }; new: { score: number }; newly_passing: { id: string }[]; trend: { label: string; score: number; verified_score: number }[] };
      expect(d.trend.map((t) => [t.label, t.score])).toEqual([
        ["r1.json", 72],
        ["r2.json", 17],
        ["r3.json", 72],
      ]);
      expect([d.old.score, d.new.score, d.newly_passing.map((c) => c.id)]).toEqual([17, 72, ["health"]]);

      const term = await runCli(["diff", ...reports], { cwd: p.dir, env: { COLUMNS: "80" } });
      // Eight heights over 0–100: 72 → ▆, 17 → ▂; verified 56 → ▅, 0 → ▁.
      expect(term.stdout).toMatch(/^Score {5}▆▂▆ {2}72 → 72$/m);
      expect(term.stdout).toMatch(/^Verified {2}▅▁▅ {2}56 → 56$/m);
      for (const line of term.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);

      const md = await runCli(["diff", ...reports, "-f", "markdown"], { cwd: p.dir });
      expect(md.stdout).toContain("| r1.json | ");
      expect(md.stdout).toMatch(/\| r2\.json \| \d{4}-\d{2}-\d{2} \| NO-GO \| 17 \| 0 \|/);

      const html = await runCli(["diff", ...reports, "-f", "html"], { cwd: p.dir });
      expect(html.code).toBe(0);
      expect(html.stdout).toMatch(/^<!doctype html>/);
      expect(html.stdout).toContain("Content-Security-Policy");
      // The picture: an inline SVG, named and described for a screen reader, three points a series.
      const svg = /<svg role="img" aria-labelledby="trend-title trend-desc"[^>]*>([\s\S]*?)<\/svg>/.exec(html.stdout)?.[1] ?? "";
      expect(svg).toContain("<title id=\"trend-title\">Score 72 → 72, verified 56 → 56 over 3 reports</title>");
      expect(svg).toContain("r2.json (");
      expect(svg.match(/<circle /g)).toHaveLength(6);
      // No external resource anywhere in the page.
      expect(html.stdout).not.toMatch(/(src|href)=|url\(|@import|https?:\/\/(?!www\.w3\.org)/);

      const one = await runCli(["diff", "r1.json"], { cwd: p.dir });
      expect(one.code).toBe(2);
      expect(one.stderr).toMatch(/readiness: .*two or more/);

      healthy = false;
      const base = await runCli(["audit", "-q", "-o", "markdown=b.md", "-o", "html=b.html", "--baseline", "r1.json"], { cwd: p.dir, env });
      healthy = true;
      expect(base.code).toBe(1);
      const bmd = readFileSync(join(p.dir, "b.md"), "utf8");
      expect(bmd).toMatch(/\| r1\.json \| \d{4}-\d{2}-\d{2} \| CONDITIONAL \| 72 \| 56 \|\n\| this run \| \d{4}-\d{2}-\d{2} \| NO-GO \| 17 \| 0 \|/);
      expect(readFileSync(join(p.dir, "b.html"), "utf8")).toContain("Score 72 → 17, verified 56 → 0 over 2 reports</title>");

      // merge: a row of cells per service, one per item (health, missing-doc, claimed).
      const mt = await runCli(["merge", "r1.json", "r2.json"], { cwd: p.dir });
      expect(mt.stdout).toMatch(/^ {4}✘✘✔$/m); // r2: health fails, runbook missing, on-call attested
      expect(mt.stdout).toMatch(/^ {4}✔✘✔$/m);
      const mm = await runCli(["merge", "r1.json", "r2.json", "-f", "markdown"], { cwd: p.dir });
      expect(mm.stdout).toContain("| ❌⬜☑️ |");
      expect(mm.stdout).toContain("| ✅⬜☑️ |");
      const mh = await runCli(["merge", "r1.json", "r2.json", "-f", "html"], { cwd: p.dir });
      expect(mh.stdout).toContain('<div class="cells" role="img" aria-label="3 items: 1 fail, 1 missing, 1 attested"><span class="cell cell-fail" title="health: fail">✘</span>');
    } finally {
      p.cleanup();
      healthy = true;
    }
  });
});

