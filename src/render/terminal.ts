/**
 * The terminal report: each section as a table (item, severity, result, cause), then what needs
 * attention (failing items, contradicted claims, stale attestations, waivers, sign-offs), counts
 * and timing, and the verdict last and loud in a box with every reason. Colour comes only from
 * `options.chalk`; every result is also written as a word, so the report reads without colour.
 * All untrusted text is passed through `oneLine` (no control sequence reaches the terminal).
 */
import type { ChalkInstance } from "chalk";
import { oneLine } from "../errors.js";
import { formatDuration } from "../util/duration.js";
import { SEVERITIES, type ItemReport, type ItemResult, type Report, type Severity, type Verdict } from "../types.js";
import { displayWidth, terminalText, wrapWidth } from "../util/width.js";
import { fitCell } from "./table.js";
import { claimedNote, formatDelta, formatScore, itemCause, itemDuration, pathLabel, summarize, type ReportSummary } from "./summary.js";
import { sparkline, trendSpan, type TrendPoint } from "./trend.js";
import type { PartsReporter, RenderOptions, Reporter } from "./types.js";

/** Default and smallest width the terminal report lays itself out for. */
export const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 60;

/**
 * How each result is shown: its word (failing results upper-case, so they stand out without colour),
 * its colour, and whether the item's cause goes on lines of its own under it (results that need
 * attention) or on the item's line. A new result is one entry here.
 */
const RESULT_VIEW: Record<ItemResult, { label: string; colour: (c: ChalkInstance) => ChalkInstance; causeBelow: boolean }> = {
  pass: { label: "✔ pass", colour: (c) => c.green, causeBelow: false },
  fail: { label: "✘ FAIL", colour: (c) => c.red.bold, causeBelow: true },
  attested: { label: "✔ attested", colour: (c) => c.cyan, causeBelow: false },
  partial: { label: "◐ partial", colour: (c) => c.yellow, causeBelow: true },
  missing: { label: "✘ MISSING", colour: (c) => c.red.bold, causeBelow: true },
  stale: { label: "✘ STALE", colour: (c) => c.magenta.bold, causeBelow: true },
  blocked: { label: "✘ BLOCKED", colour: (c) => c.red.bold, causeBelow: true },
  waived: { label: "⊘ waived", colour: (c) => c.dim, causeBelow: false },
  skipped: { label: "- skipped", colour: (c) => c.dim, causeBelow: false },
};

/** The word (and symbol) shown for each result. */
export const RESULT_LABEL = Object.fromEntries(Object.entries(RESULT_VIEW).map(([r, v]) => [r, v.label])) as Record<ItemResult, string>;

/** The symbol of a result alone (✔ ✘ ◐ ⊘ -), e.g. for a row of cells. */
export function resultGlyph(result: ItemResult): string {
  return RESULT_VIEW[result].label.split(" ")[0] as string;
}

export function colourResult(c: ChalkInstance, result: ItemResult, text: string): string {
  const view = RESULT_VIEW[result] as (typeof RESULT_VIEW)[ItemResult] | undefined;
  return view ? view.colour(c)(text) : text;
}

function colourSeverity(c: ChalkInstance, severity: Severity): string {
  switch (severity) {
    case "critical":
      return c.red.bold(severity);
    case "high":
      return c.yellow(severity);
    case "medium":
      return severity;
    case "low":
      return c.dim(severity);
  }
}

function colourVerdict(c: ChalkInstance, verdict: Verdict, text: string): string {
  return verdict === "GO" ? c.green.bold(text) : verdict === "CONDITIONAL" ? c.yellow.bold(text) : c.red.bold(text);
}

function scoreColour(c: ChalkInstance, score: number | null, report: Report): string {
  const text = formatScore(score);
  if (score === null) return c.dim(text);
  return score >= report.gate.go ? c.green(text) : score >= report.gate.conditional ? c.yellow(text) : c.red(text);
}

