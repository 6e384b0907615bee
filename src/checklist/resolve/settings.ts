/**
 * The checklist-wide settings, resolved and checked: probe defaults, the gate, sign-offs, levels.
 */
import { DEFAULT_GATE, type Gate, type Severity, type Signoff } from "../../types.js";
import { MAX_WAIT_MS, parseDate, parseDuration } from "../../util/duration.js";
import type { Path } from "../parse.js";
import type { IssueSink } from "./issues.js";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_DELAY_MS = 1_000;

/** What a probe that sets none of them gets. */
export interface ProbeDefaults {
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  severity: Severity;
}

/** The `defaults:` block as written. */
export interface RawDefaults {
  timeout?: string;
  retries?: number;
  retry_delay?: string;
  severity?: Severity;
}

/** A timeout must be positive and a retry delay may be 0; neither over MAX_WAIT_MS, which no timer can wait. */
export function checkWait(ms: number, path: Path, key: "timeout" | "retry_delay", issues: IssueSink): void {
  if (key === "timeout" && ms <= 0) issues.error(path, "timeout must be greater than 0");
  else if (ms > MAX_WAIT_MS) issues.error(path, `${key} must be at most 24d`);
}

/** `defaults:` with the built-in values for what it leaves out; a timeout or delay no timer can wait is an error. */
export function resolveDefaults(raw: RawDefaults | undefined, issues: IssueSink): ProbeDefaults {
  const defaults: ProbeDefaults = {
    timeoutMs: raw?.timeout ? (parseDuration(raw.timeout) ?? DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS,
    retries: raw?.retries ?? 0,
    retryDelayMs: raw?.retry_delay ? (parseDuration(raw.retry_delay) ?? DEFAULT_RETRY_DELAY_MS) : DEFAULT_RETRY_DELAY_MS,
    severity: raw?.severity ?? "medium",
  };
  checkWait(defaults.timeoutMs, ["defaults", "timeout"], "timeout", issues);
  checkWait(defaults.retryDelayMs, ["defaults", "retry_delay"], "retry_delay", issues);
  return defaults;
}

/** `gate:` over the default gate. A role bound to people ({ role, signers, verify }) keeps its name in `signoffs`, its rule in `signers`. */
export function resolveGate(raw: Partial<Gate> | undefined, issues: IssueSink): Gate {
  const gate: Gate = { ...DEFAULT_GATE, ...raw };
  const bound = (gate.signoffs as (string | { role: string; signers: string[]; verify?: "git" | "signed" })[]).filter((s) => typeof s === "object");
  if (bound.length) {
    gate.signoffs = (gate.signoffs as (string | { role: string })[]).map((s) => (typeof s === "string" ? s : s.role));
    gate.signers = bound.map((s) => ({ role: s.role, signers: s.signers, verify: s.verify ?? "git" }));
  }
  if (gate.conditional > gate.go) issues.error(["gate", "conditional"], `gate.conditional (${gate.conditional}) is above gate.go (${gate.go}): CONDITIONAL would need more than GO`);
  return gate;
}

/** Each sign-off's `at` must be a real date. */
export function checkSignoffs(signoffs: readonly Signoff[], issues: IssueSink): void {
  signoffs.forEach((s, i) => {
    if (!parseDate(s.at)) issues.error(["signoffs", i, "at"], `not a real date: "${s.at}"`);
  });
}

/** No level is listed twice. */
export function checkLevels(levels: readonly string[] | undefined, issues: IssueSink): void {
  levels?.forEach((l, i) => {
    if (levels.indexOf(l) !== i) issues.error(["levels", i], `level "${l}" is listed twice`);
  });
}
