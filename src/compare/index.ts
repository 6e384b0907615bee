/**
 * The report side of the library: comparing, merging and reading JSON reports, and the GitHub
 * Actions helpers. The renderers of single reports live in `../reports/`.
 */
export { applyBaseline } from "./baseline.js";
export { diffReports, diffSeries, renderDiff, DIFF_FORMATS, type DiffFormat, type ReportDiff, type ReportRef } from "./diff.js";
export {
  mergeReports,
  renderFleet,
  FLEET_FORMATS,
  type FleetFailure,
  type FleetFormat,
  type FleetReport,
  type FleetService,
} from "./merge.js";
export {
  githubAnnotations,
  stepSummary,
  escapeData,
  escapeProperty,
  ANNOTATIONS_PER_KIND,
  STEP_SUMMARY_MAX_BYTES,
  type AnnotationOptions,
} from "../render/github.js";
export { parseReport, reportIssues, reportSchema, reportValidator } from "./parse.js";
