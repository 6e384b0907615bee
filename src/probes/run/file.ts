/** The run of the `file` probe (its spec, schema and checks: ../file.ts), loaded when a probe of the type first runs. */
import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { monotonicMs, parseDuration } from "../../util/duration.js";
import { globLib } from "../../util/glob.js";
import { abortCause } from "../../util/net.js";
import { checkText, hasTextAssertions } from "../assert.js";
import { openRegularFile, outsideConfinement, specialFileKind } from "../evidence/common.js";
import { type FileSpec, formatAge, formatSize, parseSize } from "../file.js";

/** A path for messages: relative to the checklist when inside it, POSIX separators. */
function shown(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  const out = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
  return out.split(sep).join("/");
}

interface Match {
  abs: string;
  isDir: boolean;
  /** What it is when neither a regular file nor a directory (`a FIFO`): such a match fails, unread. */
  special: string | undefined;
  size: number;
  mtime: Date;
}

/** Reads at most `max` bytes of a file; whether more was there. */
async function readCapped(path: string, max: number): Promise<{ text: string; truncated: boolean }> {
  const fh = await openRegularFile(path);
  try {
    const buf = Buffer.alloc(Math.max(0, max) + 1);
    let size = 0;
    while (size < buf.length) {
      const { bytesRead } = await fh.read(buf, size, buf.length - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
    }
    const truncated = size > max;
    return { text: new TextDecoder("utf-8").decode(buf.subarray(0, Math.min(size, max))), truncated };
  } finally {
    await fh.close();
  }
}

function errorCause(e: unknown): string {
  const code = e && typeof e === "object" && "code" in e ? String(e.code) : "";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ELOOP") return "too many symbolic links";
  return e instanceof Error ? (e.message.split("\n")[0] ?? e.message) : String(e);
}

/** Directories a broad glob should not walk unless the pattern names them: huge, and never what is meant. */
const SKIPPED_DIRS = ["node_modules", ".git"];

function match(abs: string, st: Stats): Match {
  return { abs, isDir: st.isDirectory(), special: specialFileKind(st), size: st.size, mtime: st.mtime };
}

async function findMatches(pattern: string, isGlob: boolean, ctx: ProbeContext): Promise<Match[]> {
  if (!isGlob) {
    const abs = resolve(ctx.cwd, pattern);
    try {
      return [match(abs, await stat(abs))];
    } catch (e) {
      const code = e && typeof e === "object" && "code" in e ? String(e.code) : "";
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw e;
    }
  }
  const ignore = SKIPPED_DIRS.filter((d) => !pattern.includes(d)).map((d) => `**/${d}/**`);
  const { glob } = await globLib();
  const paths = await glob([pattern], { cwd: ctx.cwd, dot: true, absolute: true, onlyFiles: true, ignore, expandDirectories: false, signal: ctx.signal });
  paths.sort();
  const matches: Match[] = [];
  for (const abs of paths) {
    try {
      matches.push(match(abs, await stat(abs)));
    } catch {
      // Deleted between listing and stat, or a broken symlink: it does not exist.
    }
  }
  return matches;
}

export async function run(spec: FileSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const started = monotonicMs();
  const pattern = spec.file;
  const isGlob = (await globLib()).isDynamicPattern(pattern);
  // Before anything is looked at: whether a path exists outside is itself an answer.
  const outside = isGlob ? undefined : outsideConfinement(resolve(ctx.cwd, pattern));
  if (outside) return { result: "fail", message: `${pattern} ${outside}` };
  let matches: Match[];
  try {
    matches = await findMatches(pattern, isGlob, ctx);
  } catch (e) {
    if (ctx.signal.aborted) return { result: "fail", message: `${pattern}: ${abortCause(ctx.signal, ctx.timeoutMs, started)} while searching` };
    return { result: "fail", message: `${pattern}: ${errorCause(e)}` };
  }
  const observed = { matches: matches.length };

  if (spec.exists === false) {
    if (matches.length === 0) return { result: "pass", message: isGlob ? `no file matches ${pattern}` : `${pattern} does not exist`, observed };
    const names = matches.slice(0, 3).map((m) => shown(m.abs, ctx.cwd));
    const more = matches.length > 3 ? `, … ${matches.length - 3} more` : "";
    if (!isGlob) return { result: "fail", message: `${pattern} exists (expected absent)`, observed };
    return { result: "fail", message: `${matches.length} file${matches.length > 1 ? "s" : ""} match ${pattern} (expected none): ${names.join(", ")}${more}`, observed };
  }
  if (matches.length === 0) return { result: "fail", message: isGlob ? `no file matches ${pattern}` : `${pattern} does not exist`, observed };

  const minSize = spec.min_size === undefined ? undefined : parseSize(spec.min_size);
  const maxAge = spec.max_age === undefined ? undefined : parseDuration(spec.max_age);
  const needText = hasTextAssertions(spec);
  const now = ctx.now().getTime();
  const failures: string[] = [];
  let failing = 0;
  for (const [i, m] of matches.entries()) {
    if (ctx.signal.aborted) {
      return { result: "fail", message: `${pattern}: ${abortCause(ctx.signal, ctx.timeoutMs, started)} after checking ${i} of ${matches.length} files` };
    }
    const name = shown(m.abs, ctx.cwd);
    const own: string[] = [];
    const outside = outsideConfinement(m.abs);
    if (outside) own.push(`${name} ${outside}`);
    else if (m.special) own.push(`${name} is ${m.special}, not a regular file or a directory`);
    else if (m.isDir && (needText || minSize !== undefined)) own.push(`${name} is a directory`);
    else {
      if (minSize !== undefined && m.size < minSize) own.push(`${name} is ${formatSize(m.size)} (min ${String(spec.min_size)})`);
      if (needText) {
        try {
          const { text, truncated } = await readCapped(m.abs, ctx.limits.maxFileBytes);
          const f = checkText(text, spec, name);
          if (f.length > 0 && truncated) f.push(`only the first ${formatSize(ctx.limits.maxFileBytes)} of ${name} were read`);
          own.push(...f);
        } catch (e) {
          own.push(`${name}: ${errorCause(e)}`);
        }
      }
    }
    if (maxAge !== undefined) {
      const age = now - m.mtime.getTime();
      if (age > maxAge) own.push(`${name} is ${formatAge(age)} old (max ${spec.max_age})`);
    }
    if (own.length > 0) {
      failing++;
      // One line: the first failing file's causes, then how many others failed.
      if (failures.length === 0) failures.push(...own);
    }
  }
  if (failing > 0) {
    const others = failing > 1 ? ` (and ${failing - 1} more of ${matches.length} files)` : "";
    return { result: "fail", message: `${failures.join("; ")}${others}`, observed };
  }

  const first = matches[0];
  if (matches.length === 1 && first) {
    const name = shown(first.abs, ctx.cwd);
    return { result: "pass", message: first.isDir ? `${name} exists (directory)` : `${name} exists (${formatSize(first.size)})`, observed };
  }
  const total = matches.reduce((n, m) => n + m.size, 0);
  return { result: "pass", message: `${matches.length} files match ${pattern} (${formatSize(total)})`, observed };
}
