/**
 * Runs the plan's probes: a concurrency limit, a timeout per attempt, retries with delay, and
 * results in plan order whatever order probes finish in. Anything a probe throws becomes a failed
 * result with its cause; nothing a target does can crash or hang the run.
 *
 * A fixed pool of workers takes the queued probes. Each attempt has its own AbortController, aborted by its timer at the timeout or by the run's
 * interrupt. The interrupt reaches the attempts in flight through one listener for the whole run
 * (the set of live attempts) rather than one listener per attempt on the run's signal, so a run of
 * thousands of probes never piles listeners onto one signal.
 */
import { availableParallelism } from "node:os";
import { getProbe } from "../probes/index.js";
import type { Masker, Probe, ProbeContext, ProbeLimits, ProbeOutcome, ProbeResult, ResolvedProbe } from "../types.js";
import { formatDuration, monotonicMs, parseDuration } from "../util/duration.js";
import { oneLine } from "../errors.js";
import { createMasker } from "../util/mask.js";
import { executes, runsProbes, type Plan, type PlannedItem } from "./plan.js";
import { dependencyEvaluator, dependencyGraph } from "./depends.js";
import { evaluateItem } from "./score.js";

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
  /** Called as each probe starts (for progress displays): how many have started, of how many, and its item's and its own index in the plan. */
  onProbeStart?: (started: number, total: number, itemIndex: number, probeIndex: number) => void;
  /** Called after each probe finishes (for progress displays), with the indexes onProbeStart gave. */
  onProbeDone?: (done: number, total: number, itemIndex: number, probeIndex: number) => void;
  /** Only these (item index, probe index) pairs run; others keep `previous` results. For `--wait` rounds. */
  rerun?: (itemIndex: number, probeIndex: number) => boolean;
  previous?: (ProbeResult | undefined)[][];
  /** Most command probes in flight at once (default: the CPU count). */
  commandLane?: number;
}

/** Per item of the plan, per probe: the result, or undefined for items whose probes did not run. */
export type ExecuteResults = (ProbeResult | undefined)[][];

/** What every attempt of a run shares. */
interface Run {
  signal: AbortSignal;
  cwd: string;
  now: () => Date;
  secrets: Masker;
  limits: ProbeLimits;
  /** Attempts in flight, so an interrupt reaches each of them. */
  live: Set<Attempt>;
  /** Wake-ups of probes waiting to retry, so an interrupt reaches each of them. */
  sleeping: Set<() => void>;
}

const INTERRUPTED: ProbeOutcome = Object.freeze({ result: "skipped", message: "interrupted" });

/**
 * Waits `ms` before a retry, or until the run is interrupted. The interrupt reaches sleepers through
 * the run's one listener (`run.sleeping`), not one listener each on the run's signal: a hundred
 * probes waiting to retry at once made Node warn of a listener leak on stderr.
 */
function sleep(ms: number, run: Run): Promise<void> {
  return new Promise((resolve) => {
    if (run.signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      run.sleeping.delete(done);
      resolve();
    }
    run.sleeping.add(done);
  });
}

const RESULTS = new Set<unknown>(["pass", "fail", "skipped"]);

function isOutcome(o: unknown): o is ProbeOutcome {
  return typeof o === "object" && o !== null && "result" in o && RESULTS.has(o.result) && "message" in o && typeof o.message === "string";
}

/** The probe's target for messages; a target() that throws falls back to the type. */
function targetOf(probe: Probe, rp: ResolvedProbe): string {
  try {
    return probe.target(rp.spec);
  } catch {
    return rp.type;
  }
}

function timeoutReason(): DOMException {
  // The reason AbortSignal.timeout gives, so probes (abortCause) tell a timeout from an interrupt by name.
  return new DOMException("The operation was aborted due to timeout", "TimeoutError");
}

function onTimeout(a: Attempt): void {
  a.timer = undefined;
  a.abort(timeoutReason());
}

function onGraceOver(a: Attempt): void {
  a.grace = undefined;
  a.settle(a.stopped());
}

