/**
 * `tests`: reads JUnit XML test results (one file, a glob of many, or a directory of them) and
 * checks that enough tests ran and few enough failed or were skipped.
 */
import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `tests` probe. */
export interface TestsSpec extends ProbeSpecBase {
  /** A JUnit XML file, a glob, or a directory (every JUnit `*.xml` under it), relative to the checklist. */
  tests: string;
  /** Fewest test cases for a pass (default 1: a run with no tests is not green). */
  min_tests?: number;
  /** Most failed test cases allowed, errors included (default 0). */
  max_failures?: number;
  /** Most skipped test cases allowed (default: no limit). */
  max_skipped?: number;
}

const COUNT = { type: "integer", minimum: 0 } as const;

/** The `tests` probe: JUnit XML results against test, failure and skip limits. */
export const testsProbe: Probe<TestsSpec> = {
  type: "tests",
  description: "JUnit XML test results (a file, glob or directory) show enough tests and few enough failures.",
  schema: {
    type: "object",
    required: ["tests"],
    properties: {
      tests: { type: "string", minLength: 1, description: "JUnit XML file, glob or directory, relative to the checklist." },
      min_tests: { ...COUNT, description: "Fewest test cases for a pass (default 1)." },
      max_failures: { ...COUNT, description: "Most failed test cases allowed, errors included (default 0)." },
      max_skipped: { ...COUNT, description: "Most skipped test cases allowed (default: no limit)." },
    },
  },
  target: (spec) => spec.tests,
  run: (spec, ctx) => import("./run/tests.js").then((m) => m.run(spec, ctx)),
};
