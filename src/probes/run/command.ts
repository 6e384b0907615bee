/** The run of the `command` probe (its spec, schema and checks: ../command.ts), loaded when a probe of the type first runs. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { formatDuration, monotonicMs } from "../../util/duration.js";
import { abortCause } from "../../util/net.js";
import { truncate } from "../../util/text.js";
import { checkText, hasTextAssertions } from "../assert.js";
import { type CommandSpec, commandLine, splitCommand } from "../command.js";

/** How long output pipes may stay open after the command exits before the probe stops reading them. */
const EXIT_GRACE_MS = 1000;

/** Bytes of a stream's end kept for its last line. */
const TAIL_BYTES = 4096;

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
      // A copy of the part kept, so the rest of a large chunk is not held with it.
      const part = chunk.length > room ? Buffer.from(chunk.subarray(0, room)) : chunk;
      this.head.push(part);
      this.headSize += part.length;
    }
    // The tail feeds the "last line of stderr" in messages, which matters most when output is long.
    // Only its last 4 KiB are copied: a flood of output then makes 4 KiB of garbage per chunk, not
    // a copy of every chunk.
    this.tail = chunk.length >= TAIL_BYTES ? Buffer.from(chunk.subarray(-TAIL_BYTES)) : Buffer.concat([this.tail.subarray(-(TAIL_BYTES - chunk.length)), chunk]);
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

export async function run(spec: CommandSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
