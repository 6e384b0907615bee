import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
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
export async function readInputFile(path: string, shown: string, what: string, maxBytes: number): Promise<Buffer> {
  let size: number;
  let regular: boolean;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ReadinessError(`${shown}: is a directory, expected a ${what} file`, { code: "ENOTFILE" });
    size = st.size;
    regular = st.isFile();
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(ioErrorMessage(shown, e), { code: "EREAD" });
  }
  if (size > maxBytes) {
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1);
    throw new ReadinessError(`${shown}: file is too large (${mib(size)} MiB; a ${what} file may be at most ${mib(maxBytes)} MiB)`, { code: "ETOOLARGE" });
  }
  try {
    // A regular file (of at most `maxBytes`) is read at once: fs/promises is not loaded for it, a few
    // ms of every cold start. A pipe or a terminal (`/dev/stdin`) may wait for its writer: read
    // asynchronously, so Ctrl-C still interrupts.
    return regular ? readFileSync(path) : await readFile(path);
  } catch (e) {
    throw new ReadinessError(ioErrorMessage(shown, e), { code: "EREAD" });
  }
}

/**
 * Writes a file atomically: a temporary file beside it, then a rename. A reader (or an interrupted
 * run) never sees half a file. Parent directories are created.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
