/**
 * Reading JSON reports back (for `diff`, `merge` and `--baseline`): parsed, validated against the
 * shipped `schemas/report.schema.json` (every problem reported at once), then trusted as `Report`.
 * This is the one trust boundary of the report side: after it, no `as` is needed.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { ReadinessError } from "../errors.js";
import type { Issue, Report } from "../types.js";

let compiled: ValidateFunction | undefined;

/** The report JSON Schema, as shipped in `schemas/report.schema.json`. */
export function reportSchema(): Record<string, unknown> {
  // src/compare/ and dist/compare/ are both two levels below the package root.
  return JSON.parse(readFileSync(new URL("../../schemas/report.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;
}

/** The compiled report validator (compiled on first use). */
export function reportValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(reportSchema());
  return compiled;
}

/** Problems with a parsed JSON value as a report; empty when it is a valid report. */
export function reportIssues(value: unknown, file = "<report>"): Issue[] {
  const validate = reportValidator();
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 50).map((e) => ({
    file,
    path: e.instancePath || "/",
    message: `${e.instancePath || "report"} ${e.message ?? "is invalid"}`,
    level: "error" as const,
  }));
}

/**
 * Where JSON.parse stopped, as a 1-based line and column, from the position its message gives
 * (Node 20: `… in JSON at position 43`; later versions add `(line 3 column 20)`); the end of the
 * text when it gives none (`Unexpected end of JSON input`). And the message without the position.
 */
export function jsonErrorAt(text: string, error: unknown): { line: number; column: number; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  const at = / in JSON at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  const position = Math.min(at ? Number(at[1]) : text.length, text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const detail = at ? message.slice(0, at.index) + message.slice(at.index + at[0].length) : message;
  return { line, column: position - lineStart + 1, detail: detail.trim() || "not JSON" };
}

/**
 * Parses and validates the text of a JSON report. Throws a `ReadinessError` (exit 2) naming the
 * file and every problem when it is not JSON or not a readiness report.
 */
export function parseReport(text: string, file = "<report>"): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { line, column, detail } = jsonErrorAt(text, error);
    throw new ReadinessError(`${file}:${line}:${column}: not valid JSON (${detail})`, {
      code: "EREPORT",
      issues: [{ file, line, column, message: `not valid JSON: ${detail}`, level: "error" }],
    });
  }
  if (value && typeof value === "object" && (value as { kind?: unknown }).kind === "fleet") {
    throw new ReadinessError(`${file}: this is a fleet report from \`readiness merge\`; give the per-service JSON reports instead`, {
      code: "EREPORT",
    });
  }
  const issues = reportIssues(value, file);
  if (issues.length > 0) {
    throw new ReadinessError(
      `${file}: not a readiness JSON report (schema_version 1): ${issues
        .slice(0, 3)
        .map((i) => i.message)
        .join("; ")}${issues.length > 3 ? `; and ${issues.length - 3} more` : ""}`,
      { code: "EREPORT", issues },
    );
  }
  const report = value as Report;
  // Reports written before `blocked` existed have no count of it: none were blocked.
  report.counts.blocked ??= 0;
  return report;
}
