/** The run of the `http` probe (its spec, schema and checks: ../http.ts), loaded when a probe of the type first runs. */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readTextFile } from "../evidence/common.js";
import { createRequire } from "node:module";
import { resolve as resolvePath } from "node:path";
import type { Dispatcher } from "undici";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { formatDuration, monotonicMs, parseDuration } from "../../util/duration.js";
import { abortCause, describeNetError, lookupWithLoopback } from "../../util/net.js";
import { checkText, hasTextAssertions } from "../assert.js";
import { displayUrl } from "../driver.js";
import { checkJsonValues, checkValue } from "../matchers.js";
import { type HttpSpec, type StatusSpec, statusList } from "../http.js";

const MAX_REDIRECTS = 10;
/** The response head: at most 64 KiB, as many servers' own limit for a request head. */
const MAX_HEAD_BYTES = 64 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function statusMatches(status: number, expected: StatusSpec): boolean {
  if (typeof expected === "number") return status === expected;
  if (expected.length !== 3) return false;
  const s = String(status);
  for (let i = 0; i < 3; i++) if (expected[i] !== "x" && expected[i] !== s[i]) return false;
  return true;
}

/** What the probe keeps of a response. */
interface Exchange {
  status: number;
  statusText: string;
  /** The first Location header, if any. */
  location?: string;
  /** Response headers by lowercase name; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** Present when the body was wanted: the bytes read, up to the cap. */
  body?: Buffer;
  /** The body was longer than the cap, which is what `body` holds. */
  truncated: boolean;
}

/** A failure to report as is (after the label), not through describeNetError. */
class ProbeFailure extends Error {}

type TlsMaterial = { ca?: string; cert?: string; key?: string };

/**
 * TLS material of the spec, read from its PEM files (relative to the checklist's directory) and
 * checked, so a wrong file is named rather than reported as a failed handshake.
 */
async function tlsMaterial(spec: HttpSpec, ctx: ProbeContext): Promise<TlsMaterial> {
  const out: TlsMaterial = {};
  for (const k of ["ca", "cert", "key"] as const) {
    const file = spec[k];
    if (file === undefined) continue;
    // Read as evidence files are: a regular file only (never a FIFO), within --untrusted's confinement.
    const read = await readTextFile(resolvePath(ctx.cwd, file), ctx);
    if ("error" in read) throw new ProbeFailure(`${k}: cannot read ${file} (${read.error})`);
    out[k] = read.text;
  }
  if (out.ca === undefined && out.cert === undefined && out.key === undefined) return out;
  const parse = <T>(k: "ca" | "cert" | "key", what: string, make: () => T): T => {
    try {
      return make();
    } catch {
      throw new ProbeFailure(`${k}: ${spec[k] ?? ""} is not ${what} in PEM format`);
    }
  };
  if (out.ca !== undefined) parse("ca", "a certificate", () => new X509Certificate(out.ca as string));
  const cert = out.cert === undefined ? undefined : parse("cert", "a certificate", () => new X509Certificate(out.cert as string));
  const key = out.key === undefined ? undefined : parse("key", "a private key", () => createPrivateKey(out.key as string));
  if (cert && key && !cert.checkPrivateKey(key)) throw new ProbeFailure(`key ${spec.key ?? ""} does not belong to cert ${spec.cert ?? ""}`);
  return out;
}

/** The variables undici's EnvHttpProxyAgent reads (NO_PROXY it reads again at each request). */
const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"];

/** Dispatchers by what configures them: see {@link dispatcherFor}. */
const dispatchers = new Map<string, Dispatcher>();

/**
 * The dispatcher for a probe: undici's EnvHttpProxyAgent, which sends a request through HTTP_PROXY
 * / HTTPS_PROXY unless NO_PROXY names its host (lowercase names too), and directly otherwise.
 *
 * One per configuration (TLS material, `insecure`, proxy variables), shared by the probes that have
 * it, rather than one per probe: building and tearing down a client for each of thousands of probes
 * would cost more than their requests. Sharing carries nothing from one probe to the next that
 * would make a latency not the target's: every request is sent with `connection: close` (`reset`),
 * so no probe reuses another's connection; TLS sessions are not cached, so every handshake is a
 * full one; names are looked up at each connect. A request's connection is closed when its probe
 * ends, aborts or stops reading the body. Timeouts are the probe's own (its signal), so undici's
 * are off.
 */
