/**
 * The fast YAML read (js-yaml) against the reference read (`yaml`): whenever the fast read gives a
 * result, the reference gives no error, a deep-equal value and the same position for every mapping
 * and sequence. Property tests over generated YAML (`READINESS_FUZZ_RUNS` scales them, as in
 * test/unit/fuzz), then fixed cases for what must fall back to the reference.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFast, parseReference, parseYaml, type ParsedYaml, type Path } from "../../../src/checklist/parse.js";
import { checkChecklistText } from "../../../src/checklist/load.js";
import { readSubset } from "../../../src/checklist/yaml-subset.js";
import { FUZZ_SCALE, mutatedChecklist, randomYaml, splicedYaml } from "../fuzz/arbitraries.js";

const FILE = "c.yaml";

/** Every path to a mapping or a sequence in a value, the root first. */
function collectionPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (typeof value !== "object" || value === null) return out;
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => collectionPaths(v, [...path, i], out));
  else for (const [k, v] of Object.entries(value)) collectionPaths(v, [...path, k], out);
  return out;
}

function nodeAt(value: unknown, path: Path): object {
  let node = value;
  for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
  return node as object;
}

/**
 * Where two values differ, or undefined when they are the same: same types and prototypes, numbers
 * by Object.is (NaN, -0), own keys in the same order. (toStrictEqual also compares `constructor`
 * properties, which a YAML key may define.)
 */
function difference(a: unknown, b: unknown, at = ""): string | undefined {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b) ? undefined : `${at || "/"}: ${String(a)} ≠ ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at || "/"}: different kinds`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join("\u0000") !== kb.join("\u0000")) return `${at || "/"}: keys ${JSON.stringify(ka)} ≠ ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`);
    if (d) return d;
  }
  return undefined;
}

/** The differential property: a fast result is exactly the reference result. Returns the fast one. */
function agree(text: string): ParsedYaml | undefined {
  const fast = parseFast(text, FILE);
  if (!fast) return undefined;
  const ref = parseReference(text, FILE);
  const context = `on ${JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text)}`;
  expect(ref.issues, context).toEqual([]);
  expect(fast.issues).toEqual([]);
  expect(difference(fast.value, ref.value), context).toBeUndefined();
  const paths = collectionPaths(fast.value);
  for (const path of paths) {
    const expected = ref.locate(path);
    expect(fast.locate(path), `${context} at /${path.join("/")}`).toEqual(expected);
    expect(fast.locateNode?.(nodeAt(fast.value, path)), `${context} node at /${path.join("/")}`).toEqual(expected);
  }
  // Out of document order too (a lookup starts where the last one ended): backwards, and every
  // other node, then the rest.
  const jumps = [...paths].reverse().concat(paths.filter((_, i) => i % 2 === 0), paths.filter((_, i) => i % 2 === 1));
  for (const path of jumps) expect(fast.locateNode?.(nodeAt(fast.value, path)), `${context} node at /${path.join("/")}, out of order`).toEqual(ref.locate(path));
  return fast;
}

/** A fast read that agrees with the reference. */
function fastAndAgrees(text: string): ParsedYaml {
  const fast = agree(text);
  expect(fast, "read fast").toBeDefined();
  return fast!;
}

/** Line and column of an offset, counted here (a line starts at 0 and after every LF), as `yaml` counts. */
function position(text: string, offset: number): { file: string; line: number; column: number } {
  const before = text.slice(0, offset);
  const nl = before.lastIndexOf("\n");
  return { file: FILE, line: before.split("\n").length, column: offset - nl };
}

/**
 * The differential property for the subset reader alone: when it reads `text`, the reference reads it
 * without issues, to a deep-equal value, with every mapping and sequence where `starts` puts it.
 * Returns whether the subset reader read it.
 */
