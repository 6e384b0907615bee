/**
 * `readiness import --update`: merges a fresh import of a Markdown checklist that changed into the
 * checklist YAML made from it earlier. Items are matched by id, then by normalised title, then by
 * section and position when the titles still share a word (a reworded item keeps its id and
 * everything recorded on it; its title follows the Markdown). New items and sections are added as
 * a fresh import writes them (comments and suggestions too); items no longer in the Markdown are
 * reported and kept, marked with a comment (`prune` removes those nothing was recorded on); an item
 * moved to another section moves with its whole text. Everything else in the file is left byte for
 * byte: the edits are text patches at the ranges the yaml Document gives, as the governance
 * editors make them.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap, type YAMLSeq } from "yaml";
import { ReadinessError } from "../errors.js";
import { applyEdits, renderScalar, type TextEdit } from "../governance/yaml-edit.js";
import { slugify } from "../util/text.js";

/** What an update did, item by item. */
export interface UpdateReport {
  added: { id: string; section: string }[];
  /** Items no longer in the Markdown: kept (marked) unless pruned. */
  removed: { id: string; title: string; pruned: boolean; why?: string }[];
  /** Items matched, title unchanged. */
  kept: number;
  /** Items matched whose title changed in the Markdown (id kept). */
  renamed: { id: string; from: string; to: string }[];
  /** Items the Markdown moved to another section. */
  moved: { id: string; from: string; to: string; kept?: string }[];
  /** Items written by hand (not from an import): left alone. */
  own: number;
  /** Sections added. */
  sections: string[];
}

export interface UpdateOptions {
  /** The Markdown's file name, for the removal comments. */
  source: string;
  /** ISO date, for the removal comments. */
  today: string;
  /** Remove items no longer in the Markdown when nothing was recorded on them. */
  prune?: boolean;
}

interface Block {
  /** Offset of the start of the item's first line, and just after its last line. */
  start: number;
  end: number;
  /** Column of the `-` that opens it. */
  dash: number;
}

interface OItem extends Block {
  id: string;
  title: string;
  titleNode?: Node;
  map: YAMLMap;
  section: OSection;
  /** Written by `readiness import` (its first line carries the `# line N` comment). */
  imported: boolean;
}

interface OSection extends Block {
  id: string;
  title: string;
  map: YAMLMap;
  parent?: OSection;
  items: OItem[];
  sections: OSection[];
  itemsSeq?: YAMLSeq;
  sectionsSeq?: YAMLSeq;
}

interface Outline {
  text: string;
  eol: string;
  sections: OSection[];
  sectionsSeq?: YAMLSeq;
  items: OItem[];
  root: YAMLMap;
}

/** Keys `readiness import` writes on an item: an item with other keys has something recorded on it. */
const IMPORTED_KEYS = new Set(["id", "title", "description", "severity", "status", "reason", "docs"]);
/** Comment lines `readiness import` writes inside an item (its probe suggestions). */
const IMPORTED_COMMENT = /^\s*#(?: probes: {2}\(suggested| {3})/;

const ITEMS = 0;
const SECTIONS = 100;
const MARKS = 1000;

const lineStart = (text: string, offset: number): number => text.lastIndexOf("\n", offset - 1) + 1;
const indentOf = (line: string): number => line.length - line.trimStart().length;
const blank = (line: string): boolean => line.trim() === "";

/** The block of lines of the sequence entry whose node starts at `offset`: up to the next line indented no deeper than its dash. */
function blockAt(text: string, offset: number, what: string): Block {
  const start = lineStart(text, offset);
  const head = text.slice(start, offset);
  if (!/^ *- +$/.test(head)) throw new ReadinessError(`cannot update ${what}: it is not written as a block mapping entry ("- id: …" on its own line)`, { code: "EUPDATE" });
  const dash = head.indexOf("-");
  let pos = text.indexOf("\n", offset);
  let end = pos === -1 ? text.length : pos + 1;
  while (pos !== -1 && pos + 1 < text.length) {
    const next = text.indexOf("\n", pos + 1);
    const line = text.slice(pos + 1, next === -1 ? text.length : next);
    if (!blank(line) && indentOf(line) <= dash) break;
    pos = next;
    if (!blank(line)) end = next === -1 ? text.length : next + 1;
  }
  return { start, end, dash };
}

