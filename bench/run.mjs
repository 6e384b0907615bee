#!/usr/bin/env node
// `npm run bench` (after `npm run build`): measures readiness side by side with its baselines and
// writes bench/results.md. Not part of the test run.
//
//   node bench/run.mjs            full run (a few minutes)
//   node bench/run.mjs --quick    fewer repetitions, no 50,000-item checklist
//
// Uses hyperfine for cold start when installed (apt-get install -y hyperfine), curl for the
// sequential loop, and wait-on installed into a temporary directory outside the repository
// (npm install --prefix $TMPDIR/readiness-bench-tools wait-on); each is reported n/a when missing.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect, createServer as createTcpServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "readiness.js");
const NODE = process.execPath;
const QUICK = process.argv.includes("--quick");
const WORK = mkdtempSync(join(tmpdir(), "readiness-bench-"));
const log = (s) => process.stderr.write(`${s}\n`);

if (!existsSync(join(ROOT, "dist", "cli.js"))) {
  log("dist/ is missing: run `npm run build` first");
  process.exit(2);
}

// ------------------------------------------------------------------------------------------------
// Helpers.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

// Variables that change Node's own start-up are left out of every measured run. NODE_EXTRA_CA_CERTS
// makes each node process read and parse a certificate bundle before any script runs (about 45 ms
// on the machine this was written on, where it is set for every process): bare node and readiness
// pay it alike, so it would hide a third of readiness's own start-up in every cold-start ratio.
// The cold-start table shows the ratio with it set too, when the environment sets it.
const STARTUP_VARS = ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS"];
const EXTRA_CA = process.env.NODE_EXTRA_CA_CERTS;
function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: "1", ...extra };
  for (const k of STARTUP_VARS) if (!(k in extra)) delete env[k];
  delete env.CI;
  return env;
}

/** Runs a command to completion; resolves with wall time, exit code, output and (for node) peak RSS. */
function timed(cmd, args, { cwd = WORK, env = {}, rss = false } = {}) {
  const rssFile = join(WORK, `rss-${Math.random().toString(36).slice(2)}.txt`);
  // CommonJS and --require: an ES module preload (--import) would start Node's ES module loader,
  // which the command line itself does not, and add its cost to every measured run.
  const preload = join(WORK, "rss-preload.cjs");
  if (rss && !existsSync(preload)) {
    writeFileSync(preload, `process.on("exit", () => process.env.BENCH_RSS_FILE && require("node:fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`);
  }
  const fullEnv = cleanEnv(env);
  if (rss) Object.assign(fullEnv, { NODE_OPTIONS: `--require=${preload}`, BENCH_RSS_FILE: rssFile });
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const wall = performance.now() - t0;
      let peakMiB;
      if (rss && existsSync(rssFile)) peakMiB = Number(readFileSync(rssFile, "utf8")) / 1024;
      done({ wall, code, stdout, stderr, peakMiB });
    });
  });
}

/**
 * A `node -e` script that starts `startOne` (with `i` and `end` in scope) `n` times, `c` at a time,
 * and prints the milliseconds all took: the bare-node baselines of the probe benchmarks.
 */
function rawLoopScript(n, c, setup, startOne) {
  return `
${setup}
const t0 = performance.now();
let started = 0, done = 0;
const one = () => {
  if (started >= ${n}) return;
  const i = started++;
  const end = () => { if (++done === ${n}) console.log(performance.now() - t0); else one(); };
  ${startOne}
};
for (let k = 0; k < ${c}; k++) one();
`;
}

/**
 * Runs each of `fns` once per round, `n` rounds: a shared VM drifts, so compared runs are made at the
 * same time. Every other round runs them in reverse order, so no command always runs first (or
 * always right after another).
 */
async function roundRobin(n, fns) {
  const out = fns.map(() => []);
  for (let i = 0; i < n; i++) {
    const order = fns.map((_, j) => j);
    if (i % 2 === 1) order.reverse();
    for (const j of order) out[j][i] = await fns[j]();
  }
  return out;
}

