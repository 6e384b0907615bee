/**
 * Secret masking. A secret is a value a checklist took from the environment (`${env.NAME}`); every
 * output shows it as `***`, in every form readiness can print it in (see `formsOf`), whole or cut.
 */
import { oneLine, sanitize } from "../errors.js";
import { escapeHtml, escapeMarkdown, escapeXml } from "./escape.js";
import type { Masker } from "../types.js";

export const MASK = "***";

/**
 * Values shorter than this many characters are not treated as secrets. A real secret (a token, a
 * password, a key) is longer, and a shorter value is typically a port, a count or a flag
 * (`REPLICAS=1`): masking it would shred ordinary text (`http://***27.0.0.***`) while hiding next
 * to nothing. Whoever writes such a value into a checklist is warned, by name (util/interpolate).
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * The shortest piece of a secret masked where a message was cut (`abc…`, `…xyz`): a shorter one
 * tells next to nothing, and matching it would mask the ends of ordinary words.
 */
const MIN_CUT_PIECE = 4;

/** The mark `truncate`, `truncateWidth` and `wrapWidth` leave where they cut text. */
const CUT = "…";

/** Whether a value is long enough to be treated as a secret (counted in characters, not UTF-16 units). */
export function isSecretLength(value: string): boolean {
  if (value.length >= 2 * MIN_SECRET_LENGTH) return true;
  let n = 0;
  for (const _ of value) if (++n >= MIN_SECRET_LENGTH) return true;
  return false;
}

const hex = (c: string): string => `%${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(2, "0")}`;

