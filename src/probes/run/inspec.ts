/** The run of the `inspec` probe (its spec, schema and checks: ../inspec.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome, Severity } from "../../types.js";
import { fail } from "../evidence/common.js";
import { isRecord, judgeResults, readJsonReport, type ToolResults } from "../evidence/tool-results.js";
import type { InspecSpec } from "../inspec.js";

/** Our severity for an InSpec impact (0.0–1.0), by InSpec's own grading. */
export function impactSeverity(impact: unknown): Severity {
  const n = typeof impact === "number" ? impact : Number(impact);
  if (n >= 0.9) return "critical";
  if (n >= 0.7) return "high";
  if (n >= 0.4) return "medium";
  return "low";
}

/** Counts an InSpec JSON report: `profiles[].controls[]` with `id`, `title`, `impact`, `results[].status`. */
export function readInspec(doc: unknown): ToolResults | string {
  if (!isRecord(doc) || !Array.isArray(doc.profiles)) {
    return 'not an InSpec JSON report (expected {"profiles": [{"controls": [...]}]} from inspec exec --reporter json)';
  }
  // A profile that depends on another lists the inherited controls too: each control id counts once.
  const controls = new Map<string, Record<string, unknown>>();
  for (const p of doc.profiles as unknown[]) {
    if (!isRecord(p) || !Array.isArray(p.controls)) continue;
    for (const c of p.controls as unknown[]) {
      if (!isRecord(c)) continue;
      const id = typeof c.id === "string" ? c.id : `(control ${controls.size + 1})`;
      const results = Array.isArray(c.results) ? c.results : [];
      const prev = controls.get(id);
      if (!prev || results.length > 0) controls.set(id, c);
    }
  }
  const out: ToolResults = { total: 0, failed: [], skipped: 0 };
  for (const [id, c] of controls) {
    const statuses = (Array.isArray(c.results) ? (c.results as unknown[]) : []).map((r) => (isRecord(r) ? String(r.status) : ""));
    out.total++;
    const bad = (Array.isArray(c.results) ? (c.results as unknown[]) : []).find((r) => isRecord(r) && (r.status === "failed" || r.status === "error"));
    if (bad && isRecord(bad)) {
      const title = typeof c.title === "string" && c.title ? `: ${c.title}` : "";
      const why = typeof bad.code_desc === "string" ? ` (${bad.code_desc})` : "";
      out.failed.push(`[${impactSeverity(c.impact)}] ${id}${title}${why}`.replace(/\s+/g, " "));
    } else if (statuses.length === 0 || statuses.every((s) => s === "skipped")) out.skipped++;
  }
  return out;
}

export async function run(spec: InspecSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const report = await readJsonReport(spec.inspec, "InSpec", ctx);
  if (typeof report === "string") return fail(report);
  const counts = readInspec(report.doc);
  if (typeof counts === "string") return fail(`${report.shown}: ${counts}`);
  return judgeResults(report.shown, ["control", "controls"], counts, spec);
}
