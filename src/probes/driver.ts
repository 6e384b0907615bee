/**
 * What the probes built on a client library (postgres, mysql, redis, grpc) share: showing a
 * connection URL without its password, keeping that password out of every message, and bounding
 * a driver's work by the probe's signal, whatever the driver itself honours.
 */
import type { Issue, ProbeContext } from "../types.js";
import { abortMessage, describeError } from "./evidence/common.js";

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
