/**
 * Network plumbing shared by the http and tcp probes: parsing `host:port`, resolving a host to every
 * address it has, connecting to the first address that answers, and turning socket errors into the
 * one-line causes reports show. Also the abort wording every probe uses.
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { formatDuration, monotonicMs } from "./duration.js";

/** One address a host resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A host and port parsed from `host:port` or `[v6]:port`. */
export interface HostPort {
  /** Host without brackets: `localhost`, `10.0.0.1`, `::1`. */
  host: string;
  port: number;
}

/** Parses `host:port`, `[::1]:port`; returns the problem as a string when it is not one. */
export function parseHostPort(text: string): HostPort | string {
  const t = text.trim();
  let host: string;
  let portText: string;
  if (t.startsWith("[")) {
    const end = t.indexOf("]");
    if (end < 0 || t[end + 1] !== ":") return `expected [IPv6]:port, got ${JSON.stringify(text)}`;
    host = t.slice(1, end);
    portText = t.slice(end + 2);
    if (!isIPv6(host)) return `${JSON.stringify(host)} is not an IPv6 address`;
  } else {
    const colon = t.lastIndexOf(":");
    if (colon <= 0) return `expected host:port, got ${JSON.stringify(text)}`;
    host = t.slice(0, colon);
    portText = t.slice(colon + 1);
    // A bare IPv6 address is ambiguous (is the last group the port?), so brackets are required.
    if (host.includes(":")) return `write IPv6 addresses in brackets, e.g. [::1]:8080`;
  }
  if (!/^[0-9]{1,5}$/.test(portText)) return `invalid port ${JSON.stringify(portText)}`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port ${port} is out of range 1-65535`;
  if (!host) return "missing host";
  return { host, port };
}

/**
 * Whether `host` is an IPv6 address (with or without a zone, `fe80::1%eth0`), by the WHATWG URL
 * parser's rules: checking a target does not load node:net.
 */
export function isIPv6(host: string): boolean {
  return host.includes(":") && URL.canParse(`http://[${host.replace(/%[\w.~-]+$/, "")}]/`);
}

/** 4 or 6 for an IP address, else 0 (as node:net's isIP, by the URL parser's rules). */
export function ipVersion(host: string): 0 | 4 | 6 {
  if (isIPv6(host)) return 6;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && URL.canParse(`http://${host}/`) && new URL(`http://${host}/`).hostname === host ? 4 : 0;
}

/** `host:port`, bracketing IPv6 literals. */
export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** An error carrying an errno-like code, as Node's socket and DNS errors do. */
interface CodedError extends Error {
  code?: string;
  reason?: string;
}

function codeOf(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

/** Rejects as soon as `signal` aborts, so a step that cannot itself be cancelled (DNS) never holds a probe up. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The error an aborted connect or request rejects with (code ABORT_ERR, the signal's reason as cause). */
export function abortError(signal: AbortSignal): Error {
  const err: CodedError = new Error("aborted", { cause: signal.reason });
  err.code = "ABORT_ERR";
  return err;
}

/** Whether hostnames resolve to loopback by definition (RFC 6761): `localhost` and `*.localhost`. */
function isLocalhost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}

/**
 * Every address of `host`, in resolver order. IP literals resolve to themselves. `localhost` always
 * includes both 127.0.0.1 and ::1: many systems map it to one family only in /etc/hosts, while the
 * service under test may listen on the other, and the SPEC promises `localhost` works either way.
 */
export async function resolveAll(host: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
  const { isIP } = await import("node:net");
  const literal = isIP(host);
  if (literal) return [{ address: host, family: literal === 6 ? 6 : 4 }];
  let found: ResolvedAddress[] = [];
  try {
    // Imported here, not at the top: only a probe of a host name needs node:dns.
    const { lookup } = await import("node:dns/promises");
    const res = await abortable(lookup(host, { all: true, verbatim: true }), signal);
    found = res.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
  } catch (e) {
    if (!isLocalhost(host) || signal.aborted) throw e;
  }
  if (isLocalhost(host)) {
    for (const address of ["127.0.0.1", "::1"]) {
      if (!found.some((f) => f.address === address)) found.push({ address, family: address === "::1" ? 6 : 4 });
    }
  }
  if (found.length === 0) {
    const err: CodedError = new Error(`host not found: ${host}`);
    err.code = "ENOTFOUND";
    throw err;
  }
  return found;
}

