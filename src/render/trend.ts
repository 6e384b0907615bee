/**
 * The score and verified score over a series of reports, oldest first: what `diff` draws of every
 * report it is given, and `--baseline` of the baseline and the new report. Each format draws it in
 * its own module: block characters in a terminal (`trendTerminal`), a small table in Markdown
 * (`trendMarkdown`), an inline SVG sparkline in HTML (`trendSvg`).
 */
import { formatScore } from "./summary.js";
import type { Report, Verdict } from "../types.js";

/** One report of the series. */
export interface TrendPoint {
  /** What the report is called: the file it was read from, or "baseline" / "this run". */
  label: string;
  started_at: string;
  verdict: Verdict;
  score: number | null;
  verified_score: number | null;
}

/** Eight heights, lowest first. */
const BLOCKS = "▁▂▃▄▅▆▇█";

/** One block character per value (0–100, on a fixed scale so that two series compare); a space for none. */
export function sparkline(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null ? " " : BLOCKS[Math.min(7, Math.max(0, Math.floor((v / 100) * 8 - 1e-9)))] ?? BLOCKS[0])).join("");
}

/** `first → last` of a series, e.g. `62 → 100`. */
export function trendSpan(values: readonly (number | null)[]): string {
  return values.length > 1 ? `${formatScore(values[0] ?? null)} → ${formatScore(values.at(-1) ?? null)}` : formatScore(values[0] ?? null);
}

/** The two points of a report made with `--baseline`: the baseline, then this run; none without one. */
export function baselineTrend(report: Report): TrendPoint[] {
  const b = report.baseline;
  if (!b) return [];
  return [
    { label: b.path ?? "baseline", started_at: b.started_at, verdict: b.verdict, score: b.score, verified_score: b.verified_score },
    { label: "this run", started_at: report.started_at, verdict: report.verdict, score: report.score, verified_score: report.verified_score },
  ];
}