interface Layout {
  width: number;
}

function layout(options: RenderOptions): Layout {
  return { width: Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH)) };
}

/** Columns of the result label and of the severity on an item's line. */
const LABEL_W = Math.max(...Object.values(RESULT_VIEW).map((v) => displayWidth(v.label)));
const SEVERITY_W = Math.max(...SEVERITIES.map((s) => s.length));

/** Whether a passing probe was flaky: it passed only after a failed attempt. */
function flakyNote(item: ItemReport): string | undefined {
  const f = item.probes.find((p) => p.flaky);
  return f ? `flaky: passed on attempt ${f.attempts ?? "?"}; first: ${f.first_failure ?? "a failed attempt"}` : undefined;
}

/**
 * A short measure for an item's line: a single probe's outcome after its target (`200 in 12ms`),
 * or how many probes passed and how long they took.
 */
function shortMeasure(item: ItemReport): string {
  if (item.probes.length === 0) return itemCause(item);
  const total = formatDuration(itemDuration(item));
  if (item.probes.length > 1) return `${item.probes.filter((p) => p.result === "pass").length}/${item.probes.length} probes in ${total}`;
  const message = (item.probes[0] as ItemReport["probes"][number]).message;
  const at = message.lastIndexOf(": ");
  const tail = at < 0 ? message : message.slice(at + 2);
  return displayWidth(tail) <= 28 ? tail : `${item.probes[0]?.result ?? ""} in ${total}`;
}

/**
 * One item: `  ✔ pass     critical  Title id ······ 200 in 12ms` on one line; an item that needs
 * attention (failing, stale, partial, contradicted, flaky) has its cause on the lines below; with
 * --verbose every item has each probe's outcome below.
 */
function itemLines(c: ChalkInstance, item: ItemReport, width: number, verbose: boolean): string[] {
  const view = RESULT_VIEW[item.result] as (typeof RESULT_VIEW)[ItemResult] | undefined;
  const flaky = flakyNote(item);
  const below = Boolean(view?.causeBelow) || item.contradicted || flaky !== undefined;
  const head = `  ${fitCell(colourResult(c, item.result, RESULT_LABEL[item.result] ?? item.result), LABEL_W)} ${fitCell(colourSeverity(c, item.severity), SEVERITY_W)}  `;
  const free = width - displayWidth(head);
  // A passing item's measure in a column of its own (two fifths of the line, 16 to 30 columns), so
  // the measures line up; an item that needs attention says why on the lines below instead.
  const measure = below ? "" : oneLine(shortMeasure(item));
  const measureW = measure ? Math.max(16, Math.min(30, Math.floor(free * 0.4))) : 0;
  const nameW = free - (measureW ? measureW + 2 : 0);
  const id = terminalText(item.id);
  const idW = displayWidth(id);
  // The title (cut to fit) and the id after it; the id on a line below when it is too long.
  const idInline = idW + 2 + 8 <= nameW;
  const name = idInline ? `${fitCell(terminalText(item.title), nameW - idW - 2, false)}  ${c.dim(id)}` : terminalText(item.title);
  const lines = [`${head}${fitCell(name, nameW, measureW > 0)}${measureW ? `  ${c.dim(fitCell(measure, measureW, false))}` : ""}`.trimEnd()];
  const indent = " ".repeat(Math.min(6, width - 40));
  const detail = (text: string, max: number): void => {
    for (const line of wrapWidth(terminalText(text), width - indent.length, max)) lines.push(`${indent}${line}`);
  };
  if (below) {
    if (!idInline) detail(`(${item.id})`, 1);
    const cause = itemCause(item);
    if (cause) detail(cause, verbose ? 8 : 3);
    if (flaky) detail(flaky, verbose ? 4 : 2);
  }
  if (verbose) for (const p of item.probes) detail(`${p.type} ${p.target}: ${p.result} — ${p.message} (${formatDuration(p.duration_ms)})`, 4);
  return lines.map((l, i) => (i === 0 ? l : c.dim(l)));
}

