/**
 * The `command` probe: runs a program and checks its exit code and output.
 *
 * No shell unless the checklist asks for one: a string is split into argv by a small quote-aware
 * splitter. The child leads its own process group, and the whole group is killed when the probe
 * times out, is aborted, or the child exits, so a probe never leaves processes behind.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { formatDuration, monotonicMs } from "../util/duration.js";
import { abortCause } from "../util/net.js";
import { truncate } from "../util/text.js";
import { checkText, hasTextAssertions, TEXT_ASSERTION_PROPERTIES, textAssertionIssues, type TextAssertions } from "./assert.js";

/** Spec of a `command` probe, as written in a checklist (already interpolated and schema-valid). */
export interface CommandSpec extends ProbeSpecBase {
  /** A command line (split into argv without a shell unless `shell: true`) or an argv list. */
  command: string | string[];
  /** Run through the system shell (`/bin/sh -c`), for pipes, redirections and variables (default false). */
  shell?: boolean;
  /** Working directory, relative to the checklist's directory. */
  cwd?: string;
  /** Environment variables, merged over the audit's own environment. */
  env?: Record<string, string | number | boolean>;
  /** Accepted exit code(s) (default 0). */
  exit_code?: number | number[];
  /** Assertions on standard output. */
  stdout?: TextAssertions;
  /** Assertions on standard error. */
  stderr?: TextAssertions;
}

/** A command line split into argv, and any unquoted shell syntax seen (kept literally in argv). */
export interface SplitCommand {
  argv: string[];
  shellSyntax: string[];
}

const SHELL_CHARS = "|&;<>$`";
/** How long output pipes may stay open after the command exits before the probe stops reading them. */
const EXIT_GRACE_MS = 1000;

/**
 * Splits a command line into argv as a POSIX shell would for plain words: whitespace separates,
 * '…' is literal, "…" allows \" \\ \$ \` escapes, a backslash escapes the next character. Nothing is
 * expanded. Returns the problem as a string for an unterminated quote or an empty command.
 */
export function splitCommand(text: string): SplitCommand | string {
  const argv: string[] = [];
  const shellSyntax = new Set<string>();
  let cur = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return "unterminated ' quote";
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text.charAt(i);
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < text.length && '"\\$`'.includes(text.charAt(i + 1))) {
          cur += text.charAt(i + 1);
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      if (!closed) return 'unterminated " quote';
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 < text.length) cur += text.charAt(i + 1);
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else {
      if (SHELL_CHARS.includes(c)) shellSyntax.add(c);
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(cur);
  if (argv.length === 0) return "empty command";
  return { argv, shellSyntax: [...shellSyntax] };
}

/** Quotes one argument for a POSIX shell when it needs it (for display and for `shell: true` with a list). */
export function shellQuote(arg: string): string {
  if (arg !== "" && /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Keeps the first `max` bytes of a stream and its last few KiB, however much flows through. */
export class Capture {
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private tail = Buffer.alloc(0);
  total = 0;
  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.max - this.headSize;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.head.push(part);
      this.headSize += part.length;
    }
    // The tail feeds the "last line of stderr" in messages, which matters most when output is long.
    this.tail = Buffer.concat([this.tail, chunk]).subarray(-4096);
  }

  get truncated(): boolean {
    return this.total > this.max;
  }

  /** The captured text; invalid UTF-8 becomes U+FFFD instead of failing. */
  text(): string {
    return new TextDecoder("utf-8").decode(Buffer.concat(this.head, this.headSize));
  }

  lastLine(): string {
    // Colour codes and carriage-return progress bars would make an unreadable one-line message.
    const text = new TextDecoder("utf-8").decode(this.tail).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    const lines = text.split(/\r?\n|\r/).map((l) => l.trim());
    return truncate(lines.filter(Boolean).pop() ?? "", 160);
  }
}