const str = (map: YAMLMap, key: string): string | undefined => {
  const v = map.get(key, true);
  return isScalar(v) && (typeof v.value === "string" || typeof v.value === "number" || typeof v.value === "boolean") ? String(v.value) : undefined;
};

/** The sections and items of a checklist text, with where each is written. */
function outline(text: string, what: string): Outline {
  const doc = parseDocument(text, { keepSourceTokens: true, logLevel: "silent" });
  if (doc.errors.length) throw new ReadinessError(`${what}: not valid YAML: ${doc.errors[0]?.message ?? ""}`, { code: "EUPDATE" });
  const root = doc.contents;
  if (!isMap(root)) throw new ReadinessError(`${what}: not a checklist (no top-level mapping)`, { code: "EUPDATE" });
  const items: OItem[] = [];
  const walk = (seq: unknown, parent: OSection | undefined): OSection[] => {
    if (!isSeq(seq)) return [];
    return seq.items.flatMap((node): OSection[] => {
      if (!isMap(node) || !node.range) return [];
      const id = str(node, "id") ?? "";
      const section: OSection = { ...blockAt(text, node.range[0], `section "${id}"`), id, title: str(node, "title") ?? id, map: node, items: [], sections: [], ...(parent ? { parent } : {}) };
      const itemsSeq = node.get("items", true);
      if (isSeq(itemsSeq)) {
        section.itemsSeq = itemsSeq;
        itemsSeq.items.forEach((n) => {
          if (!isMap(n) || !n.range) return;
          const itemId = str(n, "id") ?? "";
          const b = blockAt(text, n.range[0], `item "${itemId}"`);
          const first = text.slice(b.start, text.indexOf("\n", b.start) === -1 ? text.length : text.indexOf("\n", b.start));
          const titleNode = n.get("title", true) as Node | undefined;
          const item: OItem = { ...b, id: itemId, title: str(n, "title") ?? itemId, map: n, section, imported: /#\s*line \d+/.test(first), ...(titleNode ? { titleNode } : {}) };
          section.items.push(item);
          items.push(item);
        });
      }
      const sub = node.get("sections", true);
      if (isSeq(sub)) section.sectionsSeq = sub;
      section.sections = walk(sub, section);
      return [section];
    });
  };
  const sectionsSeq = root.get("sections", true);
  const sections = walk(sectionsSeq, undefined);
  return { text, eol: text.includes("\r\n") ? "\r\n" : "\n", sections, items, root, ...(isSeq(sectionsSeq) ? { sectionsSeq } : {}) };
}

/** The Markdown line number in the `# line N` comment on the first line at `start`. */
function sourceLine(text: string, start: number): number | undefined {
  const end = text.indexOf("\n", start);
  const m = /#\s*line (\d+)/.exec(text.slice(start, end === -1 ? text.length : end));
  return m ? Number(m[1]) : undefined;
}

/** The edit that makes the `# line N` comment on the first line at `start` say `line`, when it says another. */
function lineEdit(text: string, start: number, line: number | undefined): TextEdit | undefined {
  const end = text.indexOf("\n", start);
  const m = /#\s*line (\d+)/.exec(text.slice(start, end === -1 ? text.length : end));
  if (!m?.[1] || line === undefined || Number(m[1]) === line) return undefined;
  const at = start + m.index + m[0].length - m[1].length;
  return { start: at, end: at + m[1].length, text: String(line) };
}

/** A title compared loosely: case, punctuation and spacing ignored. */
export function normalTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Words of a title that say something (three letters or more), cut to their first five letters. */
function words(title: string): Set<string> {
  return new Set(
    normalTitle(title)
      .split(" ")
      .filter((w) => w.length >= 3)
      .map((w) => w.slice(0, 5)),
  );
}

/** Fresh item → existing item: by id, by normalised title, by most words shared, then by section and position when a word is shared. */
function matchItems(fresh: OItem[], existing: OItem[], sectionOf: Map<OSection, OSection>): Map<OItem, OItem> {
  const match = new Map<OItem, OItem>();
  const taken = new Set<OItem>();
  const pair = (f: OItem, e: OItem | undefined): void => {
    if (!e || taken.has(e) || match.has(f)) return;
    match.set(f, e);
    taken.add(e);
  };
  // By id, then by title: first within the section the item is in now (twins with one title in
  // two sections each keep their own), then anywhere.
  const byId = (f: OItem, e: OItem): boolean => e.id === f.id && sameById(f, e);
  const byTitle = (f: OItem, e: OItem): boolean => e.imported && normalTitle(e.title) === normalTitle(f.title);
  for (const local of [true, false]) {
    for (const same of [byId, byTitle]) {
      for (const f of fresh) {
        if (match.has(f)) continue;
        pair(f, existing.find((e) => !taken.has(e) && (!local || sectionOf.get(f.section) === e.section) && same(f, e)));
      }
    }
  }
  // Reworded: most of the words kept (anywhere), the one clear candidate.
  for (const f of fresh) {
    if (match.has(f)) continue;
    const scored = existing.filter((e) => !taken.has(e) && e.imported).map((e) => ({ e, s: similarity(f.title, e.title) }));
    const best = scored.filter((x) => x.s >= 0.5).sort((a, b) => b.s - a.s);
    if (best[0] && (best.length === 1 || (best[1]?.s ?? 0) < best[0].s)) pair(f, best[0].e);
  }
  // Reworded in place: the k-th item left unmatched in a section is the k-th left in the import's, when a word is shared.
  for (const [f, e] of sectionOf) {
    const freshLeft = f.items.filter((i) => !match.has(i));
    const existingLeft = e.items.filter((i) => !taken.has(i) && i.imported);
    freshLeft.forEach((i, k) => {
      const x = existingLeft[k];
      if (x && similarity(i.title, x.title) > 0) pair(i, x);
    });
  }
  return match;
}

/** Shared words over all words of two titles (0 to 1). */
function similarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  const shared = [...wa].filter((w) => wb.has(w)).length;
  const all = new Set([...wa, ...wb]).size;
  return all ? shared / all : 0;
}

