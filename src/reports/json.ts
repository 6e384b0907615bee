import type { PartsReporter, Reporter, StreamReporter } from "./types.js";

/**
 * The JSON report: the `Report` itself, pretty-printed, one trailing newline. It validates against
 * `schemas/report.schema.json` and is the input of `diff`, `merge` and `--baseline`.
 * Strings are kept as they are (JSON escapes control characters itself), so no information is lost.
 */
export const renderJson: Reporter = (report, options) => jsonParts(report, options).join("");

/** The JSON report as parts to write one after the other (see `prettyJsonParts`). */
export const jsonParts: PartsReporter = (report) => prettyJsonParts(report);

/** `jsonParts`, made as they are read (see `StreamReporter`); a report of up to WHOLE_MAX items in one part. */
export const jsonStream: StreamReporter = (report) => {
  let items = 0;
  for (const n of Object.values(report.counts)) items += n;
  return items <= WHOLE_MAX ? [`${JSON.stringify(report, null, 2)}\n`] : prettyJsonStream(report);
};

/** Elements of a long array stringified per call: some 20-40 KiB of JSON for report items. */
const CHUNK = 32;
/**
 * Up to this many items (every item is in one of `counts`), a report is one JSON.stringify call,
 * written whole. Parts pay for themselves only in large reports: at 2,000 items (1.2 MB of JSON to
 * stdout) making and writing the parts took 17-19 ms of an audit against 11-14 ms whole (timed in
 * the CLI, four runs each; 24 paired runs of the whole audit: -6 % twice, then within noise); at
 * 5,000 (to a file) the two took the same time and memory; at 50,000 one call took 10 % longer and
 * 20 MiB more.
 */
const WHOLE_MAX = 5000;
/** How deep long arrays are looked for; below it a value is stringified whole (the text is the same). */
const MAX_SEARCH_DEPTH = 12;

/**
 * `JSON.stringify(value, null, 2) + "\n"`, the same text, in parts of a few dozen KiB: long arrays
 * (a report's items) are stringified CHUNK elements at a time, everything around them member by
 * member. Why: V8 returns a large JSON.stringify result as a rope that is copied into one fresh
 * allocation (3.6 MB at 5,000 items, in new pages) the first time it is read, which writing does;
 * small parts are copied where memory is already in use. The CLI writes the parts as they are made
 * (`prettyJsonStream`): kept in a list until written, they were copied by every young-generation
 * collection meanwhile, which cost more than the one large copy. One call per item was slower
 * (5,000 calls); one per 32 items is not.
 */
export function prettyJsonParts(value: unknown): string[] {
  return [...prettyJsonStream(value)];
}

/** prettyJsonParts' parts, made one at a time as they are read: written as they come, each dies young. */
export function* prettyJsonStream(value: unknown): Generator<string> {
  yield* member(value, 0);
  yield "\n";
}

/** The parts of `x` as the value of a member (or element) `depth` levels in. */
function* member(x: unknown, depth: number): Generator<string> {
  if (!isContainer(x) || !holdsLongArray(x, depth)) {
    yield stringifyAt(x, depth);
    return;
  }
  const pad = "  ".repeat(depth);
  const inner = `${pad}  `;
  if (Array.isArray(x)) {
    if (x.length > CHUNK) {
      yield "[\n";
      for (let i = 0; i < x.length; i += CHUNK) {
        // The chunk as an array at this depth, without its brackets: its elements' lines.
        const text = stringifyAt(x.slice(i, i + CHUNK), depth);
        if (i > 0) yield ",\n";
        yield text.slice(2, text.length - 2 - pad.length);
      }
      yield `\n${pad}]`;
      return;
    }
    yield "[";
    for (let i = 0; i < x.length; i++) {
      yield i === 0 ? `\n${inner}` : `,\n${inner}`;
      yield* member(x[i], depth + 1);
    }
    yield `\n${pad}]`;
    return;
  }
  let first = true;
  yield "{";
  for (const k of Object.keys(x)) {
    const v = x[k];
    // Members JSON.stringify leaves out.
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    yield `${first ? "\n" : ",\n"}${inner}${JSON.stringify(k)}: `;
    yield* member(v, depth + 1);
    first = false;
  }
  yield first ? "}" : `\n${pad}}`;
}

/** An array, or an object JSON.stringify reads as a plain object (no toJSON, no class). */
function isContainer(x: unknown): x is Record<string, unknown> | unknown[] {
  if (Array.isArray(x)) return true;
  if (x === null || typeof x !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && typeof (x as { toJSON?: unknown }).toJSON !== "function";
}

/** Whether `v` holds an array longer than CHUNK, itself or within. */
function holdsLongArray(v: Record<string, unknown> | unknown[], depth: number): boolean {
  if (depth > MAX_SEARCH_DEPTH) return false;
  if (Array.isArray(v)) {
    if (v.length > CHUNK) return true;
    for (const x of v) if (isContainer(x) && holdsLongArray(x, depth + 1)) return true;
    return false;
  }
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (isContainer(x) && holdsLongArray(x, depth + 1)) return true;
  }
  return false;
}

/**
 * `JSON.stringify(x, null, 2)` as it reads `depth` levels into a document (every line after the
 * first indented by 2 × depth spaces): x is wrapped in `depth` arrays, and the wrapping cut off.
 * JSON.stringify indents it, in one pass, rather than a second pass over the text.
 */
function stringifyAt(x: unknown, depth: number): string {
  let wrapped = x;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  // undefined, a function or a symbol as an array element reads "null", as JSON.stringify puts it.
  const text = JSON.stringify(wrapped, null, 2) ?? "null";
  if (depth === 0) return text;
  // Wrapper i (0 the outermost) adds "[", "\n" and 2(i + 1) spaces before x, and "\n", 2i spaces and
  // "]" after: depth² + 3·depth characters before, depth² + depth after.
  const head = depth * depth + 3 * depth;
  const tail = depth * depth + depth;
  return text.slice(head, text.length - tail);
}