function subsetAgrees(text: string): boolean {
  const read = readSubset(text);
  if (!read) return false;
  const ref = parseReference(text, FILE);
  const context = `on ${JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text)}`;
  expect(ref.issues, context).toEqual([]);
  expect(difference(read.value, ref.value), context).toBeUndefined();
  const paths = collectionPaths(read.value);
  expect(read.starts.size, context).toBe(paths.length);
  for (const path of paths) {
    const offset = read.starts.get(nodeAt(read.value, path));
    expect(offset, `${context} at /${path.join("/")}`).toBeDefined();
    expect(position(text, offset!), `${context} at /${path.join("/")}`).toEqual(ref.locate(path));
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  expect(read.lineStarts).toEqual(lineStarts);
  return true;
}

// ---- a generator of YAML text in many styles --------------------------------------------------

/** A small deterministic PRNG (mulberry32): the generator's choices follow from one seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plain scalars, including every edge of the core schema and characters with a meaning in YAML. */
const PLAIN = [
  "x", "hello world", "Item 5 title", "2026-10-01", "1", "01", "-0", "+1", "1.", ".5", "1.50", "1e3", "-1E-3", "1_000", "0x1F", "-0x1F", "0o17", "0o8", "0b101",
  ".inf", "-.Inf", "+.INF", ".NaN", ".nan", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false", "yes", "no", "on", "off", "y", "n",
  "http://127.0.0.1:9/health", "a:b", "a :b", "a# b", "${env.HOME}", "${vars.x}", "ünïcödé", "💥 boom", "a'b", 'a"b', "-", "--x", "?x", ":x", "x:", "@x", "`x",
  "%x", "!x", "&x", "*x", "|x", ">x", "a,b", "a]b", "a}b", "a[b", "\u2028x", "x\u0085y", "a\u00a0b", "ok!",
];
const FLOW_PLAIN = PLAIN.filter((s) => !/[,[\]{}]/.test(s));
const KEYS = ["id", "title", "a", "b-c", "x y", "1", "01", "true", "3.0", "0x10", "é", "a#b", "toString", "__proto__", "k.k", "'quoted'", '"dq"', "''", "\"a\\tb\""];
const ESCAPES = ["\\n", "\\t", '\\"', "\\\\", "\\x41", "\\u00e9", "\\U0001F600", "\\0", "\\a", "\\e", "\\N", "\\_", "\\L", "\\P", "\\/", "\\ ", "\\\t", "\t"];
const HAZARDS = ["\t", "&a ", "*a", "!!str ", "!x ", "! ", "? ", "<<: ", "~: ", ": ", "---\n", "...\n", "%YAML 1.1\n", "[k]: ", "#", " #", "'", '"', "- ", "\r", "{", "]"];

function generate(seed: number, size: number): string {
  const r = prng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number): boolean => r() < p;
  const spaces = (n: number): string => " ".repeat(n);
  const width = (): number => pick([1, 2, 2, 2, 3, 4]);
  let budget = size;

  const comment = (): string => (chance(0.1) ? ` # ${pick(PLAIN)}` : "");
  const singleQuoted = (): string => `'${pick(PLAIN).replace(/'/g, "''")}${chance(0.1) ? "\n  more" : ""}'`;
  const doubleQuoted = (): string => {
    let s = pick(PLAIN).replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    for (let i = 0; i < 3; i++) if (chance(0.3)) s += pick(ESCAPES);
    if (chance(0.1)) s += `\n${spaces(pick([0, 1, 4]))}${pick(FLOW_PLAIN)}`;
    return `"${s}"`;
  };
  const key = (): string => (chance(0.005) ? "k".repeat(1030) : pick(KEYS));

  /** A scalar after `key: ` or `- ` at indentation `indent`. */
  const blockScalar = (indent: number): string => {
    const n = r();
    if (n < 0.5) {
      const s = pick(PLAIN);
      return chance(0.08) ? `${s}\n${spaces(indent + width())}${pick(PLAIN)}` : s;
    }
    if (n < 0.65) return singleQuoted();
    if (n < 0.8) return doubleQuoted();
    if (n < 0.85) return "";
    const header = `${pick(["|", ">"])}${pick(["", "", "-", "+", "2", "1-"])}`;
    const inner = indent + width();
    const lines = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (chance(0.2) ? "" : `${spaces(inner + (chance(0.15) ? 2 : 0))}${pick(PLAIN)}`));
    return `${header}${comment()}\n${lines.join("\n")}${chance(0.3) ? "\n" : ""}`;
  };

  const flowNode = (depth: number, indent: number): string => {
    budget--;
    const br = (): string => (chance(0.1) ? `\n${spaces(pick([0, indent, indent + 1, indent + 2]))}` : pick(["", " ", " "]));
    if (depth > 3 || budget <= 0 || chance(0.5)) return chance(0.7) ? pick(FLOW_PLAIN) : chance(0.5) ? singleQuoted() : doubleQuoted();
    const n = Math.floor(r() * 4);
    const trailing = chance(0.1) ? "," : "";
    if (chance(0.5)) return `[${br()}${Array.from({ length: n }, () => flowNode(depth + 1, indent)).join(`,${br()}`)}${trailing}${br()}]`;
    return `{${br()}${Array.from({ length: n }, () => `${key()}: ${flowNode(depth + 1, indent)}`).join(`,${br()}`)}${trailing}${br()}}`;
  };

  /** Lines of a block collection (or a scalar) at `indent`; `inline` when it follows `- ` on the same line. */
  const blockNode = (depth: number, indent: number): { inline: string; lines: string[] } => {
    budget--;
    const n = r();
    if (depth > 5 || budget <= 0 || n < 0.35) return { inline: blockScalar(indent), lines: [] };
    if (n < 0.5) return { inline: flowNode(0, indent), lines: [] };
    const count = 1 + Math.floor(r() * 4);
    const lines: string[] = [];
    const childIndent = indent + width();
    const extra = (): void => {
      if (chance(0.1)) lines.push(`${spaces(pick([0, indent, childIndent]))}# ${pick(PLAIN)}`);
      if (chance(0.05)) lines.push("");
    };
    if (n < 0.75) {
      for (let i = 0; i < count; i++) {
        extra();
        const child = blockNode(depth + 1, childIndent);
        if (child.lines.length === 0) lines.push(`${spaces(indent)}${key()}:${child.inline === "" ? "" : ` ${child.inline}`}${comment()}`);
        else {
          lines.push(`${spaces(indent)}${key()}:${comment()}`);
          lines.push(...child.lines);
        }
      }
    } else {
      for (let i = 0; i < count; i++) {
        extra();
        const child = blockNode(depth + 1, chance(0.3) ? indent : childIndent);
        if (child.lines.length === 0) lines.push(`${spaces(indent)}-${child.inline === "" ? "" : ` ${child.inline}`}${comment()}`);
        else if (chance(0.6)) {
          // Compact: the first line of the child after `- `.
          const first = child.lines[0] ?? "";
          const pad = first.length - first.trimStart().length;
          lines.push(`${spaces(indent)}-${spaces(Math.max(1, pad - indent))}${first.trimStart()}`);
          lines.push(...child.lines.slice(1).map((l) => (l.startsWith(spaces(pad)) ? spaces(indent + Math.max(1, pad - indent) + 1) + l.slice(pad) : l)));
        } else {
          lines.push(`${spaces(indent)}-${comment()}`);
          lines.push(...child.lines);
        }
      }
    }
    return { inline: "", lines };
  };

  // A root mapping, as a checklist has.
  const rootLines: string[] = [];
  if (chance(0.1)) rootLines.push(`# ${pick(PLAIN)}`, "");
  if (chance(0.1)) rootLines.push("---");
  const root = blockNode(1, 0);
  rootLines.push(...(root.lines.length ? root.lines : [`${key()}: ${root.inline}`]));
  if (chance(0.05)) rootLines.push("...");
  let text = rootLines.join("\n") + (chance(0.9) ? "\n" : "");
  if (chance(0.15)) text = text.replace(/\n/g, "\r\n");
  if (chance(0.05)) text = `\ufeff${text}`;
  // Now and then a hazard spliced in anywhere, or a character dropped.
  for (let i = 0; i < 2; i++) {
    if (!chance(0.15)) continue;
    const at = Math.floor(r() * (text.length + 1));
    text = chance(0.7) ? text.slice(0, at) + pick(HAZARDS) + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  }
  return text;
}

