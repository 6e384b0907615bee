import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `tcp` probe. (Stub: replaced by the real implementation.) */
export interface TcpSpec extends ProbeSpecBase {
  tcp: unknown;
}

export const tcpProbe: Probe<TcpSpec> = {
  type: "tcp",
  description: "tcp probe (not implemented yet)",
  schema: { type: "object", required: ["tcp"], properties: { tcp: {} } },
  target: (spec) => String(spec.tcp),
  run: () => Promise.resolve({ result: "fail", message: "the tcp probe is not implemented yet" }),
};
