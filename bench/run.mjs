#!/usr/bin/env node
// `npm run bench` (after `npm run build`): measures readiness against its baselines on one or more
// Node.js binaries and writes the table between the markers in bench/README.md. Not part of the
// test run.
//
//   node bench/run.mjs                                   on the Node that runs this script
//   node bench/run.mjs --node /path/to/node [--node …]    on each given Node, one row set each
//   node bench/run.mjs --quick                           fewer repetitions
//   node bench/run.mjs --no-write                        print the table, leave bench/README.md alone
//
// Uses hyperfine for the cold starts when it is installed (apt-get install -y hyperfine), else a
// loop of spawns. Every comparison is paired: the commands compared run in the same rounds, so a
// shared machine's drift cancels in the ratios.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "readiness.js");
const README = join(ROOT, "bench", "README.md");
const QUICK = process.argv.includes("--quick");
const WRITE = !process.argv.includes("--no-write");
const NODES = process.argv.flatMap((a, i, all) => (a === "--node" && all[i + 1] ? [resolve(all[i + 1])] : []));
if (NODES.length === 0) NODES.push(process.execPath);
const WORK = mkdtempSync(join(tmpdir(), "readiness-bench-"));
const log = (s) => process.stderr.write(`${s}\n`);

if (!existsSync(join(ROOT, "dist", "main.js"))) {
  log("dist/ is missing: run `npm run build` first");
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

// Variables that change Node's own start-up (NODE_EXTRA_CA_CERTS makes every process parse a
// certificate bundle first) are left out of every measured run, for readiness and baselines alike.
function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: "1", ...extra };
  for (const k of ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS", "CI"]) if (!(k in extra)) delete env[k];
  return env;
}