/** node:dns's lookup of every address, loaded on first use: commands that run no probe never load node:dns. */
function lookupCallback(hostname: string, options: LookupOptions & { all: true }, callback: (err: NodeJS.ErrnoException | null, found: LookupAddress[]) => void): void {
  const dns = createRequire(import.meta.url)("node:dns") as typeof import("node:dns");
  dns.lookup(hostname, options, callback);
}

/**
 * dns.lookup with resolveAll's rule for `localhost` (both 127.0.0.1 and ::1, whatever /etc/hosts
 * says), for the `lookup` option of net.connect and of the clients that pass it on (undici). With
 * `autoSelectFamily`, net.connect asks for every address and tries them Happy-Eyeballs style.
 */
export function lookupWithLoopback(
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  if (!isLocalhost(hostname)) {
    lookupCallback(hostname, { ...options, all: true }, (err, found) => answer(err, found));
    return;
  }
  lookupCallback(hostname, { ...options, all: true }, (_err, found) => {
    const all = [...(found ?? [])];
    const wanted = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
    for (const [address, family] of [["127.0.0.1", 4], ["::1", 6]] as const) {
      if ((wanted === 0 || wanted === family) && !all.some((f) => f.address === address)) all.push({ address, family });
    }
    answer(null, all);
  });
  function answer(err: NodeJS.ErrnoException | null, found: LookupAddress[] | undefined): void {
    if (err || !found) return callback(err, "", 0);
    if (options.all) return callback(null, found);
    const first = found[0];
    if (!first) return callback(Object.assign(new Error(`host not found: ${hostname}`), { code: "ENOTFOUND" }), "", 0);
    callback(null, first.address, first.family);
  }
}

/** How long an attempt may stay pending before the next address is tried alongside it (RFC 8305). */
const ATTEMPT_DELAY_MS = 250;

/** Errors that say most about why nothing answered, most informative first. */
const ERROR_RANK = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"];

function mostInformative(errors: Error[]): Error {
  const rank = (e: Error): number => {
    const i = ERROR_RANK.indexOf(codeOf(e) ?? "");
    return i < 0 ? ERROR_RANK.length : i;
  };
  return [...errors].sort((a, b) => rank(a) - rank(b))[0] ?? new Error("no address to connect to");
}

/** A connected socket and the address it connected to (what `socket.remoteAddress` would ask the kernel for). */
export interface Connection {
  socket: Socket;
  address: string;
}

/**
 * Connects to the first of `addresses` that accepts, Happy-Eyeballs style: the next address is tried
 * at once when one fails and after 250ms when one is merely slow, so neither a refused IPv4 nor a
 * black-holed IPv6 address hides a listening one. Losing attempts are destroyed.
 */
export async function connectAny(addresses: ResolvedAddress[], port: number, signal: AbortSignal): Promise<Connection> {
  if (signal.aborted) throw abortError(signal);
  // node:net is loaded by the first connection, not by the commands that only read checklists.
  const { Socket } = await import("node:net");
  if (signal.aborted) throw abortError(signal);
  return new Promise<Connection>((resolve, reject) => {
    const pending = new Set<Socket>();
    const errors: Error[] = [];
    let next = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (err: Error | undefined, winner?: Connection): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", aborted);
      for (const s of pending) if (s !== winner?.socket) s.destroy();
      pending.clear();
      if (winner) resolve(winner);
      else reject(err ?? new Error("connection failed"));
    };
    const aborted = (): void => finish(abortError(signal));

    const startNext = (): void => {
      clearTimeout(timer);
      if (done) return;
      const a = addresses[next++];
      if (!a) {
        if (pending.size === 0) finish(mostInformative(errors));
        return;
      }
      const socket = new Socket();
      pending.add(socket);
      const onError = (e: Error): void => {
        pending.delete(socket);
        socket.destroy();
        if (done) return;
        errors.push(e);
        startNext();
      };
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.removeListener("error", onError);
        pending.delete(socket);
        if (done) socket.destroy();
        else finish(undefined, { socket, address: a.address });
      });
      socket.connect({ host: a.address, port, family: a.family });
      if (next < addresses.length) timer = setTimeout(startNext, ATTEMPT_DELAY_MS);
    };

    signal.addEventListener("abort", aborted, { once: true });
    startNext();
  });
}

/** Resolves `host` and connects to it; the socket is connected when this resolves. An IP literal is not looked up. */
export async function connectHost(host: string, port: number, signal: AbortSignal): Promise<Connection> {
  return connectAny(await resolveAll(host, signal), port, signal);
}

