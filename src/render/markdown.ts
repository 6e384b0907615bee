/**
 * The Markdown report: GitHub-flavoured, for a pull-request comment, a release ticket or
 * `$GITHUB_STEP_SUMMARY`. Verdict, reasons and scores first; then what needs attention, each under
 * its own heading; the full item list folded in `<details>`. Every user-written string goes through
 * `escapeMarkdown` (or `escapeHtml` inside raw HTML), so no title can break a table or inject HTML.
 */
import { formatDuration } from "../util/duration.js";
import { SEVERITIES, type ItemReport, type ItemResult, type Report, type Verdict } from "../types.js";
import { escapeMarkdown } from "../util/escape.js";
import {
  claimedNote,
  formatDelta,
  formatScore,
  isFailing,
  itemCause,
  pathLabel,
  summarize,
  type ReportSummary,
} from "./summary.js";
import { baselineTrend, type TrendPoint } from "./trend.js";
import type { Reporter } from "./types.js";

/** Default size limit: under GitHub's 65 536 characters for a comment, with room for a wrapper. */
export const MARKDOWN_MAX_CHARS = 65_000;

/** An emoji per verdict, so the state reads at a glance in a PR. */
export const VERDICT_EMOJI: Record<Verdict, string> = { GO: "🟢", CONDITIONAL: "🟠", "NO-GO": "🔴" };

/** An emoji per result; the result word is always written next to it. */
export const RESULT_EMOJI: Record<ItemResult, string> = {
  pass: "✅",
  fail: "❌",
  attested: "☑️",
  partial: "◐",
  missing: "⬜",
  stale: "⌛",
  blocked: "⛔",
  waived: "🛡️",
  skipped: "⏭️",
};

const CAUSE_MAX = 300;

interface Limits {
  /** Include the folded per-section item tables. */
  details: boolean;
  /** Most rows in any list; the rest are counted in a note. */
  rows: number;
}

/** Escapes user text for Markdown and cuts it to `max` characters (before escaping). */
export function md(text: string, max = Infinity, lineStart = true): string {
  const cut = text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
  return escapeMarkdown(cut, lineStart);
}

/**
 * Shows `quoted` parts of already-escaped text (reasons quote item ids that way) as `<code>`.
 * Safe: the text between is escaped, and no backtick survives escaping.
 */
