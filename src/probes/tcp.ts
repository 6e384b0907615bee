/**
 * The `tcp` probe: whether a port accepts connections (or, with `open: false`, that it does not).
 */
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { formatDuration, monotonicMs } from "../util/duration.js";
import { abortCause, connectHost, describeNetError, parseHostPort } from "../util/net.js";

/** Spec of a `tcp` probe, as written in a checklist (already interpolated and schema-valid). */
export interface TcpSpec extends ProbeSpecBase {
  /** `host:port`, or `[v6]:port` for an IPv6 literal. */
  tcp: string;
  /** Expect the port to accept connections (default true); false asserts it is closed. */
  open?: boolean;
}

/** Errors meaning nothing accepts connections there: for `open: false` they are the expected outcome. */
const CLOSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

async function run(spec: TcpSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const started = monotonicMs();
  const target = spec.tcp.trim();
  const parsed = parseHostPort(target);
  if (typeof parsed === "string") return { result: "fail", message: `${target}: ${parsed}` };
  const wantOpen = spec.open !== false;
  try {
    const { socket, address } = await connectHost(parsed.host, parsed.port, ctx.signal);
    const ms = Math.round(monotonicMs() - started);
    socket.destroy();
    const observed = { open: true, latency_ms: ms, address };
    if (wantOpen) return { result: "pass", message: `connected to ${target} in ${formatDuration(ms)}`, observed };
    return { result: "fail", message: `${target} is open (expected closed)`, observed };
  } catch (e) {
    if (ctx.signal.aborted) {
      const cause = abortCause(ctx.signal, ctx.timeoutMs, started);
      // A port that never answers (filtered by a firewall) accepts nothing: for open: false that is closed.
      if (!wantOpen && cause !== "aborted") return { result: "pass", message: `${target} is closed (no answer within ${formatDuration(ctx.timeoutMs)})`, observed: { open: false } };
      return { result: "fail", message: `${target}: ${cause}` };
    }
    const code = e && typeof e === "object" && "code" in e ? String(e.code) : "";
    const cause = describeNetError(e);
    if (!wantOpen && CLOSED_CODES.has(code)) {
      const why = code === "ECONNREFUSED" ? "" : ` (${cause})`;
      return { result: "pass", message: `${target} is closed${why}`, observed: { open: false } };
    }
    return { result: "fail", message: `${target}: ${cause}`, observed: code === "ECONNREFUSED" ? { open: false } : undefined };
  }
}

function check(spec: TcpSpec): Issue[] {
  if (typeof spec.tcp !== "string" || spec.tcp.includes("${")) return [];
  const parsed = parseHostPort(spec.tcp);
  return typeof parsed === "string" ? [{ path: "/tcp", level: "error", message: parsed }] : [];
}

/** The `tcp` probe: see {@link TcpSpec}. */
export const tcpProbe: Probe<TcpSpec> = {
  type: "tcp",
  description: "Connects to host:port and checks that it is open (or closed).",
  schema: {
    type: "object",
    required: ["tcp"],
    properties: {
      tcp: { type: "string", minLength: 3, description: "host:port, or [IPv6]:port." },
      open: { type: "boolean", description: "Expect the port open (default true) or closed (false)." },
    },
  },
  check,
  target: (spec) => spec.tcp,
  run,
};
