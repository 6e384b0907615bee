/**
 * YAML → JS value with positions. Every later issue can point at a line through `locate(path)`.
 *
 * Two parsers, one behaviour. `yaml` (parseDocument with a LineCounter) is the reference: it reports
 * every syntax problem with a position and refuses alias bombs, but parses at about 1 MB/s. js-yaml
 * parses the same text about ten times faster, so a well-formed document is read with js-yaml first
 * (and before it, with the hand-written reader of yaml-subset.ts, when the document is in the subset
 * of YAML checklists are written in: fastest of the three on a cold start),
 * recording where each mapping and sequence starts; `yaml` runs only when that fast read fails or
 * meets anything the two parsers could read differently (anchors and aliases, tags, directives,
 * `<<`, null and collection keys, flow scalars and flow collections over several lines, tabs, lone
 * CRs, lines over 1024 characters, empty block sequence entries: see `parseFast`), and lazily when
 * an issue needs the position of a key or a scalar, or someone asks for `doc`. Plain scalars resolve
 * with a copy of `yaml`'s core schema, so both paths give the same value;
 * test/unit/checklist/parse-fast.test.ts checks that differentially.
 */
import type * as JsYaml from "js-yaml";
import type { State } from "js-yaml";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import type { Document, Node } from "yaml";
import type { Issue, SourceLocation } from "../types.js";
import { coreScalar, readSubset } from "./yaml-subset.js";

/*
 * Both YAML libraries load on first use: a well-formed checklist in the subset yaml-subset.ts reads
 * needs neither, and setting them up is some 5 ms of a cold `validate`. scripts/bundle.mjs turns
 * these calls into the bundle's own lazily initialised modules.
 */
let yamlModule: typeof Yaml | undefined;
let jsYamlModule: typeof JsYaml | undefined;

/** The `yaml` library (the reference parser), loaded when first needed. */
export function yamlLib(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)("yaml") as typeof Yaml);
}

function jsYaml(): typeof JsYaml {
  return (jsYamlModule ??= createRequire(import.meta.url)("js-yaml") as typeof JsYaml);
}

/** Path segments from the document root, as ajv's instancePath splits them. */
export type Path = (string | number)[];

export interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  value: unknown;
  /** Parse errors (syntax, duplicate keys, alias bombs), positioned. Empty when the YAML is well-formed. */
  issues: Issue[];
  /** Position of the node at `path`; with `key: true`, of the key of the last segment. */
  locate(path: Path, key?: boolean): SourceLocation;
  /**
   * Position of a mapping or sequence of `value`, found by identity: what `locate` gives for its
   * path, in O(1). Undefined when not known (then use `locate`); only a fast read knows any.
   */
  locateNode?(node: object): SourceLocation | undefined;
  /**
   * The JSON pointer of `path` in the file that defines it. Set by composition (`extends`, matrices),
   * where a path in the merged document differs from the path in the file; else `pointer(path)`.
   */
  pointerOf?(path: Path): string;
  /**
   * True when no string in `value` can hold `${` and no mapping has a `__proto__` key, so resolving
   * has nothing to substitute or drop (see `plainText`). Set by `parseYaml`; absent means unknown.
   */
  plain?: boolean;
}

/** Aliases are expanded at most this many times: a billion-laughs file is refused, not expanded. */
const MAX_ALIAS_COUNT = 200;

export function parseYaml(text: string, file: string): ParsedYaml {
  const parsed = parseFast(text, file) ?? parseReference(text, file);
  if (plainText(text)) parsed.plain = true;
  return parsed;
}

/**
 * Whether text can give no string holding `${` and no `__proto__` key: it has neither, nor a
 * backslash (a double-quoted escape such as `\x24` or an escaped line break could spell `${`;
 * folding joins lines with a space). Three native scans instead of a walk over every value.
 */
export function plainText(text: string): boolean {
  return !text.includes("${") && !text.includes("\\") && !text.includes("__proto__");
}

/** The reference read: `yaml`'s document, its errors as issues, and positions of every node. */
export function parseReference(text: string, file: string): ParsedYaml {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  // logLevel: yaml would print its own warnings (a collection as a key) to stderr; issues say it.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" });
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const issues: Issue[] = [];
  for (const err of doc.errors) {
    const loc = at(err.pos[0]);
    let message = err.message.split("\n")[0] ?? err.message;
    if (err.code === "DUPLICATE_KEY") message = `duplicate key: ${message.replace(/^Map keys must be unique;?\s*/i, "") || "a key appears twice in this mapping"}`.replace(/: $/, "");
    message = message.replace(/ at line \d+, column \d+:?$/, "");
    issues.push({ ...loc, message: `YAML ${message}`, level: "error" });
  }
  let value: unknown = null;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const msg = (e as Error).message;
      issues.push({
        file,
        line: 1,
        column: 1,
        message: /alias/i.test(msg)
          ? `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a possible alias bomb`
          : `YAML could not be read: ${msg}`,
        level: "error",
      });
    }
  }

  const locate = (path: Path, key = false): SourceLocation => {
    let node: unknown = doc.contents;
    let best: [number, number, number] | undefined = (node as Node | null)?.range ?? undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        if (last && key && keyNode?.range) return at(keyNode.range[0]);
        node = pair.value;
        const valueRange = (pair.value as Node | null)?.range ?? keyNode?.range;
        if (valueRange) best = valueRange;
      } else if (isSeq(node)) {
        const child = node.items[Number(seg)] as Node | undefined;
        if (!child) break;
        node = child;
        if (child.range) best = child.range;
      } else break;
    }
    return best ? at(best[0]) : { file, line: 1, column: 1 };
  };

  return { file, doc, value, issues, locate };
}

