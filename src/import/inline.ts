/**
 * Inline Markdown → plain text for titles and descriptions: emphasis, code spans, links, images
 * and inline HTML removed; link targets kept aside for probe suggestions. HTML entities are decoded
 * by `entities` (the decoder markdown-it and htmlparser2 use), GitHub emoji shortcodes that carry a
 * status or a colour are turned into the emoji. Linear regexes only.
 */
import { decodeHTML } from "entities";
import type { Severity } from "../types.js";
import { severityFromWord } from "./claims.js";

// Labels and targets exclude the brackets that would start another candidate, so a line of
// `[[[[` or `[a](` repeated fails fast at each position instead of rescanning.
const IMAGE = /!\[([^[\]\n]{0,500})\]\(([^()[\]\s]{0,2000})(?:\s{1,10}"[^"\n]{0,200}")?\)/g;
const LINK = /\[([^[\]\n]{0,500})\]\(([^()[\]\s]{0,2000})(?:\s{1,10}"[^"\n]{0,200}")?\)/g;
const REF_IMAGE = /!\[([^[\]\n]{0,500})\]\[[^[\]\n]{0,100}\]/g;
const REF_LINK = /\[([^[\]\n]{1,500})\]\[[^[\]\n]{0,100}\]/g;
const AUTOLINK = /<((?:https?|ftp):\/\/[^\s<>]{1,2000})>/g;
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>\n]{0,300})?\/?>/g;
/** Characters that start any inline construct; text without them only needs spaces collapsed. */
const SPECIAL = /[[<`*_\\&:]/;
const STRONG = /\*\*|__/g;
const EM_STAR = /(^|[\s(])\*(?=\S)([^*\n]{1,300}?)\*(?=$|[\s).,:;!?])/g;
const EM_UNDER = /(^|[\s(])_(?=\S)([^_\n]{1,300}?)_(?=$|[\s).,:;!?])/g;
const ESCAPE = /\\([\\`*_{}[\]()#+\-.!|<>~])/g;

/** Plain text of one line of inline Markdown; link targets are pushed onto `links` when given. */
export function cleanInline(text: string, links?: string[]): string {
  let t = text;
  if (SPECIAL.test(t)) {
    if (t.includes(":")) t = decodeShortcodes(t);
    if (t.includes("[")) {
      t = t.replace(REF_IMAGE, (_m, alt: string) => alt);
      t = t.replace(IMAGE, (_m, alt: string) => alt);
      t = t.replace(LINK, (_m, label: string, href: string) => {
        links?.push(href);
        return label;
      });
      t = t.replace(REF_LINK, (_m, label: string) => label);
    }
    if (t.includes("<")) {
      t = t.replace(AUTOLINK, (_m, href: string) => {
        links?.push(href);
        return href;
      });
      t = t.replace(HTML_TAG, " ");
    }
    if (t.includes("`")) t = t.replace(/`+/g, "");
    if (t.includes("*") || t.includes("_")) {
      t = t.replace(STRONG, "");
      t = t.replace(EM_STAR, "$1$2");
      t = t.replace(EM_UNDER, "$1$2");
    }
    if (t.includes("\\")) t = t.replace(ESCAPE, "$1");
    // Last, so that `&lt;head&gt;` stays text instead of becoming a tag that the line above strips.
    if (t.includes("&")) t = decodeEntities(t);
  }
  return t.replace(/\s+/g, " ").trim();
}

/**
 * Splits `**Title:** description`, `**Title**: description`, `**Title** - description` (also `—`,
 * `–`, `__Title__`) into title and description. Returns undefined when the text is not of that form.
 */
export function splitBoldTitle(raw: string): { title: string; description: string } | undefined {
  const t = raw.trimStart();
  const mark = t.startsWith("**") ? "**" : t.startsWith("__") ? "__" : undefined;
  if (!mark) return undefined;
  const end = t.indexOf(mark, 2);
  if (end <= 2) return undefined;
  const inner = t.slice(2, end).trim();
  const after = t.slice(end + 2);
  if (inner.endsWith(":") || inner.endsWith("：")) {
    const description = after.trim();
    return description ? { title: inner.slice(0, -1).trim(), description } : undefined;
  }
  const sep = /^\s*(?::|：|\s-|\s–|\s—|-\s|–|—)\s*/.exec(after);
  if (!sep) return undefined;
  const description = after.slice(sep[0].length).trim();
  return description ? { title: inner, description } : undefined;
}

/** Leading symbols (emoji, bullets, stray punctuation) off a title; keeps `(`, `[`, quotes. */
export function stripLeadingSymbols(text: string): string {
  return text.replace(/^[^\p{L}\p{N}(["'`$/.]+/u, "");
}

/** Trailing emoji off a heading (`IMMEDIATE ACTIONS REQUIRED 🚨`). */
export function stripTrailingSymbols(text: string): string {
  return text.replace(/[\s\p{Extended_Pictographic}\u{fe0f}\u{200d}]+$/u, "");
}

/** `(Priority: HIGH)` / `[Severity: P1]` annotations, which become `severity:` instead. */
export function stripPriorityAnnotation(text: string): string {
  return text
    .replace(/\s{0,10}[([](?:priority|severity)\s{0,3}[:=][^)\]\n]{0,60}[)\]]/gi, "")
    .replace(/\s{0,10}[([]P[0-3][)\]]/g, "")
    .trim();
}

/** Leading section numbering (`1.`, `1.2`, `3)`) off a heading, for ids. */
export function stripNumbering(text: string): string {
  return text.replace(/^(?:\d{1,4}(?:\.\d{1,4}){0,5}[.)]?|[A-Z][.)])\s+/, "");
}

