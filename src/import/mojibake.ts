/**
 * Mojibake repair: UTF-8 text that was once decoded with a single-byte codec (Windows-1252 or
 * MacRoman) and saved again, so `✅` became `âœ…` or `‚úÖ`. The damage is reversible: every
 * character of such a run maps back to one byte of the wrong codec, and those bytes form a valid
 * UTF-8 sequence. We repair sequence by sequence, so a file where some characters were damaged
 * and others not (a later edit added a real `✅`) comes out right, and legitimate accented text
 * (`São Paulo`) is left alone because its bytes are not valid UTF-8.
 */

/** The codecs whose mis-decoding we can reverse. */
export const MOJIBAKE_CODECS = ["windows-1252", "macintosh"] as const;
/** A single-byte codec that UTF-8 text was wrongly decoded with. */
export type MojibakeCodec = (typeof MOJIBAKE_CODECS)[number];

/** Human names of the codecs, for messages. */
export const CODEC_NAMES: Record<MojibakeCodec, string> = { "windows-1252": "Windows-1252", macintosh: "MacRoman" };

/** What one repair pass did. */
export interface MojibakeRepair {
  codec: MojibakeCodec;
  /** How many damaged sequences were turned back into one character each. */
  sequences: number;
  /** 1-based line numbers that changed. */
  lines: number[];
}

const tables = new Map<MojibakeCodec, Int16Array>();

/**
 * Windows-1252 bytes 0x80–0x9F. Written out because Node's `TextDecoder("windows-1252")` may
 * decode as Latin-1 (small ICU). The five undefined bytes map to C1 controls, as WHATWG does.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * UTF-16 code unit → byte of the codec for bytes 0x80–0xFF, -1 for anything else (ASCII is the
 * same in every codec here and never part of a damaged sequence). An array, not a map: this runs
 * over every character of the input.
 */
function reverseTable(codec: MojibakeCodec): Int16Array {
  const cached = tables.get(codec);
  if (cached) return cached;
  const table = new Int16Array(0x10000).fill(-1);
  if (codec === "windows-1252") {
    CP1252_HIGH.forEach((cp, i) => (table[cp] = 0x80 + i));
    for (let b = 0xa0; b <= 0xff; b++) table[b] = b;
  } else {
    const decoder = new TextDecoder(codec);
    for (let b = 0x80; b <= 0xff; b++) {
      const s = decoder.decode(Uint8Array.of(b));
      if (s.length === 1 && s !== "\ufffd") table[s.charCodeAt(0)] = b;
    }
    // Old MacRoman had the currency sign where the euro is now; both appear in damaged files.
    table[0x00a4] = 0xdb;
  }
  tables.set(codec, table);
  return table;
}

interface Candidate {
  start: number;
  length: number;
  codePoint: number;
}

/**
 * Every damaged sequence for `codec`, left to right, non-overlapping. Linear in the text length.
 * With `lossy`, MacRoman emoji whose lead byte (0xF0, the private-use Apple logo U+F8FF) was
 * dropped on the way are recognised by their second byte 0x9F (`ü`) — only used once the codec is
 * already proven by intact sequences.
 */
function findSequences(text: string, codec: MojibakeCodec, lossy = false): Candidate[] {
  const table = reverseTable(codec);
  const found: Candidate[] = [];
  for (let i = 0; i < text.length; i++) {
    let lead = table[text.charCodeAt(i)] ?? -1;
    let start = i;
    let skipLead = 0;
    if (lossy && codec === "macintosh" && lead === 0x9f && text.charCodeAt(i - 1) !== 0xf8ff) {
      lead = 0xf0;
      start = i - 1;
      skipLead = 1;
    }
    if (lead < 0xc2 || lead > 0xf4) continue;
    const n = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (start + n > text.length) continue;
    let cp = lead & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
    let ok = true;
    for (let k = 1; k < n; k++) {
      const b = table[text.charCodeAt(start + k)] ?? -1;
      if (b < 0 || (b & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok) continue;
    if (n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) continue;
    if (n === 4 && (cp < 0x10000 || cp > 0x10ffff)) continue;
    found.push({ start: i, length: n - skipLead, codePoint: cp });
    i += n - 1 - skipLead;
  }
  return found;
}

/** How many damaged sequences `text` holds for either codec: the "mojibake markers". */
export function countMojibake(text: string): number {
  return MOJIBAKE_CODECS.reduce((sum, c) => sum + findSequences(text, c).length, 0);
}

/**
 * Whether the sequences found are evidence of damage rather than coincidence. A 3- or 4-byte
 * sequence (emoji, symbols, CJK) practically never occurs by chance. A 2-byte one can (`“É` in
 * French read as MacRoman bytes is a valid Cyrillic letter), so without a longer sequence we need
 * at least three that decode to accented Latin letters (`Ã©` → `é`), the usual damage.
 */
function convincing(found: Candidate[]): boolean {
  if (found.some((c) => c.length >= 3)) return true;
  return found.filter((c) => c.codePoint >= 0xa0 && c.codePoint <= 0x24f).length >= 3;
}

function apply(text: string, found: Candidate[]): string {
  let out = "";
  let last = 0;
  for (const c of found) {
    out += text.slice(last, c.start) + String.fromCodePoint(c.codePoint);
    last = c.start + c.length;
  }
  return out + text.slice(last);
}

function lossyLines(text: string): number[] {
  const lines: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (CP1252_LOSSY.some(([re]) => new RegExp(re.source).test(line))) lines.push(i + 1);
  });
  return lines;
}