/** Runs a command to completion: wall time, exit code, output and, with `rss`, the peak RSS of a node process. */
function timed(cmd, args, { env = {}, rss = false } = {}) {
  const rssFile = join(WORK, `rss-${Math.random().toString(36).slice(2)}.txt`);
  const preload = join(WORK, "rss-preload.cjs");
  if (rss && !existsSync(preload)) {
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`);
  }
  const fullEnv = cleanEnv(env);
  if (rss) Object.assign(fullEnv, { NODE_OPTIONS: `--require=${preload}`, BENCH_RSS_FILE: rssFile });
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: WORK, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const wall = performance.now() - t0;
      const peakMiB = rss && existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) / 1024 : undefined;
      done({ wall, code, stdout, stderr, peakMiB });
    });
  });
}

/** Runs each of `fns` once per round, `n` rounds, every other round in reverse order: paired samples. */
async function roundRobin(n, fns) {
  const out = fns.map(() => []);
  for (let i = 0; i < n; i++) {
    const order = fns.map((_, j) => j);
    if (i % 2 === 1) order.reverse();
    for (const j of order) out[j][i] = await fns[j]();
  }
  return out;
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

function checklist(name, items) {
  const f = join(WORK, `${name}.yaml`);
  writeFileSync(f, `version: 1\nname: ${name}\nsections:\n  - id: main\n    title: Main\n    items:\n${items.join("\n")}\n`);
  return f;
}

const small = checklist("small", [
  '      - { id: health, title: Health, severity: critical, probes: [{ http: "http://127.0.0.1:9/health", status: 200 }] }',
  '      - { id: port, title: Port, probes: [{ tcp: "127.0.0.1:9" }] }',
  "      - { id: runbooks, title: Runbooks, status: done, attested_by: Ana, attested_at: 2026-10-01 }",
]);

/** `n` items in sections of 100; one in ten has an instant, network-free probe, the rest are claims. */
function bigChecklist(n) {
  const lines = ["version: 1", `name: Generated ${n}`, "sections:"];
  const statuses = ["done", "partial", "missing", "in-progress"];
  const sev = ["critical", "high", "medium", "low"];
  for (let s = 0; s * 100 < n; s++) {
    lines.push(`  - id: s${s}`, `    title: Section ${s}`, "    items:");
    for (let i = s * 100; i < Math.min(n, (s + 1) * 100); i++) {
      if (i % 10 === 0) lines.push(`      - { id: i${i}, title: Item ${i}, severity: ${sev[i % 4]}, tags: [t${i % 7}], probes: [{ env: HOME }] }`);
      else lines.push(`      - { id: i${i}, title: Item ${i} title, severity: ${sev[i % 4]}, status: ${statuses[i % 4]}, attested_by: Ana, attested_at: 2026-10-01 }`);
    }
  }
  const f = join(WORK, `big-${n}.yaml`);
  writeFileSync(f, `${lines.join("\n")}\n`);
  return f;
}

/** Cold starts: `--version` and `validate` of a small file against a bare `node -e 0`. */
async function coldStart(node) {
  log(`  cold start…`);
  const cmds = [
    [node, "-e", "0"],
    [node, BIN, "--version"],
    [node, BIN, "validate", small],
  ];
  const rounds = QUICK ? 3 : 8;
  const perRound = QUICK ? 4 : 6;
  const roundMedians = [];
  for (let round = 0; round < rounds; round++) {
    if (has("hyperfine")) {
      const json = join(WORK, "hyperfine.json");
      execFileSync("hyperfine", ["-N", "-w", "2", "-r", String(perRound), "--export-json", json, ...cmds.map((c) => c.map((x) => `'${x}'`).join(" "))], { cwd: WORK, stdio: "ignore", env: cleanEnv() });
      roundMedians.push(JSON.parse(readFileSync(json, "utf8")).results.map((r) => median(r.times) * 1000));
    } else {
      const walls = cmds.map(() => []);
      for (let k = 0; k < perRound; k++) for (const [j, [cmd, ...args]] of cmds.entries()) walls[j].push((await timed(cmd, args)).wall);
      roundMedians.push(walls.map(median));
    }
  }
  const at = (i) => ({ wall: median(roundMedians.map((m) => m[i])), ratio: median(roundMedians.map((m) => m[i] / m[0])) });
  return { bare: at(0), version: at(1), validate: at(2) };
}

/** 200 HTTP probes (the server answers in 100 ms) at concurrency 50 against the ideal: start-up + 4 × 100 ms. */
async function parallelHttp(node) {
  log(`  http…`);
  const N = 200;
  const server = createServer((_req, res) => setTimeout(() => res.end("ok"), 100));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const f = checklist("http", Array.from({ length: N }, (_, i) => `      - { id: h${i}, title: H${i}, probes: [{ http: "${base}/p${i}" }] }`));
  // The ideal's start-up: a cold `validate` of a small file, measured in the same rounds.
  const [cli, starts] = await roundRobin(QUICK ? 4 : 10, [() => timed(node, [BIN, "audit", f, "-f", "json", "--concurrency", "50"]), () => timed(node, [BIN, "validate", small])]);
  server.close();
  const ok = cli.every((r) => r.code === 0);
  return { N, wall: median(cli.map((r) => r.wall)), ideal: median(starts.map((r) => r.wall)) + 400, ratio: median(cli.map((r, i) => r.wall / (starts[i].wall + 400))), ok };
}

/** 2,000 TCP probes at concurrency 50 against the same connects from a bare `net.connect` loop (both started cold). */
async function tcpProbes(node) {
  log(`  tcp…`);
  const N = 2000;
  const server = createTcpServer((s) => s.destroy());
  server.on("error", () => {});
  await new Promise((r) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, r));
  const port = server.address().port;
  const f = checklist("tcp", Array.from({ length: N }, (_, i) => `      - { id: t${i}, title: T${i}, probes: [{ tcp: "127.0.0.1:${port}" }] }`));
  const raw = rawLoopScript(N, 50, 'const { connect } = require("node:net");', `const s = connect(${port}, "127.0.0.1"); const fin = () => { s.destroy(); end(); }; s.once("connect", fin); s.once("error", fin);`);
  const [cli, rawRuns] = await roundRobin(QUICK ? 4 : 10, [() => timed(node, [BIN, "audit", f, "-f", "json", "--concurrency", "50"]), () => timed(node, ["-e", raw])]);
  server.close();
  const ok = cli.every((r) => r.code === 0 && JSON.parse(r.stdout).counts.pass === N);
  return { N, wall: median(cli.map((r) => r.wall)), raw: median(rawRuns.map((r) => r.wall)), ratio: median(cli.map((r, i) => r.wall / rawRuns[i].wall)), ok };
}

/** An audit of 5,000 items: terminal on stdout and the five other formats to files; wall and peak RSS. */
async function scale(node) {
  log(`  5,000 items…`);
  const n = 5000;
  const f = bigChecklist(n);
  const args = [BIN, "audit", f, "-f", "terminal", "--fail-on", "never"];
  for (const fmt of ["markdown", "json", "junit", "html", "badge"]) args.push("-o", `${fmt}=${join(WORK, "out", `r.${fmt}`)}`);
  const runs = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) runs.push(await timed(node, args, { rss: true, env: { READINESS_NOW: "2026-11-23", HOME: "/root" } }));
  const failed = runs.find((r) => r.code !== 0);
  if (failed) throw new Error(`audit of ${n} items: exit ${failed.code}: ${failed.stderr.slice(0, 500)}`);
  return { n, bytes: readFileSync(f).length, wall: median(runs.map((r) => r.wall)), peak: Math.max(...runs.map((r) => r.peakMiB)) };
}

function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    /* not Linux */
  }
  return { cores: cpus().length, model, ramGiB: (totalmem() / 1024 ** 3).toFixed(1) };
}

const mark = (met) => (met ? "met" : "**missed**");
const rows = [];
const started = new Date();
const loadBefore = loadavg().map((x) => x.toFixed(1)).join(" ");
for (const node of NODES) {
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  log(`Node ${version} (${node})`);
  const cold = await coldStart(node);
  const http = await parallelHttp(node);
  const tcp = await tcpProbes(node);
  const big = await scale(node);
  rows.push(
    `| ${version} | \`readiness --version\` | ${ms(cold.version.wall)} | bare \`node -e 0\` ${ms(cold.bare.wall)} | ${cold.version.ratio.toFixed(2)}× | ≤ 1.5× | ${mark(cold.version.ratio <= 1.5)} |`,
    `| ${version} | \`readiness validate\` of a small file | ${ms(cold.validate.wall)} | bare \`node -e 0\` ${ms(cold.bare.wall)} | ${cold.validate.ratio.toFixed(2)}× | ≤ 2.0× | ${mark(cold.validate.ratio <= 2)} |`,
    `| ${version} | ${http.N} HTTP probes (100 ms each), concurrency 50 | ${ms(http.wall)} | ideal: a cold \`validate\` + 4 × 100 ms = ${ms(http.ideal)} | ${http.ratio.toFixed(2)}× | ≤ 1.25× | ${http.ok ? mark(http.ratio <= 1.25) : "**probes failed**"} |`,
    `| ${version} | ${tcp.N.toLocaleString("en")} TCP probes, concurrency 50 | ${ms(tcp.wall)} | a raw \`net.connect\` loop in node ${ms(tcp.raw)} | ${tcp.ratio.toFixed(2)}× | ≤ 1.3× | ${tcp.ok ? mark(tcp.ratio <= 1.3) : "**probes failed**"} |`,
    `| ${version} | audit of ${big.n.toLocaleString("en")} items (${(big.bytes / 1024 / 1024).toFixed(1)} MiB of YAML), terminal + 5 files: wall / peak RSS | ${ms(big.wall)} / ${Math.round(big.peak)} MiB | | | ≤ 0.5 s, ≤ 120 MiB | ${mark(big.wall <= 500 && big.peak <= 120)} |`,
  );
}
const loadAfter = loadavg().map((x) => x.toFixed(1)).join(" ");
const m = machine();
const table = [
  `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench${NODES.length > 1 || NODES[0] !== process.execPath ? " -- --node …" : ""}${QUICK ? " -- --quick" : ""}\` on ${m.cores} cores (${m.model}, ${m.ramGiB} GiB); load average ${loadBefore} before, ${loadAfter} after (1/5/15 min). Medians; each ratio is the median of paired runs.`,
  "",
  "| Node | benchmark | readiness | baseline | ratio | target | |",
  "|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
process.stdout.write(`${table}\n`);
if (WRITE) {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf("<!-- bench:start -->");
  const end = text.indexOf("<!-- bench:end -->");
  if (start < 0 || end < start) throw new Error("bench/README.md has no <!-- bench:start --> … <!-- bench:end --> markers");
  writeFileSync(README, `${text.slice(0, start)}<!-- bench:start -->\n${table}\n${text.slice(end)}`);
}
rmSync(WORK, { recursive: true, force: true });