/**
 * One attempt of a probe with its own timeout. Its signal aborts at the timeout (a timer, cleared
 * when the probe settles first) or when the run is interrupted; if the probe then ignores its signal,
 * the attempt stops waiting for it after ABORT_GRACE_MS. Never rejects.
 */
class Attempt implements ProbeContext {
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly cwd: string;
  readonly now: () => Date;
  readonly secrets: Masker;
  readonly limits: ProbeLimits;
  timer: NodeJS.Timeout | undefined;
  grace: NodeJS.Timeout | undefined;
  private done = false;
  private resolve!: (outcome: ProbeOutcome) => void;

  constructor(
    private readonly run: Run,
    private readonly probe: Probe,
    private readonly rp: ResolvedProbe,
  ) {
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    this.timeoutMs = rp.timeoutMs;
    this.cwd = run.cwd;
    this.now = run.now;
    this.secrets = run.secrets;
    this.limits = run.limits;
  }

  start(): Promise<ProbeOutcome> {
    const outcome = new Promise<ProbeOutcome>((resolve) => (this.resolve = resolve));
    this.run.live.add(this);
    this.timer = setTimeout(onTimeout, this.rp.timeoutMs, this);
    let running: Promise<ProbeOutcome>;
    try {
      running = this.probe.run(this.rp.spec, this);
    } catch (e) {
      running = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    // Whatever a probe throws, returns or rejects with ends as a result: nothing it does reaches the run.
    Promise.resolve(running)
      .then(
        (o) => {
          if (!isOutcome(o)) return this.settle(this.failure(new Error("the probe returned no result")));
          this.settle(this.run.signal.aborted && o.result !== "pass" ? INTERRUPTED : o);
        },
        (e: unknown) => this.settle(this.signal.aborted ? this.stopped() : this.failure(e)),
      )
      .catch((e: unknown) => this.settle(this.failure(e)));
    return outcome;
  }

  private failure(e: unknown): ProbeOutcome {
    return { result: "fail", message: `${targetOf(this.probe, this.rp)}: ${e instanceof Error ? e.message : String(e)}` };
  }

  /** Aborts the probe (timeout or interrupt) and gives it ABORT_GRACE_MS to return. */
  abort(reason: unknown): void {
    if (this.done || this.signal.aborted) return;
    this.controller.abort(reason);
    if (!this.done) this.grace = setTimeout(onGraceOver, ABORT_GRACE_MS, this);
  }

  /** The outcome of an attempt stopped by its signal, when the probe did not give its own. */
  stopped(): ProbeOutcome {
    if (this.run.signal.aborted) return INTERRUPTED;
    return { result: "fail", message: `${targetOf(this.probe, this.rp)}: timed out after ${formatDuration(this.rp.timeoutMs)}` };
  }

  settle(outcome: ProbeOutcome): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    clearTimeout(this.grace);
    this.run.live.delete(this);
    this.resolve(outcome);
  }
}

/** Runs one probe with its retries. */
async function runProbe(rp: ResolvedProbe, run: Run): Promise<ProbeResult> {
  const started = monotonicMs();
  const probe = getProbe(rp.type);
  let outcome: ProbeOutcome = INTERRUPTED;
  let attempts = 0;
  let firstFailure: string | undefined;
  for (let i = 0; i <= rp.retries; i++) {
    if (run.signal.aborted) break;
    if (i > 0) {
      await sleep(rp.retryDelayMs, run);
      if (run.signal.aborted) break;
    }
    attempts++;
    outcome = probe ? await new Attempt(run, probe, rp).start() : { result: "fail", message: `unknown probe type ${rp.type}` };
    if (outcome.result !== "fail") break;
    firstFailure ??= outcome.message;
  }
  const duration_ms = Math.round(monotonicMs() - started);
  let message = oneLine(run.secrets.mask(outcome.message));
  if (outcome.result === "fail" && attempts > 1) message += ` (after ${attempts} attempts, ${formatDuration(duration_ms)})`;
  const result: ProbeResult = { result: outcome.result, message, duration_ms, attempts };
  if (outcome.observed !== undefined) result.observed = outcome.observed;
  // Passed only after a failed attempt: a pass, but flaky, and the failure that made it so is kept.
  if (outcome.result === "pass" && firstFailure !== undefined) {
    result.flaky = true;
    result.first_failure = oneLine(run.secrets.mask(firstFailure));
  }
  return result;
}

