import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `tls` probe. (Stub: replaced by the real implementation.) */
export interface TlsSpec extends ProbeSpecBase {
  tls: unknown;
}

export const tlsProbe: Probe<TlsSpec> = {
  type: "tls",
  description: "tls probe (not implemented yet)",
  schema: { type: "object", required: ["tls"], properties: { tls: {} } },
  target: (spec) => String(spec.tls),
  run: () => Promise.resolve({ result: "fail", message: "the tls probe is not implemented yet" }),
};
