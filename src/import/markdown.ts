/**
 * Markdown blocks for the importer, read with markdown-it (CommonMark plus GFM tables): headings
 * into a section tree, list items (with nesting; task boxes stay in the text for `claims.ts`) and
 * tables into entries of the current section, prose lines kept per section, and every other
 * non-blank line recorded as skipped with the reason. Positions come from markdown-it's line maps.
 * Front matter is cut off before parsing (its lines kept blank so that line numbers hold) and its
 * `title:` read with `yaml`. Only block tokens are needed: inline text is read by `inline.ts`.
 */
import MarkdownIt from "markdown-it";
import { isMap, parseDocument } from "yaml";

/** Why a non-blank line did not become a heading or an item. */
export type SkipReason =
  | "front-matter"
  | "code-block"
  | "html"
  | "table-of-contents"
  | "legend"
  | "notes"
  | "link-list"
  | "paragraph"
  | "table"
  | "unmarked-item"
  | "empty-item"
  | "goal"
  | "answer-option"
  | "too-deep";

/** One line the importer read but did not turn into an item or a section. */
export interface SkippedLine {
  line: number;
  reason: SkipReason;
  text: string;
}

/** A list item as written: its first line, its other lines (inline Markdown) and nested items. */
export interface MdListItem {
  kind: "list";
  line: number;
  text: string;
  more: string[];
  children: MdListItem[];
}

