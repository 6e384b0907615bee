// Child of bench/run.mjs: loads, validates, plans, runs (env probes only: no network), scores and
// renders every format of one generated checklist, in-process, and prints the phase times and the
// peak RSS as JSON. Run from the repository root after `npm run build`.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const file = process.argv[2];
const lib = await import(pathToFileURL(resolve("dist/index.js")).href);
const { reporters } = await import(pathToFileURL(resolve("dist/reports/index.js")).href);
const { chalkFor } = await import(pathToFileURL(resolve("dist/commands/io.js")).href);

const t = {};
let mark = performance.now();
const lap = (name) => {
  const now = performance.now();
  t[name] = Math.round(now - mark);
  mark = now;
};
const checklist = await lib.loadChecklist(file, { env: { HOME: "/root" } });
lap("load_validate_ms");
const planned = lib.plan(checklist, { now: () => new Date("2026-11-23") });
const report = await lib.runPlan(planned, { now: () => new Date("2026-11-23"), concurrency: 16 });
lap("run_score_ms");
const sizes = {};
for (const format of ["terminal", "markdown", "json", "junit", "html", "badge"]) {
  const text = reporters[format](report, { chalk: chalkFor(0), verbose: false, width: 100 });
  sizes[format] = text.length;
}
lap("render_all_ms");
process.stdout.write(
  `${JSON.stringify({ ...t, items: report.counts, sizes, peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
