import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `env` probe. (Stub: replaced by the real implementation.) */
export interface EnvSpec extends ProbeSpecBase {
  env: unknown;
}

export const envProbe: Probe<EnvSpec> = {
  type: "env",
  description: "env probe (not implemented yet)",
  schema: { type: "object", required: ["env"], properties: { env: {} } },
  target: (spec) => String(spec.env),
  run: () => Promise.resolve({ result: "fail", message: "the env probe is not implemented yet" }),
};