export function codeSpans(escaped: string): string {
  return escaped.replace(/&#96;([^&]*?)&#96;/g, "<code>$1</code>");
}

/** A GFM table. Cells must already be escaped. */
export function mdTable(headers: string[], rows: string[][], align: ("l" | "r" | "c")[] = []): string {
  return tableOfLines(headers, rows.map(mdRow), align);
}

/** One GFM table row. Cells must already be escaped. */
function mdRow(cells: string[]): string {
  return `| ${cells.map((c) => c || " ").join(" | ")} |`;
}

/** A GFM table from rows already made lines by `mdRow`. */
function tableOfLines(headers: string[], lines: readonly string[], align: ("l" | "r" | "c")[] = []): string {
  const sep = headers.map((_, i) => {
    const a = align[i] ?? "l";
    return a === "r" ? "---:" : a === "c" ? ":---:" : "---";
  });
  return [mdRow(headers), mdRow(sep), ...lines].join("\n");
}

/**
 * Each list's lines (table rows, bullets), kept for one render: the layouts tried one after another
 * (see `renderMarkdown`) differ only in how many rows they show, so each row is escaped once.
 */
type RowCache = Map<string, string[]>;

/** The lines stored under `key`, made on first use and reused by later layouts. */
function cached(cache: RowCache, key: string, make: () => string[]): string[] {
  let lines = cache.get(key);
  if (!lines) {
    lines = make();
    cache.set(key, lines);
  }
  return lines;
}

/** A list's table lines, made on demand: only as many as a layout shows, each once per render. */
interface LazyRows {
  /** Rows the whole list makes. */
  count: number;
  /** The first rows, made so far. */
  lines: string[];
  /** Makes the first `n` rows (n ≤ count). */
  make(n: number): void;
}

/** The rows of `list` as table lines, made as far as needed and kept for the later layouts. */
function rowLines<T>(cache: RowCache, key: string, list: readonly T[], cells: (x: T) => string[]): LazyRows {
  let lines = cache.get(key);
  if (!lines) cache.set(key, (lines = []));
  const made = lines;
  return {
    count: list.length,
    lines: made,
    make(n: number): void {
      while (made.length < n) made.push(mdRow(cells(list[made.length] as T)));
    },
  };
}

/** `capped` of every row of `rows`, making only the rows shown. */
function cappedRows(rows: LazyRows, limits: Limits): { shown: readonly string[]; note: string } {
  if (rows.count <= limits.rows) {
    rows.make(rows.count);
    return { shown: rows.lines, note: "" };
  }
  rows.make(limits.rows);
  return { shown: rows.lines.slice(0, limits.rows), note: cappedNote(rows.count - limits.rows) };
}

function itemCell(item: ItemReport): string {
  return `${md(item.title, 200)} <code>${md(item.id, 80)}</code>`;
}

function resultCell(result: ItemResult): string {
  const emoji = RESULT_EMOJI[result] as string | undefined;
  // A result or severity outside the known ones (a Report built through the library API) is escaped.
  return emoji ? `${emoji} ${result}` : md(String(result), 40);
}

const KNOWN_SEVERITY: ReadonlySet<string> = new Set(SEVERITIES);

function sevCell(severity: string): string {
  return KNOWN_SEVERITY.has(severity) ? severity : md(String(severity), 40);
}

function bar(score: number | null): string {
  if (score === null) return "";
  const full = Math.round(score / 10);
  return `${"█".repeat(full)}${"░".repeat(10 - full)}`;
}

function capped<T>(list: readonly T[], limits: Limits): { shown: readonly T[]; note: string } {
  if (list.length <= limits.rows) return { shown: list, note: "" };
  return { shown: list.slice(0, limits.rows), note: cappedNote(list.length - limits.rows) };
}

function cappedNote(rest: number): string {
  return `\n\n_…and ${rest} more not shown here to keep this report within GitHub's size limit; see the full report (\`-o html=…\` or \`-o json=…\`)._`;
}

/**
 * The first three lines: the verdict, the scores, and every reason (a hard line break between the
 * last two, so they read as two lines in one paragraph); then the notes that qualify them.
 */
function header(report: Report, out: string[], cache: RowCache): void {
  const v = report.verdict;
  const gate = report.gate;
  const gates = [`GO ≥ ${gate.go}`, `CONDITIONAL ≥ ${gate.conditional}`];
  if (gate.verified > 0) gates.push(`verified ≥ ${gate.verified}`);
  const reasons = cached(cache, "reasons", () => report.reasons.map((r) => codeSpans(md(r, 500, false))));
  out.push(
    `## ${VERDICT_EMOJI[v]} ${v} — ${md(report.checklist.name, 200, false)}`,
    `**Score ${formatScore(report.score)}/100** · verified ${formatScore(report.verified_score)}/100 · gates: ${gates.join(", ")}${report.options.strict ? " · strict (attestations earn no credit)" : ""}\\`,
    reasons.length > 0 ? `**Why ${v === "GO" ? "" : "not GO"}:** ${reasons.join(" · ")}`.replace("**Why :**", "**Notes:**") : "Every gate passes.",
    "",
  );
  if (report.interrupted) {
    out.push("> [!WARNING]", "> **INTERRUPTED — partial results.** The run was stopped before every probe finished.", "");
  }
  const claimed = claimedNote(report);
  if (claimed) out.push(`> [!NOTE]`, `> ${claimed}.`, "");
}

/** The result counts as a one-row table. */
function countsTable(report: Report, out: string[]): void {
  const c = report.counts;
  const keys = (Object.keys(RESULT_EMOJI) as ItemResult[]).filter((k) => k !== "blocked" || c.blocked > 0);
  out.push(
    mdTable(
      keys.map((k) => `${RESULT_EMOJI[k]} ${k}`),
      [keys.map((k) => String(c[k]))],
      keys.map(() => "c"),
    ),
    "",
  );
}

/** Folds what `blocks` write under a `<details>` whose summary is `summary`; nothing when they write nothing. */
function folded(out: string[], summary: string, blocks: (inner: string[]) => void): void {
  const inner: string[] = [];
  blocks(inner);
  if (inner.length === 0) return;
  out.push(`<details><summary>${summary}</summary>`, "", ...inner, "</details>", "");
}

function baselineBlock(report: Report, out: string[], limits: Limits, cache: RowCache): void {
  const b = report.baseline;
  if (!b) return;
  const icon = b.regressed ? "📉" : "📈";
  out.push(
    `### ${icon} Since the baseline`,
    "",
    `Baseline ${b.path ? `${md(b.path, 200)}, ` : ""}${md(b.started_at.slice(0, 10))}: **${b.verdict}** score ${formatScore(b.score)}, verified ${formatScore(b.verified_score)}. ` +
      `Score **${formatDelta(b.score_delta)}**, verified **${formatDelta(b.verified_delta)}**` +
      `${b.verdict !== report.verdict ? `, verdict ${b.verdict} → ${report.verdict}` : ""}.`,
    "",
    trendMarkdown(baselineTrend(report)),
    "",
  );
  const changes: [string, typeof b.newly_failing][] = [
    ["Newly failing", b.newly_failing],
    ["Newly passing", b.newly_passing],
    ["Added", b.added],
    ["Removed", b.removed],
  ];
  for (const [label, list] of changes) {
    if (list.length === 0) continue;
    const rows = rowLines(cache, `baseline ${label}`, list, (ch) => [
      `${md(ch.title, 200)} <code>${md(ch.id, 80)}</code>`,
      sevCell(ch.severity),
      md(pathLabel(ch.section), 120),
      ch.from ? resultCell(ch.from) : "—",
      ch.to ? resultCell(ch.to) : "—",
    ]);
    const { shown, note } = cappedRows(rows, limits);
    out.push(`**${label} (${list.length})**`, "", tableOfLines(["Item", "Severity", "Section", "Was", "Now"], shown) + note, "");
  }
}

function sectionsTable(s: ReportSummary, out: string[], limits: Limits, cache: RowCache): void {
  if (s.sections.length === 0) return;
  let failingUnder: Map<string, number> | undefined;
  const rows = rowLines(cache, "sections", s.sections, ({ section, path, depth }) => {
    failingUnder ??= failingByPath(s);
    const failing = failingUnder.get(JSON.stringify(path)) ?? 0;
    return [
      `${"&nbsp;&nbsp;".repeat(depth)}${depth > 0 ? "↳ " : ""}${md(section.title, 120)}`,
      formatScore(section.score),
      bar(section.score),
      formatScore(section.verified_score),
      failing > 0 ? `❌ ${failing}` : "0",
    ];
  });
  const { shown, note } = cappedRows(rows, limits);
  out.push("### Sections", "", tableOfLines(["Section", "Score", "", "Verified", "Failing"], shown, ["l", "r", "l", "r", "r"]) + note, "");
}

/**
 * Failing items under each section title path, subsections included, keyed by the path as JSON.
 * Sections are matched by their titles, so two sibling sections of the same title share a count.
 */
function failingByPath(s: ReportSummary): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { section, path } of s.sections) {
    const n = section.items.filter((i) => isFailing(i.result)).length;
    if (n === 0) continue;
    for (let depth = 1; depth <= path.length; depth++) {
      const key = JSON.stringify(path.slice(0, depth));
      counts.set(key, (counts.get(key) ?? 0) + n);
    }
  }
  return counts;
}

