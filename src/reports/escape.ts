/**
 * Escaping for every output format. Everything a checklist author, a probe or an earlier report
 * wrote is untrusted: it goes through one of these before it reaches a report.
 */
import { oneLine, sanitize } from "../errors.js";

/** Characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF) and lone surrogates. */
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The five markup-significant characters as entities, after control characters are shown escaped. */
function escapeMarkup(text: string, apos: string): string {
  return sanitize(text)
    .replace(XML_ILLEGAL, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, apos);
}

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return escapeMarkup(text, "&#39;");
}

/**
 * Escapes text for XML 1.0 content or attributes. Control characters are first shown escaped
 * (`\x1b`, via `sanitize`), then anything still illegal in XML 1.0 is replaced, so the document
 * parses whatever the input held. Newlines become `&#10;` so attributes keep them.
 */
export function escapeXml(text: string): string {
  return escapeMarkup(text, "&apos;").replace(/\r/g, "&#13;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

/**
 * Escapes one line of user text for GitHub-flavoured Markdown, safe inside a table cell.
 * Newlines collapse to spaces; HTML-significant characters become entities (so no tag survives);
 * `|` and backtick become entities (a GFM table splits cells before inline parsing, so a
 * backslash-escaped pipe after a backslash is ambiguous, an entity never is); Markdown
 * punctuation is backslash-escaped so no emphasis, link or heading can be injected; a zero-width
 * space after `@` keeps a title like `@org/team` from notifying people when posted as a PR comment.
 */
export function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(/\t/g, " ")
    .replace(XML_ILLEGAL, "\ufffd")
    .replace(/[\\*_[\]~]/g, (c) => `\\${c}`)
    .replace(/^[#+\-=]/, (c) => `\\${c}`)
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "&#124;")
    .replace(/`/g, "&#96;")
    .replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

/** Columns a string occupies in a terminal: East Asian wide and fullwidth characters count two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

function charWidth(cp: number): number {
  if (cp === 0 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Cuts text to at most `max` terminal columns, ending with `…` when cut. */
export function truncateWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = "";
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** One line of untrusted text made safe for a terminal (no control sequence survives) and cut to `max` columns. */
export function terminalText(text: string, max = Infinity): string {
  const line = oneLine(text).replace(/\t/g, " ");
  return Number.isFinite(max) ? truncateWidth(line, Math.max(1, max)) : line;
}

/**
 * Word-wraps one line of (already sanitised) text to `width` columns, at most `maxLines` lines;
 * the last line ends with `…` when text was left out. Words longer than a line are broken.
 */
export function wrapWidth(text: string, width: number, maxLines = Infinity): string[] {
  const w = Math.max(2, width);
  const lines: string[] = [];
  let line = "";
  const push = (): void => {
    lines.push(line);
    line = "";
  };
  for (const word of text.split(/[ \t]+/)) {
    if (!word) continue;
    let rest = word;
    while (rest) {
      const sep = line ? " " : "";
      if (displayWidth(line + sep + rest) <= w) {
        line += sep + rest;
        rest = "";
      } else if (line) {
        push();
      } else {
        // A word wider than the line: take as many characters as fit.
        let head = "";
        for (const ch of rest) {
          if (displayWidth(head + ch) > w) break;
          head += ch;
        }
        line = head;
        rest = rest.slice(head.length);
        push();
      }
    }
  }
  if (line) push();
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1] ?? "";
    kept[maxLines - 1] = displayWidth(last) + 1 <= w ? `${last}…` : truncateWidth(`${last}……`, w);
    return kept;
  }
  return lines.length ? lines : [""];
}
