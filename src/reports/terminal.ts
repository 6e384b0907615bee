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
import { displayWidth, terminalText, wrapWidth } from "./escape.js";
import { drawTable } from "./table.js";
import { claimedNote, formatDelta, formatScore, itemCause, pathLabel, summarize, type ReportSummary } from "./summary.js";
import type { PartsReporter, RenderOptions, Reporter } from "./types.js";

/** Default and smallest width the terminal report lays itself out for. */
export const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 60;

/** The word (and symbol) shown for each result; failing results are upper-case so they stand out without colour. */
export const RESULT_LABEL: Record<ItemResult, string> = {
  pass: "✔ pass",
  fail: "✘ FAIL",
  attested: "✔ attested",
  partial: "◐ partial",
  missing: "✘ MISSING",
  stale: "✘ STALE",
  blocked: "✘ BLOCKED",
  waived: "⊘ waived",
  skipped: "- skipped",
};

function colourResult(c: ChalkInstance, result: ItemResult, text: string): string {
  switch (result) {
    case "pass":
      return c.green(text);
    case "attested":
      return c.cyan(text);
    case "fail":
    case "missing":
    case "blocked":
      return c.red.bold(text);
    case "stale":
      return c.magenta.bold(text);
    case "partial":
      return c.yellow(text);
    case "waived":
    case "skipped":
      return c.dim(text);
  }
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
  item: number;
  severity: number;
  result: number;
  cause: number;
}

function layout(options: RenderOptions): Layout {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH));
  // 5 border characters; each colWidth below includes one space of padding on each side.
  const severity = 10;
  const result = 12;
  const free = width - 5 - severity - result;
  const item = Math.max(18, Math.floor(free * 0.45));
  return { width, item, severity, result, cause: free - item };
}

/** A report with more items than this (in all its sections) prints compact rows instead of tables. */
export const TABLE_MAX_ROWS = 300;

/**
 * The coloured labels every row repeats, made once per render (the chalk instance is the render's):
 * results as compact rows and tables show them, severities.
 */
interface Paints {
  compact: Map<string, string>;
  result: Map<string, string>;
  severity: Map<string, string>;
}

function paints(c: ChalkInstance): Paints {
  const results = Object.keys(RESULT_LABEL) as ItemResult[];
  return {
    compact: new Map(results.map((r) => [r, colourResult(c, r, RESULT_LABEL[r].padEnd(11))])),
    result: new Map(results.map((r) => [r, colourResult(c, r, RESULT_LABEL[r])])),
    severity: new Map(SEVERITIES.map((x) => [x, colourSeverity(c, x)])),
  };
}

/** `  ✘ FAIL     high      id  title — cause`, cut to the width. */
function compactRow(c: ChalkInstance, item: ItemReport, width: number, p: Paints): string {
  const label = p.compact.get(item.result) ?? colourResult(c, item.result, RESULT_LABEL[item.result].padEnd(11));
  const cause = itemCause(item);
  const rest = terminalText(`${item.id}  ${oneLine(item.title)}${cause ? ` — ${oneLine(cause)}` : ""}`, Math.max(20, width - 24));
  return `  ${label} ${p.severity.get(item.severity) ?? colourSeverity(c, item.severity)}${" ".repeat(Math.max(1, 9 - item.severity.length))}${rest}`;
}

function itemCell(c: ChalkInstance, item: ItemReport, l: Layout): string {
  const title = wrapWidth(oneLine(item.title), l.item - 2, 2).join("\n");
  const tag = item.contradicted ? c.red(" (contradicted)") : "";
  const id = terminalText(item.id, l.item - 2 - (item.contradicted ? 15 : 0));
  return `${title}\n${c.dim(id)}${tag}`;
}

function causeCell(c: ChalkInstance, item: ItemReport, l: Layout, verbose: boolean): string {
  let text = itemCause(item);
  if (item.result === "pass" && verbose) text = item.probes.map((p) => `${p.type}: ${p.message}`).join("; ");
  if (!text) return "";
  const lines = wrapWidth(oneLine(text), l.cause - 2, verbose ? 6 : 3).join("\n");
  return item.result === "pass" || item.result === "skipped" || item.result === "waived" ? c.dim(lines) : lines;
}

function sectionTables(report: Report, s: ReportSummary, c: ChalkInstance, l: Layout, verbose: boolean, out: string[]): void {
  // Counted over the whole report: 50 sections of 100 items are 5,000 bordered rows, some 15,000
  // lines and 2.6 MB of output, where one line per item is 5,000 lines; and one report reads best in
  // one layout. (Drawn by cli-table3, those tables also took 2.5 s; drawTable takes ~0.1 s.)
  let total = 0;
  for (const { section } of s.sections) total += section.items.length;
  const tabulate = total <= TABLE_MAX_ROWS;
  for (const { section, path } of s.sections) {
    const heading = terminalText(pathLabel(path), l.width - 32);
    out.push(
      `${c.bold(heading)}  ${c.dim("score")} ${scoreColour(c, section.score, report)} ${c.dim("· verified")} ${formatScore(section.verified_score)}`,
    );
    if (section.items.length === 0) {
      out.push("");
      continue;
    }
    if (!tabulate) {
      // Bordered tables of thousands of rows are unreadable and slow to lay out: a large report
      // prints one line per item instead.
      out.push(c.dim(`  ${section.items.length} item${section.items.length === 1 ? "" : "s"} — one line each (reports over ${TABLE_MAX_ROWS} items are not tabulated)`));
      const p = paints(c);
      for (const item of section.items) out.push(compactRow(c, item, l.width, p));
      out.push("");
      continue;
    }
    const rows = section.items.map((item) => [itemCell(c, item, l), colourSeverity(c, item.severity), colourResult(c, item.result, RESULT_LABEL[item.result]), causeCell(c, item, l, verbose)]);
    out.push(drawTable(["Item", "Severity", "Result", "Cause"].map((h) => c.bold(h)), rows, [l.item, l.severity, l.result, l.cause]), "");
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
        const due = i.due ? (i.overdue ? c.red(` due ${i.due}, ${i.days_overdue ?? "?"} days overdue`) : ` due ${i.due}`) : "";
        const pending = i.enforce_from ? c.dim(` (enforced from ${i.enforce_from})`) : "";
        out.push(`${bullet(c, i.overdue ? "!" : "·", oneLine(`${i.id} [${i.severity}] ${i.result}: ${i.title}`), l.width - 2).replace(/^/gm, "  ")}${due}${pending}`);
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
  out.push(`${c.bold(terminalText(report.checklist.name, l.width - 30))} ${c.dim(`(${terminalText(where, 60)})`)}`);
  if (report.interrupted) out.push(c.yellow.bold("INTERRUPTED — partial results: the run was stopped before every probe finished."));
  out.push("");
  sectionTables(report, s, c, l, options.verbose, out);
  attentionBlocks(report, s, c, l, options.verbose, out);
  if (out[out.length - 1] !== "") out.push("");
  baselineBlock(report, c, l, out);
  out.push(countsLines(report, c, l.width), timingLines(report, s, c, l.width), "", verdictBox(report, c, l));
  return [out.join("\n"), "\n"];
};