function failingBlock(s: ReportSummary, out: string[], limits: Limits, cache: RowCache): void {
  if (s.failing.length === 0) return;
  const rows = rowLines(cache, "failing", s.failing, ({ item }) => [
    resultCell(item.result),
    itemCell(item),
    sevCell(item.severity),
    md(itemCause(item), CAUSE_MAX) + remediationMd(item),
  ]);
  const { shown, note } = cappedRows(rows, limits);
  out.push(`### ❌ Failing items (${s.failing.length})`, "", tableOfLines(["Result", "Item", "Severity", "Cause"], shown) + note, "");
}

/** Why / fix / docs of a failing item, appended to its cause cell. */
function remediationMd(item: ItemReport): string {
  let out = "";
  if (item.why) out += `<br>**why:** ${md(item.why, 300)}`;
  if (item.fix) out += `<br>**fix:** ${md(item.fix, 300)}`;
  if (item.docs) out += `<br>**docs:** ${md(item.docs, 300)}`;
  return out;
}

function contradictedBlock(s: ReportSummary, out: string[], limits: Limits, cache: RowCache): void {
  if (s.contradicted.length === 0) return;
  const rows = rowLines(cache, "contradicted", s.contradicted, ({ item }) => [
    itemCell(item),
    sevCell(item.severity),
    md(`${item.status ?? "done"}${item.attested_by ? ` by ${item.attested_by}` : ""}${item.attested_at ? ` on ${item.attested_at}` : ""}`, 150),
    md(failedProbeText(item), CAUSE_MAX),
  ]);
  const { shown, note } = cappedRows(rows, limits);
  out.push(
    `### ⚠️ Contradicted claims (${s.contradicted.length})`,
    "",
    "Marked done by a person, but the probes say otherwise.",
    "",
    tableOfLines(["Item", "Severity", "Claimed", "Probes say"], shown) + note,
    "",
  );
}

