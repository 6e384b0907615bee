/**
 * The typed data that flows through readiness: checklist → plan → probe results → report.
 * Every stage is a function from one of these to the next; only the CLI touches argv and stdio.
 */

/** Item severities, most severe first. */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Default weight of each severity in the score. An item's `weight` overrides it. */
export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 10, high: 5, medium: 3, low: 1 };

/** What a person claims about an item that has no probes (or whose probes contradict it). */
export const MANUAL_STATUSES = ["done", "partial", "missing", "in-progress", "n/a"] as const;
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

/** The result of one item. See the SPEC's "Item results and score" table. */
export const ITEM_RESULTS = ["pass", "fail", "attested", "partial", "missing", "stale", "blocked", "waived", "skipped"] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];

export const VERDICTS = ["GO", "CONDITIONAL", "NO-GO"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Where something was written: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem found in user input, with its position. Findings are data; wording lives here only. */
export interface Issue extends Partial<SourceLocation> {
  /** JSON-pointer-like path in the document, e.g. `/sections/0/items/2/probes/0/timeout`. */
  path?: string;
  message: string;
  /** `error` makes the checklist invalid; `warning` is reported but does not stop the audit. */
  level?: "error" | "warning";
}

/** Masks values that came from the environment. `mask(s)` replaces every secret substring by `***`. */
export interface Masker {
  mask(text: string): string;
  /** Register another secret value (ignored when empty). */
  add(value: string): void;
}

// ---------------------------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------------------------

/** What a probe reports. An unhealthy target is a `fail` with the cause, never an exception. */
export interface ProbeOutcome {
  result: "pass" | "fail" | "skipped";
  /** One line: what was observed, or why it failed. Masked by the engine before it reaches a report. */
  message: string;
  /** Optional machine-readable observation (status code, value, days left...). */
  observed?: unknown;
}

export interface ProbeResult extends ProbeOutcome {
  duration_ms: number;
  /** How many times the probe was run (1 + retries used, + 1 when re-measured). */
  attempts: number;
  /** Passed, but only after a failed attempt. */
  flaky?: boolean;
  /** The first failed attempt's message, for a flaky pass. */
  first_failure?: string;
  /** Each latency measured, in ms, in order: the one beside other probes, then the one alone. */
  measurements?: number[];
  /** The first measurement, whose timing assertion failed beside other probes; the result is the re-measurement's. */
  remeasured?: Remeasurement;
}

/** A measurement taken beside other probes, replaced by one taken with nothing else in flight. */
export interface Remeasurement {
  message: string;
  latency_ms: number;
}

/** Limits the engine enforces on what a probe may read. */
export interface ProbeLimits {
  /** Maximum bytes of an HTTP response body read (default 1 MiB). */
  maxBodyBytes: number;
  /** Maximum bytes of command stdout/stderr captured, each (default 1 MiB). */
  maxOutputBytes: number;
  /** Maximum bytes of a file read for `contains`/`matches` (default 10 MiB). */
  maxFileBytes: number;
}

export interface ProbeContext {
  /** Aborted when the probe's timeout passes or the run is interrupted. Probes must honour it. */
  signal: AbortSignal;
  /** The probe's timeout in milliseconds (already applied to `signal`; for messages and child timeouts). */
  timeoutMs: number;
  /** Directory of the checklist file that defined the probe; relative paths resolve against it. */
  cwd: string;
  /** The clock. Tests inject it; probes never call `Date.now()` for anything user-visible. */
  now: () => Date;
  secrets: Masker;
  limits: ProbeLimits;
}

/**
 * A probe type. It owns the JSON Schema fragment for its mapping (including its type key),
 * optional semantic checks beyond the schema, how its target is displayed, and how it runs.
 * Probes never sleep or retry: the executor owns timeouts, retries and ordering.
 */
export interface Probe<Spec extends ProbeSpecBase = ProbeSpecBase> {
  /** The type key, e.g. `http`. */
  type: string;
  /** One-line description for `--help`, `schema` and docs. */
  description: string;
  /** JSON Schema (draft-07) of the whole probe mapping. Common keys are merged in by the registry. */
  schema: Record<string, unknown>;
  /** Semantic checks the schema cannot express (empty assertions, bad regex...). Paths are relative to the probe. */
  check?(spec: Spec): Issue[];
  /** Whether running this probe spawns a process (skipped with `--no-exec`). */
  executes?: boolean | ((spec: Spec) => boolean);
  /** Human-readable target (URL, host:port, command line, path) for plans and reports. */
  target(spec: Spec): string;
  run(spec: Spec, ctx: ProbeContext): Promise<ProbeOutcome>;
}

/** Keys every probe mapping may carry, besides its type key and its own assertions. */
export interface ProbeSpecBase {
  [key: string]: unknown;
  name?: string;
  timeout?: string;
  retries?: number;
  retry_delay?: string;
}

/** A probe as resolved in a checklist: interpolated, with defaults applied. */
export interface ResolvedProbe {
  type: string;
  /** The interpolated mapping as written (type key included). Passed to `Probe.run`. */
  spec: ProbeSpecBase;
  name?: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  loc?: SourceLocation;
}

// ---------------------------------------------------------------------------------------------
// Checklist
// ---------------------------------------------------------------------------------------------

export interface Waiver {
  reason: string;
  /** ISO date, inclusive: the waiver applies through this day. */
  until: string;
  by: string;
}

export interface Signoff {
  role: string;
  by: string;
  /** ISO date. */
  at: string;
}

export interface Gate {
  go: number;
  conditional: number;
  blocking: Severity[];
  verified: number;
  signoffs: string[];
  /** Longest a waiver may run from the day it is recorded, in days (default 90). */
  max_waiver_days?: number;
  /** Attestations, waivers and certificates ending within this many days are "expiring soon" (default 14). */
  warn_days?: number;
  /** Roles of `signoffs` bound to people: who may sign each, and how the sign-off is checked. */
  signers?: SignoffRule[];
  /** What a claim (`status: done`) its probes contradict does to the verdict (default `conditional`). */
  contradicted?: ContradictedPolicy;
  /** Whether a probe that passed only after a failed attempt counts as failing (default `warn`). */
  flaky?: FlakyPolicy;
}

/** A sign-off role bound to people: `{ role, signers: [email...], verify: git | signed }` in `gate.signoffs`. */
export interface SignoffRule {
  role: string;
  /** Commit author emails allowed to sign. */
  signers: string[];
  /** `git`: the commit that added the sign-off was authored by a signer; `signed`: and it carries a valid signature. */
  verify: "git" | "signed";
}

export const CONTRADICTED_POLICIES = ["block", "conditional", "ignore"] as const;
export type ContradictedPolicy = (typeof CONTRADICTED_POLICIES)[number];
export const FLAKY_POLICIES = ["fail", "warn"] as const;
export type FlakyPolicy = (typeof FLAKY_POLICIES)[number];

/** Evidence first: without `gate.verified`, half of the score must come from probes for GO. */
export const DEFAULT_GATE: Gate = { go: 90, conditional: 70, blocking: ["critical"], verified: 50, signoffs: [], contradicted: "conditional", flaky: "warn" };

export interface Item {
  id: string;
  title: string;
  severity: Severity;
  weight: number;
  tags: string[];
  owner?: string;
  description?: string;
  /** Ids of the enclosing sections, outermost first. */
  sectionPath: string[];
  probes: ResolvedProbe[];
  status?: ManualStatus;
  evidence?: string;
  attested_by?: string;
  attested_at?: string;
  /** Milliseconds after `attested_at` when the attestation goes stale. */
  expiresAfterMs?: number;
  waiver?: Waiver;
  /** Why the item is n/a, or other free text. */
  reason?: string;
  /** Free text recorded with an attestation (`readiness attest --note`). */
  note?: string;
  /** ISO date the item should be done by (an item's own, else its nearest section's). */
  due?: string;
  /** ISO date from which a failing item counts; before it, it is a warning, not in the score. */
  enforce_from?: string;
  /** One of the checklist's `levels`. */
  level?: string;
  /** Remediation: why the item matters, how to fix it, where the docs are. */
  why?: string;
  fix?: string;
  docs?: string;
  /** ISO date of the last change to the item's lines (git blame), set by `annotateChanges`; absent when unknown. */
  changed_at?: string;
  /** Ids of the items this one depends on (`depends_on`): when one does not pass, this item's probes are not run. */
  depends_on?: string[];
  /** With `extends`: where inheriting files changed this item, in order (its `loc` is where it was first defined). */
  overrides?: SourceLocation[];
  loc?: SourceLocation;
}

export interface Section {
  id: string;
  title: string;
  owner?: string;
  /** ISO date items of this section (without their own `due`) should be done by. */
  due?: string;
  items: Item[];
  sections: Section[];
  loc?: SourceLocation;
}

export interface Checklist {
  version: 1;
  name: string;
  owner?: string;
  /** Path of the checklist file, or `<built-in>` for the default baseline. */
  path: string;
  /** Directory relative paths resolve against. */
  dir: string;
  builtin?: boolean;
  /** Every file the checklist was composed from (`extends`), the checklist itself first. */
  files?: string[];
  /** The environment applied (`--env NAME`), if any. */
  environment?: string;
  /** Names of the environments the checklist defines. */
  environments?: string[];
  vars: Record<string, string>;
  gate: Gate;
  signoffs: Signoff[];
  /** Maturity levels, lowest first (e.g. bronze, silver, gold); absent when the checklist has none. */
  levels?: string[];
  sections: Section[];
  /** Values that came from the environment: masked in every output. */
  secrets: string[];
  /** Why a sign-off of a role bound to people does not count, by role (set by `annotateChanges`; a role checked and found good maps to null). */
  signoffChecks?: Record<string, string | null>;
  /** Names of the environment variables the checklist refers to (`${env.NAME}`), sorted. */
  envNames?: string[];
  /** Loaded with `--untrusted` (see docs/security.md): no probe runs a program. */
  untrusted?: boolean;
  /** Non-fatal findings from loading (expired waivers are reported by scoring, not here). */
  warnings: Issue[];
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

export interface ProbeReport {
  type: string;
  name?: string;
  target: string;
  result: "pass" | "fail" | "skipped";
  message: string;
  duration_ms: number;
  attempts?: number;
  /** Passed only after a failed attempt. */
  flaky?: boolean;
  /** The first failed attempt's message, for a flaky pass. */
  first_failure?: string;
  /** Each latency measured, in ms: beside other probes, then alone (when re-measured). */
  measurements?: number[];
  remeasured?: Remeasurement;
}

export interface ItemReport {
  id: string;
  title: string;
  severity: Severity;
  weight: number;
  result: ItemResult;
  /** A manual `status: done` whose probes failed. */
  contradicted: boolean;
  /** Whether the credit comes from probes (verified) rather than a claim. */
  verified: boolean;
  /** Credit earned, 0..1, or null when not in the score. */
  credit: number | null;
  tags: string[];
  owner?: string;
  /** One-line cause for fail / missing / stale / skipped / waived. */
  message?: string;
  status?: ManualStatus;
  evidence?: string;
  attested_by?: string;
  attested_at?: string;
  /** ISO date an attestation expires (or expired). */
  expires_at?: string;
  waiver?: Waiver & { expired: boolean };
  /** Free text recorded with the attestation. */
  note?: string;
  /** The item's level, when the checklist has levels. */
  level?: string;
  /** ISO date the item is due (its own or its section's). */
  due?: string;
  /** Not done and past `due`. */
  overdue?: boolean;
  /** ISO date from which the item is enforced. */
  enforce_from?: string;
  /** false while a failing item is before its `enforce_from`: a warning, not a blocker, not in the score. */
  enforced?: boolean;
  /** Remediation: why it matters, how to fix it, where the docs are. */
  why?: string;
  fix?: string;
  docs?: string;
  file?: string;
  line?: number;
  /** Ids of the items this one depends on. */
  depends_on?: string[];
  /** For a `blocked` item: ids of the root causes, the failing items at the end of its dependency chains. */
  blocked_by?: string[];
  probes: ProbeReport[];
}

export interface SectionReport {
  id: string;
  title: string;
  score: number | null;
  verified_score: number | null;
  sections: SectionReport[];
  items: ItemReport[];
}

export type Counts = Record<ItemResult, number>;

export interface Report {
  schema_version: 1;
  tool: { name: string; version: string };
  checklist: { name: string; path: string; builtin?: boolean; /** The environment applied with `--env`. */ environment?: string };
  started_at: string;
  duration_ms: number;
  verdict: Verdict;
  /** Every reason that kept the verdict from GO; empty for GO. */
  reasons: string[];
  score: number | null;
  verified_score: number | null;
  counts: Counts;
  gate: Gate;
  sections: SectionReport[];
  signoffs: {
    required: string[];
    present: Signoff[];
    missing: string[];
    /** Sign-offs older than the last change to a blocking item: they signed something else. */
    outdated?: OutdatedSignoff[];
  };
  /** The run was interrupted (Ctrl-C): results are partial. */
  interrupted: boolean;
  /** Options that change the meaning of the score. */
  options: { strict: boolean; no_exec: boolean; only: string[]; skip: string[] };
  warnings: string[];
  /** Comparison with an earlier report (`--baseline OLD.json`); absent without a baseline. */
  baseline?: ReportBaseline;
  /** Maturity levels achieved (absent when the checklist declares no `levels`). Never part of the verdict. */
  levels?: LevelsReport;
  /** Attestations, waivers and TLS certificates ending within `gate.warn_days`, soonest first. */
  expiring?: ExpiringEntry[];
  /** Items not done (fail, missing, stale, partial), grouped by owner; groups and items with overdue work first. */
  open_work?: OpenWorkGroup[];
  /** Probes that passed only after a failed attempt (absent when none did). */
  flaky?: FlakyProbe[];
}

/** A probe that passed only after a failed attempt. */
export interface FlakyProbe {
  /** The item's id and title. */
  id: string;
  title: string;
  /** The probe's name, when it has one. */
  probe?: string;
  target: string;
  attempts: number;
  /** The first failed attempt's message. */
  first_failure: string;
}

/** A sign-off given before the last change to a blocking item. */
export interface OutdatedSignoff {
  role: string;
  by: string;
  /** ISO date of the sign-off. */
  at: string;
  /** ISO date of the latest change to a blocking item after it. */
  changed_at: string;
  /** Ids of the blocking items changed after the sign-off. */
  items: string[];
}

/** One level and how many of its items pass. */
export interface LevelStatus {
  level: string;
  /** Items at this level (waived and skipped items excluded). */
  items: number;
  passing: number;
  /** This level's items and every lower level's all pass. */
  achieved: boolean;
}

/** Levels (Cortex/OpsLevel style): the highest level whose items, and every lower level's, all pass. */
export interface LevelsReport {
  /** Highest level achieved, or null when not even the first is. */
  achieved: string | null;
  /** The next level up, or null when the highest is achieved. */
  next: string | null;
  /** Items (at the next level or below) that keep the next level from being achieved. */
  needs: { id: string; title: string; level: string; result: ItemResult }[];
  levels: LevelStatus[];
}

/** Something that ends soon: an attestation, a waiver or a TLS certificate. */
export interface ExpiringEntry {
  kind: "attestation" | "waiver" | "certificate";
  id: string;
  title: string;
  /** ISO date: when the attestation goes stale, the waiver's last day, the certificate's expiry. */
  date: string;
  /** Whole days from today to `date`. */
  days_left: number;
  /** The certificate's host:port. */
  target?: string;
}

/** Open work of one owner. */
export interface OpenWorkGroup {
  /** Item owner, else the nearest section's, else the checklist's; `(unowned)` when none. */
  owner: string;
  overdue: number;
  items: OpenWorkItem[];
}

export interface OpenWorkItem {
  id: string;
  title: string;
  severity: Severity;
  result: ItemResult;
  /** Section titles from the outermost. */
  section: string[];
  due?: string;
  overdue: boolean;
  /** Days past `due` (overdue items only). */
  days_overdue?: number;
  /** Set while the item is not yet enforced. */
  enforce_from?: string;
  message?: string;
}

/** One item whose standing changed between two reports (matched by id). */
export interface ItemChange {
  id: string;
  title: string;
  severity: Severity;
  /** Section titles from the outermost, e.g. `["Infrastructure", "Databases"]`. */
  section: string[];
  /** Result in the earlier report; absent for an item that is new. */
  from?: ItemResult;
  /** Result in this report; absent for an item that was removed. */
  to?: ItemResult;
  /** The one-line cause in this report (or the earlier one for a removed item). */
  message?: string;
  /** For a root cause: ids of the items it blocks, folded into this change instead of one change each. */
  blocks?: string[];
}

/** Deltas against an earlier report, added to a report by `--baseline`. */
export interface ReportBaseline {
  /** Where the earlier report was read from, when known. */
  path?: string;
  started_at: string;
  verdict: Verdict;
  score: number | null;
  verified_score: number | null;
  /** `score - baseline score`; null when either is null. */
  score_delta: number | null;
  verified_delta: number | null;
  /** Items that are fail / missing / stale now and were not then. */
  newly_failing: ItemChange[];
  /** Items that are pass / attested now and were fail / missing / stale / partial then. */
  newly_passing: ItemChange[];
  added: ItemChange[];
  removed: ItemChange[];
  /** Verdict worse, score lower, or any item newly failing. */
  regressed: boolean;
}
