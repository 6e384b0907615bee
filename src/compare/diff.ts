/**
 * What got better or worse between two reports of the same checklist: score deltas, verdict
 * change, and the items (matched by id) that newly fail, newly pass, were added or removed.
 * `readiness diff OLD.json NEW.json` renders it and exits 1 when `regressed`; `--baseline` adds the
 * same facts to a report (see `applyBaseline`).
 */
import { oneLine } from "../errors.js";
import { escapeHtml, escapeMarkdown } from "../util/escape.js";
import { mdTable, trendMarkdown } from "../render/markdown.js";
import { htmlDocument, trendSvg, VERDICT_COLOUR } from "../render/html.js";
import { trendTerminal } from "../render/terminal.js";
import type { TrendPoint } from "../render/trend.js";
import { formatDelta, formatScore, isFailing, itemCause, pathLabel, VERDICT_RANK, allItems, bySeverity } from "../render/summary.js";
import type { RenderOptions } from "../render/types.js";
import type { ItemChange, ItemResult, Report, Verdict } from "../types.js";
import { wrapWidth } from "../util/width.js";

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
  /** Every report given, oldest first (the diff is between the last two): what the picture draws. */
  trend?: TrendPoint[];
}

/** Formats `diff` can be rendered in. */
export const DIFF_FORMATS = ["terminal", "markdown", "json", "html"] as const;
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

/** A report as one point of a trend, called `label` (the file it was read from). */
export function trendPoint(r: Report, label: string): TrendPoint {
  return { label, started_at: r.started_at, verdict: r.verdict, score: r.score, verified_score: r.verified_score };
}

/**
 * Compares the last two of `reports` (oldest first, each with its label), and keeps every one of
 * them as the trend the renderers draw. Throws nothing: the caller checks there are at least two.
 */
export function diffSeries(reports: readonly { report: Report; label: string }[]): ReportDiff {
  const [a, b] = reports.slice(-2);
  if (!a || !b) throw new RangeError("diffSeries needs at least two reports");
  return { ...diffReports(a.report, b.report), trend: reports.map((r) => trendPoint(r.report, r.label)) };
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
  if (d.trend && d.trend.length > 1) out.push(...trendTerminal(d.trend, c, width), "");
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
  if (d.trend && d.trend.length > 1) out.push(`**Over ${d.trend.length} reports:**`, "", trendMarkdown(d.trend), "");
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

function renderDiffHtml(d: ReportDiff): string {
  const h = escapeHtml;
  const colour = VERDICT_COLOUR[d.new.verdict];
  const lists = LISTS.map(([key, label]) => {
    const list = d[key];
    if (list.length === 0) return "";
    const rows = list
      .map(
        (ch) =>
          `<tr><td>${h(ch.title)}<br><code>${h(ch.id)}</code></td><td><span class="sev sev-${h(ch.severity)}">${h(ch.severity)}</span></td><td>${h(pathLabel(ch.section))}</td><td>${ch.from ? `<span class="r r-${h(ch.from)}">${h(ch.from)}</span>` : "—"}</td><td>${ch.to ? `<span class="r r-${h(ch.to)}">${h(ch.to)}</span>` : "—"}</td><td>${ch.to && isFailing(ch.to) ? h(causeText(ch)) : ""}</td></tr>`,
      )
      .join("");
    return `<h2>${label} (${list.length})</h2><table><thead><tr><th>Item</th><th>Severity</th><th>Section</th><th>Was</th><th>Now</th><th>Cause</th></tr></thead><tbody>${rows}</tbody></table>`;
  }).join("\n");
  const body = `<section class="hero" style="--verdict:${colour}">
<div><h1><span class="verdict">${d.new.verdict}</span>${d.regressed ? "Regressed" : "No regression"} — ${h(d.new.name)}</h1>
<p class="scores">Verdict ${d.old.verdict} → <b>${d.new.verdict}</b> · score ${formatScore(d.old.score)} → <b>${formatScore(d.new.score)}</b> (${formatDelta(d.score_delta)}) · verified ${formatScore(d.old.verified_score)} → <b>${formatScore(d.new.verified_score)}</b> (${formatDelta(d.verified_delta)})</p>
${d.regressed ? `<ul class="reasons">${d.regressions.map((r) => `<li>${h(r)}</li>`).join("")}</ul>` : ""}</div></section>
${d.trend && d.trend.length > 1 ? trendSvg(d.trend) : ""}
${lists}
<footer>${h(d.old.started_at)} → ${h(d.new.started_at)}</footer>`;
  return htmlDocument(`${d.regressed ? "Regressed" : "No regression"} · ${d.new.name} — readiness diff`, body);
}

/** Renders a diff for a terminal, a PR comment, a browser, or as JSON. */
export function renderDiff(diff: ReportDiff, format: DiffFormat, options: RenderOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(diff, null, 2)}\n`;
    case "markdown":
      return renderDiffMarkdown(diff);
    case "terminal":
      return renderDiffTerminal(diff, options);
    case "html":
      return renderDiffHtml(diff);
  }
}