/** The latency a probe observed, when it asserts one (`max_latency`) and the observation exceeds it. */
function latencyOver(rp: ResolvedProbe, r: ProbeResult): number | undefined {
  if (r.result !== "fail" || typeof rp.spec.max_latency !== "string") return undefined;
  const max = parseDuration(rp.spec.max_latency);
  const observed = r.observed as { latency_ms?: unknown } | undefined;
  const ms = typeof observed === "object" && observed !== null ? observed.latency_ms : undefined;
  return typeof ms === "number" && max !== undefined && ms > max ? ms : undefined;
}

/**
 * The result of a probe measured again with nothing else in flight, keeping the first measurement:
 * a latency measured beside other probes holds readiness's own load (its event loop, the processes
 * its command probes spawned), which is not the target's.
 */
function remeasured(first: ProbeResult, second: ProbeResult, firstLatency: number): ProbeResult {
  const observed = second.observed as { latency_ms?: unknown } | undefined;
  const again = typeof observed === "object" && observed !== null && typeof observed.latency_ms === "number" ? observed.latency_ms : undefined;
  const measurements = again === undefined ? [firstLatency] : [firstLatency, again];
  return {
    ...second,
    message: `${second.message} (re-measured alone: ${formatDuration(firstLatency)} beside other probes)`,
    duration_ms: first.duration_ms + second.duration_ms,
    attempts: first.attempts + second.attempts,
    measurements,
    remeasured: { message: first.message, latency_ms: firstLatency },
  };
}

/** How many times a latency failure is measured again alone at most. */
const REMEASURES = 3;

/** A probe to run, and where its result goes. */
interface Job {
  item: number;
  index: number;
  probe: ResolvedProbe;
  /** Spawns a process: runs in the command lane. */
  exec: boolean;
}

/** How many command probes run at once at most: one per CPU, so that they leave the others room. */
export function commandLane(): number {
  return availableParallelism();
}

