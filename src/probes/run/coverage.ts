/** The run of the `coverage` probe (its spec, schema and checks: ../coverage.ts), loaded when a probe of the type first runs. */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { displayPath, fail, pass, readTextFile, resolvePath } from "../evidence/common.js";
import { COVERAGE_FORMATS, COVERAGE_METRICS, REPORT_FILE_NAMES, readCoverage, type CoverageFormat, type CoverageMetric, type CoverageTotals } from "../evidence/coverage-formats.js";
import { type CoverageSpec, minimums } from "../coverage.js";

/** A percentage with one decimal, or more when one decimal would round it onto (or across) the minimum. */
function formatPct(value: number, min?: number): string {
  let digits = 1;
  let text = value.toFixed(digits);
  if (min !== undefined) {
    while (digits < 6 && (Number(text) >= min) !== value >= min) text = value.toFixed(++digits);
  }
  return `${text}%`;
}

function formatMin(min: number): string {
  return `${Number(min.toFixed(4))}%`;
}

async function locateReport(file: string, format: CoverageFormat | "auto"): Promise<string> {
  let isDir = false;
  try {
    isDir = (await stat(file)).isDirectory();
  } catch {
    return file; // reading it will name the cause
  }
  if (!isDir) return file;
  const formats = format === "auto" ? COVERAGE_FORMATS : [format];
  for (const f of formats) {
    for (const name of REPORT_FILE_NAMES[f]) {
      const candidate = path.join(file, name);
      try {
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        // try the next name
      }
    }
  }
  return file;
}

function observedTotals(totals: CoverageTotals): Partial<Record<CoverageMetric, number>> {
  const out: Partial<Record<CoverageMetric, number>> = {};
  for (const m of COVERAGE_METRICS) {
    const v = totals[m];
    if (v) out[m] = Math.round(v.pct * 100) / 100;
  }
  return out;
}

export async function run(spec: CoverageSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const format = spec.format ?? "auto";
  const file = await locateReport(resolvePath(ctx, spec.coverage), format);
  const shown = displayPath(ctx, file);
  const read = await readTextFile(file, ctx);
  if ("error" in read) return fail(`cannot read coverage report ${shown}: ${read.error}`);
  const report = readCoverage(read.text, format);
  if (typeof report === "string") return fail(`cannot parse coverage report ${shown}: ${report}`);
  const { totals } = report;
  const observed = { file: shown, format: report.format, ...observedTotals(totals) };
  const mins = minimums(spec);
  const short: string[] = [];
  for (const metric of COVERAGE_METRICS) {
    const min = mins[metric];
    if (min === undefined) continue;
    const v = totals[metric];
    if (!v) short.push(`${metric} not measured in the ${report.format} report (min ${formatMin(min)})`);
    else if (v.pct < min) short.push(`${metric} ${formatPct(v.pct, min)} < ${formatMin(min)}`);
  }
  if (short.length > 0) return fail(short.join("; "), observed);
  const shownMetrics = COVERAGE_METRICS.filter((m) => totals[m] !== undefined);
  if (shownMetrics.length === 0) return fail(`coverage report ${shown} (${report.format}) measures nothing: no lines, branches, functions or statements`, observed);
  const parts = shownMetrics.map((m) => `${m} ${formatPct(totals[m]?.pct ?? 0, mins[m])}`);
  return pass(parts.join(", "), observed);
}
