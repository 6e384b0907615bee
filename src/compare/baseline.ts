/**
 * `--baseline OLD.json`: adds to a report the score deltas and the items that newly fail or newly
 * pass since an earlier report. Every reporter shows `report.baseline` when it is present.
 */
import type { Report, ReportBaseline } from "../types.js";
import { diffReports } from "./diff.js";

/**
 * Returns a copy of `report` with `baseline` set from the comparison with `old`.
 * `path` is where the old report was read from, shown in the reports.
 */
export function applyBaseline(report: Report, old: Report, path?: string): Report {
  const d = diffReports(old, report);
  const baseline: ReportBaseline = {
    started_at: old.started_at,
    verdict: old.verdict,
    score: old.score,
    verified_score: old.verified_score,
    score_delta: d.score_delta,
    verified_delta: d.verified_delta,
    newly_failing: d.newly_failing,
    newly_passing: d.newly_passing,
    added: d.added,
    removed: d.removed,
    regressed: d.regressed,
  };
  if (path !== undefined) baseline.path = path;
  return { ...report, baseline };
}