const generated = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })).map(([seed, size]) => generate(seed, size));
/** Plain scalars as checklists write them (the subset reader takes all of these). */
const PLAIN_SAFE = [
  "x", "Item 5 title", "hello world", "2026-10-01", "critical", "done", "in-progress", "n/a", "Ana", "HOME", "^/", "1", "0", "42", "-1", "1.5", "-0", "1e3",
  "0x1F", "0o17", "01", "true", "false", "null", "~", "yes", "No", ".inf", "-.Inf", ".NaN", "${env.HOME}", "${vars.base_url}/health", "http://127.0.0.1:9/health",
  "a:b", "a#b", "a'b", 'a"b', "ünïcödé", "💥 boom", "5s", "500ms", "2xx", "< 10ms", "TLSv1.2", "[::1]:9229", "a]b", "x!", "-x", "--x", "a\u00a0b",
];
const FLOW_SAFE = PLAIN_SAFE.filter((s) => !/[,[\]{}]/.test(s));
const KEYS_SAFE = ["id", "title", "severity", "status", "probes", "items", "tags", "env", "http", "x y", "b-c", "é", "a#b", "toString", "constructor", "k.k", "'quoted'", '"dq"', "'1'"];

/**
 * YAML as checklists are written, in the subset the subset reader takes: block mappings and
 * sequences (compact entries, sequences at their key's indentation), one-line flow collections,
 * quoted scalars with escapes, comments, blank lines, now and then CRLF or a BOM, and rarely a
 * hazard, so that most of it is read by the subset reader and some is not.
 */
