import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `metric` probe. (Stub: replaced by the real implementation.) */
export interface MetricSpec extends ProbeSpecBase {
  metric: unknown;
}

export const metricProbe: Probe<MetricSpec> = {
  type: "metric",
  description: "metric probe (not implemented yet)",
  schema: { type: "object", required: ["metric"], properties: { metric: {} } },
  target: (spec) => String(spec.metric),
  run: () => Promise.resolve({ result: "fail", message: "the metric probe is not implemented yet" }),
};