// ---- the fast read ------------------------------------------------------------------------------

/*
 * Plain scalars resolve with `coreScalar` (yaml-subset.ts), a copy of `yaml`'s core schema, not
 * with js-yaml's own core types, which differ at the edges (`0b1`, `-0x1`, `1_000`). One implicit
 * type under a tag no YAML text can name (it has a space), so an explicit tag such as `!!int` is
 * unknown to this schema and sends the read to `yaml`.
 */
const CORE_TAG = "readiness yaml-core-scalar";

/** js-yaml asks whether a scalar resolves, then for its value: the second answer is the first's. */
let lastScalar = "";
let lastValue: unknown = "";

let fastSchema: JsYaml.Schema | undefined;

function fastSchemaOf(lib: typeof JsYaml): JsYaml.Schema {
  return (fastSchema ??= new lib.Schema({
    implicit: [
      new lib.Type(CORE_TAG, {
        kind: "scalar",
        resolve: (s: string) => {
          lastScalar = s;
          lastValue = coreScalar(s);
          return lastValue !== s;
        },
        construct: (s: string) => (s === lastScalar ? lastValue : coreScalar(s)),
      }),
    ],
  }));
}

/** Thrown from the listener to stop a fast read that meets something only `yaml` reads exactly. */
const FALL_BACK = new Error("fall back to the yaml reference read");

/** js-yaml's parser state as its listener sees it: the typings leave out the node's tag and anchor. */
type ListenerState = State & { tag: string | null; anchor: string | null };

/** The first offset at or after `p` that is not white space, a line break or a comment. */
function skipBlank(text: string, p: number): number {
  for (;;) {
    const c = text.charCodeAt(p);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) p++;
    else if (c === 0x23) {
      const nl = text.indexOf("\n", p);
      p = nl < 0 ? text.length : nl;
    } else return p;
  }
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Reads `text` with js-yaml when that gives exactly what `parseReference` would; else undefined.
 * Only a mapping at the root is read fast (anything else is small, or an error anyway).
 */
