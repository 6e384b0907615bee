/**
 * `grpc`: calls the standard health service (`grpc.health.v1.Health/Check`) and requires SERVING,
 * as Kubernetes' grpc probe does. `service_name` names the service to ask about (default: the server as
 * a whole; the key is not `service`, which is the systemd probe's type key). Plaintext unless
 * `tls` (or `ca`) is given. grpc-js is loaded only when the probe runs.
 *
 *   - grpc: 127.0.0.1:50051
 *     service_name: payments.v1.Payments
 */
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { formatDuration, monotonicMs } from "../util/duration.js";
import { parseHostPort } from "../util/net.js";
import { bounded } from "./driver.js";
import { displayPath, fail, pass, readTextFile, resolvePath } from "./evidence/common.js";

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

/** gRPC status codes worth words in a message. */
const STATUS_WORDS: Record<number, string> = {
  4: "deadline exceeded",
  5: "service unknown to the health service (NOT_FOUND)",
  12: "the server does not implement grpc.health.v1.Health (UNIMPLEMENTED)",
  14: "unavailable",
  16: "unauthenticated",
};

interface GrpcError {
  code?: number;
  details?: string;
}

function grpcCause(e: unknown): string {
  const err = e as GrpcError;
  // grpc-js reports a refused connection as UNAVAILABLE with the socket error inside its details.
  if (err.code === 14 && typeof err.details === "string" && err.details.includes("ECONNREFUSED")) return "connection refused";
  const words = typeof err.code === "number" ? STATUS_WORDS[err.code] : undefined;
  const details = typeof err.details === "string" ? err.details.replace(/\s+/g, " ").trim() : e instanceof Error ? e.message : String(e);
  if (words && details && !details.toLowerCase().startsWith(words)) return `${words}: ${details}`;
  return words ?? details;
}

async function run(spec: GrpcSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const label = spec.service_name ? `${spec.grpc} ${spec.service_name}` : spec.grpc;
  const target = parseHostPort(spec.grpc.trim());
  if (typeof target === "string") return fail(`${spec.grpc}: ${target}`);
  let ca: Buffer | null = null;
  if (spec.ca) {
    const file = resolvePath(ctx, spec.ca);
    const read = await readTextFile(file, ctx);
    if ("error" in read) return fail(`${label}: cannot read ca file ${displayPath(ctx, file)}: ${read.error}`);
    ca = Buffer.from(read.text);
  }
  const started = monotonicMs();
  // Loaded here: validate, plans and every other probe never pay for grpc-js and its protobuf loader.
  const grpc = await import("@grpc/grpc-js");
  const { service } = await import("grpc-health-check");
  const useTls = spec.tls === true || ca !== null;
  const credentials = useTls
    ? grpc.credentials.createSsl(ca, null, null, spec.insecure ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {})
    : grpc.credentials.createInsecure();
  const Health = grpc.makeGenericClientConstructor(service, "Health");
  const client = new Health(`${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`, credentials);
  const stop = (): void => client.close();
  const got = await bounded(
    ctx,
    () =>
      new Promise<string>((resolve, reject) => {
        const deadline = new Date(Date.now() + ctx.timeoutMs);
        const check = service.Check;
        if (!check) {
          reject(new Error("grpc-health-check defines no Check method"));
          return;
        }
        const cancel = (): void => call.cancel();
        const call = client.makeUnaryRequest<{ service: string }, { status?: string }>(
          check.path,
          (req) => check.requestSerialize(req),
          (buf) => check.responseDeserialize(buf),
          { service: spec.service_name ?? "" },
          new grpc.Metadata(),
          { deadline },
          (err, res) => {
            ctx.signal.removeEventListener("abort", cancel);
            if (err) reject(new Error(grpcCause(err)));
            else resolve(String(res?.status ?? "UNKNOWN"));
          },
        );
        ctx.signal.addEventListener("abort", cancel, { once: true });
      }),
    stop,
  );
  stop();
  if ("error" in got) return fail(`${label}: ${got.error}`);
  const ms = Math.round(monotonicMs() - started);
  const observed = { status: got.value, latency_ms: ms };
  if (got.value !== "SERVING") return fail(`${label}: health status ${got.value}, expected SERVING`, observed);
  return pass(`${label}: SERVING in ${formatDuration(ms)}${useTls ? " (TLS)" : ""}`, observed);
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
  run,
};
