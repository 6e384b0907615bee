/**
 * The fastest YAML read: a small hand-written reader for the part of YAML that checklists use, in
 * front of js-yaml (see `parseFast` in parse.ts). It reads a root block mapping of block mappings,
 * block sequences (with `- key: value` compact mappings and `- - x` compact sequences), flow
 * sequences and flow mappings that open and close on one line, plain scalars (resolved by
 * `coreScalar`, a copy of `yaml`'s core schema), single- and double-quoted scalars on one line (with
 * `yaml`'s escapes), `#` comments, blank lines and CRLF line ends.
 *
 * Anything else gives undefined ("not sure: let the next reader decide"), on the first doubt:
 * tabs, control characters, a BOM after the start, lone CRs, lines over 1024 characters, anchors,
 * aliases, tags, directives, document markers, `?` and `:` indicators, block scalars, scalars or
 * flow collections over several lines, empty sequence entries, keys that are not strings in the core
 * schema (`null`, `~`, `true`, `1`...), empty keys, `__proto__`, `<<`, duplicate keys (the reference read
 * reports them), plain scalars starting with an indicator, `a: b: c`, comments touching what they
 * follow, a root that is not a block mapping, nesting deeper than 100.
 *
 * What it reads is exactly what `yaml` (parseReference) reads: the same values, keys in the same
 * order, and in `starts` the offset where each mapping and sequence starts (its first character:
 * the first key of a block mapping, the `-` of a block sequence, the bracket of a flow collection),
 * which is where `yaml` puts the node. test/unit/checklist/parse-fast.test.ts checks it
 * differentially.
 *
 * Written for a cold JIT (the CLI reads a checklist once per process): small monomorphic functions
 * over module state, charCodeAt scanning, indexOf to skip comments, slices only for scalar text.
 */

// ---- yaml's core schema -------------------------------------------------------------------------

/*
 * Plain scalars resolve exactly as in `yaml`'s core schema (yaml/dist/schema/core: null, bool,
 * int, float, tried in that order), not with js-yaml's own core types, which differ at the edges
 * (`0b1`, `-0x1`, `1_000`).
 */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value `yaml`'s core schema gives a plain scalar, or the string itself when no core type matches. */
export function coreScalar(s: string): unknown {
  // The first character rules out most strings at once (the types' patterns do not overlap).
  switch (s.charCodeAt(0)) {
    case 0x7e: // ~
    case 0x6e: // n
    case 0x4e: // N
      return NULL.test(s) ? null : s;
    case 0x74: // t
    case 0x54: // T
    case 0x66: // f
    case 0x46: // F
      return BOOL.test(s) ? s[0] === "t" || s[0] === "T" : s;
    case 0x2b: // +
    case 0x2d: // -
    case 0x2e: // .
    case 0x30: // 0
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37:
    case 0x38:
    case 0x39: // 9
      if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
      if (INT.test(s)) return parseInt(s, 10);
      if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
      if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
      return s;
    default:
      return s === "" ? null : s;
  }
}

// ---- the reader ---------------------------------------------------------------------------------

export interface SubsetRead {
  value: Record<string, unknown>;
  /** Offset of the first character of every mapping and sequence in `value`. */
  starts: Map<object, number>;
  /** Offset of the start of every line: 0, then after every LF. */
  lineStarts: number[];
}

/**
 * Characters anywhere that send the read elsewhere: controls (tab and NUL included), DEL and the C1
 * controls (NEL is a line break to some readers), the Unicode line and paragraph separators, a BOM
 * (searched from after a leading one), non-characters, and a CR not before a LF.
 */
const FORBIDDEN = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/g;
const MAX_LINE = 1024;
const MAX_DEPTH = 100;

/*
 * Spans are scanned by sticky regular expressions: V8 runs them as native code from their first
 * uses, where a loop over characters would run in the interpreter for most of a one-off read.
 */
