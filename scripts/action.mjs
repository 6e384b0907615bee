// The GitHub Action's step (action.yml runs `node "$GITHUB_ACTION_PATH/scripts/action.mjs"`).
//
// It runs the action's own code: the checkout of the ref a workflow names in `uses:` sits in
// GITHUB_ACTION_PATH, and is installed and built there once per job (a second run in the same job
// finds it built). That works for any tag, branch, SHA or fork, and needs no package registry.
// The `version` input installs that published `readiness-cli` version instead, into RUNNER_TEMP;
// empty (the default) or the action's own version means the action's own code.
//
// Inputs arrive as INPUT_* environment variables (action.yml maps them; they are never pasted into
// a script, so no input can run shell). Outputs go to GITHUB_OUTPUT, all five on every run: a run
// that fails before a report exists (bad input, exit 2) sets `verdict`, `score`, `verified-score`
// and `report-json` empty, never to a previous run's values. Each run writes its JSON report to a
// new file, so a report left by an earlier run in the same job is never read. `readiness audit`
// itself writes the step summary and the annotations (GITHUB_ACTIONS=true); this script adds a
// summary line when the audit could not run.
//
// Only Node built-ins: it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Splits `args` into words at spaces, tabs and newlines; '…' and "…" keep spaces inside one word and
 * a backslash escapes the next character. Nothing is expanded: `$HOME`, `*` and `$(…)` stay literal.
 * An unclosed quote is an error (null).
 */
function splitArgs(text) {
  const words = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && (text[i + 1] === '"' || text[i + 1] === "\\")) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + c;
  }
  if (quote) return null;
  if (word !== null) words.push(word);
  return words;
}

/** The `readiness audit` argv the inputs describe (reports are FORMAT=PATH words). */
function auditArgs(inputs, jsonPath) {
  const args = ["audit"];
  if (inputs.checklist) args.push(inputs.checklist);
  args.push("--format", inputs.format || "terminal", "--fail-on", inputs.failOn || "no-go", "--output", `json=${jsonPath}`);
  for (const pair of inputs.reports.split(/\s+/).filter(Boolean)) args.push("--output", pair);
  if (inputs.baseline) args.push("--baseline", inputs.baseline);
  return args;
}

const env = process.env;
const input = (name) => (env[`INPUT_${name}`] ?? "").trim();

/** Appends `name=value` lines to GITHUB_OUTPUT (values here never hold a newline). */
function setOutputs(outputs) {
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${String(v ?? "").replace(/[\r\n]/g, " ")}\n`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, lines.join(""));
}

/** A workflow command's data with the characters GitHub gives meaning escaped. */
const commandData = (s) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

function fail(code, message) {
  process.stdout.write(`::error title=readiness::${commandData(message)}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `**readiness**: ${message.replace(/[<>&|`*_[\]]/g, (c) => `&#${c.charCodeAt(0)};`)}\n\n`);
  return code;
}

/** npm: on Windows a .cmd, which needs a shell (the arguments here are fixed words). */
const npm = (args, options) => run(process.platform === "win32" ? "npm.cmd" : "npm", args, { shell: process.platform === "win32", ...options });

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: "inherit", ...options });
  if (r.error) return { code: 127, error: r.error.message };
  return { code: r.status ?? (r.signal === "SIGTERM" ? 143 : 130) };
}

/** The command line to run readiness with: [node, bin], from the action's checkout or the pinned version. */
function readinessBin(actionPath, version) {
  const own = JSON.parse(readFileSync(join(actionPath, "package.json"), "utf8")).version;
  if (!version || version === own || version === `v${own}`) {
    if (!existsSync(join(actionPath, "dist", "index.js"))) {
      process.stdout.write("::group::readiness: installing and building the action's own code\n");
      for (const step of [["ci", "--no-audit", "--no-fund"], ["run", "build"]]) {
        const r = npm(step, { cwd: actionPath, stdio: ["ignore", process.stderr, process.stderr] });
        if (r.code !== 0) return { error: `npm ${step.join(" ")} in ${actionPath} failed (exit ${r.code})` };
      }
      process.stdout.write("::endgroup::\n");
    }
    return { bin: join(actionPath, "bin", "readiness.js") };
  }
  if (!/^[0-9A-Za-z.+-]+$/.test(version)) return { error: `version "${version}" is not a version or dist-tag of readiness-cli` };
  const prefix = join(env.RUNNER_TEMP || tmpdir(), `readiness-cli@${version}`);
  const bin = join(prefix, "node_modules", "readiness-cli", "bin", "readiness.js");
  if (!existsSync(bin)) {
    process.stdout.write(`::group::readiness: installing readiness-cli@${version}\n`);
    mkdirSync(prefix, { recursive: true });
    const r = npm(["install", "--no-audit", "--no-fund", "--no-save", "--prefix", prefix, `readiness-cli@${version}`], { stdio: ["ignore", process.stderr, process.stderr] });
    process.stdout.write("::endgroup::\n");
    if (r.code !== 0 || !existsSync(bin)) return { error: `npm install readiness-cli@${version} failed (exit ${r.code})` };
  }
  return { bin };
}

function main() {
  // Every output is set, empty, before anything can fail: no value survives from an earlier run.
  const outputs = { verdict: "", score: "", "verified-score": "", "exit-code": "2", "report-json": "" };
  const finish = (code) => {
    outputs["exit-code"] = String(code);
    setOutputs(outputs);
    return code;
  };
  const actionPath = env.GITHUB_ACTION_PATH;
  if (!actionPath) return finish(fail(2, "GITHUB_ACTION_PATH is not set: run this script as the action's step (action.yml)"));
  const extra = splitArgs(env.INPUT_ARGS ?? "");
  if (!extra) return finish(fail(2, "the args input has an unclosed quote"));

  const found = readinessBin(actionPath, input("VERSION"));
  if (found.error) return finish(fail(2, found.error));

  // A new file for this run's report: an earlier run's report is never read as this one's.
  const dir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), "readiness-"));
  const json = join(dir, "report.json");
  const inputs = { checklist: input("CHECKLIST"), format: input("FORMAT"), reports: input("REPORTS"), failOn: input("FAIL_ON"), baseline: input("BASELINE") };
  const args = [...auditArgs(inputs, json), ...extra];
  const r = run(process.execPath, [found.bin, ...args]);
  if (r.error) return finish(fail(2, `could not start readiness: ${r.error}`));

  if (existsSync(json)) {
    try {
      const report = JSON.parse(readFileSync(json, "utf8"));
      outputs.verdict = report.verdict ?? "";
      outputs.score = report.score ?? "";
      outputs["verified-score"] = report.verified_score ?? "";
      outputs["report-json"] = json;
    } catch (e) {
      process.stdout.write(`::warning title=readiness::${commandData(`could not read the JSON report ${json}: ${e.message}`)}\n`);
    }
  } else if (r.code !== 0) {
    fail(r.code, `the audit did not run (exit code ${r.code}: ${r.code === 2 ? "bad input or usage" : "stopped"}); the log above says why`);
  }
  return finish(r.code);
}

process.exitCode = main();