function sectionTables(report: Report, s: ReportSummary, c: ChalkInstance, l: Layout, verbose: boolean, out: string[]): void {
  for (const { section, path } of s.sections) {
    const heading = terminalText(pathLabel(path), l.width - 32);
    out.push(
      `${c.bold(heading)}  ${c.dim("score")} ${scoreColour(c, section.score, report)} ${c.dim("· verified")} ${formatScore(section.verified_score)}`,
    );
    for (const item of section.items) out.push(...itemLines(c, item, l.width, verbose));
    out.push("");
  }
}

/** `Label: text`, word-wrapped to the width with continuation lines indented; the label in bold. */
function para(c: ChalkInstance, label: string, text: string, width: number): string {
  const lines = wrapWidth(`${label} ${text}`, width - 2, 8);
  return lines
    .map((line, i) => (i === 0 && line.startsWith(label) ? `${c.bold(label)}${line.slice(label.length)}` : i === 0 ? line : `  ${line}`))
    .join("\n");
}

function bullet(c: ChalkInstance, symbol: string, text: string, width: number): string {
  const lines = wrapWidth(text, width - 4, 3);
  return lines.map((line, i) => (i === 0 ? `  ${symbol} ${line}` : `    ${line}`)).join("\n");
}

/**
 * Failing items the list under the section tables shows, most severe first, unless --verbose: every
 * failing item is in its section's table or rows above with its cause, so past this the list repeats
 * them (thousands of lines in a large run) and pushes the verdict off the screen. The open work and
 * baseline lists stop at 20 for the same reason.
 */
export const FAILING_LIST_MAX = 50;