/**
 * Whether an id match is the same entry. An id the import made from the title (its slug) names the
 * same thing in both; one made from a line number (`item-42`, for a title without Latin letters)
 * or numbered apart from a twin (`backups-2`) moves when the Markdown does: then the titles must agree.
 */
function sameById(f: { id: string; title: string }, e: { title: string }): boolean {
  return slugify(f.title) === f.id || normalTitle(f.title) === normalTitle(e.title);
}

const allSections = (list: OSection[]): OSection[] => list.flatMap((s) => [s, ...allSections(s.sections)]);

/** Fresh section → existing section: by id, then by normalised title. */
function matchSections(fresh: OSection[], existing: OSection[]): Map<OSection, OSection> {
  const ex = allSections(existing);
  const out = new Map<OSection, OSection>();
  for (const f of allSections(fresh)) {
    const e = ex.find((s) => s.id === f.id && sameById(f, s)) ?? ex.find((s) => normalTitle(s.title) === normalTitle(f.title));
    if (e && ![...out.values()].includes(e)) out.set(f, e);
  }
  return out;
}

/** `text` re-indented by `by` columns (lines that are blank are left as they are). */
function shift(text: string, by: number): string {
  if (by === 0) return text;
  return text.replace(/^( *)(?=[^\r\n])/gm, (pad: string) => (by > 0 ? pad + " ".repeat(by) : pad.slice(Math.min(pad.length, -by))));
}

/** Whether something was recorded on an existing item: a key or a comment `readiness import` does not write. */
function recorded(text: string, item: OItem): boolean {
  if (item.map.items.some((p) => !IMPORTED_KEYS.has(isScalar(p.key) ? String(p.key.value) : String(p.key)))) return true;
  const lines = text.slice(item.start, item.end).split("\n").slice(1);
  return lines.some((l) => l.trimStart().startsWith("#") && !IMPORTED_COMMENT.test(l));
}

/** Ids named in `depends_on` anywhere in the document. */
function dependedOn(items: OItem[]): Set<string> {
  const out = new Set<string>();
  for (const i of items) {
    const deps = i.map.get("depends_on", true);
    if (isSeq(deps)) for (const d of deps.items) if (isScalar(d)) out.add(String(d.value));
  }
  return out;
}

/**
 * Merges `freshYaml` (what `readiness import` writes for the Markdown now) into `existingText`
 * (the checklist made from it earlier, with what people recorded since). Pure: text in, text out.
 */
