/** Builds a ProbeContext for probe tests: a real AbortSignal with a timeout, real limits, no mocks. */
import { createMasker } from "../../src/util/mask.js";
import type { ProbeContext } from "../../src/types.js";
import type { Io } from "../../src/commands/io.js";

/** Options of {@link makeContext}: anything of a ProbeContext, plus `timeoutMs` driving the signal. */
export type ContextOptions = Partial<ProbeContext>;

/**
 * A ProbeContext whose signal aborts after `timeoutMs` (default 5s), as the engine's does.
 * Pass `signal` to control aborting yourself (e.g. an AbortController for Ctrl-C).
 */
export function makeContext(options: ContextOptions = {}): ProbeContext {
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    signal: options.signal ?? AbortSignal.timeout(timeoutMs),
    timeoutMs,
    cwd: options.cwd ?? process.cwd(),
    now: options.now ?? (() => new Date()),
    secrets: options.secrets ?? createMasker(),
    limits: { maxBodyBytes: 1024 * 1024, maxOutputBytes: 1024 * 1024, maxFileBytes: 10 * 1024 * 1024, ...options.limits },
  };
}

/** A command's Io for tests that call a command function directly: no terminal, nothing interrupted; `out` and `err` as given (default: dropped). */
export function makeIo(over: Partial<Io> = {}): Io {
  return { out: () => {}, err: () => {}, command: () => {}, secrets: createMasker(), env: {}, cwd: "/", stdoutIsTTY: false, stderrIsTTY: false, signal: new AbortController().signal, interruptedBy: () => undefined, ...over };
}