async function repeat(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    /* not Linux */
  }
  const nproc = (() => {
    try {
      return execFileSync("nproc", { encoding: "utf8" }).trim();
    } catch {
      return String(cpus().length);
    }
  })();
  return { nproc, model, ramGiB: (totalmem() / 1024 ** 3).toFixed(1), node: process.version, load: loadavg().map((x) => x.toFixed(1)).join(" ") };
}

// ------------------------------------------------------------------------------------------------
// Fixtures.

const small = join(WORK, "small.yaml");
writeFileSync(
  small,
  `version: 1\nname: Small\nsections:\n  - id: main\n    title: Main\n    items:\n      - id: health\n        title: Health\n        severity: critical\n        probes: [{ http: "http://127.0.0.1:9/health", status: 200 }]\n      - id: port\n        title: Port\n        probes: [{ tcp: "127.0.0.1:9" }]\n      - id: runbooks\n        title: Runbooks\n        status: done\n        attested_by: Ana\n        attested_at: 2026-10-01\n`,
);

function bigChecklist(n) {
  // Sections of 100 items, as real checklists have (50 at 5,000 items): a shape of few large
  // sections once hid a cost of many (terminal tables, README "tenth round").
  const perSection = 100;
  const lines = ["version: 1", `name: Generated ${n}`, "sections:"];
  const statuses = ["done", "partial", "missing", "in-progress"];
  const sev = ["critical", "high", "medium", "low"];
  for (let s = 0; s * perSection < n; s++) {
    lines.push(`  - id: s${s}`, `    title: Section ${s}`, "    items:");
    for (let i = s * perSection; i < Math.min(n, (s + 1) * perSection); i++) {
      // One item in ten has a (network-free, instant) probe; the rest are manual claims.
      if (i % 10 === 0) lines.push(`      - { id: i${i}, title: Item ${i}, severity: ${sev[i % 4]}, tags: [t${i % 7}], probes: [{ env: HOME }] }`);
      else lines.push(`      - { id: i${i}, title: Item ${i} title, severity: ${sev[i % 4]}, status: ${statuses[i % 4]}, attested_by: Ana, attested_at: 2026-10-01 }`);
    }
  }
  const f = join(WORK, `big-${n}.yaml`);
  writeFileSync(f, `${lines.join("\n")}\n`);
  return f;
}

function httpChecklist(base, n) {
  const items = Array.from({ length: n }, (_, i) => `      - { id: h${i}, title: H${i}, probes: [{ http: "${base}/p${i}" }] }`);
  const f = join(WORK, `http-${n}.yaml`);
  writeFileSync(f, `version: 1\nname: HTTP ${n}\nsections:\n  - id: main\n    title: Main\n    items:\n${items.join("\n")}\n`);
  return f;
}

function tcpChecklist(port, n) {
  const items = Array.from({ length: n }, (_, i) => `      - { id: t${i}, title: T${i}, probes: [{ tcp: "127.0.0.1:${port}" }] }`);
  const f = join(WORK, `tcp-${n}.yaml`);
  writeFileSync(f, `version: 1\nname: TCP ${n}\nsections:\n  - id: main\n    title: Main\n    items:\n${items.join("\n")}\n`);
  return f;
}

// ------------------------------------------------------------------------------------------------
// 1. Cold start.

