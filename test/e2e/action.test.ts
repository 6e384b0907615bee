/**
 * The GitHub Action (action.yml), its step run the way the runner runs it: `run:` under bash with
 * the inputs in the environment as action.yml maps them, GITHUB_ACTION_PATH at this checkout (built),
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files, one RUNNER_TEMP for the whole job.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli.js";

interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; run: string; shell: string; env: Record<string, string> }[] };
}

const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as Action;
const job = mkdtempSync(join(tmpdir(), "readiness-action-job-"));
const workspace = join(job, "workspace");
const runnerTemp = join(job, "runner-temp");
mkdirSync(workspace);
mkdirSync(runnerTemp);
afterAll(() => rmSync(job, { recursive: true, force: true }));

writeFileSync(join(workspace, "present.txt"), "here\n");
writeFileSync(
  join(workspace, "readiness.yaml"),
  `version: 1
name: Action test
sections:
  - id: files
    title: Files
    items:
      - { id: present, title: Present file, severity: critical, probes: [{ file: present.txt }] }
      - { id: greeting, title: Greeting var, severity: high, probes: [{ file: "\${vars.greeting}.txt" }] }
vars: { greeting: present }
`,
);
writeFileSync(join(workspace, "broken.yaml"), "version: 1\nname: Broken\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: a, title: A, severty: high }\n");
writeFileSync(
  join(workspace, "failing.yaml"),
  "version: 1\nname: Failing\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: gone, title: Missing file, severity: critical, probes: [{ file: absent.txt }] }\n",
);

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT as the runner reads it: the last value of each name wins. */
  outputs: Record<string, string>;
  summary: string;
}

let step = 0;

/** Runs the action's step once, as one step of the job: its own GITHUB_OUTPUT and summary files. */
function runStep(inputs: Record<string, string>): StepResult {
  step += 1;
  const spec = action.runs.steps[0]!;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? job,
    GITHUB_ACTIONS: "true",
    CI: "true",
    NO_COLOR: "1",
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: join(job, `output-${step}`),
    GITHUB_STEP_SUMMARY: join(job, `summary-${step}`),
  };
  writeFileSync(env.GITHUB_OUTPUT!, "");
  writeFileSync(env.GITHUB_STEP_SUMMARY!, "");
  for (const [name, expr] of Object.entries(spec.env)) {
    const input = /inputs\.([\w-]+)/.exec(expr)![1]!;
    env[name] = inputs[input] ?? action.inputs[input]?.default ?? "";
  }
  const r = spawnSync(spec.shell, ["-e", "-c", spec.run], { cwd: workspace, env, encoding: "utf8", timeout: 60_000 });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(env.GITHUB_OUTPUT!, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8") };
}

describe("action.yml", () => {
  it("is a composite action that runs its own script from GITHUB_ACTION_PATH, inputs through the environment", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.outputs)).toEqual(["verdict", "score", "verified-score", "exit-code", "report-json"]);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["checklist", "format", "reports", "fail-on", "baseline", "args", "version", "working-directory"]));
    const spec = action.runs.steps[0]!;
    expect(spec.run).toContain("$GITHUB_ACTION_PATH");
    expect(spec.run).not.toContain("${{");
    expect(spec.run).not.toContain("npx");
  });

  it("GO: outputs from this run's report, the summary written, exit 0", () => {
    const r = runStep({ reports: "junit=reports/r.xml\nhtml=reports/r.html" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ verdict: "GO", score: "100", "verified-score": "100", "exit-code": "0" });
    expect(r.outputs["report-json"]).toMatch(/report\.json$/);
    expect(JSON.parse(readFileSync(r.outputs["report-json"]!, "utf8")).verdict).toBe("GO");
    expect(existsSync(join(workspace, "reports/r.xml")) && existsSync(join(workspace, "reports/r.html"))).toBe(true);
    expect(r.summary).toContain("GO");
  });

  it("NO-GO: exit 1, outputs, an annotation at the item's line", () => {
    const r = runStep({ checklist: "failing.yaml" });
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ verdict: "NO-GO", score: "0", "exit-code": "1" });
    expect(r.stdout).toMatch(/^::error file=failing\.yaml,line=7/m);
    expect(r.summary).toContain("NO-GO");
  });

  it("bad input: exit 2, verdict and scores empty, one clear error", () => {
    const r = runStep({ checklist: "broken.yaml" });
    expect(r.code).toBe(2);
    expect(r.outputs).toEqual({ verdict: "", score: "", "verified-score": "", "exit-code": "2", "report-json": "" });
    expect(r.stderr).toContain("broken.yaml:7:");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toContain("::error title=readiness::the audit did not run (exit code 2");
    expect(r.summary).toContain("the audit did not run");
  });

  it("two runs in one job: the second run's outputs are its own, never the first's", () => {
    const first = runStep({ checklist: "failing.yaml" });
    expect(first.outputs).toMatchObject({ verdict: "NO-GO", "exit-code": "1" });
    const second = runStep({ checklist: "broken.yaml" });
    expect(second.outputs).toEqual({ verdict: "", score: "", "verified-score": "", "exit-code": "2", "report-json": "" });
    // The first run's report is still there (it is that run's output), and the second did not read it.
    expect(existsSync(first.outputs["report-json"]!)).toBe(true);
    const third = runStep({});
    expect(third.outputs).toMatchObject({ verdict: "GO", "exit-code": "0" });
    expect(third.outputs["report-json"]).not.toBe(first.outputs["report-json"]);
  });

  it("version: the action's own version runs its own code; a version that is not one is refused", () => {
    const own = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(runStep({ version: own }).outputs).toMatchObject({ verdict: "GO", "exit-code": "0" });
    const bad = runStep({ version: "1.0.0 --registry=http://evil" });
    expect(bad.code).toBe(2);
    expect(bad.outputs).toMatchObject({ verdict: "", "exit-code": "2" });
    expect(bad.stdout).toContain("is not a version or dist-tag of readiness-cli");
  });

  it("passes multi-line args whole, quotes kept, nothing expanded", () => {
    // The second line decides the verdict: it must reach the audit.
    const r = runStep({ args: "--strict\n--var 'greeting=no such'\n--fail-on never" });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(r.outputs["report-json"]!, "utf8"));
    expect(report.options.strict).toBe(true);
    expect(report.verdict).not.toBe("GO");
    expect(JSON.stringify(report)).toContain("no such.txt");

    const shell = runStep({ args: "--var greeting=$(touch${IFS}pwned) `touch pwned2`" });
    expect(shell.code).toBe(2); // `touch pwned2` is an unknown argument
    expect(existsSync(join(workspace, "pwned")) || existsSync(join(workspace, "pwned2"))).toBe(false);
    expect(runStep({ args: "--var 'a=b" }).stdout).toContain("unclosed quote");
  });
});