/** `encodeURIComponent`, also encoding `!'()*` (RFC 3986 `unreserved` only), as servers and `URLSearchParams` do. */
function strictEncode(v: string): string {
  return encodeURIComponent(v).replace(/[!'()*]/g, hex);
}

/**
 * Every form in which readiness may print a value: as it is, trimmed and line by line (a message
 * shows one line), with `\` as `/` (in a URL path), URL-encoded (each JavaScript and WHATWG flavour), JSON-escaped (once, and twice
 * for JSON inside JSON), shell-quoted, YAML single-quoted, with control characters shown escaped, and
 * escaped for HTML, XML and Markdown. Any mix of encoded and plain characters in a URL, in any hex
 * case, is found by decoding (see `mask`), so only whole-string encodings are listed here.
 */
function formsOf(value: string): string[] {
  const lines = [value, value.trim(), ...value.split(/\r\n|\r|\n/).map((l) => l.trim())];
  // A URL's path shows `\` as `/` (WHATWG URL parsing).
  const bases = new Set([...lines, ...lines.map((l) => l.replace(/\\/g, "/"))]);
  const forms: string[] = [];
  for (const v of bases) {
    if (!isSecretLength(v)) continue;
    const json = JSON.stringify(v).slice(1, -1);
    const encoded = [encodeURIComponent(v), encodeURI(v), strictEncode(v), new URLSearchParams({ v }).toString().slice(2)];
    forms.push(
      v,
      ...encoded,
      json,
      JSON.stringify(json).slice(1, -1),
      v.replace(/'/g, `'\\''`),
      v.replace(/'/g, "''"),
      sanitize(v),
      oneLine(v),
      v.replace(/\t/g, " "),
      escapeHtml(v),
      escapeXml(v),
      escapeMarkdown(v),
      escapeMarkdown(`x${v}`).slice(1),
    );
  }
  return forms.filter((f) => isSecretLength(f));
}

/** A masker that also tells how much of a stream's end may be the start of a secret (see `maskStream`). */
export interface SecretMasker extends Masker {
  /** Whether any secret is known. */
  readonly empty: boolean;
  /** Length of the longest end of `text` that is the start of a form of a secret (and no whole one). */
  pending(text: string): number;
}

/**
 * Creates a masker for secret values (each of at least MIN_SECRET_LENGTH characters; shorter ones
 * are ignored). Every form of a secret (`formsOf`) is masked, longer ones first, so a secret that
 * contains another is masked whole; so is a piece of one cut off by `…`, and one inside
 * percent-encoded text however it was encoded.
 */
export function createMasker(values: Iterable<string> = []): SecretMasker {
  const known = new Set<string>();
  const formSet = new Set<string>();
  let ordered: string[] = [];
  // What to look for in decoded text: the forms, and the forms decoded (a secret may hold `%27` itself).
  let decoded: string[] = [];
  /** Text shorter than this holds no whole form (and no decoded one: decoding only shortens). */
  let shortest = Infinity;
  const add = (value: string): void => {
    if (!value || known.has(value) || !isSecretLength(value)) return;
    known.add(value);
    for (const f of formsOf(value)) formSet.add(f);
    const byLength = (a: string, b: string): number => b.length - a.length;
    ordered = [...formSet].sort(byLength);
    shortest = ordered[ordered.length - 1]?.length ?? Infinity;
    decoded = [...new Set([...ordered, ...ordered.map((f) => percentDecode(f).text)])].filter(isSecretLength).sort(byLength);
  };
  for (const v of values) add(v);
  return {
    add,
    get empty() {
      return ordered.length === 0;
    },
    mask(text: string): string {
      if (ordered.length === 0 || !text || (text.length < shortest && !text.includes(CUT))) return text;
      const out = replaceSpans(text, spansOf(text, ordered));
      return PERCENT.test(out) ? maskPercentWords(out, decoded) : out;
    },
    pending(text: string): number {
      let longest = 0;
      for (const f of ordered) {
        const first = f[0] ?? "";
        // The earliest start of `f` in the last f.length - 1 characters whose rest `f` continues.
        for (let p = text.indexOf(first, Math.max(0, text.length - f.length + 1)); p >= 0 && text.length - p > longest; p = text.indexOf(first, p + 1)) {
          if (f.startsWith(text.slice(p))) {
            longest = text.length - p;
            break;
          }
        }
      }
      return longest;
    },
  };
}

type Span = [start: number, end: number];

/**
 * Where secrets are in `text`: every occurrence of a form, and every piece of one of at least
 * MIN_CUT_PIECE characters that a cut mark (`…`) ends or starts.
 */
function spansOf(text: string, forms: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const f of forms) {
    for (let at = text.indexOf(f); at >= 0; at = text.indexOf(f, at + f.length)) spans.push([at, at + f.length]);
  }
  for (let cut = text.indexOf(CUT); cut >= 0; cut = text.indexOf(CUT, cut + 1)) {
    const after = cut + CUT.length;
    for (const f of forms) {
      // The longest start of `f` that the cut ends...
      const first = f[0] ?? "";
      for (let p = text.indexOf(first, Math.max(0, cut - f.length + 1)); p >= 0 && cut - p >= MIN_CUT_PIECE; p = text.indexOf(first, p + 1)) {
        if (f.startsWith(text.slice(p, cut))) {
          spans.push([p, cut]);
          break;
        }
      }
      // ...and the longest end of `f` that starts after it.
      const next = text[after];
      if (next === undefined) continue;
      for (let q = f.indexOf(next, 1); q >= 0 && f.length - q >= MIN_CUT_PIECE; q = f.indexOf(next, q + 1)) {
        if (text.startsWith(f.slice(q), after)) {
          spans.push([after, after + f.length - q]);
          break;
        }
      }
    }
  }
  return spans;
}

/** `text` with each span (merged where they overlap) replaced by MASK. */
function replaceSpans(text: string, spans: Span[], at: (i: number) => number = (i) => i): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let done = 0;
  let open: Span | undefined;
  const flush = (): void => {
    if (!open) return;
    out += text.slice(done, at(open[0])) + MASK;
    done = at(open[1]);
  };
  for (const s of spans) {
    if (open && s[0] <= open[1]) open[1] = Math.max(open[1], s[1]);
    else {
      flush();
      open = [s[0], s[1]];
    }
  }
  flush();
  return out + text.slice(done);
}

const PERCENT = /%[0-9A-Fa-f]{2}/;
const PERCENT_ALL = /%[0-9A-Fa-f]{2}/g;
/** Whitespace that ends a word: ASCII space and controls, NBSP, the Unicode spaces and separators. */
const isSpace = (c: number): boolean => c <= 0x20 || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x3000;

/**
 * Masks secrets in each word (a run without whitespace: a URL or a piece of one) that holds a
 * percent-encoded byte, by looking for them in the word decoded. Words are found from their `%XX`
 * outwards, in one pass over the text.
 */
function maskPercentWords(text: string, forms: readonly string[]): string {
  let out = "";
  let done = 0;
  for (const m of text.matchAll(PERCENT_ALL)) {
    if (m.index < done) continue;
    let start = m.index;
    while (start > done && !isSpace(text.charCodeAt(start - 1))) start--;
    let end = m.index + 3;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    const word = text.slice(start, end);
    const { text: plain, at } = percentDecode(word);
    const spans = spansOf(plain, forms);
    out += text.slice(done, start) + (spans.length ? replaceSpans(word, spans, (i) => at[i] ?? word.length) : word);
    done = end;
  }
  return out + text.slice(done);
}

/**
 * Decodes `%XX` sequences (UTF-8; an invalid sequence is kept as written). `at[i]` is where the
 * decoded character `i` starts in `word` (`at[text.length]` is its end), so a span found in the
 * decoded text maps back to the encoded one.
 */
function percentDecode(word: string): { text: string; at: number[] } {
  let text = "";
  const at: number[] = [];
  const hexAt = (i: number): number => (word[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(word.slice(i + 1, i + 3)) ? parseInt(word.slice(i + 1, i + 3), 16) : -1);
  let i = 0;
  while (i < word.length) {
    if (hexAt(i) < 0) {
      text += word[i];
      at.push(i);
      i++;
      continue;
    }
    const bytes: number[] = [];
    const pos: number[] = [];
    for (let b = hexAt(i); b >= 0; b = hexAt(i)) {
      bytes.push(b);
      pos.push(i);
      i += 3;
    }
    for (let k = 0; k < bytes.length; ) {
      const cp = utf8At(bytes, k);
      const start = pos[k] ?? 0;
      if (cp) {
        const ch = String.fromCodePoint(cp.value);
        text += ch;
        for (let u = 0; u < ch.length; u++) at.push(start);
        k += cp.length;
      } else {
        text += word.slice(start, start + 3);
        at.push(start, start + 1, start + 2);
        k++;
      }
    }
  }
  at.push(word.length);
  return { text, at };
}

/** The code point a UTF-8 sequence starting at `bytes[k]` encodes, or undefined when it is not valid UTF-8. */
function utf8At(bytes: number[], k: number): { value: number; length: number } | undefined {
  const b0 = bytes[k] ?? 0;
  const length = b0 < 0x80 ? 1 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
  if (length === 0 || k + length > bytes.length) return undefined;
  let value = length === 1 ? b0 : b0 & (0xff >> (length + 1));
  for (let j = 1; j < length; j++) {
    const b = bytes[k + j] ?? 0;
    if ((b & 0xc0) !== 0x80) return undefined;
    value = (value << 6) | (b & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][length] ?? 0;
  if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
  return { value, length };
}

/**
 * Masks text written in pieces (a report streamed to a file, writes to stdout): a piece's end that
 * may be the start of a secret is held back until the next piece shows whether it is one. `write`
 * returns what may be written now; `end` the rest.
 */
export function maskStream(masker: SecretMasker): { write(text: string): string; end(): string } {
  let held = "";
  return {
    write(text: string): string {
      if (masker.empty) return held + text;
      const masked = masker.mask(held + text);
      const keep = masker.pending(masked);
      held = masked.slice(masked.length - keep);
      return masked.slice(0, masked.length - keep);
    },
    end(): string {
      const rest = masker.mask(held);
      held = "";
      return rest;
    },
  };
}

/** A report's parts (or any text in parts) with every secret masked, across the parts' boundaries too. */
export function* maskParts(parts: Iterable<string>, masker: SecretMasker): Generator<string> {
  if (masker.empty) {
    yield* parts;
    return;
  }
  const stream = maskStream(masker);
  for (const part of parts) yield stream.write(part);
  yield stream.end();
}

/**
 * Deeply masks every string in a JSON-like value. What holds no secret is returned as it is (the same
 * object), and an object met twice is copied once, so shared references stay shared.
 */
export function maskDeep<T>(value: T, masker: Masker): T {
  if ((masker as Partial<SecretMasker>).empty === true) return value;
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return masker.mask(v);
    if (!v || typeof v !== "object") return v;
    if (seen.has(v)) return seen.get(v);
    seen.set(v, v);
    let out: unknown = v;
    if (Array.isArray(v)) {
      const items = v.map(walk);
      if (items.some((x, i) => x !== v[i])) out = items;
    } else {
      // Copied on the first change: most objects of a report hold no secret.
      const o = v as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      for (const k of Object.keys(o)) {
        const x = o[k];
        const y = walk(x);
        if (y !== x && !copy) copy = { ...o };
        if (copy) Object.defineProperty(copy, k, { value: y, enumerable: true, writable: true, configurable: true });
      }
      if (copy) out = copy;
    }
    seen.set(v, out);
    return out;
  };
  return walk(value) as T;
}
