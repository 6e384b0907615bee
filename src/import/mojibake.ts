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

const tables = new Map<MojibakeCodec, Map<number, number>>();

/**
 * Windows-1252 bytes 0x80–0x9F. Written out because Node's `TextDecoder("windows-1252")` may
 * decode as Latin-1 (small ICU). The five undefined bytes map to C1 controls, as WHATWG does.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Character → byte of the codec, for bytes 0x80–0xFF (ASCII is the same in every codec here). */
function reverseTable(codec: MojibakeCodec): Map<number, number> {
  let table = tables.get(codec);
  if (table) return table;
  table = new Map<number, number>();
  if (codec === "windows-1252") {
    CP1252_HIGH.forEach((cp, i) => table?.set(cp, 0x80 + i));
    for (let b = 0xa0; b <= 0xff; b++) table.set(b, b);
  } else {
    const decoder = new TextDecoder(codec);
    for (let b = 0x80; b <= 0xff; b++) {
      const s = decoder.decode(Uint8Array.of(b));
      if (s.length === 1 && s !== "\ufffd") table.set(s.charCodeAt(0), b);
    }
  }
  // Old MacRoman had the currency sign where the euro is now; both appear in damaged files.
  if (codec === "macintosh") table.set(0x00a4, 0xdb);
  tables.set(codec, table);
  return table;
}

interface Candidate {
  start: number;
  length: number;
  codePoint: number;
}

/** Every damaged sequence for `codec`, left to right, non-overlapping. Linear in the text length. */
function findSequences(text: string, codec: MojibakeCodec): Candidate[] {
  const table = reverseTable(codec);
  const found: Candidate[] = [];
  for (let i = 0; i < text.length; i++) {
    const lead = table.get(text.charCodeAt(i));
    if (lead === undefined || lead < 0xc2 || lead > 0xf4) continue;
    const n = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (i + n > text.length) continue;
    let cp = lead & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
    let ok = true;
    for (let k = 1; k < n; k++) {
      const b = table.get(text.charCodeAt(i + k));
      if (b === undefined || (b & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok) continue;
    if (n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) continue;
    if (n === 4 && (cp < 0x10000 || cp > 0x10ffff)) continue;
    found.push({ start: i, length: n, codePoint: cp });
    i += n - 1;
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
    if (!best) break;
    const before = countMojibake(current);
    const next = apply(current, best.found);
    if (countMojibake(next) >= before) break;
    repairs.push({ codec: best.codec, sequences: best.found.length, lines: changedLines(current, best.found) });
    current = next;
  }
  return { text: current, repairs };
}
