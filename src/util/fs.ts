import { closeSync, constants, createReadStream, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { ReadinessError } from "../errors.js";

/** One line for an I/O error a user can cause: `X: no such file`, `X: permission denied`, ... */
export function ioErrorMessage(shown: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `${shown}: no such file`;
  if (code === "EACCES") return `${shown}: permission denied`;
  if (code === "EISDIR") return `${shown}: is a directory`;
  return `${shown}: cannot read (${code ?? (e as Error).message})`;
}

/**
 * Reads a user-named input file whole, refusing a directory, a missing file or one over `maxBytes`
 * with one clear line (a `ReadinessError`). `what` names the expected kind ("checklist", "Markdown").
 */
export async function readInputFile(path: string, shown: string, what: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  let size: number;
  let regular: boolean;
  let fifo: boolean;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ReadinessError(`${shown}: is a directory, expected a ${what} file`, { code: "ENOTFILE" });
    size = st.size;
    regular = st.isFile();
    fifo = st.isFIFO() || st.isSocket();
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(ioErrorMessage(shown, e), { code: "EREAD" });
  }
  if (size > maxBytes) throw tooLarge(shown, what, maxBytes, size);
  try {
    // A regular file (of at most `maxBytes`) is read at once: fs/promises is not loaded for it, a few
    // ms of every cold start. Anything else has no size to check first (`<(command)`, /dev/stdin,
    // /dev/zero): it is read through the event loop, cut at `maxBytes`.
    if (regular) return readFileSync(path);
    // Pipes and terminals are read through node:net and node:tty, loaded only for them.
    const [{ Socket }, tty] = await Promise.all([import("node:net"), import("node:tty")]);
    return await readUnsized(path, shown, what, maxBytes, fifo, { Socket, ...tty }, signal);
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(ioErrorMessage(shown, e), { code: "EREAD" });
  }
}

function tooLarge(shown: string, what: string, maxBytes: number, size?: number): ReadinessError {
  const mib = (n: number): string => (n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1);
  const got = size === undefined ? `over ${mib(maxBytes)} MiB` : `${mib(size)} MiB`;
  return new ReadinessError(`${shown}: file is too large (${got}; a ${what} file may be at most ${mib(maxBytes)} MiB)`, { code: "ETOOLARGE" });
}

/**
 * Reads a pipe, socket or device up to `maxBytes` (one byte more is an error). A pipe is opened
 * non-blocking and read as a socket, a terminal as one: Node cannot exit while a worker thread waits
 * in open() or read() on a pipe nobody writes to, so Ctrl-C would not stop the command. `signal`
 * (an interrupt) stops the read with an `EINTERRUPTED` error.
 */
function readUnsized(
  path: string,
  shown: string,
  what: string,
  maxBytes: number,
  fifo: boolean,
  { Socket, isatty, ReadStream: TtyReadStream }: Pick<typeof import("node:net"), "Socket"> & Pick<typeof import("node:tty"), "isatty" | "ReadStream">,
  signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const interrupted = (): ReadinessError => new ReadinessError(`${shown}: interrupted while reading`, { code: "EINTERRUPTED" });
    if (signal?.aborted) return reject(interrupted());
    let stream: NodeJS.ReadableStream & { destroy(): void };
    // /dev/stdin or /dev/fd/N naming a socket (what Node's spawn gives a child as a "pipe") cannot be
    // opened again by path (ENXIO): the descriptor itself is read.
    const own = /^\/(?:dev\/(?:stdin|fd\/(\d+))|proc\/self\/fd\/(\d+))$/.exec(path);
    if (fifo && own) {
      stream = new Socket({ fd: Number(own[1] ?? own[2] ?? 0), readable: true, writable: false });
    } else if (fifo) {
      stream = new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
    } else {
      const fd = openSync(path, constants.O_RDONLY);
      if (isatty(fd)) stream = new TtyReadStream(fd);
      else {
        closeSync(fd);
        stream = createReadStream(path);
      }
    }
    const chunks: Buffer[] = [];
    let got = 0;
    stream.on("data", (chunk: Buffer) => {
      got += chunk.length;
      if (got > maxBytes) {
        stream.destroy();
        reject(tooLarge(shown, what, maxBytes));
      } else chunks.push(chunk);
    });
    const onAbort = (): void => {
      stream.destroy();
      reject(interrupted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = (): void => signal?.removeEventListener("abort", onAbort);
    stream.on("end", () => {
      done();
      resolve(Buffer.concat(chunks));
    });
    stream.on("error", (e: Error) => {
      done();
      reject(e);
    });
  });
}

/** How long a write to a pipe or device may make no progress (its reader reads nothing) before it fails. */
const STALLED_WRITE_MS = 30_000;

