/**
 * What got better or worse between two reports of the same checklist: score deltas, verdict
 * change, and the items (matched by id) that newly fail, newly pass, were added or removed.
 * `readiness diff OLD.json NEW.json` renders it and exits 1 when `regressed`; `--baseline` adds the
 * same facts to a report (see `applyBaseline`).
 */
import { oneLine } from "../errors.js";
import { escapeMarkdown } from "../util/escape.js";
import { mdTable } from "../render/markdown.js";
import { formatDelta, formatScore, isFailing, itemCause, pathLabel, VERDICT_RANK, allItems, bySeverity } from "../render/summary.js";
import type { RenderOptions } from "../render/types.js";
import type { ItemChange, ItemResult, Report, Verdict } from "../types.js";
import { wrapWidth } from "../util/escape.js";

/** Identity of one side of a comparison. */
export interface ReportRef {
  name: string;
  path: string;
  started_at: string;
  verdict: Verdict;
  score: number | null;
  verified_score: number | null;
}

/** The comparison of two reports. */
export interface ReportDiff {
  old: ReportRef;
  new: ReportRef;
  /** `new.score - old.score`; null when either is null. */
  score_delta: number | null;
  verified_delta: number | null;
  verdict_change: "better" | "worse" | "same";
  /** fail / missing / stale / blocked now, not then; an item blocked by a newly failing root cause is in its root's `blocks`. */
  newly_failing: ItemChange[];
  /** pass / attested now, fail / missing / stale / partial then. */
  newly_passing: ItemChange[];
  /** Any other change of result (e.g. pass → attested, skipped → waived). */
  changed: ItemChange[];
  added: ItemChange[];
  removed: ItemChange[];
  /** Verdict worse, score lower, or any item newly failing. */
  regressed: boolean;
  /** Why it regressed, one line each; empty when it did not. */
  regressions: string[];
}

/** Formats `diff` can be rendered in. */
export const DIFF_FORMATS = ["terminal", "markdown", "json"] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const GOOD: readonly ItemResult[] = ["pass", "attested"];

function ref(r: Report): ReportRef {
  return {
    name: r.checklist.name,
    path: r.checklist.path,
    started_at: r.started_at,
    verdict: r.verdict,
    score: r.score,
    verified_score: r.verified_score,
  };
}

function delta(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/** Compares two reports; items are matched by id (the first occurrence wins if an id repeats). */
export function diffReports(oldReport: Report, newReport: Report): ReportDiff {
  const index = (r: Report) => {
    const map = new Map<string, ReturnType<typeof allItems>[number]>();
    for (const l of allItems(r.sections).sort(bySeverity)) if (!map.has(l.item.id)) map.set(l.item.id, l);
    return map;
  };
  const before = index(oldReport);
  const after = index(newReport);
  const change = (l: ReturnType<typeof allItems>[number], from?: ItemResult, to?: ItemResult): ItemChange => {
    const c: ItemChange = { id: l.item.id, title: l.item.title, severity: l.item.severity, section: l.path };
    if (from) c.from = from;
    if (to) c.to = to;
    const cause = itemCause(l.item);
    if (cause) c.message = cause;
    return c;
  };
  const newly_failing: ItemChange[] = [];
  const newly_passing: ItemChange[] = [];
  const changed: ItemChange[] = [];
  const added: ItemChange[] = [];
  const removed: ItemChange[] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) {
      added.push(change(now, undefined, now.item.result));
      continue;
    }
    const from = was.item.result;
    const to = now.item.result;
    if (isFailing(to) && !isFailing(from)) newly_failing.push(change(now, from, to));
    else if (GOOD.includes(to) && (isFailing(from) || from === "partial")) newly_passing.push(change(now, from, to));
    else if (from !== to) changed.push(change(now, from, to));
  }
  for (const [id, was] of before) if (!after.has(id)) removed.push(change(was, was.item.result, undefined));
  foldBlocked(newly_failing, after);

  const score_delta = delta(oldReport.score, newReport.score);
  const verdictDelta = VERDICT_RANK[newReport.verdict] - VERDICT_RANK[oldReport.verdict];
  const verdict_change = verdictDelta > 0 ? "worse" : verdictDelta < 0 ? "better" : "same";
  const regressions: string[] = [];
  if (verdict_change === "worse") regressions.push(`verdict ${oldReport.verdict} → ${newReport.verdict}`);
  if (score_delta !== null && score_delta < 0) regressions.push(`score ${formatScore(oldReport.score)} → ${formatScore(newReport.score)} (${score_delta})`);
  else if (oldReport.score !== null && newReport.score === null) regressions.push(`score ${formatScore(oldReport.score)} → nothing scored`);
  if (newly_failing.length > 0) {
    const ids = newly_failing.map((c) => (c.blocks ? `${c.id} (blocking ${c.blocks.join(", ")})` : c.id));
    regressions.push(`${newly_failing.length} item${newly_failing.length === 1 ? "" : "s"} newly failing: ${ids.join(", ")}`);
  }
  return {
    old: ref(oldReport),
    new: ref(newReport),
    score_delta,
    verified_delta: delta(oldReport.verified_score, newReport.verified_score),
    verdict_change,
    newly_failing,
    newly_passing,
    changed,
    added,
    removed,
    regressed: regressions.length > 0,
    regressions,
  };
}

