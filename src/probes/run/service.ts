/** The run of the `service` probe (its spec, schema and checks: ../service.ts), loaded when a probe of the type first runs. */
import { stat } from "node:fs/promises";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { truncate } from "../../util/text.js";
import { abortMessage, describeError, fail, pass } from "../evidence/common.js";
import { type ServiceSpec, UNIT_NAME } from "../service.js";
import { runProcess } from "./command.js";

/** Present exactly when systemd is the init system (what sd_booted(3) checks). */
const SYSTEMD_RUNTIME = "/run/systemd/system";

/** The outcome of `systemctl is-active UNIT`, from its exit code and first line of output. */
export function serviceOutcome(unit: string, exitCode: number | undefined, stdout: string, stderr: string): ProbeOutcome {
  const state = (stdout.trim().split("\n")[0] ?? "").trim();
  if (exitCode === 0 && state === "active") return pass(`${unit} is active`, { state });
  if (state) return fail(`${unit} is ${state} (expected active)`, { state });
  const why = truncate((stderr.trim().split("\n")[0] ?? "").trim(), 160);
  return fail(`${unit}: systemctl is-active failed${exitCode !== undefined ? ` with code ${exitCode}` : ""}${why ? `: ${why}` : ""}`);
}

export async function run(spec: ServiceSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const unit = spec.service.trim();
  if (!UNIT_NAME.test(unit)) return fail(`${JSON.stringify(unit)} is not a systemd unit name`);
  try {
    if (!(await stat(SYSTEMD_RUNTIME)).isDirectory()) throw new Error("not a directory");
  } catch {
    return fail(`${unit}: systemd is not running here (no ${SYSTEMD_RUNTIME}): the service probe needs systemd as the init system`);
  }
  if (ctx.signal.aborted) return fail(`${unit}: ${abortMessage(ctx)}`);
  // The command probe's runner: its own process group, output capped, the tree killed on abort.
  const result = await runProcess("systemctl", ["is-active", "--", unit], {
    cwd: ctx.cwd,
    env: { SYSTEMD_PAGER: "", SYSTEMD_COLORS: "0" },
    maxOutputBytes: ctx.limits.maxOutputBytes,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) return fail(`${unit}: systemctl ${abortMessage(ctx)}`);
  if (result.error?.code === "ENOENT") return fail(`${unit}: systemctl not found: the service probe needs systemd`);
  if (result.error) return fail(`${unit}: systemctl failed: ${describeError(result.error)}`);
  if (result.exitCode === undefined) return fail(`${unit}: systemctl ended by ${result.signal ?? "a signal"}`);
  return serviceOutcome(unit, result.exitCode, result.stdout.text(), result.stderr.text());
}