function attentionBlocks(report: Report, s: ReportSummary, c: ChalkInstance, l: Layout, verbose: boolean, out: string[]): void {
  if (s.failing.length > 0) {
    out.push(c.bold.red(`Failing items (${s.failing.length}), most severe first`));
    const shown = verbose || s.failing.length <= FAILING_LIST_MAX ? s.failing : s.failing.slice(0, FAILING_LIST_MAX);
    for (const { item } of shown) {
      const head = `[${item.severity}] ${oneLine(item.id)} ${RESULT_LABEL[item.result].slice(2)}: `;
      out.push(c.red(bullet(c, "✘", `${head}${oneLine(itemCause(item))}`, l.width)));
      for (const [label, text] of remediation(item)) out.push(c.dim(bullet(c, " ", oneLine(`${label}: ${text}`), l.width).replace(/^ {2}/gm, "    ")));
    }
    const rest = s.failing.length - shown.length;
    if (rest > 0) out.push(c.dim(`  …and ${rest} more, each in its section above (--verbose lists them all here)`));
    out.push("");
  }
  if (s.contradicted.length > 0) {
    out.push(c.bold.red(`Contradicted claims (${s.contradicted.length}): marked done, but the probes fail`));
    for (const { item } of s.contradicted) {
      const who = item.attested_by ? ` by ${item.attested_by}${item.attested_at ? ` on ${item.attested_at}` : ""}` : "";
      const probes = item.probes.filter((p) => p.result === "fail").map((p) => p.message).join("; ") || item.message || "a probe failed";
      out.push(bullet(c, "!", oneLine(`${item.id} "${item.title}": claimed ${item.status ?? "done"}${who}; ${probes}`), l.width));
    }
    out.push("");
  }
  if (s.stale.length > 0) {
    out.push(c.bold.magenta(`Stale attestations (${s.stale.length})`));
    for (const { item } of s.stale) {
      const text = `${item.id} "${item.title}": attested${item.attested_by ? ` by ${item.attested_by}` : ""}${item.attested_at ? ` on ${item.attested_at}` : ""}, expired ${item.expires_at ?? "?"}`;
      out.push(bullet(c, "~", oneLine(text), l.width));
    }
    out.push("");
  }
  if (s.waivers.length > 0) {
    out.push(c.bold(`Waivers (${s.waivers.length})`));
    for (const w of s.waivers) {
      const state = w.waiver.expired
        ? c.red("EXPIRED, ignored")
        : w.expiring
          ? c.yellow(`expires in ${w.daysLeft ?? "?"} day${w.daysLeft === 1 ? "" : "s"}`)
          : "active";
      const text = oneLine(`${w.item.id} [${w.item.severity}] until ${w.waiver.until} by ${w.waiver.by}: ${w.waiver.reason}`);
      out.push(`${bullet(c, "⊘", text, l.width - 22)}  (${state})`);
    }
    out.push("");
  }
  if (report.signoffs.missing.length > 0) {
    out.push(c.yellow(para(c, "Missing sign-offs:", report.signoffs.missing.map((r) => oneLine(r)).join(", "), l.width)));
  }
  if (report.signoffs.present.length > 0) {
    out.push(para(c, "Signed off:", report.signoffs.present.map((p) => oneLine(`${p.role} (${p.by}, ${p.at})`)).join(", "), l.width));
  }
  for (const o of report.signoffs.outdated ?? []) {
    out.push(
      c.yellow(para(c, "Outdated sign-off:", oneLine(`${o.role} (${o.by}, ${o.at}); blocking items changed on ${o.changed_at}: ${o.items.join(", ")}`), l.width)),
    );
  }
  const flaky = report.flaky ?? [];
  if (flaky.length > 0) {
    out.push(c.bold.yellow(`Flaky (${flaky.length}): passed only after a failed attempt`));
    for (const f of flaky) out.push(bullet(c, "~", oneLine(`${f.id} ${f.target}: attempt ${f.attempts} passed; first: ${f.first_failure}`), l.width));
  }
  const expiring = report.expiring ?? [];
  if (expiring.length > 0) {
    out.push(c.bold.yellow(`Expiring soon (${expiring.length})`));
    for (const e of expiring) {
      out.push(bullet(c, "~", oneLine(`${e.kind} ${e.id}${e.target ? ` ${e.target}` : ""} ends ${e.date} (${e.days_left} day${e.days_left === 1 ? "" : "s"} left): ${e.title}`), l.width));
    }
  }
  if (report.levels) {
    const lv = report.levels;
    const text = `${lv.achieved ?? "none yet"}${lv.next ? `; next ${lv.next}, ${lv.needs.length} item${lv.needs.length === 1 ? "" : "s"} to go` : ""} (${lv.levels.map((x) => `${x.level} ${x.passing}/${x.items}`).join(", ")})`;
    out.push(para(c, "Level:", oneLine(text), l.width));
  }
  const open = report.open_work ?? [];
  if (open.length > 0) {
    const n = open.reduce((sum, g) => sum + g.items.length, 0);
    out.push(c.bold(`Open work by owner (${n} item${n === 1 ? "" : "s"})`));
    for (const g of open) {
      out.push(`  ${c.bold(terminalText(g.owner, l.width - 20))}${g.overdue ? c.red(` — ${g.overdue} overdue`) : ""}`);
      for (const i of g.items.slice(0, 20)) {
        const due = i.due ? (i.overdue ? ` due ${i.due}, ${i.days_overdue ?? "?"} days overdue` : ` due ${i.due}`) : "";
        const pending = i.enforce_from ? ` (enforced from ${i.enforce_from})` : "";
        const text = bullet(c, i.overdue ? "!" : "·", oneLine(`${i.id} [${i.severity}] ${i.result}: ${i.title}${due}${pending}`), l.width - 2).replace(/^/gm, "  ");
        out.push(i.overdue ? c.red(text) : text);
      }
      if (g.items.length > 20) out.push(`      …and ${g.items.length - 20} more`);
    }
  }
  if (report.warnings.length > 0) {
    out.push(c.bold.yellow(`Warnings (${report.warnings.length})`));
    for (const w of report.warnings) out.push(c.yellow(bullet(c, "!", oneLine(w), l.width)));
  }
}

