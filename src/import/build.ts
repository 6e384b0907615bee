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
import { cellStatus, headingSeverity, itemSeverity, leadingMarkersEnd, priorityLine, readClaims, severityFromWord, statusFromWords, takeCheckbox } from "./claims.js";
import type { OutItem, OutSection } from "./emit.js";
import { cleanInline, splitBoldTitle, stripLeadingSymbols, stripTrailingSymbols, stripNumbering, stripPriorityAnnotation } from "./inline.js";
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
}

/** What building produced, besides the sections. */
export interface BuildResult {
  name: string;
  sections: OutSection[];
  skipped: SkippedLine[];
  warnings: string[];
  signoffs?: { roles: string[]; line: number };
}

const LINK_ONLY = /^\s*(?:\[[^\]\n]{0,500}\]\([^)\s]{0,2000}\)|<https?:\/\/[^>\s]{1,2000}>|https?:\/\/\S{1,2000})\s*[.,;]?\s*$/;

function analyze(item: MdListItem): Analysis {
  const { box, rest } = takeCheckbox(item.text);
  const links: string[] = [];
  // Leading emoji may precede a bold title (`✅ **Title** - text`): split after them.
  const cleanAll = cleanInline(rest, links);
  const leadEnd = leadingMarkersEnd(rest);
  const split = splitBoldTitle(rest.slice(leadEnd));
  const titleClaims = readClaims(split ? cleanInline(`${rest.slice(0, leadEnd)} ${split.title}`) : cleanAll);
  const descClaims = split ? readClaims(cleanInline(split.description)) : undefined;
  const more = item.more.map((m) => cleanInline(m, links)).filter(Boolean);

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
    raw: [rest, ...item.more].join(" "),
    conflict,
    open: box === "open",
  };
  if (status) result.status = status;
  const severity = itemSeverity(cleanAll) ?? titleClaims.severity ?? descClaims?.severity;
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

const STATUS_HEADER = /^(?:status|state|done\??|complete[d]?\??|ready\??|result|checked|✅|✔️?|☑️?)$|\bstatus\b/;
const SEVERITY_HEADER = /^(?:priority|severity|criticality|sev|level|prio)$/;
const CHECKLIST_HEADER = /^(?:check|checks|check name|checkpoint|item|items|task|tasks|requirement|requirements|control|controls|criteri(?:on|a)|test|tests|step|steps|gate|gates|deliverable|deliverables|action|actions|activity)$/;