function dispatcherFor(tls: TlsMaterial, insecure: boolean): Dispatcher {
  const key = JSON.stringify([tls.ca, tls.cert, tls.key, insecure, PROXY_VARIABLES.map((k) => process.env[k])]);
  let found = dispatchers.get(key);
  if (!found) {
    const connect = { ...tls, rejectUnauthorized: !insecure, lookup: lookupWithLoopback, autoSelectFamily: true, timeout: 0, maxCachedSessions: 0 };
    found = new (loadUndici().EnvHttpProxyAgent)({
      connect,
      // The TLS of a request tunnelled through a proxy (CONNECT): the same verification and material.
      requestTls: connect,
      // Plain http:// goes to the proxy in absolute form, as curl sends it; https:// through CONNECT.
      proxyTunnel: false,
      maxHeaderSize: MAX_HEAD_BYTES,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    dispatchers.set(key, found);
  }
  return found;
}

interface ExchangeOptions {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
  maxBodyBytes: number;
  /** Whether the body of a response with this status must be read (for assertions). */
  wantsBody: (status: number) => boolean;
}

/** Sends one request and reads the response head and, if wanted, the capped body. */
async function exchange(agent: Dispatcher, url: URL, o: ExchangeOptions): Promise<Exchange> {
  const res = await agent.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: o.method,
    headers: o.headers,
    body: o.body,
    signal: o.signal,
    // `connection: close`: one connection per request.
    reset: true,
  });
  const location = res.headers.location;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  const out: Exchange = {
    status: res.statusCode,
    statusText: res.statusText ?? "",
    headers,
    truncated: false,
  };
  const loc = Array.isArray(location) ? location[0] : location;
  if (loc !== undefined) out.location = loc;
  if (!o.wantsBody(res.statusCode)) {
    // Not read: the connection is closed instead.
    discard(res.body);
    return out;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      const room = o.maxBodyBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        out.truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (e) {
    if (o.signal.aborted) throw e;
    const code = (e as { code?: string }).code;
    // The server closed or reset the connection part-way through the body.
    if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") throw new ProbeFailure("connection closed while reading the body");
    throw e;
  } finally {
    discard(res.body);
  }
  out.body = Buffer.concat(chunks, size);
  return out;
}

/** Stops reading a body and closes its connection (undici then reports the abort as an error nobody needs). */
function discard(body: Dispatcher.ResponseData["body"]): void {
  body.on("error", () => undefined);
  body.destroy();
}

/** Request headers the probe itself sends: a cross-origin redirect keeps only these. */
const BASE_HEADERS: Readonly<Record<string, string>> = { "user-agent": "readiness", accept: "*/*" };

function requestHeaders(spec: HttpSpec, url: URL): { headers: Record<string, string>; body?: Buffer } {
  const headers: Record<string, string> = { ...BASE_HEADERS };
  if (spec.headers) for (const k of Object.keys(spec.headers)) headers[k.toLowerCase()] = String(spec.headers[k]);
  if (url.username && headers.authorization === undefined) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  }
  let body: Buffer | undefined;
  if (typeof spec.body === "string") body = Buffer.from(spec.body);
  else if (spec.body !== undefined) {
    body = Buffer.from(JSON.stringify(spec.body));
    headers["content-type"] ??= "application/json";
  }
  return { headers, body };
}

function fail(message: string, observed?: unknown): ProbeOutcome {
  return observed === undefined ? { result: "fail", message } : { result: "fail", message, observed };
}

/**
 * undici, loaded from node_modules when the first http probe runs (so commands that run no http
 * probe never load it). Required rather than imported, so the command-line bundle leaves it out and
 * Node loads the package as published.
 */
let undiciModule: typeof import("undici") | undefined;

function loadUndici(): typeof import("undici") {
  return (undiciModule ??= createRequire(import.meta.url)("undici") as typeof import("undici"));
}

