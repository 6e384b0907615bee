/**
 * readiness — the library API. The CLI is a thin layer over these.
 *
 * ```ts
 * import { loadChecklist, audit, renderReport } from "readiness-cli";
 * const checklist = await loadChecklist("readiness.yaml");
 * const report = await audit(checklist, { concurrency: 8 });
 * console.log(renderReport(report, "markdown"));
 * ```
 */
import { Chalk } from "chalk";
import { reporters, type ReportFormat } from "./render/index.js";
import type { Report } from "./types.js";

export * from "./types.js";
export { audit, runPlan, type AuditOptions } from "./audit.js";
export { loadChecklist, parseChecklist, checkChecklistText, checkChecklistFile, type LoadOptions, type CheckResult } from "./checklist/load.js";
export { builtinChecklist, BUILTIN_CHECKLIST } from "./checklist/builtin.js";
export { buildChecklistSchema } from "./checklist/schema.js";
export { flattenItems } from "./checklist/items.js";
export { plan, type Plan, type PlanOptions, type PlannedItem } from "./engine/plan.js";
export { execute, type ExecuteOptions } from "./engine/execute.js";
export { buildReport, decide, weightedScore, creditOf, allItems } from "./engine/score.js";
export { probes, getProbe, PROBE_TYPES } from "./probes/index.js";
export { reporters, reportParts, REPORT_FORMATS, type ReportFormat, type RenderOptions, type Reporter, type PartsReporter } from "./render/index.js";
export { ReadinessError, formatIssue } from "./errors.js";
export { importMarkdown, formatImportSummary, type ImportOptions, type ImportSummary, type ImportResult } from "./import/index.js";
export { diffReports, mergeReports, applyBaseline, parseReport, githubAnnotations, stepSummary } from "./compare/index.js";
export { createMasker } from "./util/mask.js";

/** Renders a report in a format. Colour only for `terminal` with `color: true`. */
export function renderReport(report: Report, format: ReportFormat, options: { color?: boolean; verbose?: boolean; width?: number } = {}): string {
  return reporters[format](report, { chalk: new Chalk({ level: options.color ? 2 : 0 }), verbose: Boolean(options.verbose), width: options.width });
}