/** Builds the checklist model from a read document. */
export function buildChecklist(md: MdDocument, fallbackName: string): BuildResult {
  const skipped: SkippedLine[] = [];
  const warnings: string[] = [];
  const usedPriorityLines = new Set<number>();
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
  /** A file that marks its items: plain bullets in it are notes. */
  const fileMarksItems = marked > 0 && marked * 4 >= analyses.size;
  const unmarkedLines: number[] = [];

  const skip = (line: number, reason: SkipReason, text: string): void => {
    skipped.push({ line, reason, text: text.length > 200 ? `${text.slice(0, 199)}…` : text });
  };

  /**
   * `group` is the status of a heading such as `### 🔄 In Progress` or `### ✅ Completed`: unmarked
   * items under it take that status, and open boxes under an in-progress/partial one take it too.
   */
  const listItems = (items: MdListItem[], prefix: string, inherited: Severity | undefined, out: OutItem[], group?: ManualStatus): void => {
    for (const it of items) {
      const found = analyses.get(it);
      if (!found) continue;
      let a = found;
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
        listItems(it.children, title, severity, out, group);
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
    return item;
  };

  const tableItems = (t: MdTable, inherited: Severity | undefined, out: OutItem[]): void => {
    const header = t.header.map((h) => cleanInline(h));
    const lower = header.map((h) => h.toLowerCase());
    const statusCol = lower.findIndex((h) => STATUS_HEADER.test(h));
    const sevCol = lower.findIndex((h) => SEVERITY_HEADER.test(h));
    const isSignoff = lower.some((h) => h === "role") && lower.some((h) => /sign|approv/.test(h));
    if (isSignoff) {
      const roleCol = lower.indexOf("role");
      const roles = t.rows.map((r) => cleanInline(r.cells[roleCol] ?? "")).filter(Boolean);
      if (roles.length > 0 && !signoffs) signoffs = { roles, line: t.line };
      return;
    }
    const checklistLike = CHECKLIST_HEADER.test(lower[0] ?? "") && header.length >= 2;
    if (statusCol < 0 && !checklistLike) {
      skip(t.line, "table", t.header.join(" | "));
      for (const r of t.rows) skip(r.line, "table", r.cells.join(" | "));
      return;
    }
    const titleCol = header.findIndex((_, i) => i !== statusCol && i !== sevCol);
    for (const row of t.rows) {
      const links: string[] = [];
      const claims = readClaims(cleanInline(row.cells[titleCol] ?? "", links));
      const title = stripPriorityAnnotation(claims.text);
      if (!title) {
        skip(row.line, "table", row.cells.join(" | "));
        continue;
      }
      const parts: string[] = [];
      const ports: number[] = [];
      header.forEach((h, i) => {
        if (i === titleCol || i === statusCol || i === sevCol) return;
        const v = cleanInline(row.cells[i] ?? "", links);
        if (!v) return;
        parts.push(h && !/^(?:description|details|notes?|comments?|how|what|criteria)$/i.test(h) ? `${h}: ${v}` : v);
        if (/\bport\b/i.test(h) && /^\d{2,5}$/.test(v)) ports.push(Number(v));
      });
      const description = truncate(parts.join("; "), MAX_DESCRIPTION);
      const statusText = statusCol >= 0 ? cleanInline(row.cells[statusCol] ?? "") : "";
      const status = statusCol >= 0 ? cellStatus(statusText) : claims.status;
      const sevText = sevCol >= 0 ? cleanInline(row.cells[sevCol] ?? "") : "";
      const severity = (sevText ? (severityFromWord(sevText.split(/\s+/)[0] ?? "") ?? itemSeverity(sevText)) : undefined) ?? itemSeverity(title) ?? claims.severity ?? inherited;
      const item: OutItem = { id: "", title: truncate(title, MAX_TITLE), line: row.line, probes: suggestProbes(`${title} ${description}`, row.cells.join(" "), links, ports) };
      if (description) item.description = description;
      if (severity) item.severity = severity;
      if (status) item.status = status;
      if (status === "n/a") item.reason = `marked not applicable in the source (line ${row.line})`;
      if (statusText) item.note = `${header[statusCol] ?? "status"}: ${statusText}`;
      out.push(item);
    }
  };

  const section = (s: MdSection, inherited: Severity | undefined): Draft => {
    const clean = cleanInline(s.title);
    const claims = readClaims(clean);
    let title = stripPriorityAnnotation(stripTrailingSymbols(stripLeadingSymbols(claims.text))).replace(/\s*[:：]$/, "").trim();
    if (!title) title = clean || `Section at line ${s.line}`;
    let severity = headingSeverity(clean);
    if (!severity) {
      for (const p of s.priorityLines) {
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
    if (!s.skip) {
      for (const e of s.entries) {
        if (e.kind === "list") listItems([e], "", severity, draft.items, group);
        else tableItems(e, severity, draft.items);
      }
    }
    draft.sections = s.sections.map((sub) => section(sub, severity));
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
      `${unmarkedLines.length} plain list item${unmarkedLines.length === 1 ? " was" : "s were"} not imported: this file marks its items with checkboxes or status emoji, so unmarked bullets read as notes (line${unmarkedLines.length === 1 ? "" : "s"} ${shown}${unmarkedLines.length > 8 ? ", …" : ""})`,
    );
  }
  const result: BuildResult = { name, sections, skipped: allSkipped, warnings };
  if (signoffs) result.signoffs = signoffs;
  return result;
}