function failedProbeText(item: ItemReport): string {
  const failed = item.probes.filter((p) => p.result === "fail").map((p) => p.message);
  return failed.join("; ") || item.message || "a probe failed";
}

function staleBlock(s: ReportSummary, out: string[], limits: Limits, cache: RowCache): void {
  if (s.stale.length === 0) return;
  const rows = rowLines(cache, "stale", s.stale, ({ item }) => [
    itemCell(item),
    sevCell(item.severity),
    md(`${item.attested_by ?? "—"}${item.attested_at ? `, ${item.attested_at}` : ""}`, 150),
    md(item.expires_at ?? "—"),
    md(item.evidence ?? "—", 200),
  ]);
  const { shown, note } = cappedRows(rows, limits);
  out.push(`### ⌛ Stale attestations (${s.stale.length})`, "", tableOfLines(["Item", "Severity", "Attested", "Expired", "Evidence"], shown) + note, "");
}

function waiverBlock(s: ReportSummary, out: string[], limits: Limits, cache: RowCache): void {
  if (s.waivers.length === 0) return;
  const expiring = s.waivers.filter((w) => w.expiring).length;
  const expired = s.waivers.filter((w) => w.waiver.expired).length;
  const notes = [expired ? `${expired} expired` : "", expiring ? `${expiring} expiring soon` : ""].filter(Boolean).join(", ");
  const rows = rowLines(cache, "waivers", s.waivers, (w) => [
    itemCell(w.item),
    sevCell(w.item.severity),
    md(w.waiver.until),
    md(w.waiver.by, 100),
    md(w.waiver.reason, 200),
    w.waiver.expired
      ? "⚠️ expired — ignored, item scored"
      : w.expiring
        ? `⏳ expires in ${w.daysLeft ?? "?"} day${w.daysLeft === 1 ? "" : "s"}`
        : "active",
  ]);
  const { shown, note } = cappedRows(rows, limits);
  out.push(
    `### 🛡️ Waivers (${s.waivers.length}${notes ? `: ${notes}` : ""})`,
    "",
    tableOfLines(["Item", "Severity", "Until", "By", "Reason", "State"], shown) + note,
    "",
  );
}

function signoffBlock(report: Report, out: string[]): void {
  const { missing, present } = report.signoffs;
  if (missing.length === 0 && present.length === 0) return;
  if (missing.length > 0) {
    out.push(`### ✍️ Missing sign-offs (${missing.length})`, "", ...missing.map((r) => `- ${md(r, 150)}`), "");
  }
  if (present.length > 0) {
    out.push(`**Signed off:** ${present.map((p) => `${md(p.role, 100)} (${md(p.by, 100)}, ${md(p.at)})`).join(" · ")}`, "");
  }
}

