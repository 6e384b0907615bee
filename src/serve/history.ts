/**
 * The history of `readiness serve`'s runs: one JSON line per run in a file next to the checklist.
 *
 * A run is appended with one `write` of the whole line and an `fsync`: a process killed during the
 * write (SIGKILL, power loss) leaves at most a torn last line, which the reader skips, and never
 * touches the lines before it. An append after a torn line starts on a new line, so the torn one
 * never swallows the next run. Retention (a count and an age) rewrites the file atomically
 * (a temporary file, then a rename), so a kill during it leaves the old file or the new one.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { ReadinessError } from "../errors.js";
import type { Counts, Report, Verdict } from "../types.js";
import { makeDirectories, writeAllSync, writeFileAtomic } from "../util/fs.js";

/** One run in the history. */
export interface HistoryEntry {
  /** When the run started (ISO date-time). */
  started_at: string;
  verdict: Verdict;
  score: number | null;
  verified_score: number | null;
  counts: Counts;
  duration_ms: number;
  /** How many reasons kept the verdict from GO. */
  reasons: number;
}

/** What a history file held. */
export interface HistoryRead {
  entries: HistoryEntry[];
  /** Lines that were not a run (a torn last line, an edit): skipped. */
  skipped: number;
}

/** How much history to keep. */
export interface Retention {
  /** Most runs kept (oldest dropped first). */
  maxEntries: number;
  /** Runs older than this many ms are dropped. */
  maxAgeMs: number;
}

export const DEFAULT_RETENTION: Retention = { maxEntries: 10_000, maxAgeMs: 90 * 86_400_000 };

/**
 * Where the history of a checklist lives: beside it, its name with `.history.jsonl` for the
 * extension (`ops/readiness.yaml` → `ops/readiness.history.jsonl`); for the built-in baseline,
 * `readiness.history.jsonl` in the working directory.
 */
export function defaultHistoryPath(checklistPath: string | undefined, cwd: string): string {
  if (!checklistPath) return join(cwd, "readiness.history.jsonl");
  const name = basename(checklistPath, extname(checklistPath));
  return join(dirname(checklistPath), `${name}.history.jsonl`);
}

/** The history line of a report. */
export function entryOf(report: Report): HistoryEntry {
  return {
    started_at: report.started_at,
    verdict: report.verdict,
    score: report.score,
    verified_score: report.verified_score,
    counts: report.counts,
    duration_ms: report.duration_ms,
    reasons: report.reasons.length,
  };
}

function isEntry(v: unknown): v is HistoryEntry {
  if (!v || typeof v !== "object") return false;
  const e = v as Record<string, unknown>;
  const score = (x: unknown): boolean => x === null || typeof x === "number";
  return typeof e.started_at === "string" && !Number.isNaN(Date.parse(e.started_at)) && typeof e.verdict === "string" && score(e.score) && score(e.verified_score);
}

/** Parses a history file's text: every line that is a run, in order; anything else counted as skipped. */
export function parseHistory(text: string): HistoryRead {
  const entries: HistoryEntry[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (isEntry(v)) entries.push(v);
    else skipped++;
  }
  return { entries, skipped };
}

/** Reads a history file; a file that does not exist is an empty history. */
export function readHistory(path: string): HistoryRead {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], skipped: 0 };
    throw e;
  }
  return parseHistory(text);
}

/** Whether the file ends in a line feed (or is empty): an append after a torn line must start a new one. */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Appends one run: one write of the whole line, then fsync. */
export function appendHistory(path: string, entry: HistoryEntry): void {
  makeDirectories(dirname(path));
  const fd = openSync(path, "a+");
  try {
    const line = `${endsWithNewline(fd) ? "" : "\n"}${JSON.stringify(entry)}\n`;
    writeAllSync(fd, Buffer.from(line));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The entries retention keeps: no older than `maxAgeMs` before `nowMs`, the newest `maxEntries`. */
export function retain(entries: readonly HistoryEntry[], retention: Retention, nowMs: number): HistoryEntry[] {
  const kept = entries.filter((e) => nowMs - Date.parse(e.started_at) <= retention.maxAgeMs);
  return kept.slice(Math.max(0, kept.length - retention.maxEntries));
}

/**
 * A history file and the runs it holds, kept in memory for the dashboard. `add` appends a run and
 * applies retention; the file is rewritten only when a tenth more than `maxEntries` has piled up or
 * the oldest run has aged out, not at every run.
 */
export class HistoryStore {
  private entries: HistoryEntry[];

  constructor(
    readonly path: string,
    readonly retention: Retention = DEFAULT_RETENTION,
    nowMs = Date.now(),
  ) {
    const read = readHistory(path);
    // One bad line is a torn append; a file of nothing else is not a history: never rewrite it.
    if (read.entries.length === 0 && read.skipped > 1) throw new ReadinessError(`${path}: not a readiness history file (no line is a run); give another --history path`, { code: "EUSAGE" });
    this.entries = read.entries;
    this.prune(nowMs);
  }

  /** The runs, oldest first. */
  list(): readonly HistoryEntry[] {
    return this.entries;
  }

  add(entry: HistoryEntry, nowMs = Date.now()): void {
    appendHistory(this.path, entry);
    this.entries.push(entry);
    this.prune(nowMs);
  }

  private prune(nowMs: number): void {
    const slack = Math.max(1, Math.floor(this.retention.maxEntries / 10));
    const oldest = this.entries[0];
    const aged = oldest !== undefined && nowMs - Date.parse(oldest.started_at) > this.retention.maxAgeMs;
    if (!aged && this.entries.length <= this.retention.maxEntries + slack) return;
    this.entries = retain(this.entries, this.retention, nowMs);
    writeFileAtomic(this.path, this.entries.map((e) => `${JSON.stringify(e)}\n`));
  }
}
