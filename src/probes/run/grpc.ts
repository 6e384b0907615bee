/** The run of the `grpc` probe (its spec, schema and checks: ../grpc.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { formatDuration, monotonicMs } from "../../util/duration.js";
import { parseHostPort } from "../../util/net.js";
import { bounded } from "../driver.js";
import { displayPath, fail, pass, readTextFile, resolvePath } from "../evidence/common.js";
import type { GrpcSpec } from "../grpc.js";

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

export async function run(spec: GrpcSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
