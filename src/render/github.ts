/**
 * GitHub Actions integration, as pure functions the CLI calls when `GITHUB_ACTIONS=true`:
 * workflow-command annotations for failing items (pointing at the item's line in the checklist)
 * and the step summary, kept under GitHub's size limit.
 */
import { isAbsolute, relative } from "node:path";
import { oneLine } from "../errors.js";
import { TRUNCATED_NOTE } from "./markdown.js";
import { bySeverity, formatScore, itemCause, summarize } from "./summary.js";
import type { Report, Severity } from "../types.js";
import { allItems, blockedByRoot } from "../engine/score.js";

/** GitHub shows at most this many annotations of each kind (error, warning) per step. */
export const ANNOTATIONS_PER_KIND = 10;

/** GitHub's limit on what one step may write to `$GITHUB_STEP_SUMMARY`: 1 MiB. */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

/** Options of `githubAnnotations`. */
export interface AnnotationOptions {
  /** Make absolute item paths relative to this directory (usually `$GITHUB_WORKSPACE`). */
  workspace?: string;
  /** Annotations per kind before the rest is summarised (default 10, GitHub's own limit). */
  perKind?: number;
}

/**
 * Escapes the message part of a workflow command. `##[` gets a zero-width space (`##\u200b[`): the
 * runner reads the legacy command form anywhere in a line, annotations included.
 */
export function escapeData(text: string): string {
  return oneLine(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/##\[/g, "##\u200b[");
}

/** Escapes a property value (`file=`, `title=`) of a workflow command. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function kindOf(severity: Severity, blocking: readonly Severity[]): "error" | "warning" {
  return severity === "critical" || severity === "high" || blocking.includes(severity) ? "error" : "warning";
}

function annotationFile(file: string | undefined, fallback: string | undefined, workspace?: string): string | undefined {
  const f = file ?? fallback;
  if (!f || f.startsWith("<")) return undefined; // `<built-in>`: no file to point at
  const rel = workspace && isAbsolute(f) ? relative(workspace, f) : f;
  return rel.split("\\").join("/");
}

/**
 * One `::error`/`::warning` line per failing item (fail, missing, stale), most severe first; items
 * blocked by a dependency (depends_on) are named in their root cause's line, not one line each (the
 * line is an error when the root or any item it blocks would be):
 * critical and high items (and any `gate.blocking` severity) are errors, the rest warnings. Each
 * points at the item's `file` and `line` (an item without a file points at `checklistFile`).
 * At most `perKind` of each kind are printed; the rest are counted in one `::notice` line
 * (a separate kind, so GitHub shows it). Returns no line when nothing fails.
 */
export function githubAnnotations(report: Report, checklistFile?: string, options: AnnotationOptions = {}): string[] {
  const perKind = options.perKind ?? ANNOTATIONS_PER_KIND;
  const summary = summarize(report);
  const blocks = blockedByRoot(summary.items.map((l) => l.item));
  const roots = new Set([...blocks.keys()].map((r) => r.id));
  // A blocked item is named in its root causes' lines; a root cause that is not itself failing (partial) gets one.
  const failingItems = new Set(summary.failing.map((l) => l.item));
  const failing = summary.items
    .filter(({ item }) => blocks.has(item) || (failingItems.has(item) && !item.blocked_by?.some((id) => roots.has(id))))
    .sort(bySeverity);
  const shown = { error: 0, warning: 0 };
  const hidden = { error: 0, warning: 0 };
  const lines: string[] = [];
  for (const { item } of failing) {
    const blocked = blocks.get(item) ?? [];
    const kind = [item, ...blocked].some((i) => kindOf(i.severity, report.gate.blocking) === "error") ? "error" : "warning";
    if (shown[kind] >= perKind) {
      hidden[kind]++;
      continue;
    }
    shown[kind]++;
    const props: string[] = [];
    const file = annotationFile(item.file, checklistFile ?? report.checklist.path, options.workspace);
    if (file) {
      props.push(`file=${escapeProperty(file)}`);
      if (item.line) props.push(`line=${item.line}`);
    }
    const what = item.contradicted ? "contradicted claim" : item.result;
    const also = blocked.length ? `, blocks ${blocked.length} item${blocked.length === 1 ? "" : "s"}` : "";
    props.push(`title=${escapeProperty(`readiness: ${item.severity} item ${item.id} ${what}${also}`)}`);
    const list = blocked.length ? ` — blocks: ${blocked.map((b) => `${b.id} (${b.severity})`).join(", ")}` : "";
    lines.push(`::${kind} ${props.join(",")}::${escapeData(`${item.title}: ${itemCause(item) || item.result}${list}`)}`);
  }
  // A flaky pass: a warning of its own, whatever the item's severity (it passed).
  for (const f of report.flaky ?? []) {
    if (shown.warning >= perKind) {
      hidden.warning++;
      continue;
    }
    shown.warning++;
    const item = allItems(report).find((i) => i.id === f.id);
    const props: string[] = [];
    const file = annotationFile(item?.file, checklistFile ?? report.checklist.path, options.workspace);
    if (file) {
      props.push(`file=${escapeProperty(file)}`);
      if (item?.line) props.push(`line=${item.line}`);
    }
    props.push(`title=${escapeProperty(`readiness: item ${f.id} flaky`)}`);
    lines.push(`::warning ${props.join(",")}::${escapeData(`${f.title}: ${f.target} passed on attempt ${f.attempts} after: ${f.first_failure}`)}`);
  }
  const rest = hidden.error + hidden.warning;
  if (rest > 0) {
    const parts = [hidden.error ? `${hidden.error} error${hidden.error === 1 ? "" : "s"}` : "", hidden.warning ? `${hidden.warning} warning${hidden.warning === 1 ? "" : "s"}` : ""]
      .filter(Boolean)
      .join(" and ");
    lines.push(
      `::notice title=${escapeProperty("readiness: more failing items")}::${escapeData(
        `${parts} more not annotated (GitHub shows ${perKind} per kind); ${report.verdict}, score ${formatScore(report.score)}. See the step summary for every failing item.`,
      )}`,
    );
  }
  return lines;
}

/**
 * The Markdown to append to `$GITHUB_STEP_SUMMARY`, cut at a line boundary (with a note, and any
 * open `<details>` closed) so it stays within `maxBytes` of UTF-8 (default 1 MiB). Ends with a
 * newline.
 */
export function stepSummary(markdown: string, maxBytes = STEP_SUMMARY_MAX_BYTES): string {
  const text = markdown.endsWith("\n") ? markdown : `${markdown}\n`;
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const closing = "</details>\n";
  const budget = maxBytes - Buffer.byteLength(TRUNCATED_NOTE + closing, "utf8");
  // Largest prefix (in characters) that fits the byte budget.
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (Buffer.byteLength(text.slice(0, mid), "utf8") <= budget) lo = mid;
    else hi = mid - 1;
  }
  let cut = text.slice(0, lo);
  // Never split a surrogate pair or a line.
  const nl = cut.lastIndexOf("\n");
  cut = nl >= 0 ? cut.slice(0, nl + 1) : "";
  const open = (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  return `${cut}${open > 0 ? closing : ""}${TRUNCATED_NOTE.replace(/^\n+/, "\n")}`;
}