function capture(stream: Readable | null | undefined, max: number): Capture {
  const c = new Capture(max);
  stream?.on("data", (chunk: Buffer | string) => c.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
  return c;
}

/** Display form of the command: as written, or an argv list joined with shell quoting. */
function commandLine(spec: CommandSpec): string {
  return typeof spec.command === "string" ? spec.command : spec.command.map(shellQuote).join(" ");
}

function exitCodes(spec: CommandSpec): number[] {
  if (spec.exit_code === undefined) return [0];
  return Array.isArray(spec.exit_code) ? spec.exit_code : [spec.exit_code];
}

/** Kills the child's process group: the child and every descendant that did not start its own group. */
function killTree(pid: number | undefined, fallback: () => void): void {
  if (pid === undefined) return;
  if (process.platform === "win32") {
    fallback();
    return;
  }
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Linux: kills every live descendant of `pid` found through /proc parent links, so one that left the
 * process group (setsid, a daemon) while its parent still runs dies with the tree. (One whose
 * parent already exited is adopted by init and cannot be told apart: audit untrusted checklists
 * with --no-exec.)
 */
function killDescendants(pid: number | undefined): void {
  if (pid === undefined || process.platform !== "linux") return;
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // After the command name (which may hold spaces and parentheses): state, then the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid);
      if (list) list.push(Number(name));
      else children.set(ppid, [Number(name)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const queue = [pid];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    for (const c of children.get(p) ?? []) {
      queue.push(c);
      try {
        process.kill(c, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}

/** How a process ended: its exit code or signal, or why it could not be started; its captured output. */
export interface ProcessResult {
  exitCode?: number;
  signal?: NodeJS.Signals;
  /** Why it did not run (ENOENT, EACCES, EMFILE, EAGAIN...): set instead of an exit code or signal. */
  error?: NodeJS.ErrnoException;
  stdout: Capture;
  stderr: Capture;
}

export interface ProcessOptions {
  cwd: string;
  /** Variables merged over the audit's own environment. */
  env?: Record<string, string>;
  shell?: boolean;
  maxOutputBytes: number;
  /** Aborting it kills the whole process tree; the promise then resolves (never rejects). */
  signal: AbortSignal;
}

/**
 * Runs a program in its own process group, capturing stdout and stderr (capped), and resolves once
 * it has ended and its output is read. It never rejects and never throws: a program that cannot be
 * started, for any reason (not found, not executable, out of file descriptors or processes), is an
 * `error` in the result. (node:child_process reports those as an 'error' event, on the next tick,
 * on a child without stdio; a listener is attached before that tick.)
 *
 * The group is killed when the child exits (descendants it left behind would hold the output pipes
 * open), and on abort, together with descendants that left the group.
 */
export function runProcess(file: string, args: string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolvePromise) => {
    let sub: ReturnType<typeof spawn>;
    try {
      sub = spawn(file, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        shell: options.shell === true,
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so killing -pid reaches grandchildren too.
        detached: true,
        windowsHide: true,
      });
    } catch (e) {
      // Bad arguments (a NUL byte in an argument, say): the same as a spawn failure.
      resolvePromise({ error: e as NodeJS.ErrnoException, stdout: new Capture(0), stderr: new Capture(0) });
      return;
    }
    const out = capture(sub.stdout, options.maxOutputBytes);
    const err = capture(sub.stderr, options.maxOutputBytes);
    const kill = (): void => killTree(sub.pid, () => sub.kill("SIGKILL"));
    // A descendant that left the process group (setsid, daemonising) survives the kill and may still
    // hold the output pipes: stop reading, so the probe can end.
    const release = (): void => {
      sub.stdout?.destroy();
      sub.stderr?.destroy();
    };
    let grace: NodeJS.Timeout | undefined;
    let error: NodeJS.ErrnoException | undefined;
    const onAbort = (): void => {
      // The child still runs here, so descendants that left its group are still found by parent link.
      killDescendants(sub.pid);
      kill();
      release();
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    sub.once("exit", () => {
      // Descendants it left behind would hold the output pipes open (and the probe with them): end
      // them now. What the command itself wrote is already in the pipe; a second is ample to drain it.
      kill();
      grace = setTimeout(release, EXIT_GRACE_MS);
    });
    sub.on("error", (e: NodeJS.ErrnoException) => {
      // A failed spawn has no pid and emits no 'exit'; a failed kill of a live child is not an error of its run.
      if (sub.pid === undefined || sub.exitCode === null) error ??= e;
      if (sub.pid === undefined) release();
    });
    sub.once("close", (code: number | null, sig: NodeJS.Signals | null) => {
      clearTimeout(grace);
      options.signal.removeEventListener("abort", onAbort);
      kill();
      const ended = error && sub.pid === undefined ? { error } : { ...(code === null ? {} : { exitCode: code }), ...(sig === null ? {} : { signal: sig }) };
      resolvePromise({ ...ended, stdout: out, stderr: err });
    });
  });
}

/** Why a program could not be started, in a few words. */
export function spawnFailure(file: string, e: NodeJS.ErrnoException): string {
  if (e.code === "ENOENT") return `command not found: ${file}`;
  if (e.code === "EACCES") return `permission denied: ${file}`;
  if (e.code === "EMFILE" || e.code === "ENFILE") return `could not run ${file}: out of file descriptors (${e.code})`;
  if (e.code === "EAGAIN") return `could not run ${file}: out of processes (EAGAIN)`;
  const cause = e.message.replace(/^spawn \S+ /, "");
  return `could not run ${file}: ${truncate(cause.split("\n")[0] ?? cause, 160)}`;
}

async function run(spec: CommandSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const started = monotonicMs();
  let file: string;
  let args: string[];
  const shell = spec.shell === true;
  if (shell) {
    file = commandLine(spec);
    args = [];
  } else if (typeof spec.command === "string") {
    const split = splitCommand(spec.command);
    if (typeof split === "string") return { result: "fail", message: `cannot parse command: ${split}` };
    [file = "", ...args] = split.argv;
  } else {
    [file = "", ...args] = spec.command;
  }
  if (!file) return { result: "fail", message: "empty command" };

  const cwd = resolve(ctx.cwd, spec.cwd ?? ".");
  try {
    if (!(await stat(cwd)).isDirectory()) return { result: "fail", message: `cwd is not a directory: ${spec.cwd ?? cwd}` };
  } catch {
    // Checked up front: spawn reports a missing cwd as ENOENT, which would read "command not found".
    return { result: "fail", message: `cwd not found: ${spec.cwd ?? cwd}` };
  }
  if (ctx.signal.aborted) return { result: "fail", message: abortCause(ctx.signal, ctx.timeoutMs, started) };

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env ?? {})) env[k] = String(v);

  const result = await runProcess(file, args, { cwd, env, shell, maxOutputBytes: ctx.limits.maxOutputBytes, signal: ctx.signal });
  const { stdout: out, stderr: err } = result;
  const ms = Math.round(monotonicMs() - started);

  if (ctx.signal.aborted) {
    return { result: "fail", message: `${abortCause(ctx.signal, ctx.timeoutMs, started)} (process tree killed)` };
  }
  if (result.error) return { result: "fail", message: spawnFailure(file, result.error) };
  const observed = { exit_code: result.exitCode ?? null, signal: result.signal ?? null, duration_ms: ms };
  const expected = exitCodes(spec);
  const hint = (): string => {
    const line = err.lastLine() || out.lastLine();
    return line ? `: ${line}` : "";
  };
  if (result.exitCode === undefined) {
    return { result: "fail", message: `killed by ${result.signal ?? "a signal"} (expected exit ${expected.join(" or ")})${hint()}`, observed };
  }
  if (!expected.includes(result.exitCode)) {
    return { result: "fail", message: `exit ${result.exitCode} (expected ${expected.join(" or ")})${hint()}`, observed };
  }

  const failures: string[] = [];
  for (const [name, cap, assertions] of [
    ["stdout", out, spec.stdout],
    ["stderr", err, spec.stderr],
  ] as const) {
    if (!assertions || !hasTextAssertions(assertions)) continue;
    const f = checkText(cap.text(), assertions, name);
    if (f.length > 0 && cap.truncated) f.push(`${name} truncated at ${ctx.limits.maxOutputBytes} bytes`);
    failures.push(...f);
  }
  if (failures.length > 0) return { result: "fail", message: `${failures.join("; ")} (exit ${result.exitCode})`, observed };
  return { result: "pass", message: `exit ${result.exitCode} in ${formatDuration(ms)}`, observed };
}

function check(spec: CommandSpec): Issue[] {
  const issues: Issue[] = [];
  if (Array.isArray(spec.command)) {
    if (spec.command.length === 0) issues.push({ path: "/command", level: "error", message: "empty command" });
    else if (spec.command[0] === "") issues.push({ path: "/command/0", level: "error", message: "empty program name" });
  } else if (typeof spec.command === "string") {
    if (spec.command.trim() === "") issues.push({ path: "/command", level: "error", message: "empty command" });
    else if (spec.shell !== true) {
      const split = splitCommand(spec.command);
      if (typeof split === "string") issues.push({ path: "/command", level: "error", message: `${split} (quote-aware splitting, no shell)` });
      else if (split.shellSyntax.length > 0) {
        issues.push({
          path: "/command",
          level: "warning",
          message: `shell syntax (${split.shellSyntax.join(" ")}) is passed literally because shell is false; set shell: true if a shell is meant`,
        });
      }
    }
  }
  if (Array.isArray(spec.exit_code) && spec.exit_code.length === 0) issues.push({ path: "/exit_code", level: "error", message: "exit_code is an empty list, so no run could pass" });
  for (const stream of ["stdout", "stderr"] as const) {
    const a = spec[stream];
    if (a === undefined || a === null || typeof a !== "object") continue;
    if (!hasTextAssertions(a)) issues.push({ path: `/${stream}`, level: "error", message: `${stream} has no assertion, so it checks nothing: add contains, not_contains or matches` });
    issues.push(...textAssertionIssues(a as Record<string, unknown>, `/${stream}`));
  }
  return issues;
}

const OUTPUT_ASSERTIONS = {
  type: "object",
  properties: TEXT_ASSERTION_PROPERTIES,
  additionalProperties: false,
} as const;

const EXIT_CODE = { type: "integer", minimum: 0, maximum: 255 } as const;

/** The `command` probe: see {@link CommandSpec}. It executes, so `--no-exec` skips it. */
export const commandProbe: Probe<CommandSpec> = {
  type: "command",
  description: "Runs a command and checks its exit code and output.",
  schema: {
    type: "object",
    required: ["command"],
    properties: {
      command: {
        oneOf: [
          { type: "string", minLength: 1 },
          { type: "array", items: { type: "string" }, minItems: 1 },
        ],
        description: "A command line (no shell unless shell: true) or an argv list.",
      },
      shell: { type: "boolean", description: "Run through /bin/sh -c (default false)." },
      cwd: { type: "string", minLength: 1, description: "Working directory, relative to the checklist." },
      env: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] }, description: "Extra environment variables." },
      exit_code: {
        oneOf: [EXIT_CODE, { type: "array", items: EXIT_CODE, minItems: 1 }],
        description: "Accepted exit code(s) (default 0).",
      },
      stdout: { ...OUTPUT_ASSERTIONS, description: "Assertions on standard output: contains, not_contains, matches." },
      stderr: { ...OUTPUT_ASSERTIONS, description: "Assertions on standard error: contains, not_contains, matches." },
    },
  },
  check,
  executes: true,
  target: commandLine,
  run,
};