/** A pipe table: header cells and rows, as written. */
export interface MdTable {
  kind: "table";
  line: number;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

/** What a section holds, in document order. */
export type MdEntry = MdListItem | MdTable;

/** Sections whose content is never imported, by heading. */
export type SkipMode = "table-of-contents" | "legend" | "notes";

/** A paragraph (or block quote) directly in a section: its non-blank lines, as written. */
export interface MdParagraph {
  line: number;
  lines: { line: number; text: string }[];
}

/** A heading and what is under it. The root has level 0 and no title. */
export interface MdSection {
  level: number;
  title: string;
  line: number;
  skip?: SkipMode;
  entries: MdEntry[];
  sections: MdSection[];
  /** Paragraphs directly in this section (skipped as prose; `Priority: High` lines are read from them). */
  paragraphs: MdParagraph[];
  parent?: MdSection;
}

/** The document as read. */
export interface MdDocument {
  root: MdSection;
  /** `title:` from YAML front matter, if any. */
  frontMatterTitle?: string;
  skipped: SkippedLine[];
}

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

/** Block structure only; `maxNesting` bounds how deep quotes and lists are followed. */
const parser = new MarkdownIt("default", { html: true, linkify: false, typographer: false, maxNesting: 100 }).disable(["inline"]);

export function skipModeOf(title: string): SkipMode | undefined {
  const t = title
    .toLowerCase()
    .replace(/[*_`#:]/g, "")
    .replace(/^[^\p{L}\p{N}]+/u, "")
    .replace(/^\d+(?:\.\d+)*[.)]?\s+/, "")
    .trim();
  if (/^(table of contents|contents|toc|index|inhalt|目次|目录)$/.test(t)) return "table-of-contents";
  if (/\blegend\b|^key$/.test(t)) return "legend";
  if (/^(notes?|references?|links|resources|see also|glossary|change ?log|revision history|document history|further reading)$/.test(t)) return "notes";
  return undefined;
}

/** Text without HTML comments; an unclosed comment runs to the end. Linear. */
export function withoutComments(text: string): string {
  let out = "";
  let from = 0;
  for (let start = text.indexOf("<!--"); start >= 0; start = text.indexOf("<!--", from)) {
    out += text.slice(from, start);
    const end = text.indexOf("-->", start + 4);
    if (end < 0) return out;
    from = end + 3;
  }
  return out + text.slice(from);
}

/**
 * Front matter: YAML (`---`) or TOML (`+++`) from the first line to the closing fence (`---`,
 * `...` or `+++`). Returns the fence's last line index and the title, or undefined.
 */
export function frontMatter(lines: readonly string[]): { end: number; title?: string } | undefined {
  const first = lines[0]?.trim();
  if (first !== "---" && first !== "+++") return undefined;
  for (let j = 1; j < lines.length; j++) {
    const t = lines[j]?.trim();
    if (t !== first && !(first === "---" && t === "...")) continue;
    const body = lines.slice(1, j).join("\n");
    let title: unknown;
    if (first === "---") {
      // Hand-written front matter is often not quite YAML (`key:"value"`): read what parses.
      const doc = parseDocument(body, { prettyErrors: false, uniqueKeys: false });
      if (isMap(doc.contents)) title = doc.get("title");
    } else title = /^title\s*=\s*(["']?)(.+)\1\s*$/m.exec(body)?.[2];
    return typeof title === "string" && title.trim() ? { end: j, title: title.trim() } : { end: j };
  }
  return undefined;
}

/** A setext heading's lines as one line (split, not a regex: linear on long runs of spaces). */
function oneLine(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}

/** Index of the token that closes the block opened at `open` (itself for a self-contained block). */
function closeOf(tokens: readonly Token[], open: number): number {
  const t = tokens[open];
  if (!t || t.nesting !== 1) return open;
  for (let j = open + 1; j < tokens.length; j++) {
    const c = tokens[j];
    if (c && c.nesting === -1 && c.level === t.level) return j;
  }
  return tokens.length - 1;
}

/** The reading state: source lines, what was skipped, and the section being filled. */
class Reader {
  readonly skipped: SkippedLine[] = [];
  /** Lines already skipped: one line nesting many empty bullets is listed once. */
  private readonly skippedLines = new Set<number>();
  readonly root: MdSection = { level: 0, title: "", line: 0, entries: [], sections: [], paragraphs: [] };
  current: MdSection = this.root;

  constructor(private readonly lines: readonly string[]) {}

  skip(index: number, reason: SkipReason): void {
    const t = (this.lines[index] ?? "").trim();
    if (!t || this.skippedLines.has(index)) return;
    this.skippedLines.add(index);
    this.skipped.push({ line: index + 1, reason, text: t.length > 200 ? `${t.slice(0, 199)}…` : t });
  }

  skipRange(map: [number, number] | null, reason: SkipReason): void {
    if (map) for (let k = map[0]; k < map[1]; k++) this.skip(k, reason);
  }

  openHeading(level: number, title: string, line: number): void {
    let parent = this.current;
    while (parent !== this.root && parent.level >= level) parent = parent.parent ?? this.root;
    const section: MdSection = { level, title, line, entries: [], sections: [], paragraphs: [], parent };
    const mode = skipModeOf(title) ?? parent.skip;
    if (mode) section.skip = mode;
    parent.sections.push(section);
    this.current = section;
  }

  /** Reads the top-level blocks of `tokens`. */
  read(tokens: readonly Token[]): void {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!t) continue;
      const end = closeOf(tokens, i);
      this.block(tokens, i, end);
      i = end;
    }
  }

  private block(tokens: readonly Token[], i: number, end: number): void {
    const t = tokens[i];
    if (!t) return;
    const mode = this.current.skip;
    switch (t.type) {
      case "heading_open":
        this.openHeading(Number(t.tag.slice(1)), oneLine(tokens[i + 1]?.content ?? ""), (t.map?.[0] ?? 0) + 1);
        return;
      case "hr":
        return;
      case "fence":
      case "code_block":
        this.skipRange(t.map, "code-block");
        return;
      case "html_block":
        this.skipRange(t.map, "html");
        return;
      case "table_open":
        if (mode) this.skipRange(t.map, mode);
        else this.current.entries.push(this.table(tokens, i, end));
        return;
      case "bullet_list_open":
      case "ordered_list_open":
        if (mode) this.skipRange(t.map, mode);
        else for (const item of this.list(tokens, i, end)) this.current.entries.push(item);
        return;
      default:
        // Paragraphs and block quotes: prose of this section.
        if (mode) this.skipRange(t.map, mode);
        else if (t.map) {
          const lines: MdParagraph["lines"] = [];
          for (let k = t.map[0]; k < t.map[1]; k++) {
            const raw = (this.lines[k] ?? "").trim();
            const text = t.type === "blockquote_open" ? raw.replace(/^(?:>\s?)+/, "").trim() : raw;
            if (text) lines.push({ line: k + 1, text });
            this.skip(k, "paragraph");
          }
          if (lines.length > 0) this.current.paragraphs.push({ line: t.map[0] + 1, lines });
        }
    }
  }

  private table(tokens: readonly Token[], open: number, end: number): MdTable {
    const table: MdTable = { kind: "table", line: (tokens[open]?.map?.[0] ?? 0) + 1, header: [], rows: [] };
    let row: string[] | undefined;
    for (let j = open + 1; j < end; j++) {
      const t = tokens[j];
      if (!t) continue;
      if (t.type === "tr_open") {
        row = [];
        if (tokens[j - 1]?.type === "thead_open") table.header = row;
        else table.rows.push({ line: (t.map?.[0] ?? 0) + 1, cells: row });
      } else if (t.type === "inline" && row) row.push(withoutComments(t.content).trim());
    }
    return table;
  }

  /** The items of the list opened at `open`; blocks inside items that are not text are skipped. */
  private list(tokens: readonly Token[], open: number, end: number): MdListItem[] {
    const items: MdListItem[] = [];
    for (let j = open + 1; j < end; j++) {
      const t = tokens[j];
      if (t?.type !== "list_item_open") continue;
      const close = closeOf(tokens, j);
      const lines: string[] = [];
      const children: MdListItem[] = [];
      for (let k = j + 1; k < close; k++) {
        const b = tokens[k];
        if (!b) continue;
        const bEnd = closeOf(tokens, k);
        if (b.type === "bullet_list_open" || b.type === "ordered_list_open") children.push(...this.list(tokens, k, bEnd));
        else if (b.type === "fence" || b.type === "code_block") this.skipRange(b.map, "code-block");
        else if (b.type === "table_open") this.current.entries.push(this.table(tokens, k, bEnd));
        else if (b.type === "html_block") this.htmlLines(b, lines);
        else {
          // Paragraphs, headings, quotes: their text continues the item.
          for (let m = k; m <= bEnd; m++) {
            const c = tokens[m];
            if (c?.type === "inline") for (const l of withoutComments(c.content).split("\n")) if (l.trim()) lines.push(l.trim());
          }
        }
        k = bEnd;
      }
      const line = (t.map?.[0] ?? 0) + 1;
      const [text, ...more] = lines;
      if (text !== undefined) items.push({ kind: "list", line, text, more, children });
      else {
        // Nothing to read: an empty bullet, or one nested deeper than the parser follows.
        const deep = children.length === 0 && t.level >= parser.options.maxNesting - 4;
        if (deep) this.skipRange(t.map, "too-deep");
        else this.skip(line - 1, "empty-item");
        items.push(...children);
      }
      j = close;
    }
    return items;
  }

  /** HTML lines inside an item (`<details>`, `<br>`): text of the item; comment-only lines skipped. */
  private htmlLines(b: Token, out: string[]): void {
    const text = withoutComments(b.content);
    if (!b.map) return;
    const kept = text.split("\n").map((l) => l.trim());
    if (kept.every((l) => l === "")) this.skipRange(b.map, "html");
    else for (const l of kept) if (l) out.push(l);
  }
}

/** Reads Markdown text (LF line endings) into a section tree with list and table entries. */
export function readMarkdown(text: string): MdDocument {
  const lines = text.split("\n");
  const front = frontMatter(lines);
  const reader = new Reader(lines);
  let source = text;
  if (front) {
    for (let k = 0; k <= front.end; k++) reader.skip(k, "front-matter");
    // Blank lines in place of the front matter keep markdown-it's line numbers those of the file.
    source = "\n".repeat(front.end + 1) + lines.slice(front.end + 1).join("\n");
  }
  reader.read(parser.parse(source, {}));
  const doc: MdDocument = { root: reader.root, skipped: reader.skipped };
  if (front?.title !== undefined) doc.frontMatterTitle = front.title;
  return doc;
}
