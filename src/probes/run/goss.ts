/** The run of the `goss` probe (its spec, schema and checks: ../goss.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { fail } from "../evidence/common.js";
import { isRecord, judgeResults, readJsonReport, type ToolResults } from "../evidence/tool-results.js";
import type { GossSpec } from "../goss.js";

/** Counts a goss JSON report: `{"results": [{"successful", "skipped"?, "resource-type", "resource-id", "property", "summary-line"}], "summary": {...}}`. */
export function readGoss(doc: unknown): ToolResults | string {
  if (!isRecord(doc) || !Array.isArray(doc.results)) {
    return 'not a goss JSON report (expected {"results": [...], "summary": {...}} from goss validate --format json)';
  }
  const out: ToolResults = { total: 0, failed: [], skipped: 0 };
  for (const r of doc.results as unknown[]) {
    if (!isRecord(r)) continue;
    out.total++;
    // goss marks skipped checks with skipped: true (result code 2) alongside successful.
    if (r.skipped === true || r.result === 2) out.skipped++;
    else if (r.successful !== true) {
      const text = (v: unknown): string => (typeof v === "string" ? v : "?");
      const line = typeof r["summary-line"] === "string" ? r["summary-line"] : `${text(r["resource-type"])}: ${text(r["resource-id"])}: ${text(r.property)}`;
      out.failed.push(line.replace(/\s+/g, " ").trim());
    }
  }
  return out;
}

export async function run(spec: GossSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const report = await readJsonReport(spec.goss, "goss", ctx);
  if (typeof report === "string") return fail(report);
  const counts = readGoss(report.doc);
  if (typeof counts === "string") return fail(`${report.shown}: ${counts}`);
  return judgeResults(report.shown, ["check", "checks"], counts, spec);
}
