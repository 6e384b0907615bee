import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `http` probe. (Stub: replaced by the real implementation.) */
export interface HttpSpec extends ProbeSpecBase {
  http: unknown;
}

export const httpProbe: Probe<HttpSpec> = {
  type: "http",
  description: "http probe (not implemented yet)",
  schema: { type: "object", required: ["http"], properties: { http: {} } },
  target: (spec) => String(spec.http),
  run: () => Promise.resolve({ result: "fail", message: "the http probe is not implemented yet" }),
};
