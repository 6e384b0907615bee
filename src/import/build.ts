/**
 * Markdown tree → checklist model: claims, severities, titles and descriptions, probe
 * suggestions, ids. The rules (documented in docs/import.md):
 * - headings nest into sections; the only H1, when it wraps everything, names the checklist;
 * - list items and numbered items become items; a nested list under an item that has no claims of
 *   its own is folded into the item's description, one that has claims becomes items titled
 *   `Parent › child` right after the parent;
 * - when a file marks its items (checkboxes, ✅ ⚠️ ❌ 🔄) plain bullets are notes, not items;
 * - tables with a status column, and tables whose first column is a check/item/task, become items.
 */
import type { ManualStatus, Severity } from "../types.js";
import { slugify, truncate } from "../util/text.js";
import { cellSeverity, cellStatus, headingSeverity, itemSeverity, leadingMarkersEnd, priorityLine, readClaims, statusFromWords, takeCheckbox } from "./claims.js";
import type { OutItem, OutSection } from "./emit.js";
import { badgeSeverity, cleanInline, decodeText, detailsParts, splitBoldTitle, stripBadges, stripLeadingSymbols, stripTrailingSymbols, stripNumbering, stripPriorityAnnotation } from "./inline.js";
import { levelMarked, tableColumns } from "./table.js";
import type { MdDocument, MdListItem, MdSection, MdTable, SkippedLine, SkipReason } from "./markdown.js";
import { suggestProbes } from "./probes.js";

const MAX_TITLE = 160;
const MAX_DESCRIPTION = 4000;

