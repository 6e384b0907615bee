/** Durations as written in checklists: `500ms`, `5s`, `2m`, `1h`, `90d` (decimals allowed: `1.5s`). */
export const DURATION_PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$";
const DURATION_RE = new RegExp(DURATION_PATTERN);

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration; returns undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] ?? "ms";
  const value = Number.parseFloat(text);
  return Math.round(value * (UNIT_MS[unit] ?? 1));
}

/**
 * The longest a timeout, retry delay or wait may be: 24 days. A Node timer holds at most 2^31 - 1
 * ms (24.8 days); a longer one fires after 1 ms instead, with a warning on stderr.
 */
export const MAX_WAIT_MS = 24 * 86_400_000;

/**
 * Milliseconds on a monotonic clock, for measuring how long something took (only differences mean
 * anything). As `performance.now()`, but the global `performance` loads Node's perf_hooks on first
 * use: ten modules, ~2 ms of every audit's start-up that no probe needs.
 */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/**
 * Formats milliseconds for people: `850ms`, `1.2s`, `3m 5s`, `2h 30m`, `3d 4h`. Each unit is chosen
 * after rounding, so 59,999 ms reads `1m`, not `60.0s`.
 */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.round(ms / 100) < 600) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return pair(Math.floor(seconds / 60), "m", seconds % 60, "s");
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1440) return pair(Math.floor(minutes / 60), "h", minutes % 60, "m");
  const hours = Math.round(ms / 3_600_000);
  return pair(Math.floor(hours / 24), "d", hours % 24, "h");
}

function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small ? `${big}${bigUnit} ${small}${smallUnit}` : `${big}${bigUnit}`;
}

/** ISO calendar date `YYYY-MM-DD` that is a real date. */
export const DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

const DATE_RE = new RegExp(DATE_PATTERN);

/** Parses `YYYY-MM-DD` as midnight UTC; undefined when not a real date. */
export function parseDate(text: string): Date | undefined {
  if (!DATE_RE.test(text)) return undefined;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7)) - 1;
  const day = Number(text.slice(8, 10));
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 as they are. A day or month out of range rolls
  // over into the next month or year, so a date that does not round-trip is not a real one.
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getUTCMonth() === month && d.getUTCDate() === day ? d : undefined;
}

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
