/**
 * Where a metric value comes from: a Prometheus instant query, a path into a JSON file, or the
 * stdout of a command. Each source returns the number or a one-line reason it has none.
 */
import type { ProbeContext } from "../../types.js";
import { truncate } from "../../util/text.js";
import { abortMessage, describeError, displayPath, readTextFile, resolvePath } from "./common.js";
import { getJsonPath, parseJsonPath } from "../assert.js";
import { splitCommand } from "../command.js";
import { runProcess } from "../run/command.js";
import { displayUrl } from "../driver.js";

/** A value read, or why there is none. `detail` says where it came from when that matters (the series). */
export type SourceResult = { value: number; detail?: string } | { error: string };

/** Source of a Prometheus instant query. */
export interface PrometheusSource {
  /** Base URL of the Prometheus server (or of any server with its HTTP API, e.g. Thanos, Mimir). */
  url: string;
  /** PromQL expression; must yield one sample. */
  query: string;
  /** Extra request headers (e.g. an Authorization header). */
  headers?: Record<string, string>;
}

/** Source of a value in a JSON document: a file, or the body of a GET to a URL. */
export interface JsonSource {
  /** JSON file, relative to the checklist (or `url`). */
  file?: string;
  /** http(s) URL answering JSON to a GET (or `file`). */
  url?: string;
  /** Path to the value, as the http probe's `json` writes it: `a.b[0]`, `values["p(99.9)"]`. */
  path: string;
}

/** Parses a number as Prometheus and tools print it: decimals, exponents, `NaN`, `+Inf`, `-Inf`. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^nan$/i.test(t)) return Number.NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(t);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a response body up to `max` bytes; undefined when it is larger. */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return "";
  const stream: ReadableStream<Uint8Array> = res.body;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function labels(metric: unknown): string {
  if (!isRecord(metric)) return "{}";
  const name = typeof metric.__name__ === "string" ? metric.__name__ : "";
  const rest = Object.entries(metric)
    .filter(([k]) => k !== "__name__")
    .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`);
  return `${name}{${rest.join(", ")}}`;
}

function sampleValue(sample: unknown): number | string {
  if (!Array.isArray(sample) || sample.length < 2) return "malformed sample";
  const raw: unknown = sample[1];
  const v = typeof raw === "string" ? parseNumber(raw) : typeof raw === "number" ? raw : undefined;
  return v === undefined ? `sample value ${JSON.stringify(raw)} is not a number` : v;
}

/** Runs an instant query (`GET {url}/api/v1/query?query=...`) and returns its single sample. */
export async function prometheusValue(src: PrometheusSource, ctx: ProbeContext): Promise<SourceResult> {
  let endpoint: URL;
  try {
    endpoint = new URL(src.url);
  } catch {
    return { error: `invalid Prometheus URL ${JSON.stringify(src.url)}` };
  }
  endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, "")}/api/v1/query`;
  endpoint.searchParams.set("query", src.query);
  const where = `${endpoint.origin}`;
  let res: Response;
  let body: string | undefined;
  try {
    res = await fetch(endpoint, { headers: { accept: "application/json", ...(src.headers ?? {}) }, signal: ctx.signal, redirect: "follow" });
    body = await readCapped(res, ctx.limits.maxBodyBytes);
  } catch (e) {
    if (ctx.signal.aborted) return { error: `Prometheus ${where}: ${abortMessage(ctx)}` };
    return { error: `Prometheus ${where}: ${describeError(e)}` };
  }
  if (body === undefined) return { error: `Prometheus ${where}: response larger than ${ctx.limits.maxBodyBytes} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const snippet = truncate(body.trim().split("\n")[0] ?? "", 120);
    return { error: `Prometheus ${where}: HTTP ${res.status}, not a Prometheus API response${snippet ? `: ${snippet}` : ""}` };
  }
  if (!isRecord(json)) return { error: `Prometheus ${where}: HTTP ${res.status}, not a Prometheus API response` };
  if (json.status !== "success" || !res.ok) {
    const type = typeof json.errorType === "string" ? `${json.errorType}: ` : "";
    const error = typeof json.error === "string" ? json.error : `status ${String(json.status)}`;
    return { error: `Prometheus query failed (HTTP ${res.status}): ${type}${truncate(error, 200)}` };
  }
  const data = json.data;
  if (!isRecord(data)) return { error: "Prometheus response has no data" };
  const kind = data.resultType;
  if (kind === "scalar") {
    const v = sampleValue(data.result);
    return typeof v === "string" ? { error: `Prometheus ${v}` } : { value: v, detail: "scalar" };
  }
  if (kind !== "vector") {
    return { error: `Prometheus query returned a ${String(kind)}, not an instant vector or scalar` };
  }
  const result = Array.isArray(data.result) ? (data.result as unknown[]) : [];
  if (result.length === 0) return { error: "Prometheus query returned no series (empty result)" };
  if (result.length > 1) {
    const names = result.slice(0, 3).map((r) => labels(isRecord(r) ? r.metric : undefined));
    const more = result.length > 3 ? `, … (${result.length} in all)` : "";
    return {
      error: `Prometheus query returned ${result.length} series, expected one (aggregate it, e.g. max(...) or sum(...)): ${names.join(", ")}${more}`,
    };
  }
  const series = result[0];
  const v = sampleValue(isRecord(series) ? series.value : undefined);
  if (typeof v === "string") return { error: `Prometheus ${v}` };
  return { value: v, detail: labels(isRecord(series) ? series.metric : undefined) };
}

/** GETs a URL's JSON body within the body limit; `shown` is the URL without its password. */
async function fetchJsonText(url: string, shown: string, ctx: ProbeContext): Promise<{ text: string } | { error: string }> {
  const headers: Record<string, string> = { accept: "application/json" };
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { error: `${shown}: not a URL` };
  }
  // fetch refuses credentials in a URL: they go in a Basic Authorization header, as the http probe sends them.
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    ctx.secrets.add(password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  try {
    const res = await fetch(target, { headers, signal: ctx.signal, redirect: "follow" });
    const body = await readCapped(res, ctx.limits.maxBodyBytes);
    if (body === undefined) return { error: `${shown}: response larger than ${ctx.limits.maxBodyBytes} bytes` };
    if (!res.ok) return { error: `${shown}: HTTP ${res.status}` };
    return { text: body };
  } catch (e) {
    return { error: `${shown}: ${ctx.signal.aborted ? abortMessage(ctx) : describeError(e)}` };
  }
}

/** Reads the number at a path in a JSON file or a URL's JSON response. */
export async function jsonValue(src: JsonSource, ctx: ProbeContext): Promise<SourceResult> {
  const segments = parseJsonPath(src.path);
  if (typeof segments === "string") return { error: `json path: ${segments}` };
  let shown: string;
  let read: { text: string } | { error: string };
  if (src.url !== undefined) {
    shown = displayUrl(src.url);
    read = await fetchJsonText(src.url, shown, ctx);
    if ("error" in read) return { error: read.error };
  } else {
    const file = resolvePath(ctx, src.file ?? "");
    shown = displayPath(ctx, file);
    read = await readTextFile(file, ctx);
    if ("error" in read) return { error: `cannot read ${shown}: ${read.error}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(read.text);
  } catch (e) {
    return { error: `cannot parse ${shown}: invalid JSON: ${(e as Error).message}` };
  }
  const got = getJsonPath(doc, segments);
  if (!got.found) return { error: `${shown}: no value at ${src.path}` };
  const v = got.value;
  if (typeof v === "number") return { value: v };
  const n = typeof v === "string" ? parseNumber(v) : undefined;
  if (n !== undefined) return { value: n };
  const shownValue = v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : JSON.stringify(v);
  return { error: `${shown}: ${src.path} is ${truncate(shownValue, 60)}, not a number` };
}

