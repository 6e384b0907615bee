/**
 * `service`: a systemd unit is active, as `systemctl is-active UNIT` reports it. Running it executes
 * systemctl, so the probe is skipped under `--no-exec`. Where systemd is not the init system (a
 * container, macOS) the probe fails with that cause.
 *
 *   - service: nginx.service
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `service` probe. */
export interface ServiceSpec extends ProbeSpecBase {
  /** A systemd unit name: `nginx` (a service) or `nginx.service`, `docker.socket`... */
  service: string;
}

/** Unit names systemd accepts: letters, digits and `:-_.\@`, with no leading dash (nothing an option parser could take). */
export const UNIT_NAME = /^[A-Za-z0-9:_.\\@][A-Za-z0-9:_.\\@-]*$/;

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
  run: (spec, ctx) => import("./run/service.js").then((m) => m.run(spec, ctx)),
};