async function coldStart() {
  log("cold start…");
  const runs = QUICK ? 10 : 40;
  const cmds = [
    ["bare node", "node -e 0", [NODE, "-e", "0"]],
    ["readiness --version", "readiness --version", [NODE, BIN, "--version"]],
    ["readiness validate small.yaml", "readiness validate small.yaml", [NODE, BIN, "validate", small]],
    // The same without the bundle and its code cache: the ES modules in dist/ as tsc wrote them.
    ["unbundled validate small.yaml", "node dist/main.js validate small.yaml", [NODE, join(ROOT, "dist", "main.js"), "validate", small]],
  ];
  // With this environment's NODE_EXTRA_CA_CERTS, when it has one: through env(1), both alike.
  if (EXTRA_CA && has("env")) {
    cmds.push(["bare node, extra CA certificates", "node -e 0", ["env", `NODE_EXTRA_CA_CERTS=${EXTRA_CA}`, NODE, "-e", "0"]]);
    cmds.push(["validate, extra CA certificates", "readiness validate small.yaml", ["env", `NODE_EXTRA_CA_CERTS=${EXTRA_CA}`, NODE, BIN, "validate", small]]);
  }
  // Round-robin: a shared VM drifts over seconds, so every command gets runs in every round and the
  // ratio compares runs made at the same time. With hyperfine (precise, no shell), a block of runs
  // per command per round; otherwise one run per command per round.
  const out = {};
  const samples = cmds.map(() => []);
  const roundMedians = [];
  if (has("hyperfine")) {
    const rounds = QUICK ? 2 : 8;
    const json = join(WORK, "hyperfine.json");
    const q = (a) => a.map((x) => `'${x}'`).join(" ");
    for (let round = 0; round < rounds; round++) {
      // A failed run (e.g. dist/ rebuilt under our feet by a concurrent build) fails the whole set: retry.
      for (let attempt = 1; ; attempt++) {
        try {
          execFileSync("hyperfine", ["-N", "-w", "2", "-r", String(Math.ceil(runs / rounds)), "--export-json", json, ...cmds.map(([, , a]) => q(a))], { cwd: WORK, stdio: "ignore", env: cleanEnv() });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
          log(`hyperfine failed (attempt ${attempt}), retrying`);
        }
      }
      const times = JSON.parse(readFileSync(json, "utf8")).results.map((r) => r.times.map((t) => t * 1000));
      times.forEach((t, i) => samples[i].push(...t));
      roundMedians.push(times.map(median));
    }
  } else {
    for (let round = 0; round < runs; round++) {
      const walls = [];
      for (const [, , [cmd, ...args]] of cmds) walls.push((await timed(cmd, args)).wall);
      walls.forEach((w, i) => samples[i].push(w));
      roundMedians.push(walls);
    }
  }
  const tool = has("hyperfine") ? "hyperfine" : "loop";
  // Each ratio to bare node: the median over rounds of that round's ratio, so drift between rounds cancels.
  cmds.forEach(([name], i) => (out[name] = { median: median(samples[i]), tool, n: samples[i].length, rounds: roundMedians.length, toBare: median(roundMedians.map((m) => m[i] / m[0])) }));
  return out;
}

// ------------------------------------------------------------------------------------------------
// 2. Parallel HTTP probes.

