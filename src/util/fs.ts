import { closeSync, constants, createReadStream, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { isatty, ReadStream as TtyReadStream } from "node:tty";
import { basename, dirname, join } from "node:path";
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
    return regular ? readFileSync(path) : await readUnsized(path, shown, what, maxBytes, fifo, signal);
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
function readUnsized(path: string, shown: string, what: string, maxBytes: number, fifo: boolean, signal?: AbortSignal): Promise<Buffer> {
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

/** Writes all of `bytes` to `fd` (a write may take fewer than it is given). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done);
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
 * Writes a file atomically: a temporary file beside it, then a rename. A reader (or an interrupted
 * run) never sees half a file. Parent directories are created. Text in parts is written part by
 * part. The temporary file is created exclusively (never through a link someone left at its name).
 */
export function writeFileAtomic(path: string, content: FileContent): void {
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
      else for (const part of typeof content === "string" ? [content] : content) writeAllSync(fd, Buffer.from(part));
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
