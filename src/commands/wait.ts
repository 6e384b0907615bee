/**
 * `readiness audit --wait 5m [--interval 5s]`: a post-deploy gate. Runs the audit, then re-runs only
 * the probes that failed until the verdict passes the gate (per `--fail-on`) or the time is up, and
 * reports the last round. One line per round on a plain stderr; a live progress line on a terminal.
 */
import type { AuditOptions } from "../audit.js";
import { execute, type ExecuteResults } from "../engine/execute.js";
import type { Plan } from "../engine/plan.js";
import { allItems, buildReport } from "../engine/score.js";
import type { Report } from "../types.js";
import { formatDuration, monotonicMs } from "../util/duration.js";
import { createMasker } from "../util/mask.js";
import { TOOL } from "../version.js";
import type { Io } from "./io.js";

/** Default pause between rounds. */
export const DEFAULT_INTERVAL_MS = 5_000;

/** What happens after a round. */
export type RoundOutcome = "ready" | "confirm" | "retry" | "timeout" | "stuck" | "interrupted";

export interface Round {
  round: number;
  report: Report;
  /** Probes that failed in this round: the ones the next round re-runs. */
  failingProbes: number;
  outcome: RoundOutcome;
  /** Whether every probe ran in this round (the first, confirmations, the last at the deadline). */
  full: boolean;
  /** Consecutive full rounds that passed the gate, this one included. */
  passingRounds: number;
  /** Passing full rounds in a row needed (`--stable`). */
  stable: number;
  /** Since the first round started. */
  elapsedMs: number;
  /** Pause before the next round (for `retry` and `confirm`). */
  nextInMs: number;
}

export interface WaitOptions {
  /** How long to keep trying, from the start of the first round. */
  waitMs: number;
  intervalMs: number;
  /** Consecutive full rounds that must pass the gate (`--stable`, default 1). */
  stable?: number;
  /** Whether a report passes the gate (the caller applies `--fail-on`). */
  passes(report: Report): boolean;
  onRound?(round: Round): void;
  /** Called about every second while pausing between rounds, with the time left in the pause. */
  onPause?(leftMs: number, round: Round): void;
  /** Monotonic milliseconds (tests inject it). */
  clock?: () => number;
}

/** Pauses for `ms`, ticking about every second; resolves early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined, tick: (leftMs: number) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const end = monotonicMs() + ms;
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const step = (): void => {
      const left = end - monotonicMs();
      if (left <= 0) return done();
      tick(left);
      timer = setTimeout(step, Math.min(1000, left));
    };
    signal?.addEventListener("abort", done, { once: true });
    step();
  });
}

/**
 * Audits `planned` in rounds until it passes or `waitMs` has passed. A round after a failing one
 * re-runs only the probes that did not pass; the others keep their result. A pass counts only on a
 * full round of every probe: when a partial round passes the gate, a full round confirms it at once,
 * and `stable` asks for that many passing full rounds in a row, `intervalMs` apart. The round at the
 * deadline is a full one too, so the report never carries a result older than the last full round.
 * Stops early when no probe failed (waiting cannot change a verdict that rests on manual items) or
 * when `signal` aborts. Returns the last round's report; its duration covers every round.
 */
export async function auditUntilReady(planned: Plan, audit: AuditOptions, options: WaitOptions): Promise<Report> {
  const clock = options.clock ?? (() => monotonicMs());
  const now = audit.now ?? (() => new Date());
  const masker = createMasker(planned.checklist.secrets);
  const stable = Math.max(1, options.stable ?? 1);
  const startedAt = now();
  const t0 = clock();
  const deadline = t0 + options.waitMs;
  let previous: ExecuteResults | undefined;
  let passingRounds = 0;
  let full = true;
  for (let round = 1; ; round++) {
    const prev = full ? undefined : previous;
    const results = await execute(planned, {
      concurrency: audit.concurrency,
      signal: audit.signal,
      masker,
      now,
      limits: audit.limits,
      onProbeStart: audit.onProbeStart,
      onProbeDone: audit.onProbeDone,
      ...(prev ? { previous: prev, rerun: (i: number, j: number) => prev[i]?.[j]?.result !== "pass" } : {}),
    });
    const report = buildReport(
      planned,
      results,
      { now: now(), strict: audit.strict, minScore: audit.minScore, masker },
      { tool: TOOL, startedAt, durationMs: clock() - t0, interrupted: Boolean(audit.signal?.aborted) },
    );
    const failingProbes = results.reduce((n, item) => n + item.filter((r) => r?.result === "fail").length, 0);
    const passes = options.passes(report);
    passingRounds = passes && full ? passingRounds + 1 : 0;
    const left = deadline - clock();
    const outcome: RoundOutcome = audit.signal?.aborted
      ? "interrupted"
      : passingRounds >= stable
        ? "ready"
        : passes && (left > 0 || !full)
          ? "confirm"
          : !passes && failingProbes === 0
            ? "stuck"
            : left > 0
              ? "retry"
              : "timeout";
    // A partial round that passes is confirmed at once; further passing rounds (--stable) and retries
    // wait the interval. The last pause is cut short so that a final round runs at the deadline.
    const nextInMs: number = outcome === "confirm" && !full ? 0 : outcome === "retry" || outcome === "confirm" ? Math.min(options.intervalMs, left) : 0;
    const info: Round = { round, report, failingProbes, outcome, full, passingRounds, stable, elapsedMs: clock() - t0, nextInMs };
    options.onRound?.(info);
    if (outcome !== "retry" && outcome !== "confirm") return report;
    await pause(nextInMs, audit.signal, (ms) => options.onPause?.(ms, info));
    if (audit.signal?.aborted) return report;
    previous = results;
    // Confirmations and the round at the deadline (its pause cut short to reach it) run every probe.
    full = outcome === "confirm" || nextInMs >= left;
  }
}

