/**
 * Helpers shared by the evidence probes (coverage, tests, tls, dns, env, metric): reading files
 * within the engine's limits, naming the cause of a failure in a few words, and outcome builders.
 */
import { open } from "node:fs/promises";
import * as path from "node:path";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { formatDuration } from "../../util/duration.js";
import { describeNetError } from "../../util/net.js";
import { truncate } from "../../util/text.js";

/** A failed outcome. */
export function fail(message: string, observed?: unknown): ProbeOutcome {
  return observed === undefined ? { result: "fail", message } : { result: "fail", message, observed };
}

/** A passed outcome. */
export function pass(message: string, observed?: unknown): ProbeOutcome {
  return observed === undefined ? { result: "pass", message } : { result: "pass", message, observed };
}

/** A path from a checklist, resolved against the checklist's directory. */
export function resolvePath(ctx: Pick<ProbeContext, "cwd">, p: string): string {
  return path.resolve(ctx.cwd, p);
}

/** File-system causes; network causes are worded by `describeNetError`, as for the http and tcp probes. */
const FILE_CAUSES: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  ELOOP: "too many symbolic links",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for response headers",
};

function errorCode(e: unknown): string | undefined {
  if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string") return e.code;
  return undefined;
}

/** The cause of an error in a few words: `connection refused`, `no such file`, or the error's first line. */
export function describeError(e: unknown): string {
  // fetch wraps the socket error: the useful part is in `cause`.
  let err: unknown = e;
  for (let i = 0; i < 3 && err instanceof Error && err.message === "fetch failed" && err.cause !== undefined; i++) err = err.cause;
  const code = errorCode(err);
  if (code && FILE_CAUSES[code]) return FILE_CAUSES[code];
  if (err instanceof AggregateError && err.errors.length > 0) return describeError(err.errors[0]);
  return truncate(describeNetError(err), 200);
}

/** Why the probe's signal was aborted: `timed out after 5.0s` at its timeout, else `aborted` (the run was interrupted). */
export function abortMessage(ctx: Pick<ProbeContext, "signal" | "timeoutMs">): string {
  const reason: unknown = ctx.signal.reason;
  if (reason instanceof Error && reason.name === "TimeoutError") return `timed out after ${formatDuration(ctx.timeoutMs)}`;
  return "aborted";
}

/** Reads a text file, refusing non-files and files beyond `ctx.limits.maxFileBytes`. A string result is an error. */
export async function readTextFile(file: string, ctx: ProbeContext): Promise<{ text: string } | { error: string }> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (e) {
    return { error: describeError(e) };
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return { error: "is a directory" };
    if (!st.isFile()) return { error: "not a regular file" };
    const max = ctx.limits.maxFileBytes;
    if (st.size > max) return { error: `file is ${st.size} bytes, over the ${max}-byte limit` };
    if (ctx.signal.aborted) return { error: abortMessage(ctx) };
    const text = await handle.readFile({ encoding: "utf8", signal: ctx.signal });
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (e) {
    if (ctx.signal.aborted) return { error: abortMessage(ctx) };
    return { error: describeError(e) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Resolves when the signal aborts; used to race operations that cannot be cancelled. */
export function whenAborted(signal: AbortSignal): { promise: Promise<void>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
    dispose = () => signal.removeEventListener("abort", onAbort);
  });
  return { promise, dispose };
}

/** A path for messages: relative to the checklist directory when inside it. */
export function displayPath(ctx: Pick<ProbeContext, "cwd">, file: string): string {
  const rel = path.relative(ctx.cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}