function generateSubset(seed: number, size: number): string {
  const r = prng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number): boolean => r() < p;
  const spaces = (n: number): string => " ".repeat(n);
  const width = (): number => pick([2, 2, 2, 4, 1, 3]);
  let budget = size;
  const comment = (): string => (chance(0.1) ? `${spaces(pick([1, 1, 3]))}# ${pick(PLAIN_SAFE)}` : "");
  const plain = (flow: boolean): string => (chance(0.02) ? pick(PLAIN) : pick(flow ? FLOW_SAFE : PLAIN_SAFE));
  const single = (): string => `'${pick(PLAIN).replace(/'/g, "''")}'`;
  const double = (): string => {
    let s = pick(PLAIN).replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    for (let i = 0; i < 2; i++) if (chance(0.3)) s += pick(ESCAPES.filter((e) => !e.includes("\t")));
    return `"${s}"`;
  };
  const scalar = (flow: boolean): string => (chance(0.7) ? plain(flow) : chance(0.5) ? single() : double());
  const key = (): string => (chance(0.9) ? pick(KEYS_SAFE) : pick(KEYS));
  const sp = (): string => pick(["", " ", " ", "  "]);
  const flowNode = (depth: number): string => {
    budget--;
    if (depth > 3 || budget <= 0 || chance(0.5)) return scalar(true);
    const n = Math.floor(r() * 4);
    const trailing = chance(0.05) ? "," : "";
    const used = new Set<string>();
    if (chance(0.5)) return `[${sp()}${Array.from({ length: n }, () => flowNode(depth + 1)).join(`,${sp()}`)}${trailing}${sp()}]`;
    const entries: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = key();
      if (used.has(k)) continue;
      used.add(k);
      entries.push(`${k}: ${flowNode(depth + 1)}`);
    }
    return `{${sp()}${entries.join(`,${sp()}`)}${trailing}${sp()}}`;
  };
  const blockNode = (depth: number, indent: number): { inline: string; lines: string[] } => {
    budget--;
    const n = r();
    if (depth > 6 || budget <= 0 || n < 0.3) return { inline: chance(0.03) ? "" : scalar(false), lines: [] };
    if (n < 0.45) return { inline: flowNode(0), lines: [] };
    const count = 1 + Math.floor(r() * 4);
    const lines: string[] = [];
    const childIndent = indent + width();
    const extra = (): void => {
      if (chance(0.1)) lines.push(`${spaces(pick([0, indent, childIndent]))}# ${pick(PLAIN_SAFE)}`);
      if (chance(0.05)) lines.push(pick(["", spaces(indent)]));
    };
    if (n < 0.75) {
      const used = new Set<string>();
      for (let i = 0; i < count; i++) {
        extra();
        let k = key();
        if (used.has(k) && chance(0.95)) k = `${k}${i}`;
        used.add(k);
        // A sequence at its key's indentation, as many write it.
        const child = blockNode(depth + 1, chance(0.8) ? childIndent : indent);
        if (child.lines.length === 0) lines.push(`${spaces(indent)}${k}:${child.inline === "" ? "" : ` ${child.inline}`}${comment()}`);
        else {
          lines.push(`${spaces(indent)}${k}:${comment()}`);
          lines.push(...child.lines);
        }
      }
    } else {
      for (let i = 0; i < count; i++) {
        extra();
        const child = blockNode(depth + 1, childIndent);
        if (child.lines.length === 0) lines.push(`${spaces(indent)}-${child.inline === "" ? "" : ` ${child.inline}`}${comment()}`);
        else if (chance(0.8)) {
          // Compact: the child's first line after `- `, the rest re-indented to match.
          const first = child.lines[0] ?? "";
          const pad = first.length - first.trimStart().length;
          const gap = Math.max(1, pad - indent - 1);
          const shift = indent + 1 + gap - pad;
          lines.push(`${spaces(indent)}-${spaces(gap)}${first.trimStart()}`);
          lines.push(...child.lines.slice(1).map((l) => (l.trim() === "" ? l : shift >= 0 ? spaces(shift) + l : l.slice(-shift))));
        } else {
          lines.push(`${spaces(indent)}-${comment()}`);
          lines.push(...child.lines);
        }
      }
    }
    return { inline: "", lines };
  };
  const rootLines: string[] = [];
  if (chance(0.2)) rootLines.push(`# ${pick(PLAIN_SAFE)}`, "");
  const root = blockNode(1, 0);
  rootLines.push(...(root.lines.length && !root.lines[0]!.trimStart().startsWith("-") ? root.lines : [`version: 1`, ...(root.lines.length ? ["sections:", ...root.lines] : [`name: ${root.inline}`])]));
  let text = rootLines.join("\n") + (chance(0.9) ? "\n" : "");
  if (chance(0.1)) text = text.replace(/\n/g, "\r\n");
  if (chance(0.05)) text = `\ufeff${text}`;
  if (chance(0.1)) {
    const at = Math.floor(r() * (text.length + 1));
    text = chance(0.7) ? text.slice(0, at) + pick(HAZARDS) + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  }
  return text;
}

const subsetStyle = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 })).map(([seed, size]) => generateSubset(seed, size));


const runs = (n: number): { numRuns: number; seed?: number } => {
  const seed = process.env.READINESS_FUZZ_SEED;
  return seed === undefined ? { numRuns: n * FUZZ_SCALE } : { numRuns: n * FUZZ_SCALE, seed: Number(seed) };
};
const timeout = (n: number): number => 30_000 + n * FUZZ_SCALE * 20;

describe("the fast YAML read agrees with the reference read", () => {
  it("on generated YAML in every style (block and flow, quoting, block scalars, comments, CRLF, BOM, hazards)", { timeout: timeout(3000) }, () => {
    fc.assert(fc.property(generated, (text) => void agree(text)), runs(3000));
  });

  it("reads most generated YAML fast (the fallback is for the unusual, not the common case)", () => {
    const texts = fc.sample(generated, { numRuns: 500, seed: 7 });
    const fast = texts.filter((t) => parseFast(t, FILE) !== undefined).length;
    expect(fast).toBeGreaterThan(texts.length * 0.3);
  });

  it("on plain scalars made of the characters of numbers, booleans and nulls, as values and as keys", { timeout: timeout(2000) }, () => {
    const scalar = fc.string({ unit: fc.constantFrom(..."0123456789+-._~eExXoOabfFnNtTlLrRuUsSiI"), maxLength: 8 });
    fc.assert(
      fc.property(scalar, (s) => {
        agree(`a: ${s}\nb: [${s}]\n`);
        agree(`${s}: {x: ${s}}\n`);
      }),
      runs(2000),
    );
  });

  it("on mutated checklists, random YAML-ish text and spliced YAML trouble", { timeout: timeout(1500) }, () => {
    fc.assert(fc.property(fc.oneof(mutatedChecklist, randomYaml, splicedYaml), (text) => void agree(text)), runs(1500));
  });
});

