/**
 * Inline Markdown → plain text for titles and descriptions: emphasis, code spans, links, images
 * and inline HTML removed; link targets kept aside for probe suggestions. Linear regexes only.
 */

// Labels and targets exclude the brackets that would start another candidate, so a line of
// `[[[[` or `[a](` repeated fails fast at each position instead of rescanning.
const IMAGE = /!\[([^[\]\n]{0,500})\]\(([^()[\]\s]{0,2000})(?:\s{1,10}"[^"\n]{0,200}")?\)/g;
const LINK = /\[([^[\]\n]{0,500})\]\(([^()[\]\s]{0,2000})(?:\s{1,10}"[^"\n]{0,200}")?\)/g;
const REF_LINK = /\[([^[\]\n]{1,500})\]\[[^[\]\n]{0,100}\]/g;
const AUTOLINK = /<((?:https?|ftp):\/\/[^\s<>]{1,2000})>/g;
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>\n]{0,300})?\/?>/g;
/** Characters that start any inline construct; text without them only needs spaces collapsed. */
const SPECIAL = /[[<`*_\\&]/;
const STRONG = /\*\*|__/g;
const EM_STAR = /(^|[\s(])\*(?=\S)([^*\n]{1,300}?)\*(?=$|[\s).,:;!?])/g;
const EM_UNDER = /(^|[\s(])_(?=\S)([^_\n]{1,300}?)_(?=$|[\s).,:;!?])/g;
const ESCAPE = /\\([\\`*_{}[\]()#+\-.!|<>~])/g;

/** Plain text of one line of inline Markdown; link targets are pushed onto `links` when given. */
export function cleanInline(text: string, links?: string[]): string {
  let t = text;
  if (SPECIAL.test(t)) {
    if (t.includes("[")) {
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
    if (t.includes("&")) t = t.replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"');
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