function governanceBlock(report: Report, out: string[], limits: Limits, cache: RowCache): void {
  const outdated = report.signoffs.outdated ?? [];
  if (outdated.length > 0) {
    out.push(
      `### ✍️ Outdated sign-offs (${outdated.length})`,
      "",
      ...outdated.map(
        (o) => `- ${md(o.role, 100)} (${md(o.by, 100)}, ${md(o.at)}): blocking items changed since, on ${md(o.changed_at)}: ${o.items.map((i) => `<code>${md(i, 80)}</code>`).join(", ")}`,
      ),
      "",
    );
  }
  const flaky = report.flaky ?? [];
  if (flaky.length > 0) {
    const rows = rowLines(cache, "flaky", flaky, (f) => [`${md(f.title, 200)} <code>${md(f.id, 80)}</code>`, md(f.target, 100), String(f.attempts), md(f.first_failure, 300)]);
    const { shown, note } = cappedRows(rows, limits);
    out.push(`### 🎲 Flaky (${flaky.length}): passed only after a failed attempt`, "", tableOfLines(["Item", "Target", "Attempts", "First failure"], shown, ["l", "l", "r", "l"]) + note, "");
  }
  const expiring = report.expiring ?? [];
  if (expiring.length > 0) {
    const rows = rowLines(cache, "expiring", expiring, (e) => [
      e.kind,
      `${md(e.title, 200)} <code>${md(e.id, 80)}</code>${e.target ? ` ${md(e.target, 100)}` : ""}`,
      md(e.date),
      String(e.days_left),
    ]);
    const { shown, note } = cappedRows(rows, limits);
    out.push(`### ⏳ Expiring soon (${expiring.length})`, "", tableOfLines(["What", "Item", "Ends", "Days left"], shown, ["l", "l", "l", "r"]) + note, "");
  }
  const levels = report.levels;
  if (levels) {
    out.push(
      `**Level:** ${levels.achieved ? `**${md(levels.achieved)}**` : "none yet"}${levels.next ? ` · next: ${md(levels.next)} (${levels.needs.length} item${levels.needs.length === 1 ? "" : "s"} to go)` : ""} — ${levels.levels
        .map((l) => `${md(l.level)} ${l.passing}/${l.items}${l.achieved ? " ✅" : ""}`)
        .join(" · ")}`,
      "",
    );
  }
  const open = report.open_work ?? [];
  if (open.length > 0 && limits.details) {
    out.push(`<details><summary>Open work by owner (${open.reduce((n, g) => n + g.items.length, 0)} items)</summary>`, "");
    for (const g of open) {
      out.push(
        `**${md(g.owner, 100)}**${g.overdue ? ` — ${g.overdue} overdue` : ""}`,
        "",
        mdTable(
          ["Item", "Severity", "Result", "Due"],
          g.items.map((i) => [
            `${md(i.title, 200)} <code>${md(i.id, 80)}</code>`,
            sevCell(i.severity),
            resultCell(i.result),
            i.due ? `${md(i.due)}${i.overdue ? ` ⚠️ ${i.days_overdue ?? "?"} days overdue` : ""}` : "",
          ]),
        ),
        "",
      );
    }
    out.push("</details>", "");
  }
}

function warningsBlock(report: Report, out: string[], limits: Limits, cache: RowCache): void {
  if (report.warnings.length === 0) return;
  const lines = cached(cache, "warnings", () => report.warnings.map((w) => `- ${md(w, 300)}`));
  const { shown, note } = capped(lines, limits);
  out.push(`### Warnings (${report.warnings.length})`, "", ...shown);
  out.push(note ? note.trim() : "", "");
}

function detailsBlock(s: ReportSummary, out: string[], limits: Limits): void {
  if (!limits.details || s.items.length === 0) return;
  out.push(`<details><summary>All ${s.items.length} items by section</summary>`, "");
  for (const { section, path } of s.sections) {
    if (section.items.length === 0) continue;
    out.push(
      `#### ${md(pathLabel(path), 200)} — ${formatScore(section.score)}`,
      "",
      mdTable(
        ["Result", "Item", "Severity", "Detail"],
        section.items.map((item) => [resultCell(item.result), itemCell(item), sevCell(item.severity), md(detail(item), CAUSE_MAX)]),
      ),
      "",
    );
  }
  out.push("</details>", "");
}

function detail(item: ItemReport): string {
  if (item.result === "pass") return item.probes.map((p) => `${p.type}: ${p.message}`).join("; ");
  return itemCause(item);
}

function footer(report: Report, out: string[]): void {
  const parts = [
    `${md(report.tool.name, Infinity, false)} ${md(report.tool.version, Infinity, false)}`,
    report.checklist.builtin ? "built-in baseline checklist" : `<code>${md(report.checklist.path, 200)}</code>`,
    `started ${md(report.started_at, Infinity, false)}`,
    `took ${formatDuration(report.duration_ms)}`,
  ];
  if (report.options.no_exec) parts.push("--no-exec");
  if (report.options.only.length) parts.push(`only ${md(report.options.only.join(", "), 200)}`);
  if (report.options.skip.length) parts.push(`skip ${md(report.options.skip.join(", "), 200)}`);
  out.push(`<sub>${parts.join(" · ")}</sub>`, "");
}