describe("the subset reader agrees with the reference read", () => {
  it("on subset-style checklists (block and flow, quoted scalars, comments), and reads most of them", { timeout: timeout(3000) }, () => {
    let read = 0;
    let total = 0;
    fc.assert(
      fc.property(subsetStyle, (text) => {
        total++;
        if (subsetAgrees(text)) read++;
      }),
      runs(3000),
    );
    // Not vacuous: the subset reader answers for most of what it is made for.
    expect(read).toBeGreaterThan(total * 0.5);
  });

  it("reads the subset-style sample at a fixed seed mostly by itself, and parseFast gives its reading", () => {
    const texts = fc.sample(subsetStyle, { numRuns: 500, seed: 11 });
    const read = texts.filter((t) => readSubset(t) !== undefined);
    expect(read.length).toBeGreaterThan(texts.length * 0.6);
    for (const t of read.slice(0, 50)) expect(difference(parseFast(t, FILE)?.value, readSubset(t)?.value)).toBeUndefined();
  });

  it("on generated YAML in every style (hazards, block scalars, multi-line scalars)", { timeout: timeout(3000) }, () => {
    fc.assert(fc.property(generated, (text) => void subsetAgrees(text)), runs(3000));
  });

  it("on plain scalars made of the characters of numbers, booleans and nulls, as values and as keys", { timeout: timeout(2000) }, () => {
    const scalar = fc.string({ unit: fc.constantFrom(..."0123456789+-._~eExXoOabfFnNtTlLrRuUsSiI:#"), maxLength: 8 });
    fc.assert(
      fc.property(scalar, (s) => {
        subsetAgrees(`a: ${s}\nb: [${s}]\n`);
        subsetAgrees(`${s}: {x: ${s}}\n`);
        subsetAgrees(`- ${s}\n`);
        subsetAgrees(`a:\n  - ${s}\n  - {${s}: ${s}}\n`);
      }),
      runs(2000),
    );
  });

  it("on arbitrary characters in scalars, quoted and plain, in a block and in a flow", { timeout: timeout(2000) }, () => {
    const chars = fc.string({ unit: fc.constantFrom(..." :#,[]{}'\"\\-?!&*|>%@`xy01\u00a0\u0085\u2028é💥\r\n"), maxLength: 8 });
    fc.assert(
      fc.property(chars, chars, (a, b) => {
        subsetAgrees(`k: ${a}\n`);
        subsetAgrees(`k: '${a}'\nl: "${b}"\n`);
        subsetAgrees(`k: [${a}, ${b}]\n`);
        subsetAgrees(`k: { x: ${a}, y: '${b}' }\n`);
        subsetAgrees(`${a}: ${b}\n`);
        subsetAgrees(`s:\n  - ${a}\n  - ${b}: 1\n`);
      }),
      runs(2000),
    );
  });

  it("on mutated checklists, random YAML-ish text and spliced YAML trouble", { timeout: timeout(1500) }, () => {
    fc.assert(fc.property(fc.oneof(mutatedChecklist, randomYaml, splicedYaml), (text) => void subsetAgrees(text)), runs(1500));
  });
});

