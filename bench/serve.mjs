#!/usr/bin/env node
// `npm run bench:serve` (after `npm run build`): 200 concurrent clients poll `readiness serve`'s
// /verdict and /metrics for 30 s (autocannon, on loopback) and this reports requests per second,
// p99 latency, errors, the audits the server ran against the ones its interval asks for, and its
// resident memory after a warm-up and after each of two rounds (growth between the rounds would be
// a leak). Writes a section between the serve markers in bench/README.md unless --no-write.
//
//   node bench/serve.mjs                  two rounds of 30 s, 200 connections
//   node bench/serve.mjs --duration 10    seconds per round
//   node bench/serve.mjs --no-write       print the section only
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "readiness.js");
const README = join(ROOT, "bench", "README.md");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
};
const DURATION_S = arg("--duration", 30);
const CONNECTIONS = arg("--connections", 200);
const INTERVAL_S = 10;
const ITEMS = 50;
const WRITE = !process.argv.includes("--no-write");
const log = (s) => process.stderr.write(`${s}\n`);

if (!existsSync(join(ROOT, "dist", "main.js"))) {
  log("dist/ is missing: run `npm run build` first");
  process.exit(2);
}

// The service the checklist watches: answers at once.
const service = createServer((_req, res) => res.end("ok"));
await new Promise((r) => service.listen(0, "127.0.0.1", r));
const target = `http://127.0.0.1:${service.address().port}`;

const dir = mkdtempSync(join(tmpdir(), "readiness-bench-serve-"));
const items = Array.from({ length: ITEMS }, (_, i) =>
  i % 5 === 0
    ? `      - id: claim-${i}\n        title: Claim ${i}\n        severity: medium\n        status: done\n        attested_by: Ana\n        attested_at: 2026-12-01`
    : `      - id: http-${i}\n        title: Endpoint ${i}\n        severity: ${i % 3 ? "high" : "critical"}\n        probes:\n          - http: ${target}/item/${i}\n            max_latency: 500ms`,
);
writeFileSync(join(dir, "readiness.yaml"), `version: 1\nname: Bench service\nsections:\n  - id: api\n    title: API\n    items:\n${items.join("\n")}\n`);

const child = spawn(process.execPath, [BIN, "serve", "--listen", "127.0.0.1:0", "--interval", `${INTERVAL_S}s`, "--no-history"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
const url = await new Promise((resolveUrl, reject) => {
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d) => {
    err += d;
    const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
    if (m) resolveUrl(m[1]);
  });
  child.once("exit", () => reject(new Error(`serve exited: ${err}`)));
});

/** Samples of /metrics as numbers, by the metric's line prefix. */
async function metrics() {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (name) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  const probes = [...text.matchAll(/^readiness_probe_duration_seconds\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
  return { audits: num("readiness_audits_total"), rss: num("process_resident_memory_bytes"), runS: num("readiness_run_duration_seconds"), probeMaxS: Math.max(...probes) };
}

async function until(ok) {
  while (!(await ok().catch(() => false))) await new Promise((r) => setTimeout(r, 100));
}
await until(async () => (await metrics()).audits >= 1);

function load(seconds) {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ path: "/verdict" }, { path: "/metrics" }],
  });
}

const mb = (b) => (b / 1048576).toFixed(1);
const idle = await metrics();
log(`warm-up (5 s, ${CONNECTIONS} connections)…`);
await load(5);
const warm = await metrics();
const rounds = [];
for (let i = 1; i <= 2; i++) {
  log(`round ${i}: ${DURATION_S} s, ${CONNECTIONS} connections, /verdict and /metrics…`);
  const before = await metrics();
  const t0 = performance.now();
  const r = await load(DURATION_S);
  const elapsedS = (performance.now() - t0) / 1000;
  const after = await metrics();
  rounds.push({
    rps: r.requests.average,
    p99: r.latency.p99,
    p50: r.latency.p50,
    total: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    audits: after.audits - before.audits,
    expected: Math.ceil(elapsedS / INTERVAL_S),
    rss: after.rss,
    runS: after.runS,
    probeMaxS: after.probeMaxS,
  });
}
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
service.close();
rmSync(dir, { recursive: true, force: true });

const [l1, l5, l15] = loadavg().map((x) => x.toFixed(1));
const row = (r, i) =>
  `| ${i + 1} | ${Math.round(r.rps).toLocaleString("en")} | ${r.p50} ms | ${r.p99} ms | ${r.total.toLocaleString("en")} | ${r.errors} | ${r.non2xx} | ${r.audits} (interval allows ≤ ${r.expected}) | ${mb(r.rss)} MiB | ${(r.runS * 1000).toFixed(0)} ms | ${(r.probeMaxS * 1000).toFixed(0)} ms |`;
const section = [
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench:serve\` on Node ${process.versions.node}, ${cpus().length} cores, load average ${l1} ${l5} ${l15} after: ${CONNECTIONS} autocannon connections on loopback polling /verdict and /metrics, ${DURATION_S} s per round, a checklist of ${ITEMS} items (40 HTTP probes) audited every ${INTERVAL_S} s. Resident memory after a 5 s warm-up: ${mb(warm.rss)} MiB. With no clients an audit took ${(idle.runS * 1000).toFixed(0)} ms and its slowest probe ${(idle.probeMaxS * 1000).toFixed(0)} ms. Audits run in their own thread, so the clients' load stays out of the probes' timings.`,
  "",
  "| round | req/s | p50 | p99 | requests | errors | not 200 | audits | RSS after | last audit took | its slowest probe |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
  ...rounds.map(row),
  "",
].join("\n");
process.stdout.write(`${section}\n`);
if (WRITE) {
  const text = readFileSync(README, "utf8");
  const start = "<!-- serve:start -->";
  const end = "<!-- serve:end -->";
  const block = `${start}\n${section}${end}`;
  writeFileSync(README, text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${text.trimEnd()}\n\n## readiness serve under load\n\n${block}\n`);
  log(`bench/README.md updated`);
}
const bad = rounds.some((r) => r.errors > 0 || r.non2xx > 0 || r.audits > r.expected);
process.exitCode = bad ? 1 : 0;
