/** The run of the `tls` probe (its spec, schema and checks: ../tls.ts), loaded when a probe of the type first runs. */
import type { DetailedPeerCertificate, PeerCertificate } from "node:tls";
import { isIP } from "node:net";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { isoDate } from "../../util/duration.js";
import { describeNetError } from "../../util/net.js";
import { abortMessage, describeError, displayPath, fail, pass, readTextFile, resolvePath } from "../evidence/common.js";
import { type TlsSpec, parseTlsTarget } from "../tls.js";

const DAY_MS = 86_400_000;
const PROTOCOL_RANK: Record<string, number> = { SSLv3: 0, TLSv1: 1, "TLSv1.1": 2, "TLSv1.2": 3, "TLSv1.3": 4 };

const VERIFY_CAUSES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in the chain (untrusted root)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unknown CA (unable to verify the first certificate)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unknown CA (issuer certificate not found)",
  UNABLE_TO_GET_ISSUER_CERT: "unknown CA (issuer certificate not found)",
  CERT_UNTRUSTED: "certificate not trusted",
  CERT_REVOKED: "certificate revoked",
  CERT_SIGNATURE_FAILURE: "bad certificate signature",
  CERT_CHAIN_TOO_LONG: "certificate chain too long",
  INVALID_CA: "invalid CA certificate",
  INVALID_PURPOSE: "certificate not valid for server authentication",
  HOSTNAME_MISMATCH: "hostname mismatch",
};

/** Verification codes about dates: dates are judged by the context's clock instead. */
const DATE_CODES = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "ERROR_IN_CERT_NOT_BEFORE_FIELD", "ERROR_IN_CERT_NOT_AFTER_FIELD"]);
const HOSTNAME_CODES = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"]);

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `CN=name` (or `O=org` when there is no common name). */
function dn(name: PeerCertificate["subject"] | undefined): string {
  if (!name) return "(none)";
  const cn = first(name.CN);
  if (cn) return `CN=${cn}`;
  const o = first(name.O);
  return o ? `O=${o}` : "(no CN)";
}

function handshakeCause(e: unknown): string {
  const worded = describeNetError(e);
  const raw = e instanceof Error ? (e.message.split("\n")[0] ?? "").trim() : "";
  if (worded !== raw) return worded;
  // An OpenSSL error without a wording of its own: its `reason` is the readable part.
  if (typeof e === "object" && e !== null && "reason" in e && typeof e.reason === "string" && e.reason) {
    return `TLS handshake failed: ${e.reason}`;
  }
  return describeError(e);
}

interface Handshake {
  cert: DetailedPeerCertificate;
  protocol: string;
  authorizationError?: string;
}

async function handshake(host: string, port: number, spec: TlsSpec, ca: string | undefined, ctx: ProbeContext): Promise<Handshake | { error: string }> {
  const { connect } = await import("node:tls");
  return new Promise((resolve) => {
    if (ctx.signal.aborted) {
      resolve({ error: abortMessage(ctx) });
      return;
    }
    const servername = spec.servername ?? (isIP(host) ? undefined : host);
    const socket = connect({
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(ca !== undefined ? { ca } : {}),
      // Verification is judged below, so a bad certificate can still be described.
      rejectUnauthorized: false,
      // Node checks the hostname itself only when the chain verifies; it is checked below in every case.
      checkServerIdentity: () => undefined,
    });
    let done = false;
    const finish = (r: Handshake | { error: string }): void => {
      if (done) return;
      done = true;
      ctx.signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish({ error: abortMessage(ctx) });
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", () => {
      const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      finish({
        cert: socket.getPeerCertificate(true),
        protocol: socket.getProtocol() ?? "unknown",
        ...(authorizationError ? { authorizationError } : {}),
      });
    });
    socket.once("error", (e) => finish({ error: handshakeCause(e) }));
    socket.once("close", () => finish({ error: "connection closed before the TLS handshake completed" }));
  });
}

