/**
 * `readiness history [FILE]`: the trend `readiness serve` recorded for a checklist, in the terminal
 * or as JSON.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ReadinessError } from "../errors.js";
import { terminalText } from "../util/width.js";
import { defaultHistoryPath, readHistory, type HistoryEntry } from "../serve/history.js";
import { parseIntOption } from "./audit.js";
import { chalkFor, colorLevel, displayPath, findChecklist, type GlobalOptions, type Io } from "./io.js";

export const HISTORY_FORMATS = ["terminal", "json"] as const;

export interface HistoryCommandOptions extends GlobalOptions {
  format?: string;
  history?: string;
  last?: string;
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** Scores 0-100 as a sparkline; a run without a score is a space. */
export function sparkline(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null ? " " : (SPARKS[Math.min(7, Math.max(0, Math.floor((v / 100) * 8)))] ?? " "))).join("");
}

function when(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace("T", " ");
}

const failing = (e: HistoryEntry): number => (e.counts?.fail ?? 0) + (e.counts?.missing ?? 0) + (e.counts?.stale ?? 0);

/** The terminal view: totals, sparklines of the last runs, then a table of the last `last` runs. */
export function renderHistory(entries: readonly HistoryEntry[], shownPath: string, last: number, colour: 0 | 1 | 2 | 3): string {
  const c = chalkFor(colour);
  if (entries.length === 0) return `No runs recorded in ${terminalText(shownPath)} yet.\n`;
  const first = entries[0] as HistoryEntry;
  const latest = entries[entries.length - 1] as HistoryEntry;
  const byVerdict = new Map<string, number>();
  for (const e of entries) byVerdict.set(e.verdict, (byVerdict.get(e.verdict) ?? 0) + 1);
  const recent = entries.slice(-60);
  const paint = (v: string): string => (v === "GO" ? c.green(v) : v === "NO-GO" ? c.red(v) : c.yellow(v));
  const lines = [
    `History of ${terminalText(shownPath)}: ${entries.length} run${entries.length === 1 ? "" : "s"}, ${when(first.started_at)} to ${when(latest.started_at)} UTC`,
    `  ${[...byVerdict].map(([v, n]) => `${paint(terminalText(v))} ${n}`).join(" · ")}`,
    `  score     ${sparkline(recent.map((e) => e.score))}  (last ${recent.length} runs, 0-100)`,
    `  verified  ${sparkline(recent.map((e) => e.verified_score))}`,
    "",
    `  ${"started (UTC)".padEnd(17)}  ${"verdict".padEnd(11)}  ${"score".padStart(5)}  ${"verified".padStart(8)}  ${"failing".padStart(7)}`,
  ];
  for (const e of entries.slice(-last)) {
    const verdict = terminalText(e.verdict);
    lines.push(`  ${when(e.started_at).padEnd(17)}  ${paint(verdict)}${" ".repeat(Math.max(0, 11 - verdict.length))}  ${String(e.score ?? "-").padStart(5)}  ${String(e.verified_score ?? "-").padStart(8)}  ${String(failing(e)).padStart(7)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Runs `readiness history`. Returns the exit code. */
export function historyCommand(file: string | undefined, opts: HistoryCommandOptions, io: Io): number {
  const format = opts.format ?? "terminal";
  if (!(HISTORY_FORMATS as readonly string[]).includes(format)) throw new ReadinessError(`--format ${format}: history formats are ${HISTORY_FORMATS.join(", ")}`, { code: "EUSAGE" });
  const last = parseIntOption(opts.last, "--last", 1, 1_000_000) ?? 20;
  const checklist = findChecklist(io.cwd, file);
  const path = opts.history ? resolve(io.cwd, opts.history) : defaultHistoryPath(checklist === undefined ? undefined : resolve(io.cwd, checklist), io.cwd);
  const shown = displayPath(io, path);
  if (!existsSync(path)) throw new ReadinessError(`${shown}: no history here (\`readiness serve\` records one run a line; --history PATH names another file)`, { code: "ENOHISTORY" });
  let read;
  try {
    read = readHistory(path);
  } catch (e) {
    throw new ReadinessError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EREAD" });
  }
  if (format === "json") io.out(`${JSON.stringify({ path: shown, runs: read.entries, skipped_lines: read.skipped }, null, 2)}\n`);
  else io.out(renderHistory(read.entries, shown, last, colorLevel(io, opts, io.stdoutIsTTY)));
  return 0;
}
