/**
 * The `tcp` probe: whether a port accepts connections (or, with `open: false`, that it does not).
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { parseHostPort } from "../util/net.js";

/** Spec of a `tcp` probe, as written in a checklist (already interpolated and schema-valid). */
export interface TcpSpec extends ProbeSpecBase {
  /** `host:port`, or `[v6]:port` for an IPv6 literal. */
  tcp: string;
  /** Expect the port to accept connections (default true); false asserts it is closed. */
  open?: boolean;
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
  run: (spec, ctx) => import("./run/tcp.js").then((m) => m.run(spec, ctx)),
};