describe("the subset reader: fixed cases", () => {
  const reads = (text: string): NonNullable<ReturnType<typeof readSubset>> => {
    expect(subsetAgrees(text), `subset reads ${JSON.stringify(text)}`).toBe(true);
    return readSubset(text)!;
  };
  /** The subset reader declines; parseYaml still gives what the reference gives. */
  const bails = (text: string): void => {
    expect(readSubset(text), `subset declines ${JSON.stringify(text)}`).toBeUndefined();
    const parsed = parseYaml(text, FILE);
    const ref = parseReference(text, FILE);
    expect(parsed.issues).toEqual(ref.issues);
    expect(difference(parsed.value, ref.value)).toBeUndefined();
  };

  it("reads block and flow checklists, with positions", () => {
    const text = [
      "# a checklist",
      "version: 1",
      "name: 'It''s \"ready\"' # trailing",
      "sections:",
      "  # first",
      "  - id: s",
      "    title: \"S \\u00e9\\x41\\n\"",
      "    items:",
      "      - { id: a, tags: [x, 'y z', [1]], probes: [{ env: HOME }, {}] }",
      "      -   id: b",
      "          status: done",
      "",
      "      -",
      "        id: c",
      "        probes:",
      "        - env: HOME",
      "          matches: ^/",
      "        - - nested",
      "          - 2",
      "      - []",
      "empty:",
      "url: http://127.0.0.1:9/health",
      "",
    ].join("\n");
    const r = reads(text);
    expect(r.value).toEqual({
      version: 1,
      name: `It's "ready"`,
      sections: [
        {
          id: "s",
          title: "S \u00e9A\n",
          items: [
            { id: "a", tags: ["x", "y z", [1]], probes: [{ env: "HOME" }, {}] },
            { id: "b", status: "done" },
            { id: "c", probes: [{ env: "HOME", matches: "^/" }, ["nested", 2]] },
            [],
          ],
        },
      ],
      empty: null,
      url: "http://127.0.0.1:9/health",
    });
    const items = (r.value.sections as { items: object[] }[])[0]!.items;
    expect(position(text, r.starts.get(r.value)!)).toEqual({ file: FILE, line: 2, column: 1 });
    expect(position(text, r.starts.get(items)!)).toEqual({ file: FILE, line: 9, column: 7 });
    expect(items.map((i) => position(text, r.starts.get(i)!))).toEqual([
      { file: FILE, line: 9, column: 9 },
      { file: FILE, line: 10, column: 11 },
      { file: FILE, line: 14, column: 9 },
      { file: FILE, line: 20, column: 9 },
    ]);
    // And parseFast answers with it (the same positions through locate).
    const fast = fastAndAgrees(text);
    expect(fast.locate(["sections", 0, "items", 1])).toEqual({ file: FILE, line: 10, column: 11 });
  });

  it("reads CRLF line ends, a leading BOM, a root mapping indented, keys that only look special", () => {
    const crlf = reads("a:\r\n  - { b: 1 }\r\n  - c: 2 # x\r\n");
    expect(crlf.value).toEqual({ a: [{ b: 1 }, { c: 2 }] });
    const bom = reads("\ufeffa: {b: 1}\nc: [1]\n");
    expect(position("\ufeffa: {b: 1}\nc: [1]\n", bom.starts.get(bom.value.a as object)!)).toEqual({ file: FILE, line: 1, column: 5 });
    expect(reads("  a: 1\n  b: [x]\n").value).toEqual({ a: 1, b: ["x"] });
    expect(reads("'1': x\n\"true\": y\nnull x: z\ntoString: t\n").value).toEqual({ "1": "x", true: "y", "null x": "z", toString: "t" });
  });

  it("declines tabs, controls, lone CRs, a BOM after the start, long lines, deep nesting", () => {
    bails("a: 'x\ty'\n");
    bails("a:\n\tb: 1\n");
    bails('a: "x\u0000y"\n');
    bails("a: x\u0085y\n");
    bails("a: x\u2028y\n");
    bails("a: 1\rb: 2\r");
    bails("# c\n\ufeffa: 1\n");
    bails(`a: ${"v".repeat(1030)}\n`);
    bails(`${"k".repeat(1030)}: 1\n`);
    bails(`a: ${"[".repeat(120)}${"]".repeat(120)}\n`);
  });

  it("declines anchors, aliases, tags, directives, document markers, explicit keys, merge keys", () => {
    bails("a: &x {b: 1}\nc: *x\n");
    bails("a: [*x]\n");
    bails("a: !!str 1\n");
    bails("a: ! 1\n");
    bails("%YAML 1.1\n---\na: yes\n");
    bails("---\na: 1\n");
    bails("a: 1\n---\nb: 2\n");
    bails("a: 1\n...\n");
    bails("? a\n: 1\n");
    bails("a:\n  ? b\n  : 1\n");
    bails("a: {b: 1}\nc:\n  <<: {d: 2}\n  e: 3\n");
  });

  it("declines keys that are not strings, empty, __proto__, collections, or twice in a mapping", () => {
    bails("a: {~: 1}\n");
    bails("a:\n  null: 1\n");
    bails("a:\n  ~: 1\n");
    bails("true: 1\n");
    bails("1: x\n");
    bails("0x10: x\n");
    bails("a:\n  : 1\n");
    bails("'': 1\n");
    bails('a: {"": 1}\n');
    bails("__proto__: {polluted: 1}\n");
    bails("a: {'__proto__': 1}\n");
    bails("a: {[b, c]: 1}\n");
    bails("[a]: 1\n");
    bails("a: {b: 1, b: 2}\n");
    bails("a: 1\n'a': 2\n");
    bails("version: 1\nsections:\n  - id: a\n    id: b\n");
    // The same key inside a nested mapping in between, in a flow and in a block; and a third time.
    bails("a: {k: {k: 1}, k: 2}\n");
    bails("k:\n  k: 1\nk: 2\n");
    bails("- {id: a, x: [{id: b}], id: c}\n".replace(/^/, "s:\n  "));
    bails("a: {k: 1, j: 2, k: 3}\n");
    expect(reads("k:\n  k: 1\nj: {k: {k: 2}, j: 3}\n").value).toEqual({ k: { k: 1 }, j: { k: { k: 2 }, j: 3 } });
  });

  it("declines block scalars, scalars and flow collections over several lines, empty entries", () => {
    bails("a: |\n  text\n");
    bails("a: >-\n  text\n");
    bails("a: 'x\n  y'\n");
    bails('a: "x\n  y"\n');
    bails("a: plain\n  text\n");
    bails("a:\n  plain\n");
    bails("a: [1,\n  2]\n");
    bails("a: {b: 1,\n  c: 2}\n");
    bails("a:\n  -\n  - x\n");
    bails("a:\n  - -\n  - x\n");
    bails("a: [x,,y]\n");
    bails("a: [,]\n");
    bails("a: {b: }\n");
    bails("a: {b}\n");
  });

  it("declines plain scalars starting with an indicator, `: ` in a scalar, comments touching a token", () => {
    for (const c of ["?x", ":x", ",x", "]x", "}x", "&x", "*x", "!x", "|x", ">x", "%x", "@x", "`x", "- x"]) bails(`a: ${c}\n`);
    bails("a: b: c\n");
    bails("a: b:\n");
    bails("- a: b: c\n");
    bails('a: "x"# comment\n');
    bails("a: [x]# comment\n");
    bails("a: 'x' y\n");
    bails("a: [x] y\n");
    bails("a: [b: 1]\n");
    bails("a: [x # c\n]\n");
    bails("a: {b:c}\n");
    bails('a: {"b":c}\n');
    bails("a: [x[y]]\n");
  });

  it("declines bad escapes in double-quoted scalars, and reads the good ones as yaml does", () => {
    bails('a: "\\q"\n');
    bails('a: "\\x4"\n');
    bails('a: "\\u12G4"\n');
    bails('a: "\\U00110000"\n');
    const r = reads('a: "\\0\\a\\b\\e\\f\\n\\r\\v\\N\\_\\L\\P\\ \\"\\/\\\\\\x41\\u00e9\\U0001F600\\ud83d\\ude00"\n');
    expect(r.value.a).toBe("\0\x07\b\x1b\f\n\r\v\u0085\u00a0\u2028\u2029 \"/\\A\u00e9\u{1F600}\u{1F600}");
  });

  it("declines what is not a root block mapping, and what is less indented than the root", () => {
    bails("");
    bails("# only a comment\n");
    bails("just text\n");
    bails("- a\n- b\n");
    bails("[a, b]\n");
    bails("{a: 1}\n");
    bails("'a'\n");
    bails("  a: 1\nb: 2\n");
    bails("a: 1\n- b\n");
    bails("a:\n  b: 1\n c: 2\n");
    bails("a:\n  - x\n   - y\n");
    bails("- a: 1\n   b: 2\n");
  });
});