/** Sleeps the thread (a non-blocking descriptor that is full, or a FIFO with no reader yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Writes all of `bytes` to `fd` (a write may take fewer than it is given). A non-blocking pipe or
 * device that is full (EAGAIN) is waited for, a few milliseconds at a time, for at most
 * STALLED_WRITE_MS without progress.
 */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  let stalledSince = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
      stalledSince = 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      const now = Date.now();
      stalledSince ||= now;
      if (now - stalledSince > STALLED_WRITE_MS) throw Object.assign(new Error("nothing read what was written for 30 s"), { code: "ETIMEDOUT" });
      pause(5);
    }
  }
}

/** Writes text, or text in parts (one after another, never joined), to `fd` as UTF-8. */
function writeTextSync(fd: number, text: string | Iterable<string>): void {
  for (const part of typeof text === "string" ? [text] : text) writeAllSync(fd, Buffer.from(part));
}

/** What a file is written from: text, text in parts (written one after another, never joined), or bytes. */
export type FileContent = string | Iterable<string> | Uint8Array;

let tmpSerial = 0;

/**
 * `mkdir -p`: creates `dir` and any missing parents, one at a time. Not Node's recursive mkdirSync,
 * which on Node 20 loops forever (a CPU at 100 %, deaf to SIGTERM) where a directory cannot be made
 * in an existing parent, such as `-o json=/proc/x/r.json`; here that is ENOENT. A parent that is a
 * file is ENOTDIR.
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; ) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      missing.push(d);
      const parent = dirname(d);
      if (parent === d) break;
      d = parent;
      continue;
    }
    if (!isDir) throw Object.assign(new Error(`${d}: not a directory`), { code: "ENOTDIR" });
    break;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i] as string);
    } catch (e) {
      // Made meanwhile by someone else: as good.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(missing[i] as string).isDirectory()) throw e;
    }
  }
}

/**
 * `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` (or a symbolic link to one of them):
 * the descriptor of this process a path names. Such a path cannot always be opened again (a socket,
 * as a pipe from Node's spawn is), and need not be: the descriptor is written to.
 */