/** A command as an argv list (a string is split as the command probe splits it: quotes, no shell); a string result is why it cannot be. */
export function commandArgv(command: string | string[]): string[] | string {
  if (Array.isArray(command)) return command.length > 0 ? command : "empty command";
  const split = splitCommand(command);
  return typeof split === "string" ? split : split.argv;
}

/** Runs a command (no shell) and reads its trimmed stdout as the number. The whole process group is killed on abort. */
export async function commandValue(command: string | string[], ctx: ProbeContext): Promise<SourceResult> {
  const argv = commandArgv(command);
  if (typeof argv === "string") return { error: `command: ${argv}` };
  const [file, ...args] = argv;
  if (!file) return { error: "empty command" };
  if (ctx.signal.aborted) return { error: abortMessage(ctx) };
  const result = await runProcess(file, args, { cwd: ctx.cwd, maxOutputBytes: ctx.limits.maxOutputBytes, signal: ctx.signal });
  if (ctx.signal.aborted) return { error: `command ${abortMessage(ctx)}` };
  const errCode = result.error?.code;
  if (errCode === "ENOENT") return { error: `command not found: ${file}` };
  if (errCode === "EACCES") return { error: `command not executable: ${file}` };
  if (result.error) return { error: `command failed: ${describeError(result.error)}` };
  if (result.stdout.truncated) return { error: `command output larger than ${ctx.limits.maxOutputBytes} bytes` };
  if (result.exitCode === undefined) return { error: `command failed: killed by ${result.signal ?? "a signal"}` };
  if (result.exitCode !== 0) {
    const stderr = result.stderr.lastLine();
    return { error: `command exited with code ${result.exitCode}${stderr ? `: ${truncate(stderr, 120)}` : ""}` };
  }
  const out = result.stdout.text().trim();
  const v = parseNumber(out);
  if (v === undefined) return { error: `command output is not a number: ${JSON.stringify(truncate(out, 60))}` };
  return { value: v };
}
