/**
 * `coverage`: reads a coverage report (istanbul JSON, lcov, Cobertura, Clover, JaCoCo) and checks
 * minimum percentages. The report is evidence produced elsewhere (CI, a test run); the probe never runs tests.
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { COVERAGE_FORMATS, COVERAGE_METRICS, type CoverageFormat, type CoverageMetric } from "./evidence/coverage-formats.js";

/** Spec of a `coverage` probe. */
export interface CoverageSpec extends ProbeSpecBase {
  /** Path of the report (or of a directory holding one), relative to the checklist. */
  coverage: string;
  /** Report format; `auto` (default) recognises it from the content. */
  format?: CoverageFormat | "auto";
  /** Minimum percentage of lines, or per metric. */
  min?: number | Partial<Record<CoverageMetric, number>>;
}

const PERCENT = { type: "number", minimum: 0, maximum: 100 } as const;

export function minimums(spec: CoverageSpec): Partial<Record<CoverageMetric, number>> {
  if (spec.min === undefined) return {};
  return typeof spec.min === "number" ? { lines: spec.min } : spec.min;
}

function check(spec: CoverageSpec): Issue[] {
  const issues: Issue[] = [];
  if (spec.min !== null && typeof spec.min === "object" && Object.keys(spec.min).length === 0) {
    issues.push({ path: "/min", message: "min is empty: give a percentage for at least one of lines, branches, functions, statements" });
  }
  if (spec.min === undefined) {
    issues.push({
      path: "",
      level: "warning",
      message: "coverage has no `min`: it only checks that the report exists and can be read",
    });
  }
  return issues;
}

/** The `coverage` probe: a report's percentages against minimums. */
export const coverageProbe: Probe<CoverageSpec> = {
  type: "coverage",
  description: "A coverage report (istanbul JSON, lcov, Cobertura, Clover, JaCoCo) meets minimum percentages.",
  schema: {
    type: "object",
    required: ["coverage"],
    properties: {
      coverage: { type: "string", minLength: 1, description: "Report file (or a directory holding one), relative to the checklist." },
      format: { enum: ["auto", ...COVERAGE_FORMATS], description: "Report format (default: recognised from the content)." },
      min: {
        description: "Minimum percentage of lines, or a map of lines/branches/functions/statements.",
        oneOf: [
          PERCENT,
          {
            type: "object",
            properties: Object.fromEntries(COVERAGE_METRICS.map((m) => [m, PERCENT])),
            additionalProperties: false,
          },
        ],
      },
    },
  },
  check,
  target: (spec) => spec.coverage,
  run: (spec, ctx) => import("./run/coverage.js").then((m) => m.run(spec, ctx)),
};
