/**
 * The `http` probe: one request (following redirects), then assertions on status, latency and body.
 *
 * It connects the socket itself and speaks HTTP/1.x on it (src/util/http1.ts) rather than using
 * fetch or node:http's ClientRequest: it needs per-request TLS verification (`insecure`), its own
 * address selection (`localhost` on IPv4 or IPv6), a hard cap on the body, and a new connection per
 * request that costs little more than the connect itself.
 */
import { isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { AbortHook, Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { DURATION_PATTERN, formatDuration, monotonicMs, parseDuration } from "../util/duration.js";
import { Http1ResponseReader, serializeRequest, TOKEN_RE, type Http1Response } from "../util/http1.js";
import { abortable, abortCause, connectHost, describeNetError, whenAborted } from "../util/net.js";
import { connectHandle, socketWire, tcpHandles, type Wire } from "../util/tcp-handle.js";
import {
  checkJson,
  checkText,
  hasTextAssertions,
  jsonAssertionIssues,
  TEXT_ASSERTION_PROPERTIES,
  textAssertionIssues,
  type TextAssertions,
} from "./assert.js";

/** An expected status: a code (`200`) or a pattern where `x` is any digit (`2xx`, `30x`). */
export type StatusSpec = number | string;

/** Spec of an `http` probe, as written in a checklist (already interpolated and schema-valid). */
export interface HttpSpec extends ProbeSpecBase, TextAssertions {
  /** The URL, `http://` or `https://`. Userinfo (`user:pass@`) is sent as Basic auth. */
  http: string;
  /** Request method (default GET). */
  method?: string;
  /** Request headers. Their values never appear in messages. */
  headers?: Record<string, string | number | boolean>;
  /** Request body: a string as is, anything else as JSON (with `content-type: application/json`). */
  body?: string | Record<string, unknown> | unknown[];
  /** Expected status: a code, a pattern like `2xx`, or a list of either (default `2xx`). */
  status?: StatusSpec | StatusSpec[];
  /** JSON path → expected value, compared by deep equality (`data.items.0.name`, `$.status`). */
  json?: Record<string, unknown>;
  /** Longest acceptable time to the response headers (DNS, connect, TLS, redirects included). */
  max_latency?: string;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** Follow 3xx redirects, at most 10 (default true). */
  follow_redirects?: boolean;
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const STATUS_PATTERN = "^[1-5][0-9x][0-9x]$";
/** Headers that carry credentials: not forwarded when a redirect leaves the origin (as fetch does). */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

const STATUS_ITEM = {
  oneOf: [
    { type: "integer", minimum: 100, maximum: 599 },
    { type: "string", pattern: STATUS_PATTERN },
  ],
};

/** The URL as written, with any password replaced: it is shown in plans and reports. */
function displayUrl(raw: string): string {
  // Only userinfo (`user:pass@`) can carry a password, and it needs an "@": most URLs need no parsing.
  if (!raw.includes("@")) return raw;
  try {
    const u = new URL(raw);
    if (!u.password) return raw;
    u.password = "***";
    return u.href;
  } catch {
    return raw;
  }
}

function statusList(spec: HttpSpec): StatusSpec[] {
  if (spec.status === undefined) return ["2xx"];
  return Array.isArray(spec.status) ? spec.status : [spec.status];
}

function statusMatches(status: number, expected: StatusSpec): boolean {
  if (typeof expected === "number") return status === expected;
  if (expected.length !== 3) return false;
  const s = String(status);
  for (let i = 0; i < 3; i++) if (expected[i] !== "x" && expected[i] !== s[i]) return false;
  return true;
}

type Exchange = Http1Response;

interface ExchangeOptions {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  insecure: boolean;
  signal: AbortSignal;
  /** The attempt's onAbort, when it has one (see ProbeContext). */
  onAbort?: AbortHook;
  maxBodyBytes: number;
  /** Whether the body of a response with this status must be read (for assertions). */
  wantsBody: (status: number) => boolean;
  /** Every connection opened, so the caller can destroy them all when the probe ends or aborts. */
  sockets: Set<{ destroy(): void }>;
}

/**
 * Connects (TLS too for https), sends one request and reads the response head and, if wanted, the
 * capped body. A plain request to an IP address goes over Node's TCP handle where it is in use
 * (src/util/tcp-handle.ts); everything else over a `net.Socket`.
 */
async function exchange(url: URL, o: ExchangeOptions): Promise<Exchange> {
  // An IPv6 literal's hostname keeps its brackets ("[::1]"); sockets and TLS take the bare address.
  const host = url.hostname.startsWith("[") && url.hostname.endsWith("]") ? url.hostname.slice(1, -1) : url.hostname;
  const https = url.protocol === "https:";
  const port = url.port ? Number(url.port) : https ? 443 : 80;
  const literal = isIP(host);
  let wire: Wire;
  if (!https && literal !== 0 && tcpHandles()) {
    wire = await connectHandle(host, literal === 6 ? 6 : 4, port, o.signal, o.onAbort);
    o.sockets.add(wire);
  } else {
    const { socket: raw } = await connectHost(host, port, o.signal, o.onAbort);
    o.sockets.add(raw);
    let socket: Socket = raw;
    if (https) {
      // Errors of the wrapped socket surface on the TLS socket; this keeps one that arrives on the raw
      // socket as well from becoming an uncaught exception.
      raw.on("error", () => undefined);
      const tls = tlsConnect({
        socket: raw,
        host,
        // SNI must not carry an IP address; certificate checks still use `host`.
        servername: literal ? undefined : host,
        rejectUnauthorized: !o.insecure,
        ALPNProtocols: ["http/1.1"],
      });
      o.sockets.add(tls);
      await abortable(
        new Promise<void>((resolve, reject) => {
          tls.once("secureConnect", () => {
            tls.removeListener("error", reject);
            resolve();
          });
          tls.once("error", reject);
        }),
        o.signal,
      );
      socket = tls;
    }
    wire = socketWire(socket);
  }

  const request = serializeRequest(o.method, `${url.pathname}${url.search}`, o.headers, o.body);
  return new Promise<Exchange>((resolve, reject) => {
    const reader = new Http1ResponseReader(o.method, o.wantsBody, o.maxBodyBytes);
    let settled = false;
    const settle = (error: unknown, response?: Exchange): void => {
      if (settled) return;
      settled = true;
      stopListening();
      wire.unlisten();
      if (response) resolve(response);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const stopListening = whenAborted(o.signal, o.onAbort, () => settle(new Error("aborted")));
    const onEnd = (): void => {
      try {
        settle(undefined, reader.end());
      } catch (e) {
        settle(e);
      }
    };
    wire.listen({
      data(chunk) {
        try {
          const response = reader.push(chunk);
          if (response) settle(undefined, response);
        } catch (e) {
          settle(e);
        }
      },
      end: onEnd,
      error: (e) => settle(e),
    });
    // Aborted between the connect and here: no abort is coming to hear of.
    if (o.signal.aborted) settle(new Error("aborted"));
    else wire.write(request);
  });
}

function requestHeaders(spec: HttpSpec, url: URL): { headers: Record<string, string>; body?: Buffer } {
  const headers: Record<string, string> = { host: url.host, "user-agent": "readiness", accept: "*/*", connection: "close" };
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
  if (body) headers["content-length"] = String(body.length);
  return { headers, body };
}

function fail(message: string, observed?: unknown): ProbeOutcome {
  return observed === undefined ? { result: "fail", message } : { result: "fail", message, observed };
}

async function run(spec: HttpSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
  const sockets = new Set<{ destroy(): void }>();
  let { headers, body } = requestHeaders(spec, url);
  let currentMethod = method;
  const hops: string[] = [];
  try {
    let res: Exchange;
    for (;;) {
      res = await exchange(url, {
        method: currentMethod,
        headers,
        body,
        insecure: spec.insecure === true,
        signal: ctx.signal,
        onAbort: ctx.onAbort,
        maxBodyBytes: ctx.limits.maxBodyBytes,
        wantsBody: (status) => needBody && !(follow && REDIRECT_STATUSES.has(status)),
        sockets,
      });
      for (const s of sockets) s.destroy();
      sockets.clear();
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
        delete headers["content-length"];
      }
      headers = { ...headers, host: next.host };
      if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
      hops.push(next.href);
      url = next;
    }
    const latency = Math.round(monotonicMs() - started);
    return evaluate(spec, res, latency, label, hops);
  } catch (e) {
    // After a redirect the failing host is not the one in the label: name it.
    const at = hops.length > 0 ? ` (at ${displayUrl(url.href)}, after ${hops.length} redirect${hops.length > 1 ? "s" : ""})` : "";
    if (ctx.signal.aborted) return fail(`${label}: ${abortCause(ctx.signal, ctx.timeoutMs, started)}${at}`);
    return fail(`${label}: ${describeNetError(e)}${at}`);
  } finally {
    for (const s of sockets) s.destroy();
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

  if (res.body) {
    const text = new TextDecoder("utf-8").decode(res.body);
    const bodyFailures = checkText(text, spec, "body");
    if (spec.json !== undefined) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
        bodyFailures.push(...checkJson(doc, spec.json));
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

function check(spec: HttpSpec): Issue[] {
  const issues: Issue[] = [];
  if (typeof spec.http === "string" && !spec.http.includes("${")) {
    let url: URL | undefined;
    try {
      url = new URL(spec.http);
    } catch {
      issues.push({ path: "/http", level: "error", message: `invalid URL ${JSON.stringify(displayUrl(spec.http))}` });
    }
    if (url && url.protocol !== "http:" && url.protocol !== "https:") {
      issues.push({ path: "/http", level: "error", message: `unsupported scheme ${url.protocol} (expected http:// or https://)` });
    }
  }
  if (typeof spec.method === "string" && !TOKEN_RE.test(spec.method)) issues.push({ path: "/method", level: "error", message: `invalid HTTP method ${JSON.stringify(spec.method)}` });
  // check() may see a spec the schema has not vetted yet: look only at what has the right shape.
  const headers = spec.headers !== null && typeof spec.headers === "object" ? spec.headers : {};
  for (const [k, v] of Object.entries(headers)) {
    const path = `/headers/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (!TOKEN_RE.test(k)) issues.push({ path, level: "error", message: `invalid header name ${JSON.stringify(k)}` });
    // The value is never echoed: it may be a secret.
    else if (/[\r\n\0]/.test(String(v))) issues.push({ path, level: "error", message: `header ${k} contains a line break or NUL` });
  }
  if (Array.isArray(spec.status) && spec.status.length === 0) issues.push({ path: "/status", level: "error", message: "status is an empty list, so no response could pass" });
  issues.push(...textAssertionIssues(spec));
  issues.push(...jsonAssertionIssues(spec.json));
  return issues;
}

/** The `http` probe: see {@link HttpSpec}. */
export const httpProbe: Probe<HttpSpec> = {
  type: "http",
  description: "Requests a URL and checks the status, latency and body.",
  schema: {
    type: "object",
    required: ["http"],
    properties: {
      http: { type: "string", minLength: 1, description: "URL to request (http:// or https://)." },
      method: { type: "string", minLength: 1, description: "Request method (default GET)." },
      headers: {
        type: "object",
        additionalProperties: { type: ["string", "number", "boolean"] },
        description: "Request headers.",
      },
      body: { type: ["string", "object", "array"], description: "Request body: a string, or a value sent as JSON." },
      status: {
        oneOf: [STATUS_ITEM, { type: "array", items: STATUS_ITEM, minItems: 1 }],
        description: "Expected status: 200, [200, 204] or a pattern like 2xx (default 2xx).",
      },
      ...TEXT_ASSERTION_PROPERTIES,
      json: { type: "object", description: "JSON path → expected value, e.g. { data.status: ok }." },
      max_latency: { type: "string", pattern: DURATION_PATTERN, description: "Longest acceptable time to the response headers." },
      insecure: { type: "boolean", description: "Skip TLS certificate verification." },
      follow_redirects: { type: "boolean", description: "Follow up to 10 redirects (default true)." },
    },
  },
  check,
  target: (spec) => displayUrl(spec.http),
  run,
};
