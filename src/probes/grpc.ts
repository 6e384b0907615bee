/**
 * `grpc`: calls the standard health service (`grpc.health.v1.Health/Check`) and requires SERVING,
 * as Kubernetes' grpc probe does. `service_name` names the service to ask about (default: the server as
 * a whole; the key is not `service`, which is the systemd probe's type key). Plaintext unless
 * `tls` (or `ca`) is given. grpc-js is loaded only when the probe runs.
 *
 *   - grpc: 127.0.0.1:50051
 *     service_name: payments.v1.Payments
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { parseHostPort } from "../util/net.js";

/** Spec of a `grpc` probe. */
export interface GrpcSpec extends ProbeSpecBase {
  /** `host:port` (`[IPv6]:port`). */
  grpc: string;
  /** Service name asked about (default "": the server's overall health). */
  service_name?: string;
  /** Connect over TLS, verified against the system's CAs (or `ca`). */
  tls?: boolean;
  /** PEM file of CA certificates to trust, relative to the checklist; implies `tls`. */
  ca?: string;
  /** With TLS, skip verifying the certificate. */
  insecure?: boolean;
}

function check(spec: GrpcSpec): Issue[] {
  if (typeof spec.grpc !== "string" || spec.grpc.includes("${")) return [];
  const t = parseHostPort(spec.grpc.trim());
  return typeof t === "string" ? [{ path: "/grpc", message: t }] : [];
}

/** The `grpc` probe: see {@link GrpcSpec}. */
export const grpcProbe: Probe<GrpcSpec> = {
  type: "grpc",
  description: "A gRPC server's standard health service (grpc.health.v1.Health/Check) answers SERVING.",
  schema: {
    type: "object",
    required: ["grpc"],
    properties: {
      grpc: { type: "string", minLength: 3, description: "host:port, or [IPv6]:port." },
      service_name: { type: "string", description: 'Service to ask the health service about (default "": the whole server).' },
      tls: { type: "boolean", description: "Connect over TLS (default: plaintext, as most in-cluster gRPC is)." },
      ca: { type: "string", minLength: 1, description: "PEM file of CA certificates to trust, relative to the checklist; implies tls." },
      insecure: { type: "boolean", description: "With TLS, do not verify the server's certificate." },
    },
  },
  check,
  target: (spec) => (spec.service_name ? `${spec.grpc} ${spec.service_name}` : spec.grpc),
  run: (spec, ctx) => import("./run/grpc.js").then((m) => m.run(spec, ctx)),
};