function build(report: Report, s: ReportSummary, limits: Limits, cache: RowCache): string {
  const out: string[] = [];
  header(report, out, cache);
  failingBlock(s, out, limits, cache);
  baselineBlock(report, out, limits, cache);
  folded(out, `Scores by section and result counts`, (inner) => {
    sectionsTable(s, inner, limits, cache);
    countsTable(report, inner);
  });
  const lists = [
    s.contradicted.length ? `${s.contradicted.length} contradicted` : "",
    s.stale.length ? `${s.stale.length} stale` : "",
    s.waivers.length ? `${s.waivers.length} waived` : "",
    report.signoffs.missing.length || report.signoffs.present.length ? "sign-offs" : "",
    report.flaky?.length ? `${report.flaky.length} flaky` : "",
    report.expiring?.length ? `${report.expiring.length} expiring` : "",
    report.levels ? "levels" : "",
    report.warnings.length ? `${report.warnings.length} warning${report.warnings.length === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  folded(out, `Claims, waivers, sign-offs and warnings (${lists.join(", ")})`, (inner) => {
    contradictedBlock(s, inner, limits, cache);
    staleBlock(s, inner, limits, cache);
    waiverBlock(s, inner, limits, cache);
    signoffBlock(report, inner);
    governanceBlock(report, inner, limits, cache);
    warningsBlock(report, inner, limits, cache);
  });
  detailsBlock(s, out, limits);
  footer(report, out);
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}

/** Truncation note appended when even the shortest layout does not fit. */
export const TRUNCATED_NOTE = "\n\n_This report was cut to fit the size limit; see the full report file._\n";

/**
 * Cuts Markdown to at most `max` characters at a line boundary, closes an open `<details>`, and
 * appends a note. Returns the text unchanged when it fits.
 */
export function truncateMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  const closing = "\n</details>\n";
  const budget = Math.max(0, max - TRUNCATED_NOTE.length - closing.length);
  let cut = text.slice(0, budget);
  const nl = cut.lastIndexOf("\n");
  if (nl > 0) cut = cut.slice(0, nl);
  // Never leave half a table row or an unbalanced <details>.
  const opens = (cut.match(/<details>/g) ?? []).length;
  const closes = (cut.match(/<\/details>/g) ?? []).length;
  return `${cut}${opens > closes ? closing : "\n"}${TRUNCATED_NOTE}`.slice(0, max);
}

/** The shortest `itemCell`: an empty title and id still leave " <code></code>". */
const MIN_ITEM_CELL = " <code></code>".length;

/**
 * The shortest row of the failing-items table: `| a | b | c | d | e |` has 16 characters besides
 * its cells, each cell at least one (an empty one is a space), the item cell at least `MIN_ITEM_CELL`.
 */
const MIN_FAILING_ROW = 16 + MIN_ITEM_CELL + 4;

/** The Markdown reporter. */
export const renderMarkdown: Reporter = (report, options) => {
  const max = options.maxChars ?? MARKDOWN_MAX_CHARS;
  const s = options.summary ?? summarize(report);
  const attempts: Limits[] = [
    { details: true, rows: Infinity },
    { details: false, rows: Infinity },
    { details: false, rows: 200 },
    { details: false, rows: 50 },
    { details: false, rows: 20 },
    { details: false, rows: 5 },
  ];
  const shortened = "\n_Some detail was left out to fit GitHub's size limit; see the full report file._\n";
  const cache: RowCache = new Map();
  let text = "";
  for (const limits of attempts) {
    // The folded tables hold a row per item, each with at least `itemCell`'s " <code></code>":
    // past that many items the first layout cannot fit, so it is not built only to be dropped.
    if (limits.details && s.items.length * MIN_ITEM_CELL > max) continue;
    // A layout without the folded tables fits only with its note; one whose failing-items rows alone
    // are longer than that cannot, so it is not built either (the last layout always is).
    if (!limits.details && limits !== attempts[attempts.length - 1] && Math.min(s.failing.length, limits.rows) * MIN_FAILING_ROW + shortened.length > max) continue;
    text = build(report, s, limits, cache);
    if (limits.details && text.length <= max) return text;
    if (text.length + shortened.length <= max) return text + shortened;
  }
  return truncateMarkdown(text, max);
};

/** A Markdown table, one row per report: label, date, verdict, score, verified. */
export function trendMarkdown(points: readonly TrendPoint[]): string {
  return mdTable(
    ["Report", "Date", "Verdict", "Score", "Verified"],
    points.map((p) => [md(p.label, 120), md(p.started_at.slice(0, 10)), p.verdict, formatScore(p.score), formatScore(p.verified_score)]),
    ["l", "l", "l", "r", "r"],
  );
}