export async function run(spec: HttpSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const started = monotonicMs();
  const method = (spec.method ?? "GET").toUpperCase();
  let url: URL;
  try {
    url = new URL(spec.http);
  } catch {
    return fail(`${method} ${spec.http}: invalid URL`);
  }
  const label = `${method} ${displayUrl(spec.http)}`;
  if (url.protocol !== "http:" && url.protocol !== "https:") return fail(`${label}: only http:// and https:// URLs can be probed`);

  const needBody = hasTextAssertions(spec) || spec.json !== undefined;
  const follow = spec.follow_redirects !== false;
  let { headers, body } = requestHeaders(spec, url);
  let currentMethod = method;
  const hops: string[] = [];
  try {
    const tls = await tlsMaterial(spec, ctx);
    const agent = dispatcherFor(tls, spec.insecure === true);
    // The latency is the target's: from here, not counting the first probe's load of undici.
    const sent = monotonicMs();
    let res: Exchange;
    let latency: number;
    for (;;) {
      res = await exchange(agent, url, {
        method: currentMethod,
        headers,
        body,
        signal: ctx.signal,
        maxBodyBytes: ctx.limits.maxBodyBytes,
        wantsBody: (status) => needBody && !(follow && REDIRECT_STATUSES.has(status)),
      });
      // Time to the final response's headers: what max_latency bounds.
      latency = Math.round(monotonicMs() - sent);
      if (!(follow && REDIRECT_STATUSES.has(res.status) && res.location)) break;
      if (hops.length >= MAX_REDIRECTS) return fail(`${label}: too many redirects (more than ${MAX_REDIRECTS})`);
      let next: URL;
      try {
        next = new URL(res.location, url);
      } catch {
        return fail(`${label}: ${res.status} redirect to an invalid URL ${JSON.stringify(res.location)}`);
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") return fail(`${label}: ${res.status} redirect to unsupported ${next.protocol} URL`);
      // As browsers do: 303 always, and 301/302 after POST, continue with GET and no body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && currentMethod === "POST")) {
        if (currentMethod !== "HEAD") currentMethod = "GET";
        body = undefined;
        headers = { ...headers };
        delete headers["content-type"];
      }
      if (next.origin !== url.origin) {
        // Nothing the checklist set goes to another origin: not its headers (credentials, API keys,
        // cookies), not its body.
        if (body !== undefined) {
          return fail(`${label}: ${res.status} redirect to another origin (${displayUrl(next.href)}) not followed: the request body is not sent across origins`);
        }
        headers = { ...BASE_HEADERS };
      }
      hops.push(next.href);
      url = next;
    }
    return evaluate(spec, res, latency, label, hops);
  } catch (e) {
    // After a redirect the failing host is not the one in the label: name it.
    const at = hops.length > 0 ? ` (at ${displayUrl(url.href)}, after ${hops.length} redirect${hops.length > 1 ? "s" : ""})` : "";
    if (ctx.signal.aborted) return fail(`${label}: ${abortCause(ctx.signal, ctx.timeoutMs, started)}${at}`);
    const cause = e instanceof ProbeFailure ? e.message : describeNetError(e);
    return fail(`${label}: ${cause}${at}`);
  }
}

function evaluate(spec: HttpSpec, res: Exchange, latency: number, label: string, hops: string[]): ProbeOutcome {
  const observed: Record<string, unknown> = { status: res.status, latency_ms: latency };
  const last = hops[hops.length - 1];
  if (last !== undefined) observed.final_url = displayUrl(last);
  const via = last === undefined ? "" : ` (${hops.length} redirect${hops.length > 1 ? "s" : ""} → ${displayUrl(last)})`;
  const failures: string[] = [];

  const expected = statusList(spec);
  if (!expected.some((e) => statusMatches(res.status, e))) {
    const loc = res.location && REDIRECT_STATUSES.has(res.status) ? ` (Location: ${res.location})` : "";
    failures.push(`expected status ${expected.join(" or ")}, got ${res.status}${loc}`);
  }
  const max = spec.max_latency === undefined ? undefined : parseDuration(spec.max_latency);
  if (max !== undefined && latency > max) failures.push(`latency ${formatDuration(latency)} exceeds max ${spec.max_latency}`);

  if (spec.response_headers) {
    for (const [name, expected] of Object.entries(spec.response_headers)) {
      const value = res.headers[name.toLowerCase()];
      failures.push(...checkValue(value === undefined ? { found: false } : { found: true, value }, expected, `header ${name}`));
    }
  }

  if (res.body) {
    const text = new TextDecoder("utf-8").decode(res.body);
    const bodyFailures = checkText(text, spec, "body");
    if (spec.json !== undefined) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
        bodyFailures.push(...checkJsonValues(doc, spec.json));
      } catch {
        bodyFailures.push("body is not valid JSON");
      }
    }
    if (bodyFailures.length > 0 && res.truncated) bodyFailures.push(`body truncated at ${formatBytes(res.body.length)}`);
    failures.push(...bodyFailures);
  }

  if (failures.length > 0) return fail(`${label}: ${failures.join("; ")}${via}`, observed);
  const statusLine = `${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
  return { result: "pass", message: `${label}: ${statusLine} in ${formatDuration(latency)}${via}`, observed };
}

/** `1 MiB`, `512 KiB`, `300 B`: body limits are binary sizes. */
function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} B`;
}