export function updateChecklist(existingText: string, freshYaml: string, options: UpdateOptions): { text: string; report: UpdateReport } {
  const ex = outline(existingText, "the checklist");
  const fr = outline(freshYaml, "the import");
  const eol = ex.eol;
  const text = existingText;
  const sectionOf = matchSections(fr.sections, ex.sections);
  const match = matchItems(fr.items, ex.items, sectionOf);
  const matched = new Set(match.values());
  const report: UpdateReport = { added: [], removed: [], kept: 0, renamed: [], moved: [], own: 0, sections: [] };
  const edits: TextEdit[] = [];
  const nl = (s: string): string => (eol === "\n" ? s : s.replace(/\r?\n/g, eol));

  // What a matched item becomes: its own text, with the Markdown's title and source line.
  const changes = new Map<OItem, TextEdit[]>();
  for (const [f, e] of match) {
    const list: TextEdit[] = [];
    const line = lineEdit(text, e.start, sourceLine(freshYaml, f.start));
    if (line) list.push(line);
    if (f.title !== e.title && e.titleNode?.range) {
      report.renamed.push({ id: e.id, from: e.title, to: f.title });
      const r = e.titleNode.range;
      // Both titles are as written in YAML (a `${` already escaped as `$${` by the import).
      list.push({ start: r[0], end: r[1], text: renderScalar(f.title, Boolean(e.map.flow), isScalar(e.titleNode) ? e.titleNode.type : undefined) });
    } else report.kept++;
    changes.set(e, list);
  }
  for (const [f, e] of sectionOf) {
    const line = lineEdit(text, e.start, sourceLine(freshYaml, f.start));
    if (line) edits.push(line);
  }
  const itemText = (e: OItem): string => applyEdits(text.slice(e.start, e.end), (changes.get(e) ?? []).map((c) => ({ ...c, start: c.start - e.start, end: c.end - e.start })));

  // Items the Markdown moved to another section go with their whole text, unless that would leave
  // their old section without items.
  const leaving = new Map<OSection, number>();
  const moves = new Set<OItem>();
  for (const [f, e] of match) {
    const target = sectionOf.get(f.section);
    if (target === e.section) continue;
    const left = e.section.items.length - (leaving.get(e.section) ?? 0) - 1;
    const to = target?.id ?? f.section.id;
    if (left < 1) {
      report.moved.push({ id: e.id, from: e.section.id, to, kept: `the last item of section ${e.section.id}: left there` });
      continue;
    }
    leaving.set(e.section, (leaving.get(e.section) ?? 0) + 1);
    moves.add(e);
    report.moved.push({ id: e.id, from: e.section.id, to });
  }
  const placed = (f: OItem): OItem | undefined => {
    const e = match.get(f);
    return e && !moves.has(e) && sectionOf.get(f.section) === e.section ? e : undefined;
  };
  // A new entry whose id the file already uses for something else (an id made from a line number
  // that moved) gets the next free one.
  const used = new Set([...ex.items.map((i) => i.id), ...allSections(ex.sections).map((x) => x.id), ...fr.items.map((i) => i.id), ...allSections(fr.sections).map((x) => x.id)]);
  const taken = new Set([...ex.items.map((i) => i.id), ...allSections(ex.sections).map((x) => x.id)]);
  const freshText = (entry: OItem | OSection, end: number): { id: string; text: string } => {
    let body = nl(freshYaml.slice(entry.start, end));
    let id = entry.id;
    if (taken.has(id)) {
      let n = 2;
      while (used.has(`${entry.id}-${n}`)) n++;
      id = `${entry.id}-${n}`;
      used.add(id);
      body = body.replace(/^( *- id: )\S+/, `$1${id}`);
    }
    return { id, text: body };
  };
  // The text of a fresh item where it goes: the existing item's (moved) or the fresh one (added).
  const entryText = (f: OItem, dash: number): string => {
    const e = match.get(f);
    if (e) return shift(itemText(e), dash - e.dash);
    const { id, text: body } = freshText(f, f.end);
    report.added.push({ id, section: f.section.id });
    return shift(body, dash - f.dash);
  };
  // A whole new section: its own lines from the import, then its items and subsections as above.
  const sectionText = (s: OSection, dash: number): string => {
    const keys = s.map.items.filter((p) => isScalar(p.key) && (p.key.value === "items" || p.key.value === "sections")).map((p) => (p.key as Node).range?.[0] ?? s.end);
    const head = freshText(s, keys.length ? lineStart(freshYaml, Math.min(...keys)) : s.end);
    report.sections.push(head.id);
    let out = shift(head.text, dash - s.dash);
    const key = " ".repeat(dash + 2);
    const entries = s.items.filter((f) => !match.get(f) || moves.has(match.get(f) as OItem));
    if (entries.length) out += `${key}items:${eol}${entries.map((f) => entryText(f, dash + 4)).join("")}`;
    if (s.sections.length) out += `${key}sections:${eol}${s.sections.map((sub) => sectionText(sub, dash + 4)).join("")}`;
    return out;
  };
  const endsWithNewline = (at: number): string => (at > 0 && text[at - 1] !== "\n" ? eol : "");
  // Insertions by place. Where several land at one offset, in this order: items that follow the
  // item above, new sections (deepest first), then the removal mark of the item below.
  const inserts = new Map<number, { rank: number; seq: number; text: string }[]>();
  let seq = 0;
  const insert = (at: number, rank: number, body: string): void => {
    inserts.set(at, [...(inserts.get(at) ?? []), { rank, seq: seq++, text: body }]);
  };
  const depth = (s: OSection | undefined): number => (s ? 1 + depth(s.parent) : 0);

  // New and moved items into sections that exist: after the item that precedes them in the Markdown.
  for (const [f, e] of sectionOf) {
    let after: number | undefined;
    let pending: OItem[] = [];
    const flush = (): void => {
      if (!pending.length) return;
      const dash = e.items[0]?.dash ?? e.dash + 4;
      const body = pending.map((p) => entryText(p, dash)).join("");
      pending = [];
      if (after !== undefined) insert(after, ITEMS, endsWithNewline(after) + body);
      else if (e.items[0]) insert(e.items[0].start, ITEMS, body);
      else {
        // A section without items of its own yet: `items:` after its title line.
        const titleLineEnd = text.indexOf("\n", e.map.get("title", true) ? ((e.map.get("title", true) as Node).range?.[1] ?? e.start) : e.start);
        const at = titleLineEnd === -1 ? text.length : titleLineEnd + 1;
        insert(at, ITEMS, `${endsWithNewline(at)}${" ".repeat(e.dash + 2)}items:${eol}${body}`);
      }
    };
    for (const item of f.items) {
      const there = placed(item);
      if (there) {
        flush();
        after = there.end;
        continue;
      }
      const m = match.get(item);
      if (m && !moves.has(m)) continue; // matched elsewhere and staying there
      pending.push(item);
    }
    flush();
  }
  // New sections: at the end of their parent's subsections (or of the top-level sections).
  const newTop = fr.sections.filter((s) => !sectionOf.has(s));
  const newSub = [...sectionOf.keys()].flatMap((f) => f.sections.filter((s) => !sectionOf.has(s)).map((s) => ({ s, parent: sectionOf.get(f) as OSection })));
  const appendSections = (list: OSection[], parent: OSection | undefined): void => {
    if (!list.length) return;
    const existing = parent ? parent.sections : ex.sections;
    const last = existing[existing.length - 1];
    const dash = last?.dash ?? (parent ? parent.dash + 4 : 2);
    const body = list.map((s) => sectionText(s, dash)).join("");
    // Deeper sections first where several end at one place: each belongs under the one above it.
    const rank = SECTIONS - depth(parent);
    if (last) insert(last.end, rank, endsWithNewline(last.end) + body);
    else if (parent) insert(parent.end, rank, `${endsWithNewline(parent.end)}${" ".repeat(parent.dash + 2)}sections:${eol}${body}`);
    else throw new ReadinessError("the checklist has no sections to add to", { code: "EUPDATE" });
  };
  appendSections(newTop, undefined);
  const byParent = new Map<OSection, OSection[]>();
  for (const { s, parent } of newSub) byParent.set(parent, [...(byParent.get(parent) ?? []), s]);
  for (const [parent, list] of byParent) appendSections(list, parent);

  // Items no longer in the Markdown: reported, kept and marked, or pruned when nothing is recorded on them.
  const deps = dependedOn(ex.items);
  const removing = new Map<OSection, number>();
  for (const e of ex.items) {
    if (matched.has(e)) {
      if (moves.has(e)) edits.push({ start: e.start, end: e.end, text: "" });
      else edits.push(...(changes.get(e) ?? []));
      continue;
    }
    if (!e.imported) {
      report.own++;
      continue;
    }
    let why: string | undefined;
    if (options.prune) {
      const left = e.section.items.length - (leaving.get(e.section) ?? 0) - (removing.get(e.section) ?? 0) - 1;
      why = recorded(text, e) ? "something is recorded on it" : deps.has(e.id) ? "another item depends on it" : left < 1 ? `the last item of section ${e.section.id}` : undefined;
      if (!why) {
        removing.set(e.section, (removing.get(e.section) ?? 0) + 1);
        report.removed.push({ id: e.id, title: e.title, pruned: true });
        edits.push({ start: e.start, end: e.end, text: "" });
        continue;
      }
    }
    report.removed.push({ id: e.id, title: e.title, pruned: false, ...(why ? { why } : {}) });
    const mark = `# removed from ${options.source} on`;
    const before = text.slice(lineStart(text, Math.max(0, e.start - 1)), e.start);
    if (!before.includes(mark)) insert(e.start, MARKS, `${" ".repeat(e.dash)}${mark} ${options.today}${eol}`);
  }

  for (const [at, list] of inserts) edits.push({ start: at, end: at, text: list.sort((a, b) => a.rank - b.rank || a.seq - b.seq).map((x) => x.text).join("") });
  let out = applyEdits(text, edits);
  out = declareVars(out, freshYaml, eol);
  return { text: out, report };
}