/**
 * Folds each newly blocked item into the change of its root cause when that root newly fails too:
 * one change names the root cause with the items it blocks. A blocked item whose root cause failed
 * already (or is not in the list) keeps its own change.
 */
function foldBlocked(changes: ItemChange[], items: Map<string, { item: { result: ItemResult; blocked_by?: string[] } }>): void {
  const byId = new Map(changes.map((c) => [c.id, c]));
  for (let k = changes.length - 1; k >= 0; k--) {
    const c = changes[k] as ItemChange;
    const roots = items.get(c.id)?.item.result === "blocked" ? (items.get(c.id)?.item.blocked_by ?? []) : [];
    const into = roots.map((id) => byId.get(id)).filter((r): r is ItemChange => r !== undefined && r !== c);
    if (into.length === 0) continue;
    for (const r of into) (r.blocks ??= []).unshift(c.id);
    changes.splice(k, 1);
  }
}

/** `ch`'s cause, with the items it blocks. */
function causeText(ch: ItemChange): string {
  return `${ch.message ?? ""}${ch.blocks ? `${ch.message ? " — " : ""}blocks: ${ch.blocks.join(", ")}` : ""}`;
}

const LISTS = [
  ["newly_failing", "Newly failing"],
  ["newly_passing", "Newly passing"],
  ["added", "Added"],
  ["removed", "Removed"],
  ["changed", "Other changes"],
] as const;

function renderDiffTerminal(d: ReportDiff, options: RenderOptions): string {
  const c = options.chalk;
  const width = Math.max(60, options.width ?? 100);
  const sign = (n: number | null): string => {
    const t = formatDelta(n);
    return n === null || n === 0 ? t : n > 0 ? c.green(t) : c.red(t);
  };
  const out: string[] = [];
  out.push(
    `${c.bold(oneLine(d.new.name))} ${c.dim(`${oneLine(d.old.started_at)} → ${oneLine(d.new.started_at)}`)}`,
    `Verdict: ${d.old.verdict} → ${d.verdict_change === "worse" ? c.red.bold(d.new.verdict) : d.verdict_change === "better" ? c.green.bold(d.new.verdict) : d.new.verdict}${d.verdict_change === "same" ? "" : ` (${d.verdict_change})`}`,
    `Score: ${formatScore(d.old.score)} → ${formatScore(d.new.score)} (${sign(d.score_delta)}) · verified ${formatScore(d.old.verified_score)} → ${formatScore(d.new.verified_score)} (${sign(d.verified_delta)})`,
    "",
  );
  for (const [key, label] of LISTS) {
    const list = d[key];
    if (list.length === 0) continue;
    const colour = key === "newly_failing" ? c.red : key === "newly_passing" ? c.green : (t: string) => t;
    out.push(c.bold(`${label} (${list.length})`));
    for (const ch of list) {
      const text = oneLine(`${ch.id} [${ch.severity}] ${ch.from ?? "new"} → ${ch.to ?? "removed"}: ${ch.title}${ch.to && isFailing(ch.to) && causeText(ch) ? ` — ${causeText(ch)}` : ""}`);
      const lines = wrapWidth(text, width - 4, 3);
      out.push(colour(lines.map((l, i) => `${i === 0 ? "  • " : "    "}${l}`).join("\n")));
    }
    out.push("");
  }
  out.push(
    d.regressed
      ? c.red.bold(`REGRESSED: ${d.regressions.map((r) => oneLine(r)).join("; ")}`)
      : c.green.bold("No regression."),
  );
  return `${out.join("\n")}\n`;
}

function renderDiffMarkdown(d: ReportDiff): string {
  const md = escapeMarkdown;
  const out: string[] = [];
  out.push(
    `## ${d.regressed ? "📉 Regressed" : "📈 No regression"} — ${md(d.new.name)}`,
    "",
    mdTable(
      ["", "Before", "After", "Change"],
      [
        ["Verdict", d.old.verdict, d.new.verdict, d.verdict_change],
        ["Score", formatScore(d.old.score), formatScore(d.new.score), formatDelta(d.score_delta)],
        ["Verified", formatScore(d.old.verified_score), formatScore(d.new.verified_score), formatDelta(d.verified_delta)],
        ["Run", md(d.old.started_at), md(d.new.started_at), ""],
      ],
    ),
    "",
  );
  if (d.regressed) out.push("**Regressions:**", "", ...d.regressions.map((r) => `- ${md(r)}`), "");
  for (const [key, label] of LISTS) {
    const list = d[key];
    if (list.length === 0) continue;
    out.push(
      `### ${label} (${list.length})`,
      "",
      mdTable(
        ["Item", "Severity", "Section", "Was", "Now", "Cause"],
        list.map((ch) => [
          `${md(ch.title)} <code>${md(ch.id)}</code>`,
          ch.severity,
          md(pathLabel(ch.section)),
          ch.from ?? "—",
          ch.to ?? "—",
          ch.to && isFailing(ch.to) ? md(causeText(ch).slice(0, 300)) : "",
        ]),
      ),
      "",
    );
  }
  return out.join("\n");
}

/** Renders a diff for a terminal, a PR comment, or as JSON. */
export function renderDiff(diff: ReportDiff, format: DiffFormat, options: RenderOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(diff, null, 2)}\n`;
    case "markdown":
      return renderDiffMarkdown(diff);
    case "terminal":
      return renderDiffTerminal(diff, options);
  }
}
