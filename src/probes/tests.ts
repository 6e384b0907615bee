import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `tests` probe. (Stub: replaced by the real implementation.) */
export interface TestsSpec extends ProbeSpecBase {
  tests: unknown;
}

export const testsProbe: Probe<TestsSpec> = {
  type: "tests",
  description: "tests probe (not implemented yet)",
  schema: { type: "object", required: ["tests"], properties: { tests: {} } },
  target: (spec) => String(spec.tests),
  run: () => Promise.resolve({ result: "fail", message: "the tests probe is not implemented yet" }),
};
