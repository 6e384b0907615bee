/**
 * `dns`: a name resolves, optionally to expected values. Without `type` the name is looked up as
 * applications do (the system resolver: hosts file, nsswitch); with `type` DNS is queried with a
 * bounded timeout, cancelled when the probe is aborted.
 */
import { ipVersion, isIPv6 } from "../util/net.js";
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { STRINGS_SCHEMA } from "./assert.js";

/** Record types a `dns` probe can query. */
export const DNS_TYPES = ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "PTR", "CAA", "SOA"] as const;
/** A DNS record type the probe can query. */
export type DnsType = (typeof DNS_TYPES)[number];

/** Spec of a `dns` probe. */
export interface DnsSpec extends ProbeSpecBase {
  /** The name to resolve. */
  dns: string;
  /** Record type to query; without it the system resolver looks the name up (A/AAAA, hosts file). */
  type?: DnsType;
  /** Values that must all be among the answers (names compare case-insensitively, trailing dot ignored). */
  expect?: string | string[];
  /** DNS server to query (`IP` or `IP:port`, `[IPv6]:port`) instead of the system's; implies `type: A` when no type is given. */
  server?: string;
}

export function normName(s: string): string {
  const t = s.trim().replace(/\.$/, "").toLowerCase();
  if (isIPv6(t)) {
    try {
      return new URL(`http://[${t}]/`).hostname.slice(1, -1);
    } catch {
      return t;
    }
  }
  return t;
}

export function normalize(type: DnsType | undefined, value: string): string {
  return type === "TXT" ? value : normName(value);
}

/** `IP`, `IP:port` or `[IPv6]:port`, as `Resolver.setServers` accepts. */
function serverError(server: string): string | undefined {
  if (ipVersion(server)) return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(server);
  const ip = m?.[1] ?? m?.[2];
  if (m && ip && ipVersion(ip) && Number(m[3]) > 0 && Number(m[3]) < 65536) return undefined;
  return `server ${JSON.stringify(server)} is not an IP address with an optional port (e.g. 192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)`;
}

function check(spec: DnsSpec): Issue[] {
  const issues: Issue[] = [];
  if (typeof spec.server === "string") {
    const err = serverError(spec.server);
    if (err) issues.push({ path: "/server", message: err });
  }
  return issues;
}

/** The `dns` probe: a name resolves, optionally to expected values. */
export const dnsProbe: Probe<DnsSpec> = {
  type: "dns",
  description: "A name resolves (system lookup, or a DNS query of a given type), optionally to expected values.",
  schema: {
    type: "object",
    required: ["dns"],
    properties: {
      dns: { type: "string", minLength: 1, maxLength: 253, description: "The name to resolve." },
      type: { enum: [...DNS_TYPES], description: "Record type to query; without it the system resolver looks the name up." },
      expect: { ...STRINGS_SCHEMA, description: "Values that must all be among the answers." },
      server: { type: "string", minLength: 1, description: "DNS server to query (IP or IP:port) instead of the system's." },
    },
  },
  check,
  target: (spec) => (spec.type ? `${spec.dns} ${spec.type}` : spec.dns),
  run: (spec, ctx) => import("./run/dns.js").then((m) => m.run(spec, ctx)),
};
