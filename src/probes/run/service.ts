/** The run of the `service` probe (its spec, schema and checks: ../service.ts), loaded when a probe of the type first runs. */
import { stat } from "node:fs/promises";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { truncate } from "../../util/text.js";
import { abortMessage, describeError, fail, pass } from "../evidence/common.js";
import { type ServiceSpec, UNIT_NAME } from "../service.js";

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
  // execa loads on first use, as in the command probe: validate and --no-exec never pay for it.
  const { execa } = await import("execa");
  const result = await execa("systemctl", ["is-active", "--", unit], {
    reject: false,
    cancelSignal: ctx.signal,
    stdin: "ignore",
    maxBuffer: ctx.limits.maxOutputBytes,
    forceKillAfterDelay: 1000,
    encoding: "utf8",
    env: { SYSTEMD_PAGER: "", SYSTEMD_COLORS: "0" },
  });
  if (result.isCanceled || ctx.signal.aborted) return fail(`${unit}: systemctl ${abortMessage(ctx)}`);
  if ((result as { code?: unknown }).code === "ENOENT") return fail(`${unit}: systemctl not found: the service probe needs systemd`);
  if (result.exitCode === undefined) return fail(`${unit}: systemctl failed: ${describeError(result.cause ?? result.shortMessage)}`);
  return serviceOutcome(unit, result.exitCode, String(result.stdout ?? ""), String(result.stderr ?? ""));
}
