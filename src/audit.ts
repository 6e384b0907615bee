/**
 * The library's main entry: plan → execute → score. The CLI is a thin layer over this.
 */
import type { Checklist, ProbeLimits, Report } from "./types.js";
import { execute, type ExecuteOptions, type ExecuteResults } from "./engine/execute.js";
import { plan, type Plan } from "./engine/plan.js";
import { buildReport } from "./engine/score.js";
import { createMasker } from "./util/mask.js";
import { annotateChanges, checkSignoffs } from "./governance/changes.js";
import { TOOL } from "./version.js";
import { monotonicMs } from "./util/duration.js";

/** Options of an audit run. Every field is optional. */
export interface AuditOptions {
  /** Selectors: an item id, `section:ID`, `tag:NAME`, `severity:LEVEL`. */
  only?: string[];
  skip?: string[];
  /** No program runs: command probes and metric commands are skipped (always so for a checklist loaded with `untrusted`). */
  noExec?: boolean;
  /** Maximum probes in flight (default 16). */
  concurrency?: number;
  /** Replaces the timeout of probes that do not set their own, in ms. */
  timeoutMs?: number;
  /** Manual attestations earn no credit. */
  strict?: boolean;
  /** Overrides gate.go. */
  minScore?: number;
  /** Aborting interrupts the run; the report is then partial and marked interrupted. */
  signal?: AbortSignal;
  /** The clock (tests inject it). */
  now?: () => Date;
  limits?: Partial<ProbeLimits>;
  /** Called as each probe starts and after it finishes (progress displays); see ExecuteOptions. */
  onProbeStart?: ExecuteOptions["onProbeStart"];
  onProbeDone?: ExecuteOptions["onProbeDone"];
}

/** Audits a loaded checklist: runs its probes and returns the scored report. Never throws for an unhealthy target. */
export async function audit(checklist: Checklist, options: AuditOptions = {}): Promise<Report> {
  // A checklist loaded with `untrusted` runs no program, whatever the options say.
  const planned = plan(checklist, checklist.untrusted ? { ...options, noExec: true } : options);
  return runPlan(planned, options);
}

/** Runs an existing plan (see `plan`) and scores it. */
export async function runPlan(planned: Plan, options: AuditOptions = {}, previous?: ExecuteResults): Promise<Report> {
  const now = options.now ?? (() => new Date());
  const masker = createMasker(planned.checklist.secrets);
  const startedAt = now();
  const t0 = monotonicMs();
  // When each item last changed (git blame), so sign-offs given before a change read as outdated.
  // Only when sign-offs are required, and never with --no-exec: git is a program, and a repository's
  // own config can make it run others.
  if (!planned.noExec && planned.checklist.gate.signoffs.length > 0) {
    await annotateChanges(planned.checklist, startedAt);
    await checkSignoffs(planned.checklist);
  }
  const results = await execute(planned, {
    concurrency: options.concurrency,
    signal: options.signal,
    masker,
    now,
    limits: options.limits,
    onProbeStart: options.onProbeStart,
    onProbeDone: options.onProbeDone,
    previous,
  });
  return buildReport(
    planned,
    results,
    { now: now(), strict: options.strict, minScore: options.minScore, masker },
    { tool: TOOL, startedAt, durationMs: monotonicMs() - t0, interrupted: Boolean(options.signal?.aborted) },
  );
}
