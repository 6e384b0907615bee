/**
 * Runs the plan's probes: a concurrency limit, a timeout per attempt, retries with delay, and
 * results in plan order whatever order probes finish in. Anything a probe throws becomes a failed
 * result with its cause; nothing a target does can crash or hang the run.
 */
import { getProbe } from "../probes/index.js";
import type { Masker, ProbeContext, ProbeLimits, ProbeOutcome, ProbeResult, ResolvedProbe } from "../types.js";
import { formatDuration } from "../util/duration.js";
import { oneLine } from "../errors.js";
import { createMasker } from "../util/mask.js";
import { runsProbes, type Plan } from "./plan.js";

export const DEFAULT_LIMITS: ProbeLimits = { maxBodyBytes: 1024 * 1024, maxOutputBytes: 1024 * 1024, maxFileBytes: 10 * 1024 * 1024 };
export const DEFAULT_CONCURRENCY = 16;

/** How long a probe may ignore its aborted signal before the executor gives up on it. */
const ABORT_GRACE_MS = 1_000;

export interface ExecuteOptions {
  concurrency?: number;
  /** Aborting it interrupts the run: running probes are cancelled, queued ones skipped. */
  signal?: AbortSignal;
  masker?: Masker;
  now?: () => Date;
  limits?: Partial<ProbeLimits>;
  /** Called after each probe finishes (for progress displays). */
  onProbeDone?: (done: number, total: number) => void;
  /** Only these (item index, probe index) pairs run; others keep `previous` results. For `--wait` rounds. */
  rerun?: (itemIndex: number, probeIndex: number) => boolean;
  previous?: (ProbeResult | undefined)[][];
}

/** Per item of the plan, per probe: the result, or undefined for items whose probes did not run. */
export type ExecuteResults = (ProbeResult | undefined)[][];

/** A tiny FIFO limiter: at most `n` tasks run at once. */
export function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    active--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active++;
        task().then(resolve, reject).finally(next);
      };
      if (active < n) start();
      else queue.push(start);
    });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Runs one attempt of a probe with its own timeout; never throws. */
async function attempt(rp: ResolvedProbe, ctxBase: Omit<ProbeContext, "signal" | "timeoutMs">, runSignal: AbortSignal): Promise<ProbeOutcome> {
  const probe = getProbe(rp.type);
  if (!probe) return { result: "fail", message: `unknown probe type ${rp.type}` };
  const timeout = AbortSignal.timeout(rp.timeoutMs);
  const signal = AbortSignal.any([runSignal, timeout]);
  const ctx: ProbeContext = { ...ctxBase, signal, timeoutMs: rp.timeoutMs };
  const target = (): string => {
    try {
      return probe.target(rp.spec);
    } catch {
      return rp.type;
    }
  };
  const timedOut = (): ProbeOutcome =>
    runSignal.aborted
      ? { result: "skipped", message: "interrupted" }
      : { result: "fail", message: `${target()}: timed out after ${formatDuration(rp.timeoutMs)}` };

  let onAbort: (() => void) | undefined;
  // If a probe ignores its signal, stop waiting for it shortly after the abort.
  const watchdog = new Promise<ProbeOutcome>((resolve) => {
    onAbort = (): void => void setTimeout(() => resolve(timedOut()), ABORT_GRACE_MS).unref();
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([
      probe.run(rp.spec as never, ctx).catch((e: unknown): ProbeOutcome => {
        if (signal.aborted) return timedOut();
        return { result: "fail", message: `${target()}: ${e instanceof Error ? e.message : String(e)}` };
      }),
      watchdog,
    ]);
    if (runSignal.aborted && outcome.result !== "pass") return { result: "skipped", message: "interrupted" };
    return outcome;
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** Runs one probe with its retries. */
export async function runProbe(
  rp: ResolvedProbe,
  ctxBase: Omit<ProbeContext, "signal" | "timeoutMs">,
  runSignal: AbortSignal,
): Promise<ProbeResult> {
  const started = performance.now();
  let outcome: ProbeOutcome = { result: "skipped", message: "interrupted" };
  let attempts = 0;
  for (let i = 0; i <= rp.retries; i++) {
    if (runSignal.aborted) break;
    if (i > 0) await sleep(rp.retryDelayMs, runSignal);
    if (runSignal.aborted) break;
    attempts++;
    outcome = await attempt(rp, ctxBase, runSignal);
    if (outcome.result !== "fail") break;
  }
  const duration_ms = Math.round(performance.now() - started);
  let message = oneLine(ctxBase.secrets.mask(outcome.message));
  if (outcome.result === "fail" && attempts > 1) message += ` (after ${attempts} attempts, ${formatDuration(duration_ms)})`;
  const result: ProbeResult = { result: outcome.result, message, duration_ms, attempts };
  if (outcome.observed !== undefined) result.observed = outcome.observed;
  return result;
}

/** Executes every probe the plan runs. Results come back in plan order. */
export async function execute(planned: Plan, options: ExecuteOptions = {}): Promise<ExecuteResults> {
  const masker = options.masker ?? createMasker(planned.checklist.secrets);
  const runSignal = options.signal ?? new AbortController().signal;
  const limit = createLimiter(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const ctxBase = {
    cwd: planned.checklist.dir,
    now: options.now ?? (() => new Date()),
    secrets: masker,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  const total = planned.items.reduce((n, p, i) => n + (runsProbes(p) ? p.probes.filter((pp, j) => !pp.skip && (options.rerun?.(i, j) ?? true)).length : 0), 0);
  let done = 0;
  const results: ExecuteResults = planned.items.map(() => []);
  const tasks: Promise<void>[] = [];
  planned.items.forEach((p, i) => {
    if (!runsProbes(p)) return;
    p.probes.forEach((pp, j) => {
      const prev = options.previous?.[i]?.[j];
      if (pp.skip) {
        (results[i] as (ProbeResult | undefined)[])[j] = { result: "skipped", message: pp.skip, duration_ms: 0, attempts: 0 };
        return;
      }
      if (options.rerun && !options.rerun(i, j) && prev) {
        (results[i] as (ProbeResult | undefined)[])[j] = prev;
        return;
      }
      tasks.push(
        limit(async () => {
          const r = runSignal.aborted
            ? { result: "skipped" as const, message: "interrupted", duration_ms: 0, attempts: 0 }
            : await runProbe(pp.probe, ctxBase, runSignal);
          (results[i] as (ProbeResult | undefined)[])[j] = r;
          done++;
          options.onProbeDone?.(done, total);
        }),
      );
    });
  });
  await Promise.all(tasks);
  return results;
}
