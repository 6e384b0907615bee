/**
 * The progress line an audit draws on a terminal while probes run: how many are done, how long the
 * run has taken, and the probes that have been running longest, with how long. A pure function of
 * the state; the command owns the timer and the writing (src/commands/audit.ts).
 */
import type { PlannedItem } from "../engine/plan.js";
import { formatDuration } from "../util/duration.js";
import { terminalText, truncateWidth } from "../util/width.js";

/** A probe in flight. */
export interface RunningProbe {
  label: string;
  elapsedMs: number;
}

export interface ProgressState {
  done: number;
  total: number;
  /** Since the run started. */
  elapsedMs: number;
  running: readonly RunningProbe[];
}

/** How many of the probes still running the line names at most. */
export const SLOWEST_SHOWN = 3;
/** A probe is named once it has run this long: before that, every probe would flash past. */
export const NAMED_AFTER_MS = 500;
/** Columns a probe's label takes at most, so that several fit on a line. */
const LABEL_COLUMNS = 32;

/** What the line calls a probe: its item's id, and the probe's name or position when the item has several. */
export function probeLabel(planned: PlannedItem, probeIndex: number): string {
  const probe = planned.probes[probeIndex]?.probe;
  if (probe?.name) return `${planned.item.id}/${probe.name}`;
  return planned.probes.length > 1 ? `${planned.item.id}#${probeIndex + 1}` : planned.item.id;
}

/**
 * The progress line, e.g. `  running probes 11/28 · 12.0s · slowest: api-health 8.2s, db 1.1s`,
 * never wider than `width - 1` columns (a line filling the last column wraps on some terminals).
 * Labels come from the checklist: control characters are shown escaped, never obeyed.
 */
export function progressLine(state: ProgressState, width: number): string {
  const head = `  running probes ${state.done}/${state.total} · ${formatDuration(state.elapsedMs)}`;
  const slowest = state.running
    .filter((p) => p.elapsedMs >= NAMED_AFTER_MS)
    .sort((a, b) => b.elapsedMs - a.elapsedMs)
    .slice(0, SLOWEST_SHOWN)
    .map((p) => `${terminalText(p.label, LABEL_COLUMNS)} ${formatDuration(p.elapsedMs)}`);
  const line = slowest.length ? `${head} · slowest: ${slowest.join(", ")}` : head;
  return truncateWidth(line, Math.max(1, width - 1));
}
