/**
 * Helpers shared by the evidence probes (coverage, tests, tls, dns, env, metric): reading files
 * within the engine's limits, naming the cause of a failure in a few words, and outcome builders.
 */
import { constants, realpathSync, type Stats } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
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

/**
 * Directories that `--untrusted` checklists confine file reads to (their own directories). Once one
 * is loaded in a process, every file a probe reads or looks at (file, coverage, tests, a tls ca, a
 * metric's json) must be inside one of them after following symbolic links: process-wide, so a
 * probe that lost track of its checklist fails closed.
 */
const confinedRoots = new Set<string>();

/** Confines the file reads of probes in this process to `dir` (and to other roots so registered). */
export function confineReads(dir: string): void {
  confinedRoots.add(realPathOf(path.resolve(dir)));
}

/** The real path of `p`: of its nearest existing ancestor, with the rest appended, when it does not exist. */
function realPathOf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPathOf(parent), path.basename(p));
  }
}

/** Why reading `file` is refused by `confineReads`, or undefined. */
export function outsideConfinement(file: string): string | undefined {
  if (confinedRoots.size === 0) return undefined;
  const real = realPathOf(path.resolve(file));
  for (const root of confinedRoots) {
    const rel = path.relative(root, real);
    if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) return undefined;
  }
  return "is outside the checklist's directory (after following symbolic links): refused with --untrusted";
}

/** What a file that is neither regular nor a directory is, for messages; undefined for those two. */
export function specialFileKind(st: Stats): string | undefined {
  if (st.isFile() || st.isDirectory()) return undefined;
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "a special file";
}

function notRegular(kind: string): Error {
  return Object.assign(new Error(`is ${kind}, not a regular file`), { code: "ENOTREG" });
}

/**
 * Opens a file named by a checklist for reading, only if it is a regular file. A FIFO, a device or
 * a socket (`/dev/stdin`, `mkfifo`) is refused before it is opened: opening or reading one can block
 * a thread of libuv's pool forever (starving every other file probe, keeping the process alive after
 * the verdict, deaf to signals). It is opened non-blocking, so one swapped in after the check cannot
 * block either, and checked again on the descriptor. Errors carry the cause as their message.
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const outside = outsideConfinement(file);
  if (outside) throw Object.assign(new Error(outside), { code: "EUNTRUSTED" });
  const kind = specialFileKind(await stat(file));
  if (kind) throw notRegular(kind);
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  const st = await handle.stat().catch(async (e: unknown) => {
    await handle.close().catch(() => undefined);
    throw e;
  });
  if (st.isFile()) return handle;
  await handle.close().catch(() => undefined);
  throw st.isDirectory() ? Object.assign(new Error("is a directory"), { code: "EISDIR" }) : notRegular(specialFileKind(st) ?? "a special file");
}

/** Reads a text file, refusing non-files and files beyond `ctx.limits.maxFileBytes`. A string result is an error. */
export async function readTextFile(file: string, ctx: ProbeContext): Promise<{ text: string } | { error: string }> {
  let handle;
  try {
    handle = await openRegularFile(file);
  } catch (e) {
    return { error: describeError(e) };
  }
  try {
    const st = await handle.stat();
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