interface Analysis {
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

function analyze(item: MdListItem): Analysis {
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

function anyMarked(item: MdListItem, analyses: Map<MdListItem, Analysis>): boolean {
  return item.children.some((c) => analyses.get(c)?.marked === true || anyMarked(c, analyses));
}

function flattenText(items: MdListItem[], analyses: Map<MdListItem, Analysis>): string[] {
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

interface Draft {
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
function answerOptions(it: MdListItem, a: Analysis, analyses: Map<MdListItem, Analysis>): string[] | undefined {
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

/** Builds the checklist model from a read document. */
export function buildChecklist(md: MdDocument, fallbackName: string): BuildResult {
  const skipped: SkippedLine[] = [];
  const warnings: string[] = [];
  const usedPriorityLines = new Set<number>();
  const decisions: string[] = [];
  const mappings: BuildResult["mappings"] = [];
  const mapped = (word: string, severity: Severity): void => {
    const w = word.length > 60 ? `${word.slice(0, 59)}…` : word;
    if (!mappings.some((m) => m.word.toLowerCase() === w.toLowerCase())) mappings.push({ word: w, severity });
  };
  const analyses = new Map<MdListItem, Analysis>();
  let signoffs: BuildResult["signoffs"];

  const collect = (s: MdSection): void => {
    const walk = (items: MdListItem[]): void => {
      for (const it of items) {
        analyses.set(it, analyze(it));
        walk(it.children);
      }
    };
    walk(s.entries.filter((e): e is MdListItem => e.kind === "list"));
    s.sections.forEach(collect);
  };
  collect(md.root);
  let marked = 0;
  for (const a of analyses.values()) if (a.marked) marked++;
  // Rows of tables that hold items mark items too: plain bullets beside them are prose.
  let tableRows = 0;
  const countTables = (s: MdSection): void => {
    if (s.skip) return;
    for (const e of s.entries) {
      if (e.kind === "table" && tableColumns(e.header.map((h) => cleanInline(h).toLowerCase()), e.rows.map((r) => r.cells), CHECKLIST_SECTION.test(s.title))) tableRows += e.rows.length;
    }
    s.sections.forEach(countTables);
  };
  countTables(md.root);
  /** A file that marks its items: plain bullets in it are notes. */
  const fileMarksItems = marked + tableRows > 0 && (marked + tableRows) * 4 >= analyses.size + tableRows;
  const unmarkedLines: number[] = [];

  const skip = (line: number, reason: SkipReason, text: string): void => {
    skipped.push({ line, reason, text: text.length > 200 ? `${text.slice(0, 199)}…` : text });
  };

  /**
   * `group` is the status of a heading such as `### 🔄 In Progress` or `### ✅ Completed`: unmarked
   * items under it take that status, and open boxes under an in-progress/partial one take it too.
   */
  const listItems = (items: MdListItem[], prefix: string, inherited: Severity | undefined, out: OutItem[], group?: ManualStatus, goal?: string): void => {
    for (const it of items) {
      const found = analyses.get(it);
      if (!found) continue;
      let a = found;
      // Under "Success criteria" / "Definition of done", ✅ bullets describe the goal: not items, not claims.
      if (goal && !a.boxed) {
        skip(it.line, "goal", it.text);
        for (const l of childLines(it.children)) skip(l, "goal", "");
        continue;
      }
      // `- [ ] Events - [ ] API .status - [ ] Other` on one line: the options of a question, not items.
      if (a.boxed && INLINE_OPTIONS.test(it.text)) {
        skip(it.line, "answer-option", it.text);
        decisions.push(`line ${it.line}: several checkboxes on one line read as answer options, not items`);
        continue;
      }
      // A question whose nested boxes are short answers: one item, the answers in its description.
      const options = answerOptions(it, a, analyses);
      if (options) {
        for (const c of it.children) skip(c.line, "answer-option", c.text);
        for (const l of childLines(it.children.flatMap((c) => c.children))) skip(l, "answer-option", "");
        decisions.push(`line ${it.line}: the ${options.length} checkboxes under "${truncate(a.title, 60)}" are answer options, not items`);
        out.push(makeItem(a, prefix ? `${prefix} › ${a.title}` : a.title, a.severity ?? inherited, it.line, [`options: ${options.join(", ")}`]));
        continue;
      }
      if (group && !a.legend && !a.linkOnly) {
        if (!a.marked) a = { ...a, marked: true, status: group };
        else if (a.open && a.status === "missing" && (group === "in-progress" || group === "partial")) a = { ...a, status: group };
      }
      const severity = a.severity ?? inherited;
      const title = prefix ? `${prefix} › ${a.title}` : a.title;
      const childClaims = anyMarked(it, analyses);
      if (a.legend) {
        skip(it.line, "legend", it.text);
        continue;
      }
      if (a.linkOnly && it.children.length === 0) {
        skip(it.line, "link-list", it.text);
        continue;
      }
      if (it.children.length > 0 && childClaims) {
        if (a.marked) out.push(makeItem(a, title, severity, it.line, []));
        listItems(it.children, title, severity, out, group, goal);
        continue;
      }
      if (!a.marked && fileMarksItems) {
        skip(it.line, "unmarked-item", it.text);
        unmarkedLines.push(it.line);
        for (const l of childLines(it.children)) skip(l, "unmarked-item", "");
        continue;
      }
      out.push(makeItem(a, title, severity, it.line, flattenText(it.children, analyses)));
    }
  };

  const makeItem = (a: Analysis, title: string, severity: Severity | undefined, line: number, folded: string[]): OutItem => {
    let description = a.description;
    if (folded.length > 0) description = truncate([description, folded.join("; ")].filter(Boolean).join(" — "), MAX_DESCRIPTION);
    if (a.conflict) warnings.push(`line ${line}: an open checkbox that also says done; imported as status: missing`);
    // Suggestions from the item's own words: a `Parent › child` prefix would repeat the parent's.
    const item: OutItem = { id: "", title, line, probes: suggestProbes(`${a.title} ${description}`, a.raw, a.links) };
    if (description) item.description = description;
    if (severity) item.severity = severity;
    if (a.status) item.status = a.status;
    if (a.status === "n/a") item.reason = `marked not applicable in the source (line ${line})`;
    if (a.note) item.note = a.note;
    if (a.docs) item.docs = a.docs;
    if (a.badge && a.severity) mapped(a.badge, a.severity);
    return item;
  };

  const tableItems = (t: MdTable, inherited: Severity | undefined, out: OutItem[], checklistSection: boolean): void => {
    const header = t.header.map((h) => cleanInline(h));
    const lower = header.map((h) => h.toLowerCase());
    const isSignoff = lower.some((h) => h === "role") && lower.some((h) => /sign|approv/.test(h));
    if (isSignoff) {
      const roleCol = lower.indexOf("role");
      const roles = t.rows.map((r) => cleanInline(r.cells[roleCol] ?? "")).filter(Boolean);
      if (roles.length > 0 && !signoffs) signoffs = { roles, line: t.line };
      return;
    }
    const cols = tableColumns(lower, t.rows.map((r) => r.cells), checklistSection);
    if (!cols) {
      skip(t.line, "table", t.header.join(" | "));
      for (const r of t.rows) skip(r.line, "table", r.cells.join(" | "));
      return;
    }
    decisions.push(`line ${t.line}: a table read as items (${cols.why})`);
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
        skip(row.line, "table", row.cells.join(" | "));
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
      const sevText = cols.severity !== undefined ? cleanInline(row.cells[cols.severity] ?? "") : "";
      const fromCell = sevText ? cellSeverity(sevText) : undefined;
      if (sevText && fromCell) mapped(fromCell.word, fromCell.severity);
      else if (sevText && cols.severity !== undefined) parts.push(`${header[cols.severity]}: ${sevText}`);
      let severity = fromCell?.severity;
      if (!severity && cols.levels.length > 0) {
        const k = cols.levels.findIndex((i) => levelMarked(row.cells[i] ?? ""));
        const level = LEVEL_SEVERITY[Math.min(k, LEVEL_SEVERITY.length - 1)];
        if (k >= 0 && level) {
          severity = level;
          mapped(`${header[cols.levels[k] ?? 0]} (level column ${k + 1} of ${cols.levels.length})`, severity);
        }
      }
      if (!severity && badge) {
        severity = badge.severity;
        mapped(badge.word, badge.severity);
      }
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
  };

  const section = (s: MdSection, inherited: Severity | undefined, goal?: string): Draft => {
    const clean = cleanInline(s.title);
    const claims = readClaims(clean);
    let title = stripPriorityAnnotation(stripTrailingSymbols(stripLeadingSymbols(claims.text))).replace(/\s*[:：]$/, "").trim();
    if (!title) title = clean || `Section at line ${s.line}`;
    let severity = headingSeverity(clean);
    if (!severity) {
      for (const p of s.paragraphs.flatMap((para) => para.lines)) {
        const sev = priorityLine(p.text);
        if (sev) {
          severity = sev;
          usedPriorityLines.add(p.line);
          break;
        }
      }
    }
    severity ??= inherited;
    const draft: Draft = { md: s, title: truncate(title, MAX_TITLE), line: s.line, items: [], sections: [] };
    const note = [claims.lead && claims.emoji ? claims.lead : "", claims.decoration ?? ""].filter(Boolean).join(" ");
    if (note) draft.note = `heading says ${note}`;
    const group = claims.lead && claims.status ? statusFromWords(title) : undefined;
    const goalHere = goal ?? (GOAL_SECTION.test(title) ? title : undefined);
    if (goalHere && !goal) decisions.push(`line ${s.line}: "${truncate(title, 60)}" describes goals: its bullets without a checkbox are not items and claim nothing`);
    if (!s.skip) {
      for (const e of s.entries) {
        if (e.kind === "list") listItems([e], "", severity, draft.items, group, goalHere);
        else tableItems(e, severity, draft.items, CHECKLIST_SECTION.test(title));
      }
    }
    draft.sections = s.sections.map((sub) => section(sub, severity, goalHere));
    return draft;
  };

  // The only H1, wrapping the whole document, is the checklist's title rather than a section.
  const root = md.root;
  const h1 = root.sections.find((s) => s.level === 1);
  const h1Title = h1 ? stripLeadingSymbols(readClaims(cleanInline(h1.title)).text).trim() : "";
  const name = md.frontMatterTitle ?? (h1Title || fallbackName);
  let drafts: Draft[];
  const general: Draft = { title: h1Title || "General", line: 0, items: [], sections: [] };
  if (h1 && root.sections.length === 1) {
    const top = section(h1, undefined);
    for (const item of top.items) general.items.push(item);
    general.line = h1.line;
    drafts = top.sections;
  } else drafts = root.sections.map((s) => section(s, undefined));
  const rootDraft = section({ ...root, title: general.title, sections: [] }, undefined);
  if (rootDraft.items.length > 0) {
    general.items = [...rootDraft.items, ...general.items];
    general.line = rootDraft.items[0]?.line ?? general.line;
  }
  if (general.items.length > 0) drafts.unshift(general);

  const prune = (list: Draft[]): Draft[] =>
    list
      .map((d) => ({ ...d, sections: prune(d.sections) }))
      .filter((d) => d.items.length > 0 || d.sections.length > 0);
  const kept = prune(drafts);

  // Ids in output order, unique across sections and items.
  const used = new Set<string>();
  const next = new Map<string, number>();
  const unique = (base: string): string => {
    let id = base;
    let n = next.get(base) ?? 2;
    while (used.has(id)) id = `${base}-${n++}`;
    next.set(base, n);
    used.add(id);
    return id;
  };
  const idFor = (title: string, kind: "section" | "item", line: number): string => {
    const sluggable = /[A-Za-z0-9]/.test(title) || /[A-Za-z0-9]/.test(title.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""));
    return unique(sluggable ? slugify(title) : `${kind}-${line}`);
  };
  const finish = (d: Draft): OutSection => {
    const out: OutSection = { id: idFor(stripNumbering(d.title), "section", d.line), title: d.title, line: d.line, items: [], sections: [] };
    if (d.note) out.note = d.note;
    for (const item of d.items) {
      item.id = idFor(item.title, "item", item.line);
      out.items.push(item);
    }
    out.sections = d.sections.map(finish);
    return out;
  };
  const sections = kept.map(finish);

  // Accounting: priority lines that set a severity were used, not skipped.
  const allSkipped = [...md.skipped.filter((s) => !(s.reason === "paragraph" && usedPriorityLines.has(s.line))), ...skipped.filter((s) => s.text !== "" || s.reason !== "unmarked-item")];
  for (const s of skipped) if (s.text === "" && s.reason === "unmarked-item") allSkipped.push({ ...s, text: "(nested under an unmarked item)" });
  allSkipped.sort((a, b) => a.line - b.line);
  if (unmarkedLines.length > 0) {
    const shown = unmarkedLines.slice(0, 8).join(", ");
    warnings.push(
      `${unmarkedLines.length} plain list item${unmarkedLines.length === 1 ? " was" : "s were"} not imported: this file marks its items (checkboxes, status emoji or item tables), so unmarked bullets read as notes (line${unmarkedLines.length === 1 ? "" : "s"} ${shown}${unmarkedLines.length > 8 ? ", …" : ""})`,
    );
  }
  const result: BuildResult = { name, sections, skipped: allSkipped, warnings, mappings, decisions };
  if (signoffs) result.signoffs = signoffs;
  return result;
}
