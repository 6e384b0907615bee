/**
 * `service`: a systemd unit is active, as `systemctl is-active UNIT` reports it. Running it executes
 * systemctl, so the probe is skipped under `--no-exec`. Where systemd is not the init system (a
 * container, macOS) the probe fails with that cause.
 *
 *   - service: nginx.service
 */
import { stat } from "node:fs/promises";
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { truncate } from "../util/text.js";
import { abortMessage, describeError, fail, pass } from "./evidence/common.js";

/** Spec of a `service` probe. */
export interface ServiceSpec extends ProbeSpecBase {
  /** A systemd unit name: `nginx` (a service) or `nginx.service`, `docker.socket`... */
  service: string;
}

/** Present exactly when systemd is the init system (what sd_booted(3) checks). */
const SYSTEMD_RUNTIME = "/run/systemd/system";

/** Unit names systemd accepts: letters, digits and `:-_.\@`, with no leading dash (nothing an option parser could take). */
const UNIT_NAME = /^[A-Za-z0-9:_.\\@][A-Za-z0-9:_.\\@-]*$/;

/** The outcome of `systemctl is-active UNIT`, from its exit code and first line of output. */
export function serviceOutcome(unit: string, exitCode: number | undefined, stdout: string, stderr: string): ProbeOutcome {
  const state = (stdout.trim().split("\n")[0] ?? "").trim();
  if (exitCode === 0 && state === "active") return pass(`${unit} is active`, { state });
  if (state) return fail(`${unit} is ${state} (expected active)`, { state });
  const why = truncate((stderr.trim().split("\n")[0] ?? "").trim(), 160);
  return fail(`${unit}: systemctl is-active failed${exitCode !== undefined ? ` with code ${exitCode}` : ""}${why ? `: ${why}` : ""}`);
}

async function run(spec: ServiceSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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

function check(spec: ServiceSpec): Issue[] {
  if (typeof spec.service !== "string" || spec.service.includes("${") || UNIT_NAME.test(spec.service.trim())) return [];
  return [{ path: "/service", message: `${JSON.stringify(spec.service)} is not a systemd unit name` }];
}

/** The `service` probe: see {@link ServiceSpec}. */
export const serviceProbe: Probe<ServiceSpec> = {
  type: "service",
  description: "A systemd unit is active (systemctl is-active); skipped under --no-exec.",
  schema: {
    type: "object",
    required: ["service"],
    properties: {
      service: { type: "string", minLength: 1, description: "systemd unit: nginx, nginx.service, docker.socket..." },
    },
  },
  check,
  executes: true,
  target: (spec) => spec.service,
  run,
};