function baselineBlock(report: Report, c: ChalkInstance, l: Layout, out: string[]): void {
  const b = report.baseline;
  if (!b) return;
  const text = `(${oneLine(b.path ?? b.started_at.slice(0, 10))}, ${b.verdict} ${formatScore(b.score)}): score ${formatDelta(b.score_delta)}, verified ${formatDelta(b.verified_delta)}${b.verdict !== report.verdict ? `, verdict ${b.verdict} → ${report.verdict}` : ""}${b.regressed ? " — REGRESSED" : ""}`;
  const line = para(c, "Since baseline", text, l.width);
  out.push(b.regressed ? c.red(line) : c.green(line));
  const list = (label: string, symbol: string, items: typeof b.newly_failing): void => {
    if (items.length === 0) return;
    out.push(`  ${label} (${items.length}):`);
    for (const ch of items.slice(0, 20)) {
      out.push(bullet(c, symbol, oneLine(`${ch.id} [${ch.severity}] ${ch.from ?? "new"} → ${ch.to ?? "removed"}: ${ch.title}`), l.width - 2).replace(/^/gm, "  "));
    }
    if (items.length > 20) out.push(`      …and ${items.length - 20} more`);
  };
  list("Newly failing", "✘", b.newly_failing);
  list("Newly passing", "✔", b.newly_passing);
  list("Added", "+", b.added);
  list("Removed", "-", b.removed);
  out.push("");
}

function countsLines(report: Report, c: ChalkInstance, width: number): string {
  const label = "Counts:";
  // `blocked` only when an item is (depends_on): the line stays as it was for checklists without dependencies.
  const parts = (Object.keys(RESULT_LABEL) as ItemResult[]).filter((r) => r !== "blocked" || report.counts.blocked > 0).map((r) => ({ r, text: `${report.counts[r]} ${r}` }));
  const lines: string[] = [];
  let plain = label;
  let styled = c.bold(label);
  for (const { r, text } of parts) {
    const piece = colourPart(c, r, report.counts[r], text);
    const sep = plain === label ? " " : " · ";
    if (displayWidth(plain + sep + text) > width && plain !== label) {
      lines.push(styled);
      plain = `  ${text}`;
      styled = `  ${piece}`;
    } else {
      plain += sep + text;
      styled += (sep === " " ? " " : c.dim(" · ")) + piece;
    }
  }
  lines.push(styled);
  return lines.join("\n");
}

function colourPart(c: ChalkInstance, r: ItemResult, n: number, text: string): string {
  return n === 0 ? c.dim(text) : colourResult(c, r, text);
}

function timingLines(report: Report, s: ReportSummary, c: ChalkInstance, width: number): string {
  const slow = s.slowest
    .slice(0, 3)
    .filter((x) => x.ms > 0)
    .map((x) => `${oneLine(x.item.item.id)} ${formatDuration(x.ms)}`);
  const lines = [para(c, "Timing:", `started ${oneLine(report.started_at)}, took ${formatDuration(report.duration_ms)}`, width)];
  if (slow.length) lines.push(c.dim(`  ${wrapWidth(`slowest: ${slow.join(", ")}`, width - 2, 2).join("\n  ")}`));
  return lines.join("\n");
}