/** From a line start: blank and comment lines, then the indentation of the next content line. */
const NEXT = /(?: *(?:#[^\n]*)?\r?\n)* */y;
/** After a node: spaces and a comment (after a space) to the line break, then as NEXT; or the end. */
const END = /(?: +#[^\n]*| *)(?:\r?\n(?: *(?:#[^\n]*)?\r?\n)* *|$)/y;
/**
 * A plain scalar in a block, from its first character: it ends before `: ` (or `:` at the end of
 * the line), before ` #`, before spaces at the end of the line and at the line break.
 */
const BLOCK_PLAIN = /(?:[^ \n\r:]|:(?![ \n\r]|$)| +(?![ \n\r#]|$))*/y;
/** A plain scalar in a flow: as BLOCK_PLAIN, and it ends before `,[]{}`, `:` before them, and spaces before `:`. */
const FLOW_PLAIN = /(?:[^ \n\r:,[\]{}]|:(?![ \n\r,[\]{}]|$)| +(?![ \n\r#:,[\]{}]|$))*/y;
/**
 * A whole `key: value` line of the commonest kind, from the key: a plain key and a plain value with
 * no `:` or `#` in either (so no other key, no comment), nothing after the value, then as END. The
 * key's `:` is then the first on the line and the value runs to the line end.
 */
const KEY_VALUE_LINE = /[^ \n\r:#](?:[^\n\r:#]*[^ \n\r:#])?: +[^ \n\r:#'"\-?,[\]{}&*!|>%@`](?:[^\n\r:#]*[^ \n\r:#])?(?:\r?\n(?: *(?:#[^\n]*)?\r?\n)* *|$)/y;
/**
 * A flow mapping's `key: value` entry of the commonest kind, from the key: a plain key and a plain
 * value with no `:`, `#` or flow indicator in either, then spaces before the `,` or `}` that follows.
 */
const KEY_VALUE_ENTRY = /[^ \n\r:#,[\]{}](?:[^\n\r:#,[\]{}]*[^ \n\r:#,[\]{}])?: +[^ \n\r:#,[\]{}'"\-?!&*|>%@`](?:[^\n\r:#,[\]{}]*[^ \n\r:#,[\]{}])? *(?=[,}])/y;
/** The text of a single-quoted scalar on one line, after its opening quote. */
const SINGLE = /[^'\n\r]*(?:''[^'\n\r]*)*/y;
/** The text of a double-quoted scalar up to its closing quote, a backslash or a line end. */
const DOUBLE = /[^"\\\n\r]*/y;

/** Thrown inside the reader on the first doubt; readSubset turns it into undefined. */
const BAIL = new Error("not in the YAML subset");

// The reader's state (one read at a time; reset by readSubset).
let src = "";
let len = 0;
/** Where line 1 starts (after a leading BOM). */
let firstLine = 0;
/** Offset of the next thing to read. After a finished line, the first character of the next content line. */
let pos = 0;
/** Offset the indentation of the current content line counts from. */
let lineStart = 0;
/** Indentation of the current content line; -1 at the end of the text. */
let indent = -1;
/** The character at `pos` when it is the first of a content line (set with `indent`; 0 at the end). */
let first = 0;
let depth = 0;
let starts = new Map<object, number>();

/*
 * Plain scalars and keys recur (`severity: high`, `status: done`): a small table, indexed by a hash
 * of a span's length and three of its characters, keeps the last text read there and what it
 * resolved to, so a recurring span is compared in place rather than sliced and resolved again.
 */
const SLOTS = 2048;
const cacheText: string[] = new Array<string>(SLOTS).fill("");
const cacheValue: unknown[] = new Array<unknown>(SLOTS).fill(null);
/** Keys read before (valid plain keys only: strings in the core schema, not `__proto__`, not `<<`). */
const keyText: string[] = new Array<string>(SLOTS).fill("");

function slot(p: number, end: number): number {
  const n = end - p;
  return (n * 7 + src.charCodeAt(p) * 31 + src.charCodeAt(p + (n >> 1)) * 131 + src.charCodeAt(end - 1) * 17) & (SLOTS - 1);
}

/** The value of the plain scalar between `p` and `end`. */
function plain(p: number, end: number): unknown {
  if (end - p > 32) return coreScalar(src.slice(p, end));
  const h = slot(p, end);
  const known = cacheText[h] as string;
  if (known.length === end - p && src.startsWith(known, p)) return cacheValue[h];
  const text = src.slice(p, end);
  const value = coreScalar(text);
  cacheText[h] = text;
  cacheValue[h] = value;
  return value;
}

/** The plain key between `p` and `end`, or a bail when it is not a string key as `yaml` reads it. */
function plainKey(p: number, end: number, first: number, last: number): string {
  // Keys are few: their length, first and last characters tell them apart well enough.
  const h = ((end - p) * 7 + first * 31 + last * 17) & (SLOTS - 1);
  const known = keyText[h] as string;
  if (known.length === end - p && src.startsWith(known, p)) return known;
  const key = src.slice(p, end);
  // `1`, `true`, `null`: `yaml` stringifies the resolved value; not a string key here. `__proto__`
  // (`yaml` defines an own property, an assignment sets the prototype) and `<<` (a merge key to
  // js-yaml and YAML 1.1) are left to the other readers.
  if (coreScalar(key) !== key || key === "__proto__" || key === "<<") throw BAIL;
  keyText[h] = key;
  return key;
}

/** Space, line break or end of text: what must follow `-` or `:` for them to be indicators. */
function isEmptyAt(p: number): boolean {
  const c = src.charCodeAt(p);
  return c === 0x20 || c === 0x0a || c === 0x0d || p >= len;
}

/** A `- ` (or `-` at the end of its line) at `p`. */
function isSeqEntry(p: number): boolean {
  return src.charCodeAt(p) === 0x2d && isEmptyAt(p + 1);
}

/** Whether a plain scalar may start with the character at `p`. */
function plainStart(p: number, flow: boolean): boolean {
  switch (src.charCodeAt(p)) {
    case 0x2d: {
      // `-x`, `-1`: a plain scalar; `- ` is an indicator, and in a flow `-,` is trouble.
      if (isEmptyAt(p + 1)) return false;
      const d = src.charCodeAt(p + 1);
      return !(flow && (d === 0x2c || d === 0x5b || d === 0x5d || d === 0x7b || d === 0x7d));
    }
    case 0x3f: // ?
    case 0x3a: // :
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x23: // #
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case 0x20:
    case 0x0a:
    case 0x0d:
      return false;
    default:
      return p < len;
  }
}

/**
 * First characters by ASCII code: 1 where a plain scalar may start with no further look (not an
 * indicator, a space or a line break; `-` needs one), 2 where `coreScalar` may give something
 * other than the text itself (`~ n N t T f F + - .` and digits), 3 for both.
 */
const FIRST = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) if (!"-?:,[]{}#&*!|>'\"%@`".includes(String.fromCharCode(c))) FIRST[c] = 1;
for (const ch of "~nNtTfF+.0123456789") FIRST[ch.charCodeAt(0)] = (FIRST[ch.charCodeAt(0)] ?? 0) | 2;
FIRST[0x2d] = 2;
/** A plain scalar starts at `p` with character `c` and its value is its text: no look at it needed. */
function isPlainText(c: number): boolean {
  return c < 0x80 && FIRST[c] === 1;
}

/** Sets the line state for the content at `q`, where NEXT or END stopped. */
function lineAt(q: number): void {
  const c = src.charCodeAt(q);
  // The end, or a comment on a last line without a line break.
  if (q >= len || c === 0x23) {
    pos = len;
    indent = -1;
    first = 0;
    return;
  }
  const nl = src.lastIndexOf("\n", q - 1);
  lineStart = nl < 0 ? firstLine : nl + 1;
  pos = q;
  indent = q - lineStart;
  first = c;
  // `---` and `...` at the start of a line: document markers (or worse).
  if (indent === 0 && (c === 0x2d || c === 0x2e) && src.charCodeAt(q + 1) === c && src.charCodeAt(q + 2) === c) throw BAIL;
}

/** After a node that ends at `p`: only spaces and a comment may follow on its line; then the next content line. */
function endLine(p: number): void {
  END.lastIndex = p;
  if (!END.test(src)) throw BAIL;
  lineAt(END.lastIndex);
}

function skipSpaces(p: number): number {
  while (src.charCodeAt(p) === 0x20) p++;
  return p;
}

/** A single-quoted scalar on one line at `p` (the quote); `pos` after its closing quote. */
function readSingle(p: number): string {
  SINGLE.lastIndex = p + 1;
  SINGLE.test(src);
  const end = SINGLE.lastIndex;
  if (src.charCodeAt(end) !== 0x27) throw BAIL;
  pos = end + 1;
  const s = src.slice(p + 1, end);
  return s.includes("''") ? s.replace(/''/g, "'") : s;
}

/** A double-quoted scalar on one line at `p` (the quote); `pos` after its closing quote. */
function readDouble(p: number): string {
  DOUBLE.lastIndex = p + 1;
  DOUBLE.test(src);
  let j = DOUBLE.lastIndex;
  if (src.charCodeAt(j) === 0x22) {
    pos = j + 1;
    return src.slice(p + 1, j);
  }
  // Escapes: find the closing quote, then resolve them.
  for (;;) {
    const d = src.charCodeAt(j);
    if (d === 0x22) break;
    if (d === 0x5c) {
      const e = src.charCodeAt(j + 1);
      if (e === 0x0a || e === 0x0d || j + 1 >= len) throw BAIL;
      j += 2;
    } else if (d === 0x0a || d === 0x0d || j >= len) {
      throw BAIL;
    } else j++;
  }
  pos = j + 1;
  return unescapeDouble(p + 1, j);
}

/** `yaml`'s escapes of a double-quoted scalar (yaml/dist/compose/resolve-flow-scalar), a tab's excepted. */
const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
};
const HEX = /^[0-9a-fA-F]+$/;

/** The text of a double-quoted scalar between `from` and `to` (its closing quote), escapes resolved. */
function unescapeDouble(from: number, to: number): string {
  let out = "";
  let run = from;
  for (let i = from; i < to; i++) {
    if (src.charCodeAt(i) !== 0x5c) continue;
    out += src.slice(run, i);
    const next = src[i + 1] ?? "";
    const simple = Object.hasOwn(ESCAPES, next) ? ESCAPES[next] : undefined;
    if (simple !== undefined) {
      out += simple;
      i += 1;
    } else if (next === "x" || next === "u" || next === "U") {
      const length = next === "x" ? 2 : next === "u" ? 4 : 8;
      if (i + 2 + length > to) throw BAIL;
      const hex = src.slice(i + 2, i + 2 + length);
      if (!HEX.test(hex)) throw BAIL;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw BAIL;
      out += String.fromCodePoint(code);
      i += 1 + length;
    } else throw BAIL;
    run = i + 1;
  }
  return out + src.slice(run, to);
}

/** A key at `pos` up to its `:`, which must be followed by a space (or, in a block, a line end); `pos` after the `:`. */
function readKey(flow: boolean): string {
  const p = pos;
  const c = src.charCodeAt(p);
  let key: string;
  let colon: number;
  if (c === 0x22 || c === 0x27) {
    key = c === 0x22 ? readDouble(p) : readSingle(p);
    colon = pos;
    if (src.charCodeAt(colon) !== 0x3a || key === "" || key === "__proto__" || key === "<<") throw BAIL;
  } else {
    if (!plainStart(p, flow)) throw BAIL;
    const re = flow ? FLOW_PLAIN : BLOCK_PLAIN;
    re.lastIndex = p;
    re.test(src);
    colon = re.lastIndex;
    if (src.charCodeAt(colon) !== 0x3a) throw BAIL;
    let end = colon;
    let last = src.charCodeAt(end - 1);
    while (last === 0x20) last = src.charCodeAt(--end - 1); // `a : 1` in a block
    key = plainKey(p, end, c, last);
  }
  if (flow ? src.charCodeAt(colon + 1) !== 0x20 : !isEmptyAt(colon + 1)) throw BAIL;
  pos = colon + 1;
  return key;
}

/*
 * The functions below read the common cases (a plain key, a plain value) in place: on a cold start
 * every call costs, and a block line is a key, a value and a line end.
 */

/** A node in a flow collection at `pos`; `pos` after it. */
function flowNode(): unknown {
  const p = pos;
  const c = src.charCodeAt(p);
  if (c === 0x5b) return flowSeq();
  if (c === 0x7b) return flowMap();
  if (c === 0x22) return readDouble(p);
  if (c === 0x27) return readSingle(p);
  if (!plainStart(p, true)) throw BAIL;
  FLOW_PLAIN.lastIndex = p;
  FLOW_PLAIN.test(src);
  const end = FLOW_PLAIN.lastIndex;
  pos = end;
  return isPlainText(c) ? src.slice(p, end) : plain(p, end);
}

/** A flow sequence at `pos` (its `[`), closed on the same line; `pos` after its `]`. */
function flowSeq(): unknown[] {
  if (++depth > MAX_DEPTH) throw BAIL;
  const seq: unknown[] = [];
  starts.set(seq, pos);
  let i = pos + 1;
  let c = src.charCodeAt(i);
  if (c === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
  if (c !== 0x5d) {
    for (;;) {
      pos = i;
      seq.push(flowNode());
      i = pos;
      c = src.charCodeAt(i);
      if (c === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
      if (c === 0x2c) {
        c = src.charCodeAt(++i);
        if (c === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
        if (c === 0x5d) break;
      } else if (c === 0x5d) break;
      else throw BAIL;
    }
  }
  pos = i + 1;
  depth--;
  return seq;
}

/** A flow mapping at `pos` (its `{`), closed on the same line; `pos` after its `}`. */
function flowMap(): Record<string, unknown> {
  if (++depth > MAX_DEPTH) throw BAIL;
  const map: Record<string, unknown> = {};
  starts.set(map, pos);
  let n = 0;
  let i = pos + 1;
  let c = src.charCodeAt(i);
  if (c === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
  if (c !== 0x7d) {
    for (;;) {
      // The commonest entry, with one regular expression.
      if (c < 0x80 && (FIRST[c] as number) & 1) KEY_VALUE_ENTRY.lastIndex = i;
      if (c < 0x80 && (FIRST[c] as number) & 1 && KEY_VALUE_ENTRY.test(src)) {
        const next = KEY_VALUE_ENTRY.lastIndex;
        const colon = src.indexOf(":", i);
        const key = plainKey(i, colon, c, src.charCodeAt(colon - 1));
        let v = colon + 2;
        let vc = src.charCodeAt(v);
        while (vc === 0x20) vc = src.charCodeAt(++v);
        let end = next;
        while (src.charCodeAt(end - 1) === 0x20) end--;
        map[key] = vc < 0x80 && FIRST[vc] === 1 ? src.slice(v, end) : plain(v, end);
        n++;
        i = next;
        c = src.charCodeAt(i);
        if (c === 0x2c) {
          c = src.charCodeAt(++i);
          if (c === 0x20 && (c = src.charCodeAt(++i)) === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
          if (c === 0x7d) break;
          continue;
        }
        break; // `}`
      }
      // The key: a plain one read here, any other by readKey.
      let key: string;
      if (c < 0x80 && (FIRST[c] as number) & 1) {
        FLOW_PLAIN.lastIndex = i;
        FLOW_PLAIN.test(src);
        const end = FLOW_PLAIN.lastIndex;
        if (src.charCodeAt(end) !== 0x3a || src.charCodeAt(end + 1) !== 0x20) throw BAIL;
        key = plainKey(i, end, c, src.charCodeAt(end - 1));
        i = end + 2;
      } else {
        pos = i;
        key = readKey(true);
        i = pos;
      }
      // The value: a plain one read here, any other by flowNode.
      c = src.charCodeAt(i);
      if (c === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
      if (c < 0x80 && FIRST[c] === 1) {
        FLOW_PLAIN.lastIndex = i;
        FLOW_PLAIN.test(src);
        const end = FLOW_PLAIN.lastIndex;
        map[key] = src.slice(i, end);
        i = end;
      } else {
        pos = i;
        map[key] = flowNode();
        i = pos;
      }
      n++;
      c = src.charCodeAt(i);
      if (c === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
      if (c === 0x2c) {
        c = src.charCodeAt(++i);
        if (c === 0x20 && (c = src.charCodeAt(++i)) === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
        if (c === 0x7d) break;
      } else if (c === 0x7d) break;
      else throw BAIL;
    }
  }
  // A key twice: fewer properties than keys read (the reference read reports it).
  if (n > 1 && Object.keys(map).length !== n) throw BAIL;
  pos = i + 1;
  depth--;
  return map;
}

/** A node that starts on this line at `p` and is not a block collection; then the end of the line. */
function inlineNode(p: number): unknown {
  pos = p;
  let value: unknown;
  const c = src.charCodeAt(p);
  if (c === 0x5b) value = flowSeq();
  else if (c === 0x7b) value = flowMap();
  else if (c === 0x22) value = readDouble(p);
  else if (c === 0x27) value = readSingle(p);
  else {
    if (!plainStart(p, false)) throw BAIL;
    BLOCK_PLAIN.lastIndex = p;
    BLOCK_PLAIN.test(src);
    const end = BLOCK_PLAIN.lastIndex;
    // `a: b: c`, `a: b:`: a mapping where a scalar may be (an error).
    if (src.charCodeAt(end) === 0x3a) throw BAIL;
    value = isPlainText(c) ? src.slice(p, end) : plain(p, end);
    pos = end;
  }
  END.lastIndex = pos;
  if (!END.test(src)) throw BAIL;
  lineAt(END.lastIndex);
  return value;
}

/** Whether a key (a scalar and `: `) starts at `p` on this line. */
function keyAhead(p: number): boolean {
  const c = src.charCodeAt(p);
  let end: number;
  if (c === 0x22 || c === 0x27) {
    let i = p + 1;
    for (;;) {
      const d = src.charCodeAt(i);
      if (d === 0x0a || d === 0x0d || i >= len) return false;
      if (d === c) {
        if (c === 0x27 && src.charCodeAt(i + 1) === 0x27) i += 2;
        else break;
      } else i += c === 0x22 && d === 0x5c ? 2 : 1;
    }
    end = i + 1;
  } else {
    if (!plainStart(p, false)) return false;
    BLOCK_PLAIN.lastIndex = p;
    BLOCK_PLAIN.test(src);
    end = BLOCK_PLAIN.lastIndex;
  }
  return src.charCodeAt(end) === 0x3a && isEmptyAt(end + 1);
}

/** A block mapping or sequence at `pos`, the first character of a content line. */
function blockNode(): unknown {
  return first === 0x2d && isEmptyAt(pos + 1) ? blockSeq(indent) : blockMap(indent, first);
}

/**
 * A block mapping whose first key is at `pos`, at indentation `ind` (its key's column). `first` is
 * the character at `pos` when `pos` starts a line; `c0` gives it when the mapping starts after `- `.
 */
function blockMap(ind: number, c0: number): Record<string, unknown> {
  if (++depth > MAX_DEPTH) throw BAIL;
  const map: Record<string, unknown> = {};
  starts.set(map, pos);
  let n = 0;
  let c = c0;
  for (;;) {
    // The key: a plain one read here (BLOCK_PLAIN stops at a `:` only before a space or a line
    // end), any other by readKey.
    let key: string;
    let i = pos;
    if (c < 0x80 && (FIRST[c] as number) & 1) KEY_VALUE_LINE.lastIndex = i;
    if (c < 0x80 && (FIRST[c] as number) & 1 && KEY_VALUE_LINE.test(src)) {
      // The commonest line, with one regular expression.
      const next = KEY_VALUE_LINE.lastIndex;
      const colon = src.indexOf(":", i);
      key = plainKey(i, colon, c, src.charCodeAt(colon - 1));
      let v = colon + 2;
      let vc = src.charCodeAt(v);
      while (vc === 0x20) vc = src.charCodeAt(++v);
      let end = src.indexOf("\n", v);
      if (end < 0) end = len;
      else if (src.charCodeAt(end - 1) === 0x0d) end--;
      map[key] = vc < 0x80 && FIRST[vc] === 1 ? src.slice(v, end) : plain(v, end);
      lineAt(next);
      n++;
      if (indent !== ind) {
        if (indent > ind) throw BAIL;
        break;
      }
      c = first;
      if (c === 0x2d && isEmptyAt(pos + 1)) throw BAIL;
      continue;
    }
    if (c < 0x80 && (FIRST[c] as number) & 1) {
      BLOCK_PLAIN.lastIndex = i;
      BLOCK_PLAIN.test(src);
      let end = BLOCK_PLAIN.lastIndex;
      if (src.charCodeAt(end) !== 0x3a) throw BAIL;
      i = end + 1;
      let last = src.charCodeAt(end - 1);
      while (last === 0x20) last = src.charCodeAt(--end - 1); // `a : 1`
      key = plainKey(pos, end, c, last);
    } else {
      key = readKey(false);
      i = pos;
    }
    // The value.
    const afterColon = i;
    c = src.charCodeAt(i);
    if (c === 0x20 && (c = src.charCodeAt(++i)) === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
    if (c < 0x80 && FIRST[c] === 1) {
      // A plain scalar whose value is its text; a `: ` in it makes END fail (`a: b: c`).
      BLOCK_PLAIN.lastIndex = i;
      BLOCK_PLAIN.test(src);
      const end = BLOCK_PLAIN.lastIndex;
      map[key] = src.slice(i, end);
      END.lastIndex = end;
      if (!END.test(src)) throw BAIL;
      lineAt(END.lastIndex);
    } else if (c === 0x0a || c === 0x0d || c === 0x23 || i >= len) {
      // The value on the lines below: a block collection, or nothing (null).
      endLine(afterColon);
      if (indent > ind) map[key] = blockNode();
      // A sequence may stand at its key's own indentation.
      else if (indent === ind && isSeqEntry(pos)) map[key] = blockSeq(ind);
      else map[key] = null;
    } else map[key] = inlineNode(i);
    n++;
    if (indent !== ind) {
      if (indent > ind) throw BAIL;
      break;
    }
    c = first;
    if (c === 0x2d && isEmptyAt(pos + 1)) throw BAIL;
  }
  // A key twice: fewer properties than keys read (the reference read reports it).
  if (n > 1 && Object.keys(map).length !== n) throw BAIL;
  depth--;
  return map;
}

/** A block sequence whose first `-` is at `pos`, at indentation `ind` (the column of its `-`). */
function blockSeq(ind: number): unknown[] {
  if (++depth > MAX_DEPTH) throw BAIL;
  const seq: unknown[] = [];
  starts.set(seq, pos);
  for (;;) {
    const p = pos + 1;
    let i = p;
    let c = src.charCodeAt(i);
    if (c === 0x20 && (c = src.charCodeAt(++i)) === 0x20) c = src.charCodeAt((i = skipSpaces(i)));
    if (c === 0x0a || c === 0x0d || c === 0x23 || i >= len) {
      endLine(p);
      // An empty entry (null): js-yaml and `yaml` disagree around them; rare in a checklist.
      if (indent <= ind) throw BAIL;
      seq.push(blockNode());
    } else if (c === 0x2d && isEmptyAt(i + 1)) {
      pos = i;
      seq.push(blockSeq(i - lineStart));
    } else if (c === 0x5b || c === 0x7b || !keyAhead(i)) {
      seq.push(inlineNode(i));
    } else {
      pos = i;
      seq.push(blockMap(i - lineStart, c));
    }
    if (indent !== ind) {
      if (indent > ind) throw BAIL;
      break;
    }
    if (first !== 0x2d || !isEmptyAt(pos + 1)) break;
  }
  depth--;
  return seq;
}

/**
 * Reads `text` when it is a root block mapping in the subset this reader knows, giving exactly what
 * `yaml` gives; undefined otherwise (then another reader decides).
 */
export function readSubset(text: string): SubsetRead | undefined {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  FORBIDDEN.lastIndex = bom;
  if (FORBIDDEN.test(text)) return undefined;
  const lineStarts = [0];
  let last = 0;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) {
    if (nl - last > MAX_LINE) return undefined;
    last = nl + 1;
    lineStarts.push(last);
  }
  if (text.length - last > MAX_LINE) return undefined;

  src = text;
  len = text.length;
  firstLine = bom;
  depth = 0;
  const read = new Map<object, number>();
  starts = read;
  try {
    NEXT.lastIndex = bom;
    NEXT.test(text);
    lineAt(NEXT.lastIndex);
    if (indent < 0 || isSeqEntry(pos)) return undefined;
    const value = blockMap(indent, first);
    if (indent !== -1) return undefined;
    return { value, starts: read, lineStarts };
  } catch {
    // BAIL, or anything unforeseen (a stack overflow): not sure, so not this reader's answer.
    return undefined;
  } finally {
    src = "";
    starts = new Map();
  }
}
