/**
 * What the probes built on a client library (postgres, mysql, redis, grpc) share: showing a
 * connection URL without its password, keeping that password out of every message, and bounding
 * a driver's work by the probe's signal, whatever the driver itself honours.
 */
import type { Issue, ProbeContext, ProbeOutcome } from "../types.js";
import { formatDuration, monotonicMs } from "../util/duration.js";
import { truncate } from "../util/text.js";
import { abortMessage, describeError, fail, pass } from "./evidence/common.js";
import { checkValue, type Expected, matcherIssues, matcherRef, showValue } from "./matchers.js";

/** A connection URL with its password (if any) shown as `***`, for plans, reports and messages. */
export function displayUrl(raw: string): string {
  if (!raw.includes("@")) return raw;
  try {
    const u = new URL(raw);
    if (!u.password) return raw;
    u.password = "***";
    return u.href;
  } catch {
    // Not parseable: hide whatever sits between "scheme://user:" and "@".
    return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
  }
}

/** Parses a connection URL of one of `schemes` (`postgresql:`...); a string result is the problem. */
export function parseUrl(raw: string, schemes: readonly string[]): URL | string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return `${displayUrl(raw)} is not a URL (expected ${schemes[0]}//host:port...)`;
  }
  if (!schemes.includes(u.protocol)) return `${displayUrl(raw)}: scheme must be ${schemes.map((s) => `${s}//`).join(" or ")}`;
  if (!u.hostname) return `${displayUrl(raw)}: no host`;
  return u;
}

/** The `check` of a URL-keyed probe: the URL parses and has a known scheme (left for run when interpolated). */
export function urlIssues(raw: unknown, key: string, schemes: readonly string[]): Issue[] {
  if (typeof raw !== "string" || raw.includes("${")) return [];
  const u = parseUrl(raw, schemes);
  return typeof u === "string" ? [{ path: `/${key}`, message: u }] : [];
}

/** Registers the URL's password (raw and decoded) as a secret, so no driver message can print it. */
export function maskPassword(url: URL, ctx: ProbeContext): void {
  if (!url.password) return;
  ctx.secrets.add(url.password);
  try {
    ctx.secrets.add(decodeURIComponent(url.password));
  } catch {
    // Not valid percent-encoding: the raw form is masked.
  }
}

/** A driver's outcome: its value, or the cause of its failure in one line. */
export type Attempt<T> = { value: T } | { error: string };

/**
 * Runs `work` until it settles or the probe's signal aborts, whichever comes first; on abort, `stop`
 * tears the connection down (so nothing outlives the probe) and the cause is the timeout or interrupt.
 */
export async function bounded<T>(ctx: ProbeContext, work: () => Promise<T>, stop: () => void): Promise<Attempt<T>> {
  if (ctx.signal.aborted) return { error: abortMessage(ctx) };
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<{ error: string }>((resolve) => {
    onAbort = () => {
      stop();
      resolve({ error: abortMessage(ctx) });
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
  const done = work().then(
    (value) => ({ value }),
    (e: unknown) => ({ error: ctx.signal.aborted ? abortMessage(ctx) : driverError(e) }),
  );
  try {
    return await Promise.race([done, aborted]);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

/** One line from a driver's error: the socket cause when there is one, else its first line. */
export function driverError(e: unknown): string {
  const worded = describeError(e);
  return worded.replace(/\s+/g, " ").trim() || "unknown error";
}

/** Keys shared by the SQL probes (postgres, mysql). */
export interface QuerySpec {
  /** SQL to run after connecting (default `SELECT 1`). */
  query?: string;
  /** What the first column of the first row must be. */
  expect?: Expected;
  /** What the number of rows returned must be. */
  rows?: Expected;
}

/** Schema properties of {@link QuerySpec}. */
export const QUERY_PROPERTIES: Record<string, Record<string, unknown>> = {
  query: { type: "string", minLength: 1, description: "SQL to run once connected (default SELECT 1)." },
  expect: matcherRef("The first column of the first row: a value to equal, or a matcher such as { gte: 1 }."),
  rows: matcherRef("The number of rows returned: a number, or a matcher such as { gte: 1 }."),
};

/** The `check` of the SQL keys: matchers that the schema cannot fully check. */
export function queryIssues(spec: QuerySpec): Issue[] {
  return [...matcherIssues(spec.expect, "/expect"), ...matcherIssues(spec.rows, "/rows")];
}

/** A column value as the matchers compare it: BIGINT and DECIMAL as numeric text, dates as ISO text, bytes as a count. */
function columnValue(v: unknown): unknown {
  if (typeof v === "bigint") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  return v;
}

/** Judges a query's rows (each an array of columns) against `expect` and `rows`. */
export function queryOutcome(label: string, spec: QuerySpec, rows: unknown[][], ms: number): ProbeOutcome {
  const query = truncate((spec.query ?? DEFAULT_QUERY).replace(/\s+/g, " ").trim(), 60);
  const hasFirst = rows.length > 0 && (rows[0]?.length ?? 0) > 0;
  const first = columnValue(rows[0]?.[0]);
  const observed = { rows: rows.length, ...(rows.length > 0 ? { value: first } : {}), latency_ms: ms };
  const problems: string[] = [];
  if (spec.rows !== undefined) problems.push(...checkValue({ found: true, value: rows.length }, spec.rows, "rows"));
  if (spec.expect !== undefined) problems.push(...checkValue(hasFirst ? { found: true, value: first } : { found: false }, spec.expect, "first value"));
  const count = rows.length === 0 ? "no rows" : `${rows.length} ${rows.length === 1 ? "row" : "rows"}`;
  if (problems.length > 0) return fail(`${label}: ${query} returned ${count}: ${problems.join("; ")}`, observed);
  return pass(`${label}: ${query} returned ${count}${hasFirst ? `, first value ${showValue(first)}` : ""} in ${formatDuration(ms)}`, observed);
}

/** The query the SQL probes run when none is given: it proves the server accepts and answers. */
export const DEFAULT_QUERY = "SELECT 1";

/** A SQL client as the postgres and mysql probes drive it: `run` connects and queries, `stop` tears down at once. */
export interface SqlSession {
  run(sql: string): Promise<unknown[][]>;
  stop(): void;
}

/** The postgres and mysql probes: parse the URL (password masked), open a session, run the query within the timeout, judge the rows. */
export async function sqlProbe(raw: string, schemes: readonly string[], spec: QuerySpec, ctx: ProbeContext, open: (url: URL) => Promise<SqlSession>): Promise<ProbeOutcome> {
  const label = displayUrl(raw);
  const url = parseUrl(raw, schemes);
  if (typeof url === "string") return fail(url);
  maskPassword(url, ctx);
  const started = monotonicMs();
  const session = await open(url);
  const got = await bounded(ctx, () => session.run(spec.query ?? DEFAULT_QUERY), () => session.stop());
  session.stop();
  if ("error" in got) return fail(`${label}: ${got.error}`);
  return queryOutcome(label, spec, got.value, Math.round(monotonicMs() - started));
}