/** Ids, up to five, then how many more. */
function fiveAndMore(ids: readonly string[]): string {
  return ids.length > 5 ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more` : ids.join(", ");
}

/** Ids of the items a report has failing, up to five, then how many more. */
export function failingItems(report: Report): string {
  return fiveAndMore(
    allItems(report)
      .filter((i) => i.result === "fail")
      .map((i) => i.id),
  );
}

/** Items that did not run because an item they depend on does not pass: `3 blocked by db`, or "". */
export function blockedItems(report: Report): string {
  const blocked = allItems(report).filter((i) => i.result === "blocked");
  if (blocked.length === 0) return "";
  const roots = [...new Set(blocked.flatMap((i) => i.blocked_by ?? []))];
  return `${blocked.length} blocked${roots.length ? ` by ${fiveAndMore(roots)}` : ""}`;
}

/** The one-line account of a round: `round 3: NO-GO score 62, 2 failing (api, db) · 1 blocked by db — retrying in 5s`. */
export function describeRound(r: Round, waitMs: number, leftInPauseMs = r.nextInMs): string {
  const failing = r.report.counts.fail;
  const blocked = blockedItems(r.report);
  const head = `round ${r.round}: ${r.report.verdict} score ${r.report.score ?? "-"}${failing ? `, ${failing} failing (${failingItems(r.report)})` : ""}${blocked ? ` · ${blocked}` : ""}`;
  switch (r.outcome) {
    case "confirm":
      return r.full
        ? `${head} — passing full round ${r.passingRounds} of ${r.stable} in a row; again in ${formatDuration(leftInPauseMs >= 1000 ? Math.ceil(leftInPauseMs / 1000 - 0.05) * 1000 : leftInPauseMs)}`
        : `${head} — passes the gate; confirming with a full round of every probe`;
    case "retry":
      // A countdown reads in whole seconds: 5s, 4s, ... (a sub-second pause in ms).
      return `${head} — retrying in ${formatDuration(leftInPauseMs >= 1000 ? Math.ceil(leftInPauseMs / 1000 - 0.05) * 1000 : leftInPauseMs)}`;
    case "ready":
      return `${head} — passes the gate after ${formatDuration(r.elapsedMs)}${r.passingRounds > 1 ? ` (${r.passingRounds} full rounds in a row)` : ""}`;
    case "timeout":
      return `${head} — still not passing after ${formatDuration(r.elapsedMs)} (--wait ${formatDuration(waitMs)}): giving up`;
    case "stuck":
      return `${head} — no probe failed, so re-running cannot change the verdict (it rests on manual items or the gate): not waiting`;
    case "interrupted":
      return `${head} — interrupted`;
  }
}

/**
 * Wires `auditUntilReady` to a command's stderr: a live line on a terminal, one line per round
 * otherwise, and with `quiet` too (a round line is the only sign of life in a long wait; `-q` hides
 * the live countdown, not the rounds). `clearProgress` erases the audit's progress line first.
 */
export function waitReporter(io: Io, options: { waitMs: number; quiet?: boolean; live: boolean }, clearProgress?: () => void): Pick<WaitOptions, "onRound" | "onPause"> {
  if (options.quiet || !options.live) return { onRound: (r) => io.err(`${describeRound(r, options.waitMs)}\n`) };
  const draw = (text: string): void => io.err(`\r\x1b[2K${text}`);
  return {
    onRound: (r) => {
      clearProgress?.();
      if (r.outcome === "retry" || r.outcome === "confirm") draw(`  ${describeRound(r, options.waitMs)}`);
      else {
        draw("");
        io.err(`${describeRound(r, options.waitMs)}\n`);
      }
    },
    onPause: (left, r) => {
      const remaining = Math.max(0, options.waitMs - r.elapsedMs - (r.nextInMs - left));
      draw(`  ${describeRound(r, options.waitMs, left)} (${formatDuration(remaining)} of --wait left)`);
    },
  };
}