function ownDescriptor(path: string): number | undefined {
  let p = path;
  for (let hops = 0; hops < 8; hops++) {
    const m = new RegExp(`^/(?:dev/(?:(stdout)|(stderr)|fd/(\\d+))|proc/(?:self|${process.pid})/fd/(\\d+))$`).exec(p);
    if (m) return m[1] ? 1 : m[2] ? 2 : Number(m[3] ?? m[4]);
    try {
      if (!lstatSync(p).isSymbolicLink()) return undefined;
      p = resolvePath(dirname(p), readlinkSync(p));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The first of `files` that `path` names (the same file, through links), or undefined. */
export function sameFileAs(path: string, files: readonly string[]): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  return files.find((f) => {
    try {
      const other = statSync(f);
      return other.ino === st.ino && other.dev === st.dev;
    } catch {
      return false;
    }
  });
}

function refused(path: string, why: string): ReadinessError {
  return new ReadinessError(`${path}: ${why}`, { code: "EOUTPUT" });
}

/** Opens a FIFO or a character device to write a stream to it, waiting for a FIFO's reader for a while. */
function openStream(path: string, st: Stats): number {
  const flags = constants.O_WRONLY | constants.O_NONBLOCK;
  if (!st.isFIFO()) return openSync(path, flags);
  for (const started = Date.now(); ; pause(20)) {
    try {
      return openSync(path, flags);
    } catch (e) {
      // ENXIO: no process has the FIFO open for reading (yet).
      if ((e as NodeJS.ErrnoException).code !== "ENXIO") throw e;
      if (Date.now() - started > STALLED_WRITE_MS) throw refused(path, "a FIFO that no process reads (waited 30 s)");
    }
  }
}

/** Where a file written to `path` goes: replaced atomically at a path, or written as a stream to a descriptor. */
function outputTarget(path: string): { atomic: string } | { fd: number; close: boolean } {
  const own = ownDescriptor(path);
  if (own !== undefined) return { fd: own, close: false };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    // Nothing there, or a dangling link (replaced, as a link to a regular file is).
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { atomic: path };
    throw e;
  }
  // A symbolic link to a regular file is replaced, not followed: a link planted at a report's path
  // must not make readiness write over the file it names.
  if (st.isFile()) return { atomic: path };
  if (st.isDirectory()) throw refused(path, "is a directory");
  if (st.isFIFO() || st.isCharacterDevice()) return { fd: openStream(path, st), close: true };
  throw refused(path, `is a ${st.isSocket() ? "socket" : st.isBlockDevice() ? "block device" : "special file"}: not writing to it`);
}

/**
 * Writes a file (a report, a checklist). A regular file (or a new one) is replaced atomically (see
 * `replaceFile`), a symbolic link to one too (the link, not the file it names); a FIFO, a character device (`/dev/null`, a terminal) or
 * one of this process's own descriptors (`/dev/stdout`) is written as a stream and stays what it
 * is, where a rename would replace the device node or the link with a regular file (as root, even
 * /dev/null). A directory, a socket or a block device is refused with one line (a ReadinessError:
 * exit 2).
 */
export function writeFileAtomic(path: string, content: FileContent): void {
  const target = outputTarget(path);
  if ("atomic" in target) return replaceFile(target.atomic, content);
  try {
    if (content instanceof Uint8Array) writeAllSync(target.fd, content);
    else writeTextSync(target.fd, content);
  } finally {
    if (target.close) closeSync(target.fd);
  }
}

/**
 * Replaces a regular file atomically: a temporary file beside it, then a rename. A reader (or an interrupted
 * run) never sees half a file. Parent directories are created. Text in parts is written part by
 * part. The temporary file is created exclusively (never through a link someone left at its name).
 */
function replaceFile(path: string, content: FileContent): void {
  const dir = dirname(path);
  makeDirectories(dir);
  let tmp = "";
  let fd = -1;
  for (let tries = 0; fd < 0; tries++) {
    tmp = join(dir, `.${basename(path)}.${process.pid}.${++tmpSerial}${Math.random().toString(36).slice(2, 8)}.tmp`);
    try {
      fd = openSync(tmp, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || tries >= 100) throw e;
    }
  }
  try {
    try {
      if (content instanceof Uint8Array) writeAllSync(fd, content);
      else writeTextSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

/** How long `withLock` waits for another command's lock before giving up. */
export const LOCK_WAIT_MS = 60_000;
/** A lock older than this is taken to be left behind (its holder hung or its host is gone). */
const LOCK_STALE_MS = 10 * 60_000;

/** The holder a lock file names (`pid host`) and when it was taken; undefined when there is no lock. */
function lockHolder(lock: string): { text: string; pid: number; host: string; since: number } | undefined {
  try {
    const since = statSync(lock).mtimeMs;
    const text = readFileSync(lock, "utf8");
    const [pid, host] = text.trim().split(" ");
    return { text, pid: Number(pid), host: host ?? "", since };
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock's holder is gone: a process of this host that no longer runs, or a lock older than
 * LOCK_STALE_MS (a holder that hung, or on another host). A lock not yet written (its holder is
 * between creating and writing it) is not stale unless that old.
 */
function isStale(holder: { pid: number; host: string; since: number }): boolean {
  if (Date.now() - holder.since > LOCK_STALE_MS) return true;
  if (holder.host !== hostname() || !Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Runs `fn` holding an exclusive lock on `file`: a lock file beside it (`.NAME.lock`, created with
 * O_EXCL, naming this process), so commands that edit one file (`attest`, `waive`, `sign`) run one
 * after another, each reading what the one before wrote. Another holder is waited for, at most
 * `waitMs`, then a ReadinessError (exit 2) says who holds it. A lock whose process no longer runs
 * (killed, crashed) or older than 10 minutes is removed. The lock goes when `fn` ends, or when the
 * process exits (an interrupt).
 */
export async function withLock<T>(file: string, shown: string, fn: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  let real = file;
  try {
    real = realpathSync(file);
  } catch {
    // Missing: the command that edits it says so.
  }
  const lock = join(dirname(real), `.${basename(real)}.lock`);
  const mine = `${process.pid} ${hostname()}\n`;
  const started = Date.now();
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const fd = openSync(lock, "wx");
      try {
        writeAllSync(fd, Buffer.from(mine));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new ReadinessError(`${shown}: cannot lock it for editing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "ELOCK" });
    }
    const holder = lockHolder(lock);
    // Removed only if it still names the stale holder (not a lock taken meanwhile by another).
    if (holder && isStale(holder) && lockHolder(lock)?.text === holder.text) {
      try {
        unlinkSync(lock);
      } catch {
        // Removed by another waiter.
      }
      continue;
    }
    if (Date.now() - started > waitMs) {
      const who = holder ? ` by process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ""} for ${Math.round((Date.now() - holder.since) / 1000)} s` : "";
      throw new ReadinessError(`${shown} is locked${who} (another attest, waive or sign): nothing written; run the command again, or remove ${basename(lock)} if no such command runs`, { code: "ELOCKED" });
    }
    // Jitter, so waiters do not wake together.
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
  }
  const release = (): void => {
    if (lockHolder(lock)?.text !== mine) return;
    try {
      unlinkSync(lock);
    } catch {
      // Already gone.
    }
  };
  process.once("exit", release);
  try {
    return await fn();
  } finally {
    process.removeListener("exit", release);
    release();
  }
}
