/**
 * The composite GitHub Action (action.yml): its inputs, and its script run for real with bash
 * against a stand-in `npx` that records its argv and writes a JSON report.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderJson } from "../../../src/reports/json.js";
import { noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";

interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; run: string; env: Record<string, string> }[] };
}

const action = parse(readFileSync(new URL("../../../action.yml", import.meta.url), "utf8")) as Action;
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the action's script with the given inputs; returns npx's argv, GITHUB_OUTPUT and the exit code. */
function run(inputs: Record<string, string>, exitCode = 1): { argv: string[]; output: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), "readiness-action-"));
  dirs.push(dir);
  const step = action.runs.steps[0]!;
  const env: Record<string, string> = { PATH: `${dir}:${process.env.PATH ?? ""}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: join(dir, "out"), GITHUB_RUN_ID: "7", GITHUB_JOB: "audit" };
  for (const [k, expr] of Object.entries(step.env)) {
    const name = /inputs\.([\w-]+)/.exec(expr)![1]!;
    env[k] = inputs[name] ?? action.inputs[name]?.default ?? "";
  }
  writeFileSync(join(dir, "report.json"), renderJson(noGoReport(), PLAIN));
  // Stand-in npx: records argv (one per line), writes the JSON report where --output json= says.
  writeFileSync(
    join(dir, "npx"),
    `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/argv"\nfor a in "$@"; do case "$a" in json=*) cp "${dir}/report.json" "\${a#json=}";; esac; done\nexit ${exitCode}\n`,
  );
  chmodSync(join(dir, "npx"), 0o755);
  writeFileSync(join(dir, "out"), "");
  let code = 0;
  try {
    execFileSync("bash", ["-e", "-c", step.run], { env, cwd: dir, stdio: "pipe" });
  } catch (error) {
    code = (error as { status: number }).status;
  }
  return { argv: readFileSync(join(dir, "argv"), "utf8").trimEnd().split("\n"), output: readFileSync(join(dir, "out"), "utf8"), code };
}

describe("action.yml", () => {
  it("is a composite action with the documented inputs and outputs", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["checklist", "format", "reports", "fail-on", "args", "baseline"]));
    expect(action.inputs["fail-on"]!.default).toBe("no-go");
    expect(Object.keys(action.outputs)).toEqual(["verdict", "score", "verified-score", "exit-code", "report-json"]);
    expect(action.runs.steps[0]!.run).not.toContain("${{");
  });

  it("runs npx readiness audit with the inputs, and passes its exit code and verdict on", () => {
    const { argv, output, code } = run({
      checklist: "ops/readiness.yaml",
      format: "markdown",
      reports: "junit=reports/r.xml\nhtml=reports/r.html",
      "fail-on": "conditional",
      args: "--strict --env staging",
      baseline: "last.json",
    });
    expect(code).toBe(1);
    expect(argv.slice(0, 3)).toEqual(["--yes", "readiness", "audit"]);
    expect(argv).toContain("ops/readiness.yaml");
    expect(argv.join(" ")).toContain("--format markdown --fail-on conditional --output json=");
    expect(argv.join(" ")).toContain("--output junit=reports/r.xml --output html=reports/r.html --baseline last.json --strict --env staging");
    expect(output).toContain("exit-code=1\n");
    expect(output).toContain("verdict=NO-GO\n");
    expect(output).toContain("score=31\n");
    expect(output).toContain("verified-score=24\n");
    expect(output).toMatch(/report-json=.*readiness-report-7-audit\.json/);
  });

  it("pins a version when asked and passes a clean audit", () => {
    const { argv, code } = run({ version: "0.1.0" }, 0);
    expect(code).toBe(0);
    expect(argv.slice(0, 3)).toEqual(["--yes", "readiness@0.1.0", "audit"]);
    expect(argv).not.toContain("--baseline");
  });

  it("does not let an input run shell", () => {
    const { argv } = run({ args: "$(touch pwned) ; `id`", checklist: "a b.yaml" });
    // Split on spaces like the input says, but never evaluated.
    expect(argv).toEqual(expect.arrayContaining(["$(touch", "pwned)", ";", "`id`", "a b.yaml"]));
    expect(argv.some((a) => /^uid=/.test(a))).toBe(false);
  });
});
