/**
 * A line-based Markdown block reader, just enough for checklists: headings (ATX and setext) into a
 * section tree, list items (bullets, numbers, task boxes, nesting, continuation lines) and tables
 * into entries of the current section, and everything else recorded as a skipped line with the
 * reason. Front matter, fenced and indented code, HTML comments and HTML blocks never become
 * entries. One pass, linear in the input.
 */

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
  | "answer-option";

/** One line the importer read but did not turn into an item or a section. */
export interface SkippedLine {
  line: number;
  reason: SkipReason;
  text: string;
}

/** A list item as written: its first line, continuation lines and nested items. */
export interface MdListItem {
  kind: "list";
  line: number;
  indent: number;
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

/** A heading and what is under it. The root has level 0 and no title. */
export interface MdSection {
  level: number;
  title: string;
  line: number;
  skip?: SkipMode;
  entries: MdEntry[];
  sections: MdSection[];
  /** `Priority: High` lines directly in this section. */
  priorityLines: { line: number; text: string }[];
  parent?: MdSection;
}

/** The document as read. */
export interface MdDocument {
  root: MdSection;
  /** `title:` from YAML front matter, if any. */
  frontMatterTitle?: string;
  skipped: SkippedLine[];
}

const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const HTML_BLOCK = /^<\/?(?:[A-Za-z][A-Za-z0-9-]{0,30})(?:[\s/>]|$)/;

/** Width of leading whitespace, tabs to the next multiple of 4. */
function indentOf(line: string): number {
  let w = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " ") w++;
    else if (c === "\t") w += 4 - (w % 4);
    else break;
  }
  return w;
}

function isThematicBreak(trimmed: string): boolean {
  const c = trimmed[0];
  if (c !== "-" && c !== "*" && c !== "_") return false;
  let n = 0;
  for (const ch of trimmed) {
    if (ch === c) n++;
    else if (ch !== " " && ch !== "\t") return false;
  }
  return n >= 3;
}