describe("fixed cases", () => {
  const fallsBack = (text: string): ParsedYaml => {
    expect(parseFast(text, FILE), "falls back").toBeUndefined();
    const parsed = parseYaml(text, FILE);
    expect(parsed).toEqual(expect.objectContaining({ value: parseReference(text, FILE).value, issues: parseReference(text, FILE).issues }));
    return parsed;
  };

  it("block mappings in sequences, flow mappings, nested sequences, comments", () => {
    const p = fastAndAgrees(
      "# a checklist\nversion: 1\nsections:\n  # first\n  - id: s\n    items:\n      - id: a # trailing\n        probes: [{ env: HOME }, { tcp: 'x:1' }]\n      -   { id: b, tags: [x, [y]] }\n      -\n        id: c\n",
    );
    expect(p.locate(["sections", 0, "items", 0])).toEqual({ file: FILE, line: 7, column: 9 });
    expect(p.locate(["sections", 0, "items", 0, "probes", 1])).toEqual({ file: FILE, line: 8, column: 33 });
    expect(p.locate(["sections", 0, "items", 1])).toEqual({ file: FILE, line: 9, column: 11 });
    expect(p.locate(["sections", 0, "items", 2])).toEqual({ file: FILE, line: 11, column: 9 });
  });

  it("CRLF line endings, a BOM, block scalars", () => {
    fastAndAgrees("a:\r\n  - { b: 1 }\r\n  - c: 2\r\n");
    const bom = fastAndAgrees("\ufeffa: {b: 1}\nc: [1]\n");
    expect(bom.locate(["a"])).toEqual({ file: FILE, line: 1, column: 5 }); // `yaml` counts the BOM as a column
    fastAndAgrees("a: 'x y'\nd: |\n  block\n\n  text\ne: {f: g}\nf: >-\n  folded\n   more\n\ng: [x]\n");
  });

  it("flow scalars and flow collections over several lines, and lines over 1024 characters, fall back", () => {
    fallsBack("a: 'x\n  y'\n");
    fallsBack('a: "multi\n  line"\n');
    fallsBack("a: plain\n  text\n");
    fallsBack("a: [1,\n  2]\n");
    fallsBack("a: {b: 1,\n  c: 2}\n");
    fallsBack(`${"k".repeat(1030)}: 1\n`);
    fallsBack(`a: ${"v".repeat(1030)}\n`);
  });

  it("tabs, NUL, comments touching a token and empty sequence entries fall back", () => {
    fallsBack("a: 'x\ty'\n");
    fallsBack('a: "x\u0000y"\n');
    fallsBack("a:\n  b: 1\n\t\n");
    fallsBack('a: "x"# comment\n');
    fallsBack("a: [x]# comment\n");
    fallsBack("---x: 1\n");
    fallsBack("\ufeff---x: 1\n");
    fallsBack("# c\n\ufeffa: 1\n");
    fallsBack("a: [b: 1]\n");
    fallsBack("a: [~: ]\n");
    // An escape past U+10FFFF: an error to `yaml`, a string to js-yaml.
    fallsBack('a: "\\U00110000"\n');
    fallsBack("a: >2\n   \n");
    fallsBack("a: |-1\n  x\n");
    // js-yaml takes the less indented `- x` into the inner sequence after an empty entry.
    fallsBack("a:\n  - -\n  - x\n");
    fallsBack("a:\n  - b:\n    -\n  - x\n");
    expect(fallsBack("a:\n  - - b\n    -\n  - x\n").value).toEqual({ a: [["b", null], "x"] });
  });

  it("keys and scalars are located by the reference read, lazily", () => {
    const p = fastAndAgrees("a:\n  b: 1\n  c: [x]\n");
    const ref = parseReference("a:\n  b: 1\n  c: [x]\n", FILE);
    for (const [path, key] of [[["a", "b"], false], [["a", "b"], true], [["a", "c"], true], [["a", "nope"], false], [["a", "c", 0], false], [["a", "c", 5], false]] as const) {
      expect(p.locate([...path], key)).toEqual(ref.locate([...path], key));
    }
    expect(p.doc.toJS()).toEqual(ref.value);
  });

  it("anchors and aliases fall back, and an alias bomb is still refused", () => {
    fallsBack("a: &x {b: 1}\nc: *x\n");
    fallsBack("a: &x 1\nc: *x\n");
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${"*a, ".repeat(9)}*a]\nc: &c [${"*b, ".repeat(9)}*b]\nd: [${"*c, ".repeat(9)}*c]\n`;
    const p = fallsBack(bomb);
    expect(p.issues.map((i) => i.message)).toEqual(["too many YAML alias expansions (more than 200): refusing a possible alias bomb"]);
  });

  it("duplicate keys give the same positioned error as before", () => {
    const p = fallsBack("version: 1\nsections:\n  - id: a\n    id: b\n");
    expect(p.issues).toEqual([{ file: FILE, line: 4, column: 5, message: "YAML duplicate key: a key appears twice in this mapping", level: "error" }]);
    expect(checkChecklistText("version: 1\nsections: []\nversion: 1\n", FILE).issues).toEqual([
      { file: FILE, line: 3, column: 1, message: "YAML duplicate key: a key appears twice in this mapping", level: "error" },
    ]);
  });

  it("syntax errors give the reference's message and position", () => {
    for (const text of ["a: [1, 2\n", "a:\n\t- b\n", "a: b: c\n", "a: 'x\n", "- a\nb: c\n"]) {
      const p = fallsBack(text);
      expect(p.issues.length).toBeGreaterThan(0);
    }
  });

  it("several documents, tags, directives, merge keys and null or collection keys fall back", () => {
    fallsBack("a: 1\n---\nb: 2\n");
    fallsBack("a: !!str 1\n");
    fallsBack("a: !!int '1'\n");
    fallsBack("a: ! 1\n");
    fallsBack("a: !custom x\n");
    fallsBack("a: !!map {b: 1}\n");
    fallsBack("%YAML 1.1\n---\na: yes\n");
    fallsBack("a: {b: 1}\nc:\n  <<: {d: 2}\n  e: 3\n");
    fallsBack("a: {~: 1}\n");
    fallsBack("a:\n  null: 1\n");
    fallsBack("a:\n  : 1\n");
    fallsBack("a: {[b, c]: 1}\n");
    fallsBack("? [b, c]\n: 1\n");
    fallsBack("a: 1\rb: 2\r");
  });

  it("an empty file, a file of only comments and a scalar document fall back (yaml gives null)", () => {
    expect(fallsBack("").value).toBeNull();
    expect(fallsBack("# nothing here\n\n# at all\n").value).toBeNull();
    expect(fallsBack("just text\n").value).toBe("just text");
    expect(fallsBack("- a\n- b\n").value).toEqual(["a", "b"]);
  });

  it("plain scalars resolve with yaml's core schema, not js-yaml's", () => {
    const p = fastAndAgrees("a: [0b101, -0x1F, 1_000, 0o17, 0x1F, 1.50, .inf, -.Inf, .NaN, ~, Null, yes, True, 01, +1, 1e3, 1., .5, -0]\n");
    expect(p.value).toStrictEqual({ a: ["0b101", "-0x1F", "1_000", 15, 31, 1.5, Infinity, -Infinity, NaN, null, null, "yes", true, 1, 1, 1000, 1, 0.5, -0] });
  });

  it("items and probes point where the reference read puts them, with variables, a matrix and derived ids", () => {
    const text = [
      "version: 1",
      "vars: { host: localhost }",
      "sections:",
      "  - title: One",
      "    items:",
      "      - { id: a, title: A, probes: [{ tcp: '${vars.host}:1' }, { env: HOME }] }",
      "      - id: m-${matrix.n}",
      "        title: M ${matrix.n}",
      "        matrix: { n: [1, 2] }",
      "        probes: [{ env: HOME }]",
      "      - title: Derived",
      "        probes:",
      "          - env: HOME",
      "    sections:",
      "      - { id: inner, title: Inner, items: [{ id: b, title: 'B ${vars.host}' }] }",
      "",
    ].join("\n");
    expect(parseFast(text, FILE)).toBeDefined();
    const ref = parseReference(text, FILE);
    const { checklist, issues } = checkChecklistText(text, FILE, { env: { HOME: "/root" } });
    expect(issues).toEqual([]);
    const [one] = checklist!.sections;
    const item = (path: Path): ReturnType<ParsedYaml["locate"]> => ref.locate(path);
    expect(one!.loc).toEqual(item(["sections", 0]));
    expect(one!.items.map((i) => i.loc)).toEqual([item(["sections", 0, "items", 0]), item(["sections", 0, "items", 1]), item(["sections", 0, "items", 1]), item(["sections", 0, "items", 2])]);
    expect(one!.items.map((i) => i.probes.map((p) => p.loc))).toEqual([
      [item(["sections", 0, "items", 0, "probes", 0]), item(["sections", 0, "items", 0, "probes", 1])],
      [item(["sections", 0, "items", 1, "probes", 0])],
      [item(["sections", 0, "items", 1, "probes", 0])],
      [item(["sections", 0, "items", 2, "probes", 0])],
    ]);
    expect(one!.sections[0]!.items[0]!.loc).toEqual(item(["sections", 0, "sections", 0, "items", 0]));
  });

  it("a checklist read fast loads exactly as one read by the reference", () => {
    const text = "version: 1\nname: X\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: a, title: A, probes: [{ env: HOME }] }\n      - id: b\n        title: B\n        status: done\n";
    expect(parseFast(text, FILE)).toBeDefined();
    const { checklist } = checkChecklistText(text, FILE, { env: { HOME: "/root" } });
    const items = checklist!.sections[0]!.items;
    expect(items.map((i) => i.loc)).toEqual([
      { file: FILE, line: 7, column: 9 },
      { file: FILE, line: 8, column: 9 },
    ]);
    expect(items[0]!.probes[0]!.loc).toEqual({ file: FILE, line: 7, column: 37 });
  });
});