async function parallelHttp() {
  log("parallel http…");
  const N = 200;
  const server = createServer((_req, res) => setTimeout(() => res.end("ok"), 100));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const f = httpChecklist(base, N);
  const runs = QUICK ? 4 : 12;

  // The same requests from a bare node process (http.get, a new connection each, as the probe
  // makes): what Node's own HTTP client costs at this concurrency, start-up excluded.
  const raw = rawLoopScript(N, 50, 'const http = require("node:http");', `http.get({ host: "127.0.0.1", port: ${server.address().port}, path: "/p" + i, agent: false }, (res) => { res.resume(); res.on("end", end); }).on("error", end);`);
  // The least any Node client can do for the same requests: a socket each, the request written by
  // hand, the response ignored until the server closes. Its loop is the floor this server allows
  // (both processes handle each wave's 50 connections one after another), against which the
  // probe phase's distance from 4 × 100 ms reads as what is ours and what is not.
  const port = server.address().port;
  const least = rawLoopScript(N, 50, 'const { connect } = require("node:net");', `const s = connect(${port}, "127.0.0.1"); s.on("connect", () => s.write("GET /p" + i + " HTTP/1.1\\r\\nHost: 127.0.0.1:${port}\\r\\nConnection: close\\r\\n\\r\\n")); s.on("data", () => {}); s.on("end", () => { s.destroy(); end(); }); s.on("error", end);`);
  // The ideal's start-up is a cold `validate` measured the same way as the audit (spawned from
  // here with its output piped) and in the same rounds, so the two differ only by the probes.
  // Also a cold `validate` of the same 200-item checklist: a start-up that includes reading and
  // checking it, which any runner must do before its first probe (shown, not the target's measure).
  const [cli, rawRuns, starts, leastRuns, sameStarts] = await roundRobin(runs, [
    () => timed(NODE, [BIN, "audit", f, "-f", "json", "--concurrency", "50"]),
    () => timed(NODE, ["-e", raw]),
    () => timed(NODE, [BIN, "validate", small]),
    () => timed(NODE, ["-e", least]),
    () => timed(NODE, [BIN, "validate", f]),
  ]);
  const cliWall = median(cli.map((r) => r.wall));
  const probePhase = median(cli.map((r) => JSON.parse(r.stdout).duration_ms));
  const ok = cli.every((r) => r.code === 0);
  const rawLoop = median(rawRuns.map((r) => Number(r.stdout)));
  if (leastRuns.some((r) => r.code !== 0 || !Number(r.stdout))) throw new Error(`raw socket client: ${leastRuns.find((r) => r.code !== 0 || !Number(r.stdout))?.stderr}`);
  const leastLoop = median(leastRuns.map((r) => Number(r.stdout)));
  const startUp = median(starts.map((r) => r.wall));
  // Paired: each audit against the validate run in its round.
  const ratioIdeal = median(cli.map((r, i) => r.wall / (starts[i].wall + 4 * 100)));
  const sameStartUp = median(sameStarts.map((r) => r.wall));
  const ratioSame = median(cli.map((r, i) => r.wall / (sameStarts[i].wall + 4 * 100)));

  let curlWall;
  if (has("curl")) {
    const script = `for i in $(seq 0 ${N - 1}); do curl -s -o /dev/null ${base}/p$i; done`;
    curlWall = (await timed("sh", ["-c", script])).wall;
  }

  // A native client's parallel mode on the same server (curl 7.66+): each transfer on a new
  // connection, as the probe makes, start-up included. What the server and this machine allow a
  // client that spends almost nothing per request: the distance from 4 x 100 ms that is no client's.
  let curlParallelWall;
  if (has("curl")) {
    const args = ["-s", "-Z", "--parallel-max", "50", "--parallel-immediate", "-H", "Connection: close"];
    for (let i = 0; i < N; i++) args.push("-o", "/dev/null", `${base}/p${i}`);
    const par = await repeat(QUICK ? 3 : 7, () => timed("curl", args));
    if (par.every((r) => r.code === 0)) curlParallelWall = median(par.map((r) => r.wall));
  }

  let waitOnWall;
  const tools = join(tmpdir(), "readiness-bench-tools");
  const waitOn = join(tools, "node_modules", ".bin", "wait-on");
  if (!existsSync(waitOn)) {
    try {
      mkdirSync(tools, { recursive: true });
      execFileSync("npm", ["install", "--prefix", tools, "--no-audit", "--no-fund", "--silent", "wait-on"], { stdio: "ignore", timeout: 180_000 });
    } catch {
      /* offline: reported as n/a */
    }
  }
  if (existsSync(waitOn)) {
    const urls = Array.from({ length: N }, (_, i) => `http-get://127.0.0.1:${server.address().port}/p${i}`);
    const w = await repeat(runs, () => timed(waitOn, ["-t", "30000", ...urls]));
    waitOnWall = median(w.map((r) => r.wall));
  }
  server.close();
  return { N, cliWall, probePhase, ok, ideal: startUp + 4 * 100, ratioIdeal, sameIdeal: sameStartUp + 4 * 100, ratioSame, rawLoop, leastLoop, curlWall, curlParallelWall, waitOnWall };
}

// ------------------------------------------------------------------------------------------------
// 3. Scale.

async function scale() {
  const sizes = QUICK ? [500, 5000] : [500, 5000, 50000];
  const rows = [];
  for (const n of sizes) {
    log(`scale ${n}…`);
    const f = bigChecklist(n);
    const lib = await timed(NODE, [join(ROOT, "bench", "scale-child.mjs"), f], { cwd: ROOT });
    if (lib.code !== 0) throw new Error(`scale-child ${n}: ${lib.stderr}`);
    const phases = JSON.parse(lib.stdout);
    const outDir = join(WORK, `out-${n}`);
    const cliArgs = [BIN, "audit", f, "-f", "terminal", "--fail-on", "never"];
    for (const fmt of ["markdown", "json", "junit", "html", "badge"]) cliArgs.push("-o", `${fmt}=${join(outDir, `r.${fmt}`)}`);
    // Wall: the median of a few runs; peak RSS: the largest any of them reached.
    const cli = await repeat(n >= 50000 || QUICK ? 3 : 7, () => timed(NODE, cliArgs, { rss: true, env: { READINESS_NOW: "2026-11-23", HOME: "/root" } }));
    const failed = cli.find((r) => r.code !== 0);
    if (failed) throw new Error(`audit ${n}: exit ${failed.code}: ${failed.stderr.slice(0, 500)}`);
    rows.push({ n, bytes: readFileSync(f).length, ...phases, cliWall: median(cli.map((r) => r.wall)), cliPeak: Math.max(...cli.map((r) => r.peakMiB)) });
  }
  return rows;
}

