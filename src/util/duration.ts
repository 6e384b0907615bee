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

/** Formats milliseconds for people: `850ms`, `1.2s`, `3m 5s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m ${s}s` : `${m}m`;
}

/** ISO calendar date `YYYY-MM-DD` that is a real date. */
export const DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/** Parses `YYYY-MM-DD` as midnight UTC; undefined when not a real date. */
export function parseDate(text: string): Date | undefined {
  if (!new RegExp(DATE_PATTERN).test(text)) return undefined;
  const d = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) return undefined;
  return d;
}

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