/** Splits a table row into cells; `\|` is a literal pipe. */
export function splitRow(line: string): string[] {
  let t = line.trim();
  if (t.startsWith("|")) t = t.slice(1);
  if (t.endsWith("|") && !t.endsWith("\\|")) t = t.slice(0, -1);
  const cells: string[] = [];
  let cur = "";
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "\\" && t[i + 1] === "|") {
      cur += "|";
      i++;
    } else if (c === "|") {
      cells.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

function isDelimiterRow(line: string): boolean {
  if (!line.includes("-")) return false;
  const cells = splitRow(line);
  return cells.length > 0 && cells.every((c) => /^:?-{1,}:?$/.test(c));
}

/** ATX heading: level and text, or undefined. Manual scanning keeps it linear on huge lines. */
function atxHeading(line: string): { level: number; text: string } | undefined {
  let i = 0;
  while (i < 3 && line[i] === " ") i++;
  let level = 0;
  while (line[i + level] === "#") level++;
  if (level === 0 || level > 6) return undefined;
  const after = line[i + level];
  if (after !== undefined && after !== " " && after !== "\t") return undefined;
  let text = line.slice(i + level).trim();
  // Closing sequence: trailing #s preceded by a space.
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  if (end < text.length && (end === 0 || text[end - 1] === " " || text[end - 1] === "\t")) text = text.slice(0, end).trim();
  return { level, text };
}

function skipModeOf(title: string): SkipMode | undefined {
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

/** Reads Markdown text (LF line endings) into a section tree with list and table entries. */
export function readMarkdown(text: string): MdDocument {
  const lines = text.split("\n");
  const skipped: SkippedLine[] = [];
  const skip = (index: number, reason: SkipReason, line?: string): void => {
    const t = (line ?? lines[index] ?? "").trim();
    if (t) skipped.push({ line: index + 1, reason, text: t.length > 200 ? `${t.slice(0, 199)}…` : t });
  };
  const root: MdSection = { level: 0, title: "", line: 0, entries: [], sections: [], priorityLines: [] };
  const doc: MdDocument = { root, skipped };
  let current = root;
  let i = 0;

  // Front matter: YAML (---) or TOML (+++) on the very first line, closed by the same (or ...).
  const first = lines[0]?.trim();
  if (first === "---" || first === "+++") {
    for (let j = 1; j < lines.length; j++) {
      const t = lines[j]?.trim();
      if (t === first || (first === "---" && t === "...")) {
        for (let k = 0; k <= j; k++) {
          skip(k, "front-matter");
          const m = /^title\s*[:=]\s*(.+)$/.exec(lines[k] ?? "");
          if (m?.[1] && doc.frontMatterTitle === undefined) doc.frontMatterTitle = m[1].trim().replace(/^(["'])(.*)\1$/, "$2");
        }
        i = j + 1;
        break;
      }
    }
  }

  let fence: { ch: string; len: number } | undefined;
  let inComment = false;
  let stack: MdListItem[] = [];
  let lastItem: MdListItem | undefined;
  /** Whether the previous line was blank, code, or nothing (start): where indented code may begin. */
  let prevBlank = true;
  let prevCode = false;
  let prevPara = false;
  /** Items under a skipped heading are read (so their lines are accounted for) but not attached. */
  const detached: MdSection = { level: 99, title: "", line: 0, entries: [], sections: [], priorityLines: [] };

  const endList = (): void => {
    stack = [];
    lastItem = undefined;
  };

  const openHeading = (level: number, title: string, line: number): void => {
    endList();
    while (current !== root && current.level >= level) current = current.parent ?? root;
    const section: MdSection = { level, title, line, entries: [], sections: [], priorityLines: [], parent: current };
    const mode = skipModeOf(title) ?? current.skip;
    if (mode) section.skip = mode;
    current.sections.push(section);
    current = section;
  };

  for (; i < lines.length; i++) {
    const original = lines[i] ?? "";
    let line = original;

    if (fence) {
      const m = FENCE.exec(line);
      if (m?.[1] && m[1][0] === fence.ch && m[1].length >= fence.len && line.trim() === m[1]) fence = undefined;
      skip(i, "code-block");
      prevBlank = false;
      prevCode = true;
      prevPara = false;
      continue;
    }

    // HTML comments, possibly spanning lines; what is left of the line is read normally.
    let hadComment = false;
    if (inComment) {
      const end = line.indexOf("-->");
      if (end < 0) {
        skip(i, "html");
        continue;
      }
      line = line.slice(end + 3);
      inComment = false;
      hadComment = true;
    }
    for (let start = line.indexOf("<!--"); start >= 0; start = line.indexOf("<!--")) {
      hadComment = true;
      const end = line.indexOf("-->", start + 4);
      if (end < 0) {
        line = line.slice(0, start);
        inComment = true;
        break;
      }
      line = line.slice(0, start) + line.slice(end + 3);
    }

    const trimmed = line.trim();
    if (trimmed === "") {
      if (hadComment) skip(i, "html", original);
      else {
        prevBlank = true;
        prevCode = false;
        prevPara = false;
      }
      continue;
    }
    const indent = indentOf(line);

    const fenceOpen = FENCE.exec(line);
    if (fenceOpen?.[1] && (indent < 4 || lastItem)) {
      fence = { ch: fenceOpen[1][0] ?? "`", len: fenceOpen[1].length };
      skip(i, "code-block");
      prevBlank = false;
      prevCode = true;
      prevPara = false;
      continue;
    }

    if (indent >= 4 && !lastItem && (prevBlank || prevCode) && !prevPara) {
      skip(i, "code-block");
      prevBlank = false;
      prevCode = true;
      continue;
    }

    if (indent < 4) {
      const h = atxHeading(line);
      if (h) {
        openHeading(h.level, h.text, i + 1);
        prevBlank = prevCode = prevPara = false;
        continue;
      }
      if (isThematicBreak(trimmed)) {
        endList();
        prevBlank = true;
        prevCode = prevPara = false;
        continue;
      }
    }

    const next = lines[i + 1];
    if (line.includes("|") && next !== undefined && isDelimiterRow(next)) {
      endList();
      const table: MdTable = { kind: "table", line: i + 1, header: splitRow(line), rows: [] };
      let j = i + 2;
      for (; j < lines.length; j++) {
        const row = lines[j] ?? "";
        if (row.trim() === "" || !row.includes("|")) break;
        table.rows.push({ line: j + 1, cells: splitRow(row) });
      }
      if (current.skip) {
        for (let k = i; k < j; k++) skip(k, current.skip);
      } else current.entries.push(table);
      i = j - 1;
      prevBlank = prevCode = prevPara = false;
      continue;
    }

    const li = LIST_ITEM.exec(line);
    if (li) {
      const text = (li[3] ?? "").trim();
      const itemIndent = indentOf(li[1] ?? "");
      if (text === "") {
        skip(i, "empty-item");
        continue;
      }
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= itemIndent) stack.pop();
      const item: MdListItem = { kind: "list", line: i + 1, indent: itemIndent, text, more: [], children: [] };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(item);
      else if (current.skip) {
        detached.entries.push(item);
        skip(i, current.skip);
      } else current.entries.push(item);
      if (parent && current.skip) skip(i, current.skip);
      stack.push(item);
      lastItem = item;
      prevBlank = prevCode = prevPara = false;
      continue;
    }

    // Continuation of the open list item: lazily right after it, or indented after a blank line.
    if (lastItem && (!prevBlank || indent >= 2)) {
      if (indent >= 4 && prevBlank && indent >= lastItem.indent + 6) skip(i, "code-block");
      else lastItem.more.push(trimmed);
      prevBlank = prevCode = prevPara = false;
      continue;
    }
    endList();

    if (HTML_BLOCK.test(trimmed)) {
      skip(i, "html", original);
      prevBlank = prevCode = prevPara = false;
      continue;
    }

    // Setext heading: a paragraph line underlined with === or ---.
    if (!prevPara && next !== undefined && indent < 4) {
      const u = next.trim();
      if (u.length > 0 && indentOf(next) < 4 && (/^=+$/.test(u) || /^-+$/.test(u))) {
        openHeading(u[0] === "=" ? 1 : 2, trimmed, i + 1);
        i++;
        prevBlank = prevCode = prevPara = false;
        continue;
      }
    }

    if (current.skip) skip(i, current.skip);
    else {
      current.priorityLines.push({ line: i + 1, text: trimmed });
      skip(i, "paragraph");
    }
    prevBlank = prevCode = false;
    prevPara = true;
  }
  return doc;
}