// ------------------------------------------------------------------------------------------------
// 4. Per-probe overhead: TCP.

async function tcpOverhead() {
  log("tcp overhead…");
  const N = 2000;
  const C = 50;
  const server = createTcpServer((s) => s.destroy());
  server.on("error", () => {});
  await new Promise((r) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, r));
  const port = server.address().port;
  const f = tcpChecklist(port, N);
  const runs = QUICK ? 4 : 12;
  // The baseline: the same connects from a bare node process with the same concurrency.
  const raw = rawLoopScript(N, C, 'const { connect } = require("node:net");', `const s = connect(${port}, "127.0.0.1"); const fin = () => { s.destroy(); end(); }; s.once("connect", fin); s.once("error", fin);`);
  const [cli, rawRuns] = await roundRobin(runs, [() => timed(NODE, [BIN, "audit", f, "-f", "json", "--concurrency", String(C)]), () => timed(NODE, ["-e", raw])]);
  const cliWall = median(cli.map((r) => r.wall));
  const probePhase = median(cli.map((r) => JSON.parse(r.stdout).duration_ms));
  const passed = cli.every((r) => JSON.parse(r.stdout).counts.pass === N);
  const rawWall = median(rawRuns.map((r) => r.wall));
  const rawLoop = median(rawRuns.map((r) => Number(r.stdout)));
  // Paired: each run of the CLI against the raw loop run right after it.
  const ratioWall = median(cli.map((r, i) => r.wall / rawRuns[i].wall));
  const ratioPhase = median(cli.map((r, i) => JSON.parse(r.stdout).duration_ms / Number(rawRuns[i].stdout)));
  server.close();
  void connect;
  return { N, C, cliWall, probePhase, passed, rawWall, rawLoop, ratioWall, ratioPhase };
}

// ------------------------------------------------------------------------------------------------
// 5. What each import costs at start-up (fresh process per module, median of runs).

async function importCosts() {
  log("import costs…");
  const mods = [
    "commander",
    "yaml",
    "ajv",
    "chalk",
    "cli-table3",
    "execa",
    "fast-xml-parser",
    "tinyglobby",
    "./dist/version.js",
    "./dist/errors.js",
    "./dist/checklist/load.js",
    "./dist/checklist/validate.js",
    "./dist/probes/index.js",
    "./dist/probes/command.js",
    "./dist/probes/http.js",
    "./dist/probes/metric.js",
    "./dist/probes/coverage.js",
    "./dist/probes/tests.js",
    "./dist/reports/index.js",
    "./dist/report/index.js",
    "./dist/governance/changes.js",
    "./dist/commands/audit.js",
    "./dist/commands/validate.js",
    "./dist/commands/import.js",
    "./dist/commands/attest.js",
    "./dist/commands/reports.js",
    "./dist/commands/init.js",
    "./dist/commands/schema.js",
  ];
  const runs = QUICK ? 3 : 7;
  const rows = [];
  for (const m of mods) {
    const rs = await repeat(runs, () => timed(NODE, [join(ROOT, "bench", "import-one.mjs"), m], { cwd: ROOT }));
    const parsed = rs.filter((r) => r.code === 0).map((r) => JSON.parse(r.stdout));
    if (!parsed.length) continue;
    rows.push({ m, wall: median(parsed.map((p) => p.wall)), cpu: median(parsed.map((p) => p.cpu)) });
  }
  // The validator compile, which the first validate pays.
  const compile = await repeat(runs, () =>
    timed(NODE, ["--input-type=module", "-e", `const m = await import("./dist/checklist/validate.js"); const t = performance.now(); m.checklistValidator(); console.log(performance.now() - t);`], { cwd: ROOT }),
  );
  rows.push({ m: "checklistValidator() — ajv compile of the checklist schema", wall: median(compile.map((r) => Number(r.stdout))), cpu: NaN });
  return rows;
}

