import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `dns` probe. (Stub: replaced by the real implementation.) */
export interface DnsSpec extends ProbeSpecBase {
  dns: unknown;
}

export const dnsProbe: Probe<DnsSpec> = {
  type: "dns",
  description: "dns probe (not implemented yet)",
  schema: { type: "object", required: ["dns"], properties: { dns: {} } },
  target: (spec) => String(spec.dns),
  run: () => Promise.resolve({ result: "fail", message: "the dns probe is not implemented yet" }),
};
