/**
 * Results of another checking tool (goss, InSpec) read from its JSON report: how many checks ran,
 * failed and were skipped, and which failed, judged against the same limits as the `tests` probe.
 */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { truncate } from "../../util/text.js";
import { displayPath, fail, pass, readTextFile, resolvePath } from "./common.js";

/** Limits shared by the goss and inspec probes. */
export interface ResultLimits {
  /** Fewest checks for a pass (default 1: a report with nothing in it is not green). */
  min_tests?: number;
  /** Most failed checks allowed (default 0). */
  max_failures?: number;
  /** Most skipped checks allowed (default: no limit). */
  max_skipped?: number;
}

const COUNT = { type: "integer", minimum: 0 } as const;

/** Schema properties of {@link ResultLimits}; `noun` names what is counted (checks, controls). */
export function limitProperties(noun: string): Record<string, Record<string, unknown>> {
  return {
    min_tests: { ...COUNT, description: `Fewest ${noun} for a pass (default 1).` },
    max_failures: { ...COUNT, description: `Most failed ${noun} allowed (default 0).` },
    max_skipped: { ...COUNT, description: `Most skipped ${noun} allowed (default: no limit).` },
  };
}

/** What a report says. */
export interface ToolResults {
  total: number;
  failed: string[];
  skipped: number;
}

/** Reads a JSON report file; a string result is why it could not be. */
export async function readJsonReport(file: string, tool: string, ctx: ProbeContext): Promise<{ doc: unknown; shown: string } | string> {
  const abs = resolvePath(ctx, file);
  const shown = displayPath(ctx, abs);
  const read = await readTextFile(abs, ctx);
  if ("error" in read) return `cannot read ${tool} report ${shown}: ${read.error}`;
  try {
    return { doc: JSON.parse(read.text), shown };
  } catch (e) {
    return `cannot parse ${tool} report ${shown}: invalid JSON: ${truncate((e as Error).message, 120)}`;
  }
}

/** Judges counts against the limits, naming the first failures. */
export function judgeResults(shown: string, noun: [string, string], r: ToolResults, limits: ResultLimits): ProbeOutcome {
  const minTests = limits.min_tests ?? 1;
  const maxFailures = limits.max_failures ?? 0;
  const violated: string[] = [];
  if (r.total < minTests) violated.push(`min ${noun[1]} ${minTests}`);
  if (r.failed.length > maxFailures) violated.push(`max failures ${maxFailures}`);
  if (limits.max_skipped !== undefined && r.skipped > limits.max_skipped) violated.push(`max skipped ${limits.max_skipped}`);
  const observed = { tests: r.total, failures: r.failed.length, skipped: r.skipped, passed: r.total - r.failed.length - r.skipped, failed: r.failed.slice(0, 20) };
  let message = `${shown}: ${r.total} ${r.total === 1 ? noun[0] : noun[1]}: ${r.failed.length} failed, ${r.skipped} skipped`;
  if (violated.length === 0) return pass(message, observed);
  message += ` (${violated.join(", ")})`;
  if (r.failed.length > maxFailures) {
    const named = r.failed.slice(0, 3).map((f) => truncate(f, 160));
    message += `: ${named.join("; ")}${r.failed.length > 3 ? `; and ${r.failed.length - 3} more` : ""}`;
  }
  return fail(message, observed);
}

/** Whether a value is a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