/** Adds the `vars` the fresh import declares and the merged text uses but does not declare, with their TODO comments. */
function declareVars(text: string, freshYaml: string, eol: string): string {
  const fresh = parseDocument(freshYaml, { logLevel: "silent" }).get("vars", true);
  if (!isMap(fresh) || !fresh.range) return text;
  const doc = parseDocument(text, { logLevel: "silent" });
  const vars = doc.get("vars", true);
  const declared = new Set(isMap(vars) ? vars.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)) : []);
  const lines = freshYaml.slice(fresh.range[0], fresh.range[2]).split("\n");
  const wanted = lines.filter((l) => {
    const name = /^\s*([a-z_]+):/.exec(l)?.[1];
    return name !== undefined && !declared.has(name) && text.includes(`\${vars.${name}}`);
  });
  if (!wanted.length) return text;
  const body = wanted.map((l) => `  ${l.trim()}${eol}`).join("");
  if (isMap(vars) && vars.range && !vars.flow) {
    const at = vars.range[2];
    const pad = vars.items[0]?.key && (vars.items[0].key as Node).range ? ((vars.items[0].key as Node).range as [number, number, number])[0] - lineStart(text, ((vars.items[0].key as Node).range as [number, number, number])[0]) : 2;
    return text.slice(0, at) + (text[at - 1] === "\n" ? "" : eol) + shift(body, pad - 2) + text.slice(at);
  }
  if (vars !== undefined) return text; // flow-style or odd vars: left for the person to declare
  const root = doc.contents;
  const anchor = isMap(root) ? root.items.find((p) => isScalar(p.key) && (p.key.value === "gate" || p.key.value === "sections")) : undefined;
  const at = anchor && isScalar(anchor.key) && anchor.key.range ? lineStart(text, anchor.key.range[0]) : text.length;
  return `${text.slice(0, at)}vars:${eol}${body}${text.slice(at)}`;
}

