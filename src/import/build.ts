/**
 * Markdown tree → checklist model: claims, severities, titles and descriptions, probe
 * suggestions, ids. The rules (documented in docs/import.md):
 * - headings nest into sections; the only H1, when it wraps everything, names the checklist;
 * - list items and numbered items become items; a nested list under an item that has no claims of
 *   its own is folded into the item's description, one that has claims becomes items titled
 *   `Parent › child` right after the parent;
 * - when a file marks its items (checkboxes, ✅ ⚠️ ❌ 🔄) plain bullets are notes, not items;
 * - tables with a status column, and tables whose first column is a check/item/task, become items;
 * - in a file that marks nothing else, repeated headings explained by paragraphs become items.
 */
import type { ManualStatus, Severity } from "../types.js";
import { slugify, truncate } from "../util/text.js";
import { cellSeverity, cellStatus, headingSeverity, itemSeverity, leadingMarkersEnd, priorityLine, readClaims, statusFromWords, takeCheckbox } from "./claims.js";
import type { OutItem, OutSection } from "./emit.js";
import { badgeSeverity, cleanInline, decodeText, detailsParts, splitBoldTitle, stripBadges, stripLeadingSymbols, stripTrailingSymbols, stripNumbering, stripPriorityAnnotation } from "./inline.js";
import { levelMarked, tableColumns, type TableColumns } from "./table.js";
import type { MdDocument, MdListItem, MdSection, MdTable, SkippedLine, SkipReason } from "./markdown.js";
import { suggestProbes } from "./probes.js";

const MAX_TITLE = 160;
const MAX_DESCRIPTION = 4000;

export interface Analysis {
  title: string;
  description: string;
  status?: ManualStatus;
  severity?: Severity;
  marked: boolean;
  note: string;
  legend: boolean;
  linkOnly: boolean;
  links: string[];
  raw: string;
  conflict: boolean;
  /** The item has an open `[ ]` box. */
  open: boolean;
  /** The item has a task-list box (`[ ]`, `[x]` …) rather than only emoji or nothing. */
  boxed: boolean;
  /** The first link in the title: the item's `docs`. */
  docs?: string;
  /** The priority badge (`![High][high_img]`) the severity was read from. */
  badge?: string;
}

/** What building produced, besides the sections. */
export interface BuildResult {
  name: string;
  sections: OutSection[];
  skipped: SkippedLine[];
  warnings: string[];
  signoffs?: { roles: string[]; line: number };
  /** Priority words and level columns read as severities, word → severity, in order of first use. */
  mappings: { word: string; severity: Severity }[];
  /** Structural decisions taken (tables read as items, answer options, goal appendices), one line each. */
  decisions: string[];
}

const LINK_ONLY = /^\s*(?:\[[^\]\n]{0,500}\]\([^)\s]{0,2000}\)|<https?:\/\/[^>\s]{1,2000}>|https?:\/\/\S{1,2000})\s*[.,;]?\s*$/;

