import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `coverage` probe. (Stub: replaced by the real implementation.) */
export interface CoverageSpec extends ProbeSpecBase {
  coverage: unknown;
}

export const coverageProbe: Probe<CoverageSpec> = {
  type: "coverage",
  description: "coverage probe (not implemented yet)",
  schema: { type: "object", required: ["coverage"], properties: { coverage: {} } },
  target: (spec) => String(spec.coverage),
  run: () => Promise.resolve({ result: "fail", message: "the coverage probe is not implemented yet" }),
};
