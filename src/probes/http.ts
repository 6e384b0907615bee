/**
 * The `http` probe: one request (following redirects), then assertions on status, latency, response
 * headers and body.
 *
 * Requests go through undici (loaded when the first http probe runs, so `validate`, `list` and
 * `init` never load it), with redirects followed here rather than by undici: the probe names the
 * hop that failed, counts hops, and decides what crosses to another origin (nothing the checklist
 * set: no header of `headers`, no credentials, no body).
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { DURATION_PATTERN } from "../util/duration.js";
import { jsonAssertionIssues, TEXT_ASSERTION_PROPERTIES, textAssertionIssues, type TextAssertions } from "./assert.js";
import { displayUrl } from "./driver.js";
import { expectedValueRef, matcherIssues, matcherRef } from "./matchers.js";

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
  /** JSON path → expected value or matcher (`data.items.0.name: db`, `items: { length: { gte: 1 } }`); see matchers.ts. */
  json?: Record<string, unknown>;
  /** Response header name (any case) → expected value or matcher (`Server: { exists: false }`). */
  response_headers?: Record<string, unknown>;
  /** Longest acceptable time to the response headers (DNS, connect, TLS, redirects included). */
  max_latency?: string;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** Follow 3xx redirects, at most 10 (default true). */
  follow_redirects?: boolean;
  /** PEM file of the certificate authorities to trust instead of the system's (relative to the checklist). */
  ca?: string;
  /** PEM file of the client certificate, for servers that require one (mutual TLS); with `key`. */
  cert?: string;
  /** PEM file of the client certificate's private key; with `cert`. */
  key?: string;
}

/** RFC 9110 token: what a header name or a method may be made of. */
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS_PATTERN = "^[1-5][0-9x][0-9x]$";

const STATUS_ITEM = {
  oneOf: [
    { type: "integer", minimum: 100, maximum: 599 },
    { type: "string", pattern: STATUS_PATTERN },
  ],
};

export function statusList(spec: HttpSpec): StatusSpec[] {
  if (spec.status === undefined) return ["2xx"];
  return Array.isArray(spec.status) ? spec.status : [spec.status];
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
  if ((spec.cert === undefined) !== (spec.key === undefined)) {
    issues.push({ path: spec.cert === undefined ? "/key" : "/cert", level: "error", message: "cert and key go together: a client certificate needs its key" });
  }
  issues.push(...textAssertionIssues(spec));
  issues.push(...jsonAssertionIssues(spec.json));
  const pointer = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");
  if (spec.json !== null && typeof spec.json === "object" && !Array.isArray(spec.json)) {
    for (const [path, expected] of Object.entries(spec.json)) issues.push(...matcherIssues(expected, `/json/${pointer(path)}`));
  }
  const expectedHeaders = spec.response_headers !== null && typeof spec.response_headers === "object" ? spec.response_headers : undefined;
  if (expectedHeaders && Object.keys(expectedHeaders).length === 0) {
    issues.push({ path: "/response_headers", level: "error", message: "response_headers is empty, so it checks nothing: map at least one header to its expected value" });
  }
  for (const [name, expected] of Object.entries(expectedHeaders ?? {})) {
    if (!TOKEN_RE.test(name)) issues.push({ path: `/response_headers/${pointer(name)}`, level: "error", message: `invalid header name ${JSON.stringify(name)}` });
    else issues.push(...matcherIssues(expected, `/response_headers/${pointer(name)}`));
  }
  return issues;
}

/** The `http` probe: see {@link HttpSpec}. */
export const httpProbe: Probe<HttpSpec> = {
  type: "http",
  description: "Requests a URL and checks the status, latency, headers and body.",
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
      json: {
        type: "object",
        additionalProperties: expectedValueRef("Expected value (any JSON, compared whole) or a matcher."),
        description: "JSON path → expected value or matcher, e.g. { data.status: ok, items: { length: { gte: 1 } } }.",
      },
      response_headers: {
        type: "object",
        additionalProperties: matcherRef("Expected header value, or a matcher."),
        description: "Response header (any case) → expected value or matcher, e.g. { Server: { exists: false } }.",
      },
      max_latency: { type: "string", pattern: DURATION_PATTERN, description: "Longest acceptable time to the response headers." },
      insecure: { type: "boolean", description: "Skip TLS certificate verification." },
      follow_redirects: { type: "boolean", description: "Follow up to 10 redirects (default true); headers and body set here are not sent to another origin." },
      ca: { type: "string", minLength: 1, description: "PEM file of the certificate authorities to trust instead of the system's, relative to the checklist." },
      cert: { type: "string", minLength: 1, description: "PEM file of a client certificate for mutual TLS, relative to the checklist (with key)." },
      key: { type: "string", minLength: 1, description: "PEM file of the client certificate's private key, relative to the checklist (with cert)." },
    },
  },
  check,
  target: (spec) => displayUrl(spec.http),
  run: (spec, ctx) => import("./run/http.js").then((m) => m.run(spec, ctx)),
};