/** One-line cause of a TLS verification failure, by OpenSSL's code. */
const TLS_CAUSES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: self-signed certificate (set insecure: true to skip verification)",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: self-signed certificate in the chain (set insecure: true to skip verification)",
  CERT_HAS_EXPIRED: "TLS: certificate has expired",
  CERT_NOT_YET_VALID: "TLS: certificate is not yet valid",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: unable to verify the certificate (incomplete chain or unknown issuer)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS: certificate issuer is not trusted",
  UNABLE_TO_GET_ISSUER_CERT: "TLS: certificate issuer is not trusted",
  CERT_REVOKED: "TLS: certificate has been revoked",
  CERT_UNTRUSTED: "TLS: certificate is not trusted",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed (is this port plain HTTP?)",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "TLS: no protocol version in common with the server",
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: "TLS handshake failed (no cipher or protocol in common)",
};

/** One-line cause of a socket, DNS, TLS or HTTP parser error, for probe messages. */
export function describeNetError(err: unknown): string {
  const code = codeOf(err);
  const e = err as CodedError;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return e.message === "socket hang up" ? "server closed the connection without a response" : "connection reset by peer";
    case "EPIPE":
      return "connection closed by the server";
    case "ENOTFOUND":
      return "host not found";
    case "EAI_AGAIN":
      return "DNS lookup failed (temporary failure; is a resolver reachable?)";
    case "EAI_FAIL":
    case "ESERVFAIL":
      return "DNS lookup failed";
    case "EHOSTUNREACH":
      return "host unreachable";
    case "ENETUNREACH":
      return "network unreachable";
    case "EADDRNOTAVAIL":
    case "EAFNOSUPPORT":
      return "address not available (no route for this address family)";
    case "ETIMEDOUT":
      return "connection timed out";
    // undici's errors (the http probe's client).
    case "UND_ERR_SOCKET":
      return e.message === "other side closed" ? "server closed the connection without a response" : "connection closed by the server";
    case "UND_ERR_HEADERS_OVERFLOW":
      return "invalid HTTP response (response head too large)";
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
      return "invalid HTTP response (body length does not match Content-Length)";
    case "UND_ERR_INVALID_ARG":
      if (e.message.startsWith("Proxy Authentication Required")) return "the proxy requires authentication (407)";
      // Names what is wrong (e.g. "invalid authorization header"), never a header's value.
      return `request not sent: ${e.message}`;
    case "UND_ERR_ABORTED": {
      const status = /^Proxy response \((\d+)\)/.exec(e.message)?.[1];
      if (status) return `the proxy refused the tunnel (${status})`;
      break;
    }
    case "UND_ERR_PRX_TLS":
      return "TLS to the proxy failed";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS: hostname mismatch (${(e.reason ?? e.message).replace(/\.$/, "")})`;
    case undefined:
      // undici's parser errors carry no code: known by name.
      if (e?.name === "HTTPParserError") return parserError(e.message);
      break;
    default: {
      const tls = TLS_CAUSES[code];
      if (tls) return tls;
      if (code.startsWith("HPE_")) return parserError(e.message);
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return (message.split("\n")[0] ?? message).trim() || "unknown error";
}

/** A response an HTTP parser rejected: node:http says "Parse Error: X", undici "Response does not match the HTTP/1.1 protocol (X)". */
function parserError(message: string): string {
  const detail = /\((.*)\)$/.exec(message)?.[1] ?? message.replace(/^Parse Error: /, "");
  if (/^Expected HTTP\//.test(detail)) return "invalid HTTP response (the server did not answer in HTTP/1.x)";
  return `invalid HTTP response (${detail.charAt(0).toLowerCase()}${detail.slice(1)})`;
}

/**
 * Why a probe stopped when its signal aborted: `timed out after 500ms` at the probe's timeout,
 * `aborted` when the run was interrupted. The reason's name tells them apart when the engine uses
 * `AbortSignal.timeout`; otherwise the elapsed time does, from `startedAt`, a `monotonicMs()`
 * reading (util/duration.ts) taken when the probe started.
 */
export function abortCause(signal: AbortSignal, timeoutMs: number, startedAt: number): string {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === "TimeoutError";
  if (timedOut || monotonicMs() - startedAt >= timeoutMs * 0.95) return `timed out after ${formatDuration(timeoutMs)}`;
  return "aborted";
}