// ------------------------------------------------------------------------------------------------

const started = new Date();
const m = machine();
log(`machine: ${m.nproc} cores, ${m.model}, ${m.ramGiB} GiB, node ${m.node}, load ${m.load}`);
const cold = await coldStart();
const http = await parallelHttp();
const sc = await scale();
const tcp = await tcpOverhead();
const imports = await importCosts();
const loadAfter = loadavg().map((x) => x.toFixed(1)).join(" ");

const bare = cold["bare node"].median;
const verdict = (ok) => (ok ? "✅" : "❌");
const lines = [];
lines.push(`<!-- generated by \`npm run bench\` (bench/run.mjs) — do not edit by hand -->`);
lines.push(`# Benchmarks`);
lines.push("");
lines.push(`Machine: ${m.nproc} cores (\`nproc\`), ${m.model}, ${m.ramGiB} GiB RAM; Node ${m.node}; load average ${m.load} at the start, ${loadAfter} at the end (1/5/15 min).`);
lines.push(`Run on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run build && npm run bench\`${QUICK ? " (--quick)" : ""}. Medians; cold start by ${cold["bare node"].tool}, ${cold["bare node"].n} runs of each command taken round-robin in ${cold["bare node"].rounds} rounds, each ratio the median of the rounds' ratios (a shared VM drifts). Every run without ${STARTUP_VARS.join(" and ")}, which change Node's own start-up${EXTRA_CA ? " (this machine sets NODE_EXTRA_CA_CERTS for every process)" : ""}.`);
lines.push("");
lines.push(`| benchmark | readiness | baseline | ratio | target | |`);
lines.push(`|---|---|---|---|---|---|`);
for (const name of ["readiness --version", "readiness validate small.yaml"]) {
  const r = cold[name].toBare;
  lines.push(`| cold start: \`${name}\` | ${ms(cold[name].median)} | bare \`node -e 0\` ${ms(bare)} | ${r.toFixed(2)}× | ≤ 1.5× | ${verdict(r <= 1.5)} |`);
}
if (cold["bare node, extra CA certificates"]) {
  const b = cold["bare node, extra CA certificates"];
  const v = cold["validate, extra CA certificates"];
  lines.push(`| … \`validate\` with this machine's NODE_EXTRA_CA_CERTS set (both pay for the certificates) | ${ms(v.median)} | bare \`node -e 0\` ${ms(b.median)} | ${(v.toBare / b.toBare).toFixed(2)}× | | |`);
}
{
  const name = "unbundled validate small.yaml";
  lines.push(`| … \`validate\` without the bundle and code cache (\`node dist/main.js\`) | ${ms(cold[name].median)} | bare \`node -e 0\` ${ms(bare)} | ${cold[name].toBare.toFixed(2)}× | | |`);
}
const httpRatio = http.ratioIdeal;
lines.push(`| ${http.N} HTTP probes (server answers in 100 ms), \`--concurrency 50\`, wall | ${ms(http.cliWall)} | ideal (start-up: a cold \`validate\` run alongside, + 4 × 100 ms) ${ms(http.ideal)} | ${httpRatio.toFixed(2)}× | ≤ 1.2× | ${verdict(httpRatio <= 1.2 && http.ok)} |`);
lines.push(`| … against an ideal whose start-up also reads and checks this checklist (a cold \`validate\` of it, + 4 × 100 ms; not the target's measure) | ${ms(http.cliWall)} | ${ms(http.sameIdeal)} | ${http.ratioSame.toFixed(2)}× | | |`);
lines.push(`| … probe phase only (report \`duration_ms\`) | ${ms(http.probePhase)} | 4 × 100 ms = 400 ms | ${ratio(http.probePhase, 400)} | | |`);
lines.push(`| … probe phase vs the same ${http.N} requests from bare node (\`http.get\`, new connection each, concurrency 50) | ${ms(http.probePhase)} | ${ms(http.rawLoop)} | ${ratio(http.probePhase, http.rawLoop)} | | |`);
lines.push(`| … the floor this server allows: the same ${http.N} requests from a raw socket each (request written by hand, response ignored), loop only | ${ms(http.leastLoop)} | 4 × 100 ms = 400 ms | ${ratio(http.leastLoop, 400)} | | |`);
lines.push(`| … probe phase vs that raw socket loop | ${ms(http.probePhase)} | ${ms(http.leastLoop)} | ${ratio(http.probePhase, http.leastLoop)} | | |`);
lines.push(`| … a native client's floor: \`curl --parallel --parallel-max 50\`, a new connection each, its start-up included | ${http.curlParallelWall ? ms(http.curlParallelWall) : "n/a (no curl 7.66+)"} | 4 × 100 ms = 400 ms | ${http.curlParallelWall ? ratio(http.curlParallelWall, 400) : ""} | | |`);
lines.push(`| … vs a sequential \`curl\` loop | ${ms(http.cliWall)} | ${http.curlWall ? ms(http.curlWall) : "n/a (no curl)"} | ${http.curlWall ? `${(http.curlWall / http.cliWall).toFixed(1)}× faster` : ""} | | |`);
lines.push(`| … vs \`wait-on\` (${http.N} URLs, all up) | ${ms(http.cliWall)} | ${http.waitOnWall ? ms(http.waitOnWall) : "n/a (not installed)"} | ${http.waitOnWall ? ratio(http.cliWall, http.waitOnWall) : ""} | | |`);
const tcpRatio = tcp.ratioWall;
lines.push(`| ${tcp.N} TCP probes, concurrency ${tcp.C}, wall | ${ms(tcp.cliWall)} | raw \`net.connect\` loop in node ${ms(tcp.rawWall)} | ${tcpRatio.toFixed(2)}× | ≤ 1.3× | ${verdict(tcpRatio <= 1.3 && tcp.passed)} |`);
lines.push(`| … connect phase only | ${ms(tcp.probePhase)} (${(tcp.probePhase / tcp.N).toFixed(2)} ms/probe) | ${ms(tcp.rawLoop)} (${(tcp.rawLoop / tcp.N).toFixed(2)} ms/connect) | ${tcp.ratioPhase.toFixed(2)}× | | |`);
for (const r of sc) {
  const target = r.n === 5000 ? "< 0.5 s, < 120 MiB" : "";
  const ok = r.n === 5000 ? verdict(r.cliWall < 500 && r.cliPeak < 120) : "";
  lines.push(`| ${r.n.toLocaleString("en")} items (${(r.bytes / 1024 / 1024).toFixed(1)} MiB YAML): \`audit\`, terminal + 5 files, wall / peak RSS | ${ms(r.cliWall)} / ${Math.round(r.cliPeak)} MiB | | | ${target} | ${ok} |`);
}
lines.push("");
lines.push(`### Scale, phase by phase (in-process, library API; one child process per size)`);
lines.push("");
lines.push(`| items | load + validate + resolve | plan + run + score | render 6 formats | peak RSS | CLI wall | per 1,000 items (CLI) |`);
lines.push(`|---|---|---|---|---|---|---|`);
for (const r of sc) lines.push(`| ${r.n.toLocaleString("en")} | ${ms(r.load_validate_ms)} | ${ms(r.run_score_ms)} | ${ms(r.render_all_ms)} | ${r.peak_rss_mib} MiB | ${ms(r.cliWall)} | ${ms((r.cliWall / r.n) * 1000)} |`);
lines.push("");
lines.push(`### Start-up cost of each import (fresh process each, median; includes its own imports)`);
lines.push("");
lines.push(`| module | wall | CPU |`);
lines.push(`|---|---|---|`);
for (const r of imports) lines.push(`| \`${r.m}\` | ${ms(r.wall)} | ${Number.isNaN(r.cpu) ? "" : ms(r.cpu)} |`);
lines.push("");
const md = `${lines.join("\n")}\n`;
writeFileSync(join(ROOT, "bench", "results.md"), md);
process.stdout.write(md);
rmSync(WORK, { recursive: true, force: true });
