import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `command` probe. (Stub: replaced by the real implementation.) */
export interface CommandSpec extends ProbeSpecBase {
  command: unknown;
}

export const commandProbe: Probe<CommandSpec> = {
  type: "command",
  description: "command probe (not implemented yet)",
  schema: { type: "object", required: ["command"], properties: { command: {} } },
  target: (spec) => String(spec.command),
  run: () => Promise.resolve({ result: "fail", message: "the command probe is not implemented yet" }),
};