export function parseFast(text: string, file: string): ParsedYaml | undefined {
  // First the reader of the subset of YAML checklists are written in (yaml-subset.ts): fastest on
  // a cold start; it answers undefined on anything it is not sure of, and js-yaml reads that.
  const subset = readSubset(text);
  if (subset) return fastResult(text, file, subset.value, subset.starts, subset.lineStarts);
  // Directives (`%YAML 1.1` changes the schema in `yaml`), `---x` at the start (a document marker to
  // js-yaml, a plain scalar to `yaml`), a BOM after the start (`yaml` skips it, js-yaml keeps it),
  // NUL (js-yaml's end of input), lone CRs (a line break only for js-yaml) and tabs (the two
  // disagree on where a tab may stand), and `\U` not followed by a code point's first digits (an
  // escape past U+10FFFF is an error to `yaml`, js-yaml reads one).
  if (/^\ufeff?(?:%|---\S)|[\t\0]|\r(?!\n)|[^]\ufeff|\\U(?!000|0010)/m.test(text)) return undefined;
  // js-yaml drops a leading BOM before counting; `yaml` counts it.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const starts = new Map<object, number>();
  // The nodes being read, a stack of three numbers each: where the node opened (offset, line) and
  // how many nodes opened directly inside it. js-yaml stops at depth 100.
  const frames = new Int32Array(3 * 128);
  let top = 0;
  const listener = (event: "open" | "close", state: State): void => {
    if (event === "open") {
      // An explicit key (`? key`): js-yaml and `yaml` stringify a collection key differently.
      if (text.charCodeAt(state.position + bom - 1) === 0x3f) throw FALL_BACK;
      if (top > 0) frames[top - 1] = (frames[top - 1] ?? 0) + 1;
      frames[top] = state.position;
      frames[top + 1] = state.line;
      frames[top + 2] = 0;
      top += 3;
      return;
    }
    top -= 3;
    const p0 = frames[top] ?? 0;
    const line0 = frames[top + 1];
    const children = frames[top + 2] ?? 0;
    const { tag, anchor } = state as ListenerState;
    const result: unknown = state.result;
    // A comment that touches what it follows (`"x"#c`, `[x]#c`): js-yaml reads it, `yaml` refuses it.
    if (text.charCodeAt(state.position + bom) === 0x23) {
      const c = text.charCodeAt(state.position + bom - 1);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d) throw FALL_BACK;
    }
    // Anchors (and so aliases), `!` and explicit tags: only `yaml` counts aliases and reads tags.
    if (anchor !== null || (tag !== null && tag !== "?" && tag !== CORE_TAG)) throw FALL_BACK;
    const collection = typeof result === "object" && result !== null;
    // A flow scalar or a flow collection over several lines: `yaml` has rules for the indentation of
    // continuation lines (and for implicit keys) that js-yaml does not check.
    if (state.line !== line0 && (collection || typeof result === "string")) {
      const start = skipBlank(text, p0 + bom);
      const c = text.charCodeAt(start);
      const flow = collection ? c === 0x5b || c === 0x7b : c !== 0x7c && c !== 0x3e; // `[` `{`; not `|` `>`
      if (flow && text.lastIndexOf("\n", state.position + bom - 1) >= start) throw FALL_BACK;
      // A block scalar with an indentation indicator (`|2`, `>-1`): the two disagree on blank lines.
      if (!collection && !flow && /^.[-+]?[0-9]/.test(text.slice(start, start + 3))) throw FALL_BACK;
    }
    if (typeof result !== "object" || result === null) return;
    // An empty block sequence entry (`-` and a line break) is the one entry js-yaml adds without
    // reading a node, and after it js-yaml takes a less indented `- x` into the same sequence.
    if (Array.isArray(result)) {
      if (children < result.length) throw FALL_BACK;
      // A pair in a flow sequence (`[a: b]`) is a mapping js-yaml makes without reading a node for it.
      for (const item of result as unknown[]) if (typeof item === "object" && item !== null && !starts.has(item)) throw FALL_BACK;
    }
    // A collection used as a key: js-yaml and `yaml` stringify it differently.
    if (text.charCodeAt(skipBlank(text, state.position + bom)) === 0x3a) throw FALL_BACK;
    // `<<` (a merge key in YAML 1.1) and a null key (js-yaml writes "null", `yaml` "").
    if (!Array.isArray(result) && (hasOwn(result, "<<") || hasOwn(result, "null"))) throw FALL_BACK;
    starts.set(result, skipBlank(text, p0 + bom));
  };
  // `yaml` refuses an implicit key whose `:` is more than 1024 characters after its start: on one
  // line, as implicit keys are (a key over several lines falls back above). js-yaml has no limit.
  const lineStarts = [0];
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) {
    if (nl - (lineStarts[lineStarts.length - 1] ?? 0) > 1024) return undefined;
    lineStarts.push(nl + 1);
  }
  if (text.length - (lineStarts[lineStarts.length - 1] ?? 0) > 1024) return undefined;
  const lib = jsYaml();
  let value: unknown;
  try {
    value = lib.load(text, { schema: fastSchemaOf(lib), listener });
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return fastResult(text, file, value, starts, lineStarts);
}

/**
 * A fast read's result: positions of mappings and sequences from `starts` (offsets, turned into
 * lines with `lineStarts`), anything else from the reference read, made when first needed.
 */
function fastResult(text: string, file: string, value: object, starts: Map<object, number>, lineStarts: number[]): ParsedYaml {
  let reference: ParsedYaml | undefined;
  const slow = (): ParsedYaml => (reference ??= parseReference(text, file));
  // `yaml`'s LineCounter: a line starts at 0 and after every LF (a CRLF ends at its LF).
  // Nodes are mostly located in document order (resolving walks the items): the search starts
  // where the last one ended, a step or two before the answer, and falls back to halving.
  let last = 0;
  const at = (offset: number): SourceLocation => {
    let low = 0;
    let high = lineStarts.length - 1;
    if ((lineStarts[last] ?? 0) <= offset) {
      low = last;
      for (let step = 0; step < 4 && low < high && (lineStarts[low + 1] ?? 0) <= offset; step++) low++;
      if (low < high && (lineStarts[low + 1] ?? 0) > offset) high = low;
    }
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    last = low;
    return { file, line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
  const locate = (path: Path, key = false): SourceLocation => {
    // A mapping or a sequence (an item, a probe, a section): from the offsets recorded while reading.
    if (!key) {
      let node: unknown = value;
      for (const seg of path) {
        if (Array.isArray(node)) node = node[Number(seg)];
        else if (typeof node === "object" && node !== null && hasOwn(node, String(seg))) node = (node as Record<string, unknown>)[String(seg)];
        else {
          node = undefined;
          break;
        }
      }
      const offset = typeof node === "object" && node !== null ? starts.get(node) : undefined;
      if (offset !== undefined) return at(offset);
    }
    // A key or a scalar (only when an issue is reported): the reference read, once.
    return slow().locate(path, key);
  };
  return {
    file,
    get doc() {
      return slow().doc;
    },
    value,
    issues: [],
    locate,
    locateNode: (node) => {
      const offset = starts.get(node);
      return offset === undefined ? undefined : at(offset);
    },
  };
}

/** Formats a path as a JSON pointer (`/sections/0/items/1`). */
export function pointer(path: Path): string {
  return path.length ? `/${path.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}` : "";
}

/** Splits an ajv instancePath into segments (numbers for array indexes in the value). */
export function fromPointer(instancePath: string): Path {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
