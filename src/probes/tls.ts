/**
 * `tls`: connects to `host:port`, reads the certificate chain and the negotiated protocol, and checks
 * days to expiry (by the context's clock), the protocol version, chain trust and the hostname.
 * Verification is done here rather than by rejecting the connection, so a failing certificate is
 * still described: who it is for, who issued it, when it expires, and why it is not trusted.
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { type HostPort, parseHostPort } from "../util/net.js";

/** TLS versions `min_version` accepts, oldest first. */
export const TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"] as const;
/** A TLS version `min_version` accepts. */
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** Spec of a `tls` probe. */
export interface TlsSpec extends ProbeSpecBase {
  /** `host:port` (`[IPv6]:port`); the port defaults to 443. */
  tls: string;
  /** Fewest whole days the certificate must remain valid (default 14). */
  min_days?: number;
  /** Oldest acceptable negotiated protocol. */
  min_version?: TlsVersion;
  /** Name sent as SNI and checked against the certificate (default: the host). */
  servername?: string;
  /** PEM file of CA certificates to trust instead of the system's, relative to the checklist. */
  ca?: string;
  /** Skip chain and hostname verification; dates and protocol are still checked. */
  insecure?: boolean;
}

/** Splits `host:port` (`[IPv6]:port`) as the tcp probe does; a bare host means port 443. A string is the problem. */
export function parseTlsTarget(target: string): HostPort | string {
  const t = target.trim();
  if (/^[^:[\]/\s]+$/.test(t)) return { host: t, port: 443 };
  if (/^\[[^\]]+\]$/.test(t)) return parseHostPort(`${t}:443`);
  return parseHostPort(t);
}

function check(spec: TlsSpec): Issue[] {
  if (typeof spec.tls !== "string") return [];
  const t = parseTlsTarget(spec.tls);
  return typeof t === "string" ? [{ path: "/tls", message: t }] : [];
}

/** The `tls` probe: certificate expiry, trust, hostname and protocol of a TLS endpoint. */
export const tlsProbe: Probe<TlsSpec> = {
  type: "tls",
  description: "A TLS endpoint presents a trusted certificate for its name, valid for long enough, over a recent protocol.",
  schema: {
    type: "object",
    required: ["tls"],
    properties: {
      tls: { type: "string", minLength: 1, description: "host:port (port defaults to 443)." },
      min_days: { type: "integer", minimum: 0, description: "Fewest days to certificate expiry (default 14)." },
      min_version: { enum: [...TLS_VERSIONS], description: "Oldest acceptable protocol." },
      servername: { type: "string", minLength: 1, description: "SNI name, also checked against the certificate (default: the host)." },
      ca: { type: "string", minLength: 1, description: "PEM file of CA certificates to trust, relative to the checklist." },
      insecure: { type: "boolean", description: "Skip chain and hostname verification; still check dates and protocol." },
    },
  },
  check,
  target: (spec) => spec.tls,
  run: (spec, ctx) => import("./run/tls.js").then((m) => m.run(spec, ctx)),
};
