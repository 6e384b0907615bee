/**
 * What a command may touch: two output streams, the environment, the working directory.
 * Only src/cli.ts builds one from the real process: there `out` and `err` mask every value in
 * `secrets` and keep text from becoming a GitHub workflow command (util/output.ts).
 */
import { Chalk, type ChalkInstance } from "chalk";
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { ReadinessError } from "../errors.js";
import type { SecretMasker } from "../util/mask.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A GitHub workflow command readiness means (an annotation), on stdout or stderr: the one way to write one. */
  command(line: string, stream: "out" | "err"): void;
  /**
   * Every secret known to the run. Loading a checklist adds the values it reads from the
   * environment (`secrets` of LoadOptions); `out`, `err`, report files and the step summary mask them.
   */
  secrets: SecretMasker;
  env: Record<string, string | undefined>;
  cwd: string;
  stdoutIsTTY: boolean;
  /** The terminal's width in columns, when stdout is a terminal. */
  stdoutColumns?: number;
  stderrIsTTY: boolean;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  /** Which signal interrupted the run, once one has. */
  interruptedBy(): "SIGINT" | "SIGTERM" | undefined;
}

/** Global options every command shares. */
export interface GlobalOptions {
  color?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export const CHECKLIST_NAMES = ["readiness.yaml", "readiness.yml", ".readiness.yaml"];

/** The checklist file to use: the given one, or the first default name present in cwd, or undefined. */
export function findChecklist(cwd: string, file?: string): string | undefined {
  if (file) return file;
  return CHECKLIST_NAMES.find((n) => existsSync(join(cwd, n)));
}

/** Like `findChecklist`, but a missing checklist is an error that says what to do. */
export function requireChecklist(cwd: string, file?: string): string {
  const found = findChecklist(cwd, file);
  if (!found) throw new ReadinessError(`no checklist given and none of ${CHECKLIST_NAMES.join(", ")} in ${cwd} (run \`readiness init\` to write one)`, { code: "ENOCHECKLIST" });
  return found;
}

/**
 * The width the terminal reports lay themselves out for: the terminal's (`process.stdout.columns`),
 * else `COLUMNS` when it is a number, else 80.
 */
export function terminalWidth(io: Io): number {
  if (io.stdoutIsTTY && io.stdoutColumns && io.stdoutColumns > 0) return io.stdoutColumns;
  const env = Number(io.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : 80;
}

/**
 * The colour level for a stream: `--no-color` and NO_COLOR turn it off, FORCE_COLOR turns it on
 * (FORCE_COLOR=0 off), otherwise colour only on a terminal.
 */
export function colorLevel(io: Io, opts: GlobalOptions, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (opts.color === false) return 0;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "") {
    if (force === "0" || force === "false") return 0;
    const n = Number(force);
    return n >= 1 && n <= 3 ? (n as 1 | 2 | 3) : 1;
  }
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return 0;
  if (!isTTY || io.env.TERM === "dumb") return 0;
  return io.env.COLORTERM === "truecolor" ? 3 : 2;
}

export function chalkFor(level: 0 | 1 | 2 | 3): ChalkInstance {
  return new Chalk({ level });
}

/** Parses `KEY=VALUE` options. */
export function parseKeyValues(values: string[], option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new ReadinessError(`${option} ${v}: expected KEY=VALUE`, { code: "EUSAGE" });
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** A path relative to the process's directory when that is shorter, so messages read `readiness.yaml:3:5`. */
export function displayPath(io: Io, file: string): string {
  const abs = resolve(io.cwd, file);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}

/** `--var` values as a map (undefined list → empty). */
export function parseVars(values: string[] | undefined): Record<string, string> {
  return parseKeyValues(values ?? [], "--var");
}

/** `--untrusted` and its `--allow-env NAME`s as loading takes them (see docs/security.md); `--allow-env` alone is a usage error. */
export function untrustedOption(opts: { untrusted?: boolean; allowEnv?: string[] }): { allowEnv: string[] } | undefined {
  if (opts.allowEnv?.length && !opts.untrusted) throw new ReadinessError(`--allow-env ${opts.allowEnv[0] ?? ""}: only means something with --untrusted`, { code: "EUSAGE" });
  return opts.untrusted ? { allowEnv: opts.allowEnv ?? [] } : undefined;
}

/**
 * The clock for a command: READINESS_NOW (an ISO date or date-time) pins it, so expiry can be
 * tested and reproduced without waiting; otherwise the real time.
 */
export function clockFor(io: Io): () => Date {
  const pinned = io.env.READINESS_NOW;
  if (!pinned) return () => new Date();
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(pinned) ? `${pinned}T00:00:00Z` : pinned);
  if (Number.isNaN(d.getTime())) throw new ReadinessError(`READINESS_NOW=${pinned}: expected an ISO date like 2026-11-23 or 2026-11-23T10:00:00Z`, { code: "EUSAGE" });
  return () => new Date(d);
}