/** The report of an update, for stderr: the counts, then a line per change. */
export function formatUpdateReport(r: UpdateReport, file: string, source: string): string {
  const pruned = r.removed.filter((x) => x.pruned).length;
  const lines = [
    `Updated ${file} from ${source}: added ${r.added.length}, removed ${r.removed.length}${pruned ? ` (${pruned} pruned)` : ""}, kept ${r.kept}, renamed ${r.renamed.length}, moved ${r.moved.filter((m) => !m.kept).length}${r.own ? `; ${r.own} item${r.own === 1 ? "" : "s"} not from the import left as they are` : ""}`,
  ];
  for (const s of r.sections) lines.push(`  new section  ${s}`);
  for (const a of r.added) lines.push(`  added        ${a.id} (section ${a.section})`);
  for (const x of r.renamed) lines.push(`  renamed      ${x.id}: "${x.from}" → "${x.to}" (id kept)`);
  for (const m of r.moved) lines.push(`  moved        ${m.id}: section ${m.from} → ${m.to}${m.kept ? ` — not moved: ${m.kept}` : ""}`);
  for (const x of r.removed) lines.push(`  removed      ${x.id} ("${x.title}") — ${x.pruned ? "pruned" : `kept, marked with a comment${x.why ? ` (not pruned: ${x.why})` : ""}`}`);
  return lines.join("\n");
}
