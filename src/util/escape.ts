/**
 * Escaping for every output format. Everything a checklist author, a probe or an earlier report
 * wrote is untrusted: it goes through one of these before it reaches a report.
 */
import { oneLine, sanitize } from "../errors.js";

/** Characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF) and lone surrogates. */
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whatever either markup escaper changes; text without any of these is returned as it is. */
const MARKUP_SIGNIFICANT = /[\u0000-\u001f\u007f-\u009f&<>"'\ud800-\udfff\ufffe\uffff]/;

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const HTML_SPECIAL = /[&<>"']/g;
/** In XML, line breaks and tabs become character references too, so attributes keep them. */
const XML_ENTITIES: Record<string, string> = { ...HTML_ENTITIES, "'": "&apos;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;" };
const XML_SPECIAL = /[&<>"'\r\n\t]/g;

/**
 * Control characters shown escaped (`sanitize`), anything still illegal in XML 1.0 replaced, then
 * each special character replaced by its entity in one pass.
 */
function escapeMarkup(text: string, special: RegExp, entities: Record<string, string>): string {
  if (!MARKUP_SIGNIFICANT.test(text)) return text;
  return sanitize(text)
    .replace(XML_ILLEGAL, "\ufffd")
    .replace(special, (c) => entities[c] ?? c);
}

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return escapeMarkup(text, HTML_SPECIAL, HTML_ENTITIES);
}

/**
 * Escapes text for XML 1.0 content or attributes. Control characters are first shown escaped
 * (`\x1b`, via `sanitize`), then anything still illegal in XML 1.0 is replaced, so the document
 * parses whatever the input held. Newlines become `&#10;` so attributes keep them.
 */
export function escapeXml(text: string): string {
  return escapeMarkup(text, XML_SPECIAL, XML_ENTITIES);
}

/** Whatever `escapeMarkdown` changes in a line: text without any of these is returned as it is. */
const MARKDOWN_SIGNIFICANT = /[\t\\*_[\]~&<>|`@\ud800-\udfff\ufffe\uffff]|^[#+\-=\d]/;
const MARKDOWN_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "*": "\\*",
  _: "\\_",
  "[": "\\[",
  "]": "\\]",
  "~": "\\~",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "|": "&#124;",
  "`": "&#96;",
  "@": "@\u200b",
};
const MARKDOWN_SPECIAL = /[\\*_[\]~&<>|`]|@(?=[A-Za-z0-9])/g;

/**
 * Escapes one line of user text for GitHub-flavoured Markdown, safe inside a table cell.
 * Newlines collapse to spaces; HTML-significant characters become entities (so no tag survives);
 * `|` and backtick become entities (a GFM table splits cells before inline parsing, so a
 * backslash-escaped pipe after a backslash is ambiguous, an entity never is); Markdown
 * punctuation is backslash-escaped so no emphasis, link or heading can be injected; a zero-width
 * space after `@` keeps a title like `@org/team` from notifying people when posted as a PR comment.
 * `lineStart` false for text that follows other text on its line: no line-start escapes then.
 */
export function escapeMarkdown(text: string, lineStart = true): string {
  const line = oneLine(text);
  if (!MARKDOWN_SIGNIFICANT.test(line)) return line;
  // One pass for the characters, then the line starts (a heading, a list marker, `1.`), which the
  // pass leaves as they were; text placed after other text on its line (lineStart false) needs
  // none of those, and a renderer that shows backslashes literally would print `0\.1.0`.
  const escaped = line
    .replace(/\t/g, " ")
    .replace(XML_ILLEGAL, "\ufffd")
    .replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ESCAPES[c] ?? c);
  return lineStart ? escaped.replace(/^[#+\-=]/, (c) => `\\${c}`).replace(/^(\d+)([.)])/, "$1\\$2") : escaped;
}

const C1 = /[\u0080-\u009f]/g;

/**
 * YAML text from the `yaml` library with raw C1 controls (U+0080-U+009F) written as `\xHH`. The
 * library double-quotes a string that holds one but writes the character itself, which a terminal
 * may obey (U+009B is CSI); inside double quotes, where they are, `\xHH` is the same character.
 */
export function escapeYamlControls(yaml: string): string {
  return yaml.replace(C1, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

const JSON_RAW_CONTROLS = /[\u007f-\u009f\u2028\u2029]/g;

/**
 * JSON text with DEL, the C1 controls and the line and paragraph separators written as `\uXXXX`:
 * JSON.stringify escapes only C0, and writes these as they are, which a terminal may obey. They can
 * only be inside strings, where the escape is the same character.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
