/**
 * `goss`: the JSON report of `goss validate --format json` as evidence. Each result is one check
 * (a resource's property); the probe passes when few enough failed and enough ran.
 *
 *   - goss: reports/goss.json
 *     max_failures: 0
 */
import type { Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { fail } from "./evidence/common.js";
import { isRecord, judgeResults, limitProperties, readJsonReport, type ResultLimits, type ToolResults } from "./evidence/tool-results.js";

/** Spec of a `goss` probe. */
export interface GossSpec extends ProbeSpecBase, ResultLimits {
  /** The JSON report of `goss validate --format json`, relative to the checklist. */
  goss: string;
}

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

async function run(spec: GossSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const report = await readJsonReport(spec.goss, "goss", ctx);
  if (typeof report === "string") return fail(report);
  const counts = readGoss(report.doc);
  if (typeof counts === "string") return fail(`${report.shown}: ${counts}`);
  return judgeResults(report.shown, ["check", "checks"], counts, spec);
}

/** The `goss` probe: see {@link GossSpec}. */
export const gossProbe: Probe<GossSpec> = {
  type: "goss",
  description: "A goss JSON report (goss validate --format json) shows enough checks and few enough failures.",
  schema: {
    type: "object",
    required: ["goss"],
    properties: {
      goss: { type: "string", minLength: 1, description: "JSON report of goss validate --format json, relative to the checklist." },
      ...limitProperties("checks"),
    },
  },
  target: (spec) => spec.goss,
  run,
};