/** The certificates the server presented, leaf first, without repeats. */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = leaf;
  while (cur && cur.fingerprint256 && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    chain.push(cur);
    cur = cur.issuerCertificate;
  }
  return chain;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function run(spec: TlsSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const target = parseTlsTarget(spec.tls);
  if (typeof target === "string") return fail(target);
  const { host, port } = target;
  const label = spec.tls;
  let ca: string | undefined;
  if (spec.ca) {
    const file = resolvePath(ctx, spec.ca);
    const read = await readTextFile(file, ctx);
    if ("error" in read) return fail(`${label}: cannot read ca file ${displayPath(ctx, file)}: ${read.error}`);
    if (!read.text.includes("-----BEGIN CERTIFICATE-----")) return fail(`${label}: ca file ${displayPath(ctx, file)} holds no PEM certificate`);
    ca = read.text;
  }

  const hs = await handshake(host, port, spec, ca, ctx);
  if ("error" in hs) return fail(`${label}: ${hs.error}`);
  const { cert, protocol } = hs;
  if (!cert.valid_to) return fail(`${label}: the server presented no certificate, ${protocol}`);

  const now = ctx.now().getTime();
  const validTo = new Date(cert.valid_to);
  const validFrom = new Date(cert.valid_from);
  const daysLeft = Math.floor((validTo.getTime() - now) / DAY_MS);
  const minDays = spec.min_days ?? 14;
  const subject = dn(cert.subject);
  const issuer = dn(cert.issuer);
  const problems: string[] = [];

  if (validFrom.getTime() > now) {
    problems.push(`certificate ${subject} not yet valid (valid from ${isoDate(validFrom)})`);
  } else if (validTo.getTime() <= now) {
    const ago = Math.max(0, Math.floor((now - validTo.getTime()) / DAY_MS));
    problems.push(`certificate ${subject} expired ${ago === 0 ? "today" : `${plural(ago, "day")} ago`} (${isoDate(validTo)})`);
  } else if (daysLeft < minDays) {
    problems.push(`certificate ${subject} expires in ${plural(daysLeft, "day")} (min ${minDays})`);
  }

  // Intermediates expire too; the leaf's own dates are above.
  let earliest: { cert: DetailedPeerCertificate; to: Date } | undefined;
  for (const c of chainOf(cert).slice(1)) {
    const to = new Date(c.valid_to);
    if (!earliest || to < earliest.to) earliest = { cert: c, to };
  }
  let chainDaysLeft: number | undefined;
  if (earliest && earliest.to < validTo) {
    chainDaysLeft = Math.floor((earliest.to.getTime() - now) / DAY_MS);
    const who = dn(earliest.cert.subject);
    if (earliest.to.getTime() <= now) problems.push(`chain certificate ${who} expired (${isoDate(earliest.to)})`);
    else if (chainDaysLeft < minDays) problems.push(`chain certificate ${who} expires in ${plural(chainDaysLeft, "day")} (min ${minDays})`);
  }

  let verified = false;
  if (!spec.insecure) {
    const code = hs.authorizationError;
    if (code && !DATE_CODES.has(code) && !HOSTNAME_CODES.has(code)) {
      problems.push(`certificate not trusted: ${VERIFY_CAUSES[code] ?? code.toLowerCase().replace(/_/g, " ")}`);
    }
    const checkName = spec.servername ?? host;
    const { checkServerIdentity } = await import("node:tls");
    const identityError = checkServerIdentity(checkName, cert);
    if (identityError) {
      const alt = cert.subjectaltname ? cert.subjectaltname : `no subjectAltName, ${subject}`;
      problems.push(`hostname mismatch: certificate is for ${alt}, not ${checkName}`);
    }
    verified = !problems.some((p) => p.startsWith("certificate not trusted") || p.startsWith("hostname mismatch"));
  }

  if (spec.min_version && (PROTOCOL_RANK[protocol] ?? -1) < (PROTOCOL_RANK[spec.min_version] ?? 0)) {
    problems.push(`protocol ${protocol} < min ${spec.min_version}`);
  }

  const observed = {
    days_left: daysLeft,
    valid_from: validFrom.toISOString(),
    valid_to: validTo.toISOString(),
    protocol,
    subject,
    issuer,
    ...(cert.subjectaltname ? { subjectaltname: cert.subjectaltname } : {}),
    verified,
    ...(chainDaysLeft !== undefined ? { chain_days_left: chainDaysLeft } : {}),
    fingerprint256: cert.fingerprint256,
  };
  const tail = `issuer ${issuer}, ${protocol}${spec.insecure ? " (not verified: insecure)" : ""}`;
  if (problems.length > 0) return fail(`${label}: ${problems.join("; ")}, ${tail}`, observed);
  return pass(`${label}: certificate ${subject} valid for ${plural(daysLeft, "day")} (until ${isoDate(validTo)}), ${tail}`, observed);
}