/** The boxed verdict with scores and every reason, sized to the layout width. */
function verdictBox(report: Report, c: ChalkInstance, l: Layout): string {
  const inner = Math.min(l.width, DEFAULT_WIDTH) - 4;
  const paint = (t: string): string => colourVerdict(c, report.verdict, t);
  const symbol = report.verdict === "GO" ? "✔" : report.verdict === "CONDITIONAL" ? "!" : "✘";
  const head = `${symbol} ${report.verdict}`;
  const scores = `score ${formatScore(report.score)}/100 · verified ${formatScore(report.verified_score)}/100${report.options.strict ? " · strict" : ""}`;
  const lines: string[] = [];
  const row = (text: string, styled = text): string => `${paint("║")} ${styled}${" ".repeat(Math.max(0, inner - displayWidth(text)))} ${paint("║")}`;
  lines.push(paint(`╔${"═".repeat(inner + 2)}╗`));
  lines.push(row(`${head}   ${scores}`, `${paint(head)}   ${c.bold(scores)}`));
  const claimed = claimedNote(report);
  if (claimed) for (const line of wrapWidth(claimed, inner)) lines.push(row(line, c.yellow(line)));
  if (report.interrupted) {
    const t = "INTERRUPTED — partial results: not every probe ran";
    lines.push(row(t, c.yellow.bold(t)));
  }
  if (report.reasons.length > 0) {
    lines.push(paint(`╟${"─".repeat(inner + 2)}╢`));
    for (const reason of report.reasons) {
      wrapWidth(oneLine(reason), inner - 2, 4).forEach((line, i) => lines.push(row(`${i === 0 ? "•" : " "} ${line}`)));
    }
  }
  lines.push(paint(`╚${"═".repeat(inner + 2)}╝`));
  return lines.join("\n");
}

/** Remediation lines of an item (why, fix, docs), those it has. */
function remediation(item: ItemReport): [string, string][] {
  const out: [string, string][] = [];
  if (item.why) out.push(["why", item.why]);
  if (item.fix) out.push(["fix", item.fix]);
  if (item.docs) out.push(["docs", item.docs]);
  return out;
}

/** The terminal reporter. */
export const renderTerminal: Reporter = (report, options) => terminalParts(report, options).join("");

/** The terminal report as its text and final newline (appending the newline would copy the whole report). */
export const terminalParts: PartsReporter = (report, options) => {
  const c = options.chalk;
  const l = layout(options);
  const s = options.summary ?? summarize(report);
  const out: string[] = [];
  const where = report.checklist.builtin ? "built-in baseline" : report.checklist.path;
  const name = terminalText(report.checklist.name, Math.floor(l.width / 2));
  out.push(`${c.bold(name)} ${c.dim(`(${terminalText(where, l.width - displayWidth(name) - 3)})`)}`);
  if (report.interrupted) out.push(c.yellow.bold("INTERRUPTED — partial results: the run was stopped before every probe finished."));
  out.push("");
  sectionTables(report, s, c, l, options.verbose, out);
  attentionBlocks(report, s, c, l, options.verbose, out);
  if (out[out.length - 1] !== "") out.push("");
  baselineBlock(report, c, l, out);
  out.push(countsLines(report, c, l.width), timingLines(report, s, c, l.width), "", verdictBox(report, c, l));
  return [out.join("\n"), "\n"];
};

/** Two lines for a terminal: `Score     ▄▅▇█  62 → 100` and the verified score's, at most `width` columns. */
export function trendTerminal(points: readonly TrendPoint[], c: ChalkInstance, width: number): string[] {
  // The label (10), two spaces, `100 → 100` (9), and when not every report fits, ` (last N of M)`.
  const fixed = 21;
  const cut = ` (last ${points.length} of ${points.length})`.length;
  const room = points.length <= width - fixed ? points.length : Math.max(2, width - fixed - cut);
  const shown = points.slice(-room);
  const line = (name: string, values: (number | null)[]): string => `${name.padEnd(10)}${c.bold(sparkline(values))}  ${trendSpan(values)}${shown.length < points.length ? ` (last ${shown.length} of ${points.length})` : ""}`;
  return [line("Score", shown.map((p) => p.score)), line("Verified", shown.map((p) => p.verified_score))];
}
