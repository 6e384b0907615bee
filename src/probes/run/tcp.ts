/** The run of the `tcp` probe (its spec, schema and checks: ../tcp.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { formatDuration, monotonicMs } from "../../util/duration.js";
import { abortCause, connectHost, describeNetError, parseHostPort } from "../../util/net.js";
import type { TcpSpec } from "../tcp.js";

/** Errors meaning nothing accepts connections there: for `open: false` they are the expected outcome. */
const CLOSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

export async function run(spec: TcpSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