function changedLines(text: string, found: Candidate[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const c of found) {
    for (; pos < c.start; pos++) if (text.charCodeAt(pos) === 10) line++;
    if (lines[lines.length - 1] !== line) lines.push(line);
  }
  return lines;
}

/**
 * Windows-1252 damage that lost bytes on the way: the five bytes 1252 leaves undefined (0x81,
 * 0x8D, 0x8F, 0x90, 0x9D) are often dropped, and 0xA0 (no-break space) turned into a space. For the
 * status emoji, the only place where it matters here, the original is still unambiguous.
 */
const CP1252_LOSSY: [RegExp, string][] = [
  [/âš[\u00a0 ]ï¸\u008f?/g, "\u26a0\ufe0f"],
  [/âš[\u00a0 ]/g, "\u26a0"],
  [/â\u009d?Œ/g, "\u274c"],
  [/(?<=[\u2190-\u2bff]|[\ud83c-\ud83e][\udc00-\udfff])ï¸\u008f?/g, "\ufe0f"],
];

function repairLossy(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const [re, to] of CP1252_LOSSY) {
    out = out.replace(re, () => {
      count++;
      return to;
    });
  }
  return { text: out, count };
}

/**
 * Repairs mojibake in `text`. Each pass picks the codec with the most damaged sequences and applies
 * it only when the evidence is convincing and the number of markers strictly drops; up to three
 * passes undo text that was damaged more than once. Returns the text and what was done.
 */
export function repairMojibake(text: string): { text: string; repairs: MojibakeRepair[] } {
  const repairs: MojibakeRepair[] = [];
  let current = text;
  for (let pass = 0; pass < 3; pass++) {
    let best: { codec: MojibakeCodec; found: Candidate[] } | undefined;
    for (const codec of MOJIBAKE_CODECS) {
      const found = findSequences(current, codec);
      if (convincing(found) && (!best || found.length > best.found.length)) best = { codec, found };
    }
    // Lossy Windows-1252 forms of ⚠️ and ❌ are evidence on their own.
    if (!best && CP1252_LOSSY.slice(0, 3).some(([re]) => new RegExp(re.source).test(current))) {
      best = { codec: "windows-1252", found: findSequences(current, "windows-1252") };
    }
    if (!best) break;
    // The codec is proven: now also take the sequences that lost a byte.
    if (best.codec === "macintosh") best.found = findSequences(current, best.codec, true);
    const before = countMojibake(current);
    let next = apply(current, best.found);
    let sequences = best.found.length;
    const lines = changedLines(current, best.found);
    let lossyCount = 0;
    if (best.codec === "windows-1252") {
      const lossy = repairLossy(next);
      lossyCount = lossy.count;
      if (lossy.count > 0) {
        const all = new Set([...lines, ...lossyLines(next)]);
        lines.length = 0;
        for (const n of [...all].sort((a, b) => a - b)) lines.push(n);
        next = lossy.text;
        sequences += lossy.count;
      }
    }
    if (lossyCount === 0 && countMojibake(next) >= before) break;
    repairs.push({ codec: best.codec, sequences, lines });
    current = next;
  }
  return { text: current, repairs };
}
