/**
 * `process`: counts running processes by name (or by a regular expression over the command line),
 * reading /proc, and checks the count against `min` (default 1) and `max`. Nothing is executed.
 *
 *   - process: nginx
 *     min: 1
 *   - process: api server
 *     pattern: "node .*server\\.js"
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `process` probe. */
export interface ProcessSpec extends ProbeSpecBase {
  /** The process name (as `ps -e` shows it, or the executable's file name); with `pattern`, only a label. */
  process: string;
  /** Regular expression matched against the full command line (arguments separated by spaces). */
  pattern?: string;
  /** Fewest matching processes (default 1). */
  min?: number;
  /** Most matching processes. */
  max?: number;
}

function check(spec: ProcessSpec): Issue[] {
  const issues: Issue[] = [];
  if (typeof spec.pattern === "string") {
    try {
      new RegExp(spec.pattern);
    } catch (e) {
      issues.push({ path: "/pattern", message: `invalid regular expression: ${(e as Error).message}` });
    }
  }
  if (typeof spec.min === "number" && typeof spec.max === "number" && spec.min > spec.max) {
    issues.push({ path: "/max", message: `max ${spec.max} is below min ${spec.min}` });
  }
  return issues;
}

/** The `process` probe: see {@link ProcessSpec}. */
export const processProbe: Probe<ProcessSpec> = {
  type: "process",
  description: "Enough (and not too many) processes with a name or command-line pattern are running (reads /proc).",
  schema: {
    type: "object",
    required: ["process"],
    properties: {
      process: { type: "string", minLength: 1, description: "Process name (as ps shows it, or the executable's file name); a label when pattern is given." },
      pattern: { type: "string", minLength: 1, description: "Regular expression over the full command line, instead of the name." },
      min: { type: "integer", minimum: 0, description: "Fewest matching processes (default 1)." },
      max: { type: "integer", minimum: 0, description: "Most matching processes." },
    },
  },
  check,
  target: (spec) => (spec.pattern !== undefined ? `${spec.process} (/${spec.pattern}/)` : spec.process),
  run: (spec, ctx) => import("./run/process.js").then((m) => m.runProcess(spec, ctx)),
};