/** GitHub emoji shortcodes that say a status or a severity colour; other shortcodes stay as written. */
const SHORTCODES: Record<string, string> = {
  white_check_mark: "\u2705",
  heavy_check_mark: "\u2714",
  ballot_box_with_check: "\u2611",
  x: "\u274c",
  negative_squared_cross_mark: "\u274e",
  warning: "\u26a0",
  construction: "\u{1f6a7}",
  hourglass: "\u23f3",
  hourglass_flowing_sand: "\u23f3",
  arrows_counterclockwise: "\u{1f504}",
  rotating_light: "\u{1f6a8}",
  red_circle: "\u{1f534}",
  orange_circle: "\u{1f7e0}",
  yellow_circle: "\u{1f7e1}",
  green_circle: "\u{1f7e2}",
  white_large_square: "\u2b1c",
  no_entry: "\u26d4",
};
const SHORTCODE = /:([a-z_]{1,40}):/g;

/** Control characters an entity can spell (`&#27;` is ESC): never let one reach a title or the report. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function decodeEntities(text: string): string {
  return decodeHTML(text).replace(CONTROL, "\ufffd");
}

function decodeShortcodes(text: string): string {
  return text.replace(SHORTCODE, (m, name: string) => SHORTCODES[name] ?? m);
}

/** HTML entities decoded (`&#9744;` → ☐, `&amp;` → &) and status/colour shortcodes (`:white_check_mark:`) as emoji. */
export function decodeText(text: string): string {
  let t = text.includes("&") ? decodeEntities(text) : text;
  if (t.includes(":")) t = decodeShortcodes(t);
  return t;
}

/** A priority badge: an image whose alt text is a priority word (`![High][high_img]`, `![P1](p1.svg)`). */
const BADGE = /!\[([^[\]\n]{1,40})\](?:\[[^[\]\n]{0,100}\]|\([^()\s]{0,2000}\))/g;

/** The severity of the first priority badge in `raw` (Markdown), and the word it was read from. */
export function badgeSeverity(raw: string): { severity: Severity; word: string } | undefined {
  if (!raw.includes("![")) return undefined;
  BADGE.lastIndex = 0;
  for (let m = BADGE.exec(raw); m; m = BADGE.exec(raw)) {
    const word = (m[1] ?? "").trim();
    const severity = severityFromWord(word);
    if (severity) return { severity, word };
  }
  return undefined;
}

/** Raw Markdown without its priority badges (their word becomes the severity instead of title text). */
export function stripBadges(raw: string): string {
  if (!raw.includes("![")) return raw;
  return raw.replace(BADGE, (m, alt: string) => (severityFromWord(alt.trim()) ? "" : m));
}

/**
 * `<details><summary>Title</summary> explanation </details>` (in a cell or a list item): the summary
 * is the title, the rest the description. Undefined when the text has no `<summary>`.
 */
export function detailsParts(raw: string): { title: string; description: string } | undefined {
  const open = raw.search(/<summary(?:\s[^>]{0,200})?>/i);
  if (open < 0) return undefined;
  const start = raw.indexOf(">", open) + 1;
  const close = raw.toLowerCase().indexOf("</summary>", start);
  const summary = close < 0 ? raw.slice(start) : raw.slice(start, close);
  const before = raw.slice(0, open).replace(/<details(?:\s[^>]{0,200})?>/gi, " ");
  const after = close < 0 ? "" : raw.slice(close + "</summary>".length).replace(/<\/details>/gi, " ");
  return { title: `${before} ${summary}`.trim(), description: after.trim() };
}