/** Executes every probe the plan runs. Results come back in plan order. */
export async function execute(planned: Plan, options: ExecuteOptions = {}): Promise<ExecuteResults> {
  const runSignal = options.signal ?? new AbortController().signal;
  const run: Run = {
    signal: runSignal,
    cwd: planned.checklist.dir,
    now: options.now ?? (() => new Date()),
    secrets: options.masker ?? createMasker(planned.checklist.secrets),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    live: new Set(),
    sleeping: new Set(),
  };
  const results: ExecuteResults = planned.items.map(() => []);
  /** Each item's probes to run, in plan order. */
  const itemJobs: Job[][] = planned.items.map(() => []);
  let total = 0;
  planned.items.forEach((p, i) => {
    if (!runsProbes(p)) return;
    const row = results[i] as (ProbeResult | undefined)[];
    const jobs = itemJobs[i] as Job[];
    p.probes.forEach((pp, j) => {
      if (pp.skip) {
        row[j] = { result: "skipped", message: pp.skip, duration_ms: 0, attempts: 0 };
        return;
      }
      if (options.rerun && !options.rerun(i, j)) {
        const prev = options.previous?.[i]?.[j];
        if (prev) {
          row[j] = prev;
          return;
        }
      }
      jobs.push({ item: i, index: j, probe: pp.probe, exec: executes(pp.probe) });
      total++;
    });
  });

  // The queue, in the order items become ready: at once without depends_on, else once every item an
  // item depends on has its result (see depends.ts). A blocked item's probes never start.
  const jobs: Job[] = [];
  const graph = dependencyGraph(planned.items);
  /** Per item: probes not yet done, and (with depends_on) items it waits for. */
  const pending = itemJobs.map((j) => j.length);
  const waiting = planned.items.map((_, i) => graph?.deps[i]?.length ?? 0);
  const flaky = planned.checklist.gate.flaky;
  const outcome = graph
    ? dependencyEvaluator(graph, (i, roots) =>
        evaluateItem(planned.items[i] as PlannedItem, results[i] ?? [], { now: run.now(), flaky }, undefined, roots),
      )
    : undefined;
  const finished = (i: number): void => {
    for (const d of graph?.dependents[i] ?? []) if (--(waiting[d] as number) === 0) release(d);
  };
  const release = (i: number): void => {
    const own = itemJobs[i] as Job[];
    if (outcome && runsProbes(planned.items[i] as PlannedItem) && outcome.roots(i).length > 0) {
      // Blocked: no probe of it runs, and nothing of an earlier round stays.
      results[i] = [];
      total -= own.length;
      pending[i] = 0;
    } else {
      jobs.push(...own);
    }
    if (pending[i] === 0) finished(i);
  };

  const limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const execLimit = Math.min(limit, options.commandLane ?? commandLane());
  // The next job of each lane, in plan order: `other` scans past command probes, `cmd` past the rest.
  let nextOther = 0;
  let nextCmd = 0;
  let inFlight = 0;
  let execInFlight = 0;
  let started = 0;
  let done = 0;
  /** Probes whose latency assertion failed beside other probes: measured again, one by one, at the end. */
  const again: { job: Job; first: ProbeResult; latency: number }[] = [];

  const store = (job: Job, r: ProbeResult): void => {
    (results[job.item] as (ProbeResult | undefined)[])[job.index] = r;
    done++;
    options.onProbeDone?.(done, total, job.item, job.index);
    if (--(pending[job.item] as number) === 0) finished(job.item);
  };
  const interrupt = (): void => {
    for (const a of run.live) a.abort(runSignal.reason);
    for (const wake of run.sleeping) wake();
  };
  runSignal.addEventListener("abort", interrupt, { once: true });
  for (let i = 0; i < planned.items.length; i++) if (!graph?.deps[i]) release(i);
  try {
    // Until nothing is left: a re-measured result may let items that depend on it start.
    for (;;) {
      await new Promise<void>((resolve) => {
        const take = (): Job | undefined => {
          while (nextOther < jobs.length && (jobs[nextOther] as Job).exec) nextOther++;
          if (execInFlight < execLimit) while (nextCmd < jobs.length && !(jobs[nextCmd] as Job).exec) nextCmd++;
          const other = nextOther < jobs.length ? nextOther : Infinity;
          const cmd = execInFlight < execLimit && nextCmd < jobs.length ? nextCmd : Infinity;
          if (other === Infinity && cmd === Infinity) return undefined;
          return other < cmd ? jobs[nextOther++] : jobs[nextCmd++];
        };
        const pump = (): void => {
          for (let job = inFlight < limit ? take() : undefined; job; job = inFlight < limit ? take() : undefined) start(job);
          if (inFlight === 0) resolve();
        };
        const start = (job: Job): void => {
          if (runSignal.aborted) return store(job, { result: "skipped", message: "interrupted", duration_ms: 0, attempts: 0 });
          // Measured alone when nothing else was in flight as it started and nothing started while it ran.
          const first = inFlight === 0;
          const order = ++started;
          inFlight++;
          if (job.exec) execInFlight++;
          options.onProbeStart?.(order, total, job.item, job.index);
          void runProbe(job.probe, run).then((r) => {
            inFlight--;
            if (job.exec) execInFlight--;
            const latency = first && started === order ? undefined : latencyOver(job.probe, r);
            if (latency !== undefined && !runSignal.aborted) again.push({ job, first: r, latency });
            else store(job, r);
            pump();
          });
        };
        pump();
      });
      if (again.length === 0) break;
      // With nothing else in flight: one at a time.
      for (const { job, first, latency } of again.splice(0)) {
        if (runSignal.aborted) {
          store(job, first);
          continue;
        }
        // Alone, a measurement can still meet load from outside readiness (another process on the
        // machine): up to REMEASURES tries, and the first within the bound counts.
        let second = await runProbe(job.probe, run);
        for (let i = 1; i < REMEASURES && !runSignal.aborted && latencyOver(job.probe, second) !== undefined; i++) second = await runProbe(job.probe, run);
        store(job, remeasured(first, second, latency));
      }
    }
  } finally {
    runSignal.removeEventListener("abort", interrupt);
  }
  return results;
}