/** What one list item says: title, description, claims, severity, links. */
export function analyze(item: MdListItem): Analysis {
  // `<details><summary>Title</summary> text </details>`: the summary is the title, the rest the description.
  const details = detailsParts([item.text, ...item.more].join(" "));
  const source = details ? details.title : item.text;
  const moreLines = details ? [details.description].filter(Boolean) : item.more;
  const badge = badgeSeverity(source);
  // A leading `&#9744;` / `:white_check_mark:` is a box; the rest keeps its entities for cleanInline.
  const { box, rest } = takeCheckbox(stripBadges(source).trimStart().replace(/^(?:&#?\w{1,10};|:[a-z_]{1,40}:)/, (m) => decodeText(m)));
  const links: string[] = [];
  // Leading emoji may precede a bold title (`✅ **Title** - text`): split after them.
  const cleanAll = cleanInline(rest, links);
  const leadEnd = leadingMarkersEnd(rest);
  const split = splitBoldTitle(rest.slice(leadEnd));
  const titleClaims = readClaims(split ? cleanInline(`${rest.slice(0, leadEnd)} ${split.title}`) : cleanAll);
  const descClaims = split ? readClaims(cleanInline(split.description)) : undefined;
  const more = moreLines.map((m) => cleanInline(m, links)).filter(Boolean);
  const titleLinks: string[] = [];
  cleanInline(split ? split.title : rest, titleLinks);

  const said = titleClaims.status ?? descClaims?.status;
  let status: ManualStatus | undefined;
  let conflict = false;
  if (box === "open") {
    // An open box is not done; only words (`⚠️ PARTIAL`) refine it, never a bare ⚠️.
    const words = titleClaims.wordStatus ?? descClaims?.wordStatus;
    status = words === "partial" || words === "in-progress" || words === "n/a" ? words : "missing";
    conflict = said === "done" && titleClaims.lead !== undefined;
  } else if (box) status = box;
  else status = said;

  let title = stripPriorityAnnotation(titleClaims.text).replace(/\s*[:：]$/, "").trim();
  const descParts = [descClaims?.text ?? "", ...more].filter(Boolean);
  if (!title) title = descParts.shift() ?? `Item at line ${item.line}`;
  let description = descParts.join(" ");
  if (title.length > MAX_TITLE) {
    description = description ? `${title} ${description}` : title;
    title = truncate(title, MAX_TITLE);
  }
  if (description.length > MAX_DESCRIPTION) description = truncate(description, MAX_DESCRIPTION);
  const marked = box !== undefined || titleClaims.emoji || descClaims?.emoji === true;
  const result: Analysis = {
    title,
    description,
    marked,
    note: [titleClaims.decoration, descClaims?.decoration].filter(Boolean).join(" "),
    legend: box === undefined && marked && statusFromWords(title) !== undefined,
    linkOnly: box === undefined && !marked && LINK_ONLY.test(rest),
    links,
    raw: [rest, ...moreLines].join(" "),
    conflict,
    open: box === "open",
    boxed: box !== undefined,
  };
  const docs = docsLink(titleLinks);
  if (docs) result.docs = docs;
  if (badge) result.badge = badge.word;
  if (status) result.status = status;
  const severity = itemSeverity(cleanAll) ?? badge?.severity ?? titleClaims.severity ?? descClaims?.severity;
  if (severity) result.severity = severity;
  return result;
}

function anyMarked(item: MdListItem, analyses: ReadonlyMap<MdListItem, Analysis>): boolean {
  return item.children.some((c) => analyses.get(c)?.marked === true || anyMarked(c, analyses));
}

function flattenText(items: MdListItem[], analyses: ReadonlyMap<MdListItem, Analysis>): string[] {
  const out: string[] = [];
  for (const c of items) {
    const a = analyses.get(c);
    if (a) out.push([a.title, a.description].filter(Boolean).join(": "));
    for (const t of flattenText(c.children, analyses)) out.push(t);
  }
  return out;
}

function childLines(items: MdListItem[], out: number[] = []): number[] {
  for (const c of items) {
    out.push(c.line);
    childLines(c.children, out);
  }
  return out;
}

/** A section being built: items found, ids not yet given. */
export interface Draft {
  md?: MdSection;
  title: string;
  line: number;
  note?: string;
  items: OutItem[];
  sections: Draft[];
}

/** Requirement-level columns, in order: the first level that requires an item gives its severity. */
const LEVEL_SEVERITY: Severity[] = ["high", "medium", "low"];
/** Headings whose bullets describe the goal rather than claim progress. */
const GOAL_SECTION = /\b(?:success criteria|definition of (?:done|ready)|exit criteria|done criteria|acceptance criteria)\b/i;
/** A second checkbox later on the same line: answer options. */
const INLINE_OPTIONS = /\s\[[ xX]\]\s+\S/;

/**
 * The answers of a question item: the item's text asks (ends with `?`) and it has two or
 * more nested boxes, each a short answer (at most four words, no nested list of its own).
 */
function answerOptions(it: MdListItem, a: Analysis, analyses: ReadonlyMap<MdListItem, Analysis>): string[] | undefined {
  if (it.children.length < 2 || !/[?？]\s*$/.test(cleanInline(takeCheckbox(it.text).rest))) return undefined;
  const out: string[] = [];
  for (const c of it.children) {
    const ca = analyses.get(c);
    if (!ca?.boxed || c.children.length > 0 || ca.title.split(/\s+/).length > 4) return undefined;
    out.push(ca.title);
  }
  return a.title ? out : undefined;
}

/** A heading that says the table or list under it is the checklist. */
const CHECKLIST_SECTION = /\bcheck ?list\b/i;

/** The first link that can serve as an item's `docs` (a page anchor on its own cannot). */
function docsLink(links: readonly string[]): string | undefined {
  return links.find((l) => l !== "" && !l.startsWith("#"));
}

/** What the steps record besides items, in document order; each step that records takes it as its last argument. */
export interface BuildLog {
  skipped: SkippedLine[];
  warnings: string[];
  decisions: string[];
  mappings: BuildResult["mappings"];
  /** Lines of plain bullets not imported because the file marks its items. */
  unmarkedLines: number[];
  /** Prose lines that were used (a `Priority: High` line that set a severity, an item heading's description): not skipped. */
  usedLines: Set<number>;
  signoffs?: { roles: string[]; line: number };
}

export function newBuildLog(): BuildLog {
  return { skipped: [], warnings: [], decisions: [], mappings: [], unmarkedLines: [], usedLines: new Set() };
}

function logSkip(log: BuildLog, line: number, reason: SkipReason, text: string): void {
  log.skipped.push({ line, reason, text: text.length > 200 ? `${text.slice(0, 199)}…` : text });
}

/** Records that `word` was read as `severity`, once per word. */
function logMapping(log: BuildLog, word: string, severity: Severity): void {
  const w = word.length > 60 ? `${word.slice(0, 59)}…` : word;
  if (!log.mappings.some((m) => m.word.toLowerCase() === w.toLowerCase())) log.mappings.push({ word: w, severity });
}

/** Step 1: every list item of the document (nested ones too), analysed once. */
export function analyzeItems(root: MdSection): Map<MdListItem, Analysis> {
  const analyses = new Map<MdListItem, Analysis>();
  const walk = (items: MdListItem[]): void => {
    for (const it of items) {
      analyses.set(it, analyze(it));
      walk(it.children);
    }
  };
  const visit = (s: MdSection): void => {
    walk(s.entries.filter((e): e is MdListItem => e.kind === "list"));
    s.sections.forEach(visit);
  };
  visit(root);
  return analyses;
}

/** Step 2: rows of tables whose rows are items, outside skipped sections. */
export function itemTableRows(section: MdSection): number {
  if (section.skip) return 0;
  let rows = 0;
  for (const e of section.entries) {
    if (e.kind === "table" && tableColumns(e.header.map((h) => cleanInline(h).toLowerCase()), e.rows.map((r) => r.cells), CHECKLIST_SECTION.test(section.title))) rows += e.rows.length;
  }
  for (const sub of section.sections) rows += itemTableRows(sub);
  return rows;
}

/**
 * Step 3: whether the file marks its items (at least a quarter of its bullets carry a box or a
 * status emoji; rows of item tables count as marked). Then plain bullets in it are notes.
 */
export function marksItems(analyses: ReadonlyMap<MdListItem, Analysis>, tableRows: number): boolean {
  let marked = 0;
  for (const a of analyses.values()) if (a.marked) marked++;
  return marked + tableRows > 0 && (marked + tableRows) * 4 >= analyses.size + tableRows;
}

/** What list items are read against. */
export interface ListContext {
  analyses: ReadonlyMap<MdListItem, Analysis>;
  fileMarksItems: boolean;
  /** `Parent › ` titles of claimed nested items. */
  prefix: string;
  /** The severity of the enclosing heading. */
  inherited?: Severity;
  /**
   * The status of a heading such as `### 🔄 In Progress` or `### ✅ Completed`: unmarked items
   * under it take that status, and open boxes under an in-progress/partial one take it too.
   */
  group?: ManualStatus;
  /** The goal heading (`Success criteria`) the items sit under, if any. */
  goal?: string;
}

/** Step: list items → checklist items (claimed children as `Parent › child`, the rest folded). */
export function listItems(items: readonly MdListItem[], ctx: ListContext, log: BuildLog): OutItem[] {
  const out: OutItem[] = [];
  const { analyses, prefix, inherited, group, goal } = ctx;
  for (const it of items) {
    const found = analyses.get(it);
    if (!found) continue;
    let a = found;
    // Under "Success criteria" / "Definition of done", ✅ bullets describe the goal: not items, not claims.
    if (goal && !a.boxed) {
      logSkip(log, it.line, "goal", it.text);
      for (const l of childLines(it.children)) logSkip(log, l, "goal", "");
      continue;
    }
    // `- [ ] Events - [ ] API .status - [ ] Other` on one line: the options of a question, not items.
    if (a.boxed && INLINE_OPTIONS.test(it.text)) {
      logSkip(log, it.line, "answer-option", it.text);
      log.decisions.push(`line ${it.line}: several checkboxes on one line read as answer options, not items`);
      continue;
    }
    // A question whose nested boxes are short answers: one item, the answers in its description.
    const options = answerOptions(it, a, analyses);
    if (options) {
      for (const c of it.children) logSkip(log, c.line, "answer-option", c.text);
      for (const l of childLines(it.children.flatMap((c) => c.children))) logSkip(log, l, "answer-option", "");
      log.decisions.push(`line ${it.line}: the ${options.length} checkboxes under "${truncate(a.title, 60)}" are answer options, not items`);
      out.push(makeItem(a, prefix ? `${prefix} › ${a.title}` : a.title, a.severity ?? inherited, it.line, [`options: ${options.join(", ")}`], log));
      continue;
    }
    if (group && !a.legend && !a.linkOnly) {
      if (!a.marked) a = { ...a, marked: true, status: group };
      else if (a.open && a.status === "missing" && (group === "in-progress" || group === "partial")) a = { ...a, status: group };
    }
    const severity = a.severity ?? inherited;
    const title = prefix ? `${prefix} › ${a.title}` : a.title;
    if (a.legend) {
      logSkip(log, it.line, "legend", it.text);
      continue;
    }
    if (a.linkOnly && it.children.length === 0) {
      logSkip(log, it.line, "link-list", it.text);
      continue;
    }
    if (it.children.length > 0 && anyMarked(it, analyses)) {
      if (a.marked) out.push(makeItem(a, title, severity, it.line, [], log));
      const sub: ListContext = { ...ctx, prefix: title };
      if (severity) sub.inherited = severity;
      out.push(...listItems(it.children, sub, log));
      continue;
    }
    if (!a.marked && ctx.fileMarksItems) {
      logSkip(log, it.line, "unmarked-item", it.text);
      log.unmarkedLines.push(it.line);
      for (const l of childLines(it.children)) logSkip(log, l, "unmarked-item", "");
      continue;
    }
    out.push(makeItem(a, title, severity, it.line, flattenText(it.children, analyses), log));
  }
  return out;
}

/** One checklist item from an analysed list item; `folded` is the text of its nested items. */
export function makeItem(a: Analysis, title: string, severity: Severity | undefined, line: number, folded: string[], log: BuildLog): OutItem {
  let description = a.description;
  if (folded.length > 0) description = truncate([description, folded.join("; ")].filter(Boolean).join(" — "), MAX_DESCRIPTION);
  if (a.conflict) log.warnings.push(`line ${line}: an open checkbox that also says done; imported as status: missing`);
  // Suggestions from the item's own words: a `Parent › child` prefix would repeat the parent's.
  const item: OutItem = { id: "", title, line, probes: suggestProbes(`${a.title} ${description}`, a.raw, a.links) };
  if (description) item.description = description;
  if (severity) item.severity = severity;
  if (a.status) item.status = a.status;
  if (a.status === "n/a") item.reason = `marked not applicable in the source (line ${line})`;
  if (a.note) item.note = a.note;
  if (a.docs) item.docs = a.docs;
  if (a.badge && a.severity) logMapping(log, a.badge, a.severity);
  return item;
}

/** The severity of one table row from its severity cell, level columns or badge; mappings logged. */
function rowSeverity(row: MdTable["rows"][number], header: string[], cols: TableColumns, badge: ReturnType<typeof badgeSeverity>, parts: string[], log: BuildLog): Severity | undefined {
  const sevText = cols.severity !== undefined ? cleanInline(row.cells[cols.severity] ?? "") : "";
  const fromCell = sevText ? cellSeverity(sevText) : undefined;
  if (sevText && fromCell) logMapping(log, fromCell.word, fromCell.severity);
  else if (sevText && cols.severity !== undefined) parts.push(`${header[cols.severity]}: ${sevText}`);
  if (fromCell) return fromCell.severity;
  if (cols.levels.length > 0) {
    const k = cols.levels.findIndex((i) => levelMarked(row.cells[i] ?? ""));
    const level = LEVEL_SEVERITY[Math.min(k, LEVEL_SEVERITY.length - 1)];
    if (k >= 0 && level) {
      logMapping(log, `${header[cols.levels[k] ?? 0]} (level column ${k + 1} of ${cols.levels.length})`, level);
      return level;
    }
  }
  if (badge) {
    logMapping(log, badge.word, badge.severity);
    return badge.severity;
  }
  return undefined;
}

/** Step: a table → items (one per row), a sign-off table → `log.signoffs`, any other table → skipped lines. */
export function tableItems(t: MdTable, inherited: Severity | undefined, checklistSection: boolean, log: BuildLog): OutItem[] {
  const out: OutItem[] = [];
  const header = t.header.map((h) => cleanInline(h));
  const lower = header.map((h) => h.toLowerCase());
  const isSignoff = lower.some((h) => h === "role") && lower.some((h) => /sign|approv/.test(h));
  if (isSignoff) {
    const roleCol = lower.indexOf("role");
    const roles = t.rows.map((r) => cleanInline(r.cells[roleCol] ?? "")).filter(Boolean);
    if (roles.length > 0 && !log.signoffs) log.signoffs = { roles, line: t.line };
    return out;
  }
  const cols = tableColumns(lower, t.rows.map((r) => r.cells), checklistSection);
  if (!cols) {
    logSkip(log, t.line, "table", t.header.join(" | "));
    for (const r of t.rows) logSkip(log, r.line, "table", r.cells.join(" | "));
    return out;
  }
  log.decisions.push(`line ${t.line}: a table read as items (${cols.why})`);
  const roles = new Set([cols.title, cols.status, cols.severity, ...cols.levels].filter((i) => i !== undefined));
  for (const row of t.rows) {
    const links: string[] = [];
    const rawTitle = row.cells[cols.title] ?? "";
    const details = detailsParts(rawTitle);
    const badge = badgeSeverity(rawTitle);
    const titleLinks: string[] = [];
    const claims = readClaims(cleanInline(stripBadges(details ? details.title : rawTitle), titleLinks));
    links.push(...titleLinks);
    const title = stripPriorityAnnotation(claims.text);
    if (!title) {
      logSkip(log, row.line, "table", row.cells.join(" | "));
      continue;
    }
    const parts: string[] = [];
    if (details?.description) parts.push(cleanInline(details.description, links));
    const ports: number[] = [];
    header.forEach((h, i) => {
      if (roles.has(i)) return;
      const v = cleanInline(row.cells[i] ?? "", links);
      if (!v) return;
      const label = i === cols.id ? "ref" : h;
      parts.push(label && !/^(?:description|details|notes?|comments?|how|what|criteria|explanation|why)$/i.test(label) ? `${label}: ${v}` : v);
      if (/\bport\b/i.test(h) && /^\d{2,5}$/.test(v)) ports.push(Number(v));
    });
    let severity = rowSeverity(row, header, cols, badge, parts, log);
    const description = truncate(parts.join("; "), MAX_DESCRIPTION);
    const statusText = cols.status !== undefined ? cleanInline(row.cells[cols.status] ?? "") : "";
    const status = cols.status !== undefined ? cellStatus(statusText) : claims.status;
    severity ??= itemSeverity(title) ?? claims.severity ?? inherited;
    const item: OutItem = { id: "", title: truncate(title, MAX_TITLE), line: row.line, probes: suggestProbes(`${title} ${description}`, row.cells.join(" "), links, ports) };
    if (description) item.description = description;
    if (severity) item.severity = severity;
    if (status) item.status = status;
    if (status === "n/a") item.reason = `marked not applicable in the source (line ${row.line})`;
    if (statusText) item.note = `${header[cols.status ?? 0] || "status"}: ${statusText}`;
    const docs = docsLink(titleLinks);
    if (docs) item.docs = docs;
    out.push(item);
  }
  return out;
}

/** What a heading says: its title without claims and annotations, severity, note and status group. */
export interface HeadingInfo {
  title: string;
  severity?: Severity;
  /** The `Priority: High` line the severity came from, if it came from one. */
  priorityLine?: number;
  note?: string;
  /** A status-group heading (`### ✅ Completed`): the status it gives unmarked items under it. */
  group?: ManualStatus;
}

/** Step: reads a heading (and the `Priority: …` lines right under it). */
export function readHeading(s: MdSection, inherited: Severity | undefined): HeadingInfo {
  const clean = cleanInline(s.title);
  const claims = readClaims(clean);
  let title = stripPriorityAnnotation(stripTrailingSymbols(stripLeadingSymbols(claims.text))).replace(/\s*[:：]$/, "").trim();
  if (!title) title = clean || `Section at line ${s.line}`;
  const info: HeadingInfo = { title: truncate(title, MAX_TITLE) };
  let severity = headingSeverity(clean);
  if (!severity) {
    for (const p of s.paragraphs.flatMap((para) => para.lines)) {
      const sev = priorityLine(p.text);
      if (sev) {
        severity = sev;
        info.priorityLine = p.line;
        break;
      }
    }
  }
  severity ??= inherited;
  if (severity) info.severity = severity;
  const note = [claims.lead && claims.emoji ? claims.lead : "", claims.decoration ?? ""].filter(Boolean).join(" ");
  if (note) info.note = `heading says ${note}`;
  const group = claims.lead && claims.status ? statusFromWords(title) : undefined;
  if (group) info.group = group;
  return info;
}

/** What sections are read against. */
export interface SectionContext {
  analyses: ReadonlyMap<MdListItem, Analysis>;
  fileMarksItems: boolean;
  /** Sections whose subsection headings are the items (see `headingItemParents`). */
  headingParents?: ReadonlySet<MdSection>;
}

/** Headings that introduce a document rather than name one of its items. */
const PREAMBLE_HEADING = /^(?:introduction|overview|about|summary|background|purpose|scope|context|objectives?|goals?|prerequisites|requirements|license|licence|contributing|conclusion|faq|usage|installation)$/i;
/** An H1 that says its headings are the checklist (`# Security best practices`). */
const CHECKLIST_TITLE = /\b(?:check ?list|best practices|rules|guidelines|recommendations|cheat ?sheet|readiness)\b/i;
/** `Status: done` / `**Status:** ✅` on a line of its own under an item heading. */
const STATUS_LINE = /^[*_\s]{0,4}status[*_\s]{0,4}[:：][*_\s]{0,4}(.{1,80})$/i;

/** Whether a subsection reads as one item: explained by prose, at most one heading of its own. */
function itemLikeSection(c: MdSection): boolean {
  return !c.skip && c.sections.length <= 1 && c.paragraphs.length > 0;
}

function isPreamble(c: MdSection): boolean {
  return PREAMBLE_HEADING.test(stripNumbering(stripLeadingSymbols(cleanInline(c.title))).replace(/\s*[:：]$/, ""));
}

/**
 * Step: the sections whose subsection headings are the items (`### 1. Use TLS everywhere`, each
 * followed by paragraphs). Decided by structure, only in a file that marks no items otherwise (no
 * boxes, status emoji or item tables): the deepest heading whose children (two or more, preamble
 * headings such as Introduction aside) are mostly explained by paragraphs, hold at most one heading
 * each, and mostly hold no lists; unless bullets elsewhere outnumber those headings (then the
 * bullets are the checklist). One decision line per such section.
 */
export function headingItemParents(root: MdSection, fileMarks: boolean, decisions: string[]): Set<MdSection> {
  const parents = new Set<MdSection>();
  if (fileMarks) return parents;
  const found: string[] = [];
  let headingItems = 0;
  const visit = (s: MdSection): boolean => {
    const below = s.sections.map(visit).some(Boolean);
    if (below || s.skip || s.level === 0) return below;
    if (s.level === 1 && !CHECKLIST_TITLE.test(s.title)) return false;
    const children = s.sections.filter((c) => !c.skip && !isPreamble(c));
    const items = children.filter(itemLikeSection);
    const withLists = items.filter((c) => c.entries.some((e) => e.kind === "list")).length;
    if (items.length < 2 || items.length * 3 < children.length * 2 || withLists * 2 >= items.length) return false;
    parents.add(s);
    headingItems += items.length;
    const level = items[0]?.level ?? s.level + 1;
    found.push(`line ${s.line}: the ${items.length} ${"#".repeat(level)} headings under "${truncate(cleanInline(s.title), 60)}" read as items, their paragraphs as descriptions (no checkboxes or item tables in the file)`);
    return true;
  };
  visit(root);
  // Bullets elsewhere that outnumber the headings are the checklist; the headings are its chapters.
  if (parents.size > 0 && bulletsOutside(root, parents) > headingItems) return new Set();
  decisions.push(...found);
  return parents;
}

/** Top-level bullets in sections that are not heading items (of a parent in `parents`). */
function bulletsOutside(s: MdSection, parents: ReadonlySet<MdSection>): number {
  if (s.skip) return 0;
  let n = s.entries.filter((e) => e.kind === "list").length;
  for (const c of s.sections) if (!(parents.has(s) && itemLikeSection(c) && !isPreamble(c))) n += bulletsOutside(c, parents);
  return n;
}

/** Step: one item from a heading, its paragraphs (and those of its one subheading) as description. */
export function headingItem(s: MdSection, inherited: Severity | undefined, ctx: SectionContext, log: BuildLog): OutItem {
  const heading = readHeading(s, inherited);
  if (heading.priorityLine !== undefined) log.usedLines.add(heading.priorityLine);
  const titleLinks: string[] = [];
  // Numbering first, so that `### 2. ✅ Rotate certificates` reads its ✅ as a leading claim.
  const numbered = stripNumbering(cleanInline(s.title, titleLinks));
  const claims = readClaims(numbered);
  let status = claims.status;
  const links: string[] = [...titleLinks];
  /** Description parts in document order: paragraph lines and folded lists. */
  const text: { line: number; text: string }[] = [];
  const raw: string[] = [];
  for (const sec of [s, ...s.sections]) {
    for (const p of sec.paragraphs) {
      for (const l of p.lines) {
        log.usedLines.add(l.line);
        if (l.line === heading.priorityLine) continue;
        const said = STATUS_LINE.exec(l.text);
        const saidStatus = said?.[1] ? cellStatus(cleanInline(said[1])) : undefined;
        if (saidStatus) {
          status ??= saidStatus;
          continue;
        }
        // A paragraph that opens with a status emoji (`✅ Enabled in all regions`) claims it.
        if (l === p.lines[0]) {
          const lead = readClaims(cleanInline(l.text));
          if (lead.lead && lead.status) status ??= lead.status;
        }
        raw.push(l.text);
        text.push({ line: l.line, text: cleanInline(l.text, links) });
      }
    }
    for (const e of sec.entries) {
      if (e.kind === "list") {
        text.push({ line: e.line, text: flattenText([e], ctx.analyses).join("; ") });
        raw.push(e.text, ...e.more);
      } else tableItems(e, undefined, false, log);
    }
  }
  const title = truncate(stripPriorityAnnotation(stripTrailingSymbols(stripLeadingSymbols(claims.text))).replace(/\s*[:：]$/, "").trim() || heading.title, MAX_TITLE);
  const description = truncate(
    text
      .sort((a, b) => a.line - b.line)
      .map((t) => t.text)
      .filter(Boolean)
      .join(" "),
    MAX_DESCRIPTION,
  );
  const item: OutItem = { id: "", title, line: s.line, probes: suggestProbes(`${title} ${description}`, raw.join(" "), links) };
  if (description) item.description = description;
  if (heading.severity) item.severity = heading.severity;
  if (status) item.status = status;
  if (status === "n/a") item.reason = `marked not applicable in the source (line ${s.line})`;
  if (claims.decoration) item.note = claims.decoration;
  const docs = docsLink(titleLinks);
  if (docs) item.docs = docs;
  return item;
}

/** Step: a section and its subsections → drafts with items. */
export function sectionDraft(s: MdSection, inherited: Severity | undefined, goal: string | undefined, ctx: SectionContext, log: BuildLog): Draft {
  const heading = readHeading(s, inherited);
  if (heading.priorityLine !== undefined) log.usedLines.add(heading.priorityLine);
  const { title, severity } = heading;
  const draft: Draft = { md: s, title, line: s.line, items: [], sections: [] };
  if (heading.note) draft.note = heading.note;
  const goalHere = goal ?? (GOAL_SECTION.test(title) ? title : undefined);
  if (goalHere && !goal) log.decisions.push(`line ${s.line}: "${truncate(title, 60)}" describes goals: its bullets without a checkbox are not items and claim nothing`);
  if (!s.skip) {
    const listCtx: ListContext = { analyses: ctx.analyses, fileMarksItems: ctx.fileMarksItems, prefix: "" };
    if (severity) listCtx.inherited = severity;
    if (heading.group) listCtx.group = heading.group;
    if (goalHere) listCtx.goal = goalHere;
    for (const e of s.entries) {
      if (e.kind === "list") draft.items.push(...listItems([e], listCtx, log));
      else draft.items.push(...tableItems(e, severity, CHECKLIST_SECTION.test(title), log));
    }
  }
  for (const sub of s.sections) {
    if (ctx.headingParents?.has(s) && itemLikeSection(sub) && !isPreamble(sub)) draft.items.push(headingItem(sub, severity, ctx, log));
    else draft.sections.push(sectionDraft(sub, severity, goalHere, ctx, log));
  }
  return draft;
}

/**
 * Step: the checklist's name and its top-level drafts. The only H1, wrapping the whole document,
 * is the checklist's title rather than a section; items before any heading (and directly under
 * that H1) go to a first section named after it, or `General`.
 */
export function documentDrafts(md: MdDocument, fallbackName: string, ctx: SectionContext, log: BuildLog): { name: string; drafts: Draft[] } {
  const root = md.root;
  const h1 = root.sections.find((s) => s.level === 1);
  const h1Title = h1 ? stripLeadingSymbols(readClaims(cleanInline(h1.title)).text).trim() : "";
  const name = md.frontMatterTitle ?? (h1Title || fallbackName);
  let drafts: Draft[];
  const general: Draft = { title: h1Title || "General", line: 0, items: [], sections: [] };
  if (h1 && root.sections.length === 1) {
    const top = sectionDraft(h1, undefined, undefined, ctx, log);
    general.items.push(...top.items);
    general.line = h1.line;
    drafts = top.sections;
  } else drafts = root.sections.map((s) => sectionDraft(s, undefined, undefined, ctx, log));
  const rootDraft = sectionDraft({ ...root, title: general.title, sections: [] }, undefined, undefined, ctx, log);
  if (rootDraft.items.length > 0) {
    general.items = [...rootDraft.items, ...general.items];
    general.line = rootDraft.items[0]?.line ?? general.line;
  }
  if (general.items.length > 0) drafts.unshift(general);
  return { name, drafts };
}

/** Step: drops drafts with neither items nor (non-empty) subsections. */
export function pruneEmpty(drafts: readonly Draft[]): Draft[] {
  return drafts.map((d) => ({ ...d, sections: pruneEmpty(d.sections) })).filter((d) => d.items.length > 0 || d.sections.length > 0);
}

/** Step: ids in output order, slugs unique across sections and items; an id from the line when nothing ASCII is left. */
export function assignIds(drafts: readonly Draft[]): OutSection[] {
  const used = new Set<string>();
  const next = new Map<string, number>();
  const idFor = (title: string, kind: "section" | "item", line: number): string => {
    const sluggable = /[A-Za-z0-9]/.test(title) || /[A-Za-z0-9]/.test(title.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""));
    const base = sluggable ? slugify(title) : `${kind}-${line}`;
    let id = base;
    let n = next.get(base) ?? 2;
    while (used.has(id)) id = `${base}-${n++}`;
    next.set(base, n);
    used.add(id);
    return id;
  };
  const finish = (d: Draft): OutSection => {
    const out: OutSection = { id: idFor(stripNumbering(d.title), "section", d.line), title: d.title, line: d.line, items: [], sections: [] };
    if (d.note) out.note = d.note;
    for (const item of d.items) out.items.push({ ...item, id: idFor(item.title, "item", item.line) });
    out.sections = d.sections.map(finish);
    return out;
  };
  return drafts.map(finish);
}

/** Step: every skipped line, in line order: the reader's (less the priority lines used) and the builder's. */
export function accountSkipped(read: readonly SkippedLine[], log: BuildLog): SkippedLine[] {
  const all = read.filter((s) => !(s.reason === "paragraph" && log.usedLines.has(s.line)));
  for (const s of log.skipped) if (s.text !== "" || s.reason !== "unmarked-item") all.push(s);
  for (const s of log.skipped) if (s.text === "" && s.reason === "unmarked-item") all.push({ ...s, text: "(nested under an unmarked item)" });
  return all.sort((a, b) => a.line - b.line);
}

/** The warning for plain bullets not imported, or undefined when there were none. */
export function unmarkedWarning(lines: readonly number[]): string | undefined {
  if (lines.length === 0) return undefined;
  const shown = lines.slice(0, 8).join(", ");
  return `${lines.length} plain list item${lines.length === 1 ? " was" : "s were"} not imported: this file marks its items (checkboxes, status emoji, item tables or item headings), so unmarked bullets read as notes (line${lines.length === 1 ? "" : "s"} ${shown}${lines.length > 8 ? ", …" : ""})`;
}

/** Builds the checklist model from a read document, step by step. */
export function buildChecklist(md: MdDocument, fallbackName: string): BuildResult {
  const analyses = analyzeItems(md.root);
  const tableRows = itemTableRows(md.root);
  const log = newBuildLog();
  const anyMarks = tableRows > 0 || [...analyses.values()].some((a) => a.marked);
  const headingParents = headingItemParents(md.root, anyMarks, log.decisions);
  // Where headings are the items, plain bullets beside them are notes, as in a file of checkboxes.
  const ctx: SectionContext = { analyses, fileMarksItems: headingParents.size > 0 || marksItems(analyses, tableRows), headingParents };
  const { name, drafts } = documentDrafts(md, fallbackName, ctx, log);
  const sections = assignIds(pruneEmpty(drafts));
  const skipped = accountSkipped(md.skipped, log);
  const unmarked = unmarkedWarning(log.unmarkedLines);
  const result: BuildResult = { name, sections, skipped, warnings: unmarked ? [...log.warnings, unmarked] : log.warnings, mappings: log.mappings, decisions: log.decisions };
  if (log.signoffs) result.signoffs = log.signoffs;
  return result;
}
