/**
 * The matcher vocabulary of query results (`expect:` and `rows:` of the postgres and mysql probes):
 * a scalar means equal; a mapping holds one or more of `exists`, `matches`, `gt`, `gte`, `lt`,
 * `lte`, `length` (a number or a matcher) and `contains`.
 *
 * To be folded into `matchers.ts`, which serves the http probe's headers and `json` paths with the
 * same vocabulary: this file keeps the query probes' comparison in one place until then.
 */
import type { Issue } from "../types.js";
import { truncate } from "../util/text.js";

/** A scalar to equal. */
export type Scalar = string | number | boolean | null;

/** A mapping of conditions, all of which must hold. */
export interface MatcherMap {
  exists?: boolean;
  matches?: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  length?: number | MatcherMap;
  contains?: Scalar;
}

/** What a value must be: a scalar to equal, or conditions. */
export type Matcher = Scalar | MatcherMap;

const NUMBER = { type: "number" } as const;
const MAP_PROPERTIES: Record<string, Record<string, unknown>> = {
  exists: { type: "boolean", description: "Whether there must be a value (true) or none (false)." },
  matches: { type: "string", minLength: 1, description: "Regular expression the value (as text) must match." },
  gt: { ...NUMBER, description: "The value must be greater than this number." },
  gte: { ...NUMBER, description: "The value must be at least this number." },
  lt: { ...NUMBER, description: "The value must be less than this number." },
  lte: { ...NUMBER, description: "The value must be at most this number." },
  length: { description: "Length of the text or array: a number, or a mapping of these conditions." },
  contains: { type: ["string", "number", "boolean"], description: "Text the value contains, or an element of an array value." },
};

/** JSON Schema of a matcher, with `description` on the whole. */
export function matcherSchema(description: string): Record<string, unknown> {
  // One schema for both forms rather than a oneOf: the mapping keywords apply only to a mapping,
  // and a mistyped key gets a plain "unknown key ... did you mean" instead of a oneOf's two errors.
  return { description, type: ["string", "number", "boolean", "null", "object"], minProperties: 1, additionalProperties: false, properties: MAP_PROPERTIES };
}

function isMap(m: Matcher): m is MatcherMap {
  return typeof m === "object" && m !== null;
}

/** Issues the schema cannot express: an invalid regex, a `length` that is neither a number nor a matcher. */
export function matcherIssues(m: unknown, path: string): Issue[] {
  if (typeof m !== "object" || m === null) return [];
  const map = m as MatcherMap;
  const issues: Issue[] = [];
  if (typeof map.matches === "string") {
    try {
      new RegExp(map.matches);
    } catch (e) {
      issues.push({ path: `${path}/matches`, message: `invalid regular expression: ${(e as Error).message}` });
    }
  }
  if (map.length !== undefined) {
    if (typeof map.length === "object" && map.length !== null) issues.push(...matcherIssues(map.length, `${path}/length`));
    else if (typeof map.length !== "number") issues.push({ path: `${path}/length`, message: "length must be a number or a mapping such as { gte: 1 }" });
  }
  return issues;
}

/** A number from a number or numeric text (drivers return BIGINT and NUMERIC columns as text). */
function numeric(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** A value as text for `matches`, `contains` and messages. */
export function showValue(v: unknown): string {
  if (v === undefined) return "(none)";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "string") return JSON.stringify(truncate(v, 80));
  if (typeof v === "bigint") return String(v);
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  return truncate(JSON.stringify(v) ?? "undefined", 80);
}

function asText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Date) return v.toISOString();
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v) ?? "";
}

function equals(v: unknown, want: Scalar): boolean {
  if (want === null) return v === null;
  const n = numeric(v);
  if (typeof want === "number") return n === want;
  if (typeof want === "boolean") return v === want || (n !== undefined && n === Number(want));
  return asText(v) === want;
}

const COMPARISONS = [
  ["gt", ">", (a: number, b: number) => a > b],
  ["gte", ">=", (a: number, b: number) => a >= b],
  ["lt", "<", (a: number, b: number) => a < b],
  ["lte", "<=", (a: number, b: number) => a <= b],
] as const;

/** Why `value` does not satisfy `m` (`exists` says whether there is a value at all), or undefined when it does. */
export function mismatch(value: unknown, m: Matcher, exists = value !== undefined): string | undefined {
  if (!isMap(m)) return exists && equals(value, m) ? undefined : `expected ${showValue(m)}, got ${showValue(value)}`;
  if (m.exists === false) return exists ? `expected no value, got ${showValue(value)}` : undefined;
  if (!exists) return "expected a value, got none";
  for (const [key, op, holds] of COMPARISONS) {
    const limit = m[key];
    if (limit === undefined) continue;
    const n = numeric(value);
    if (n === undefined) return `expected a number ${op} ${limit}, got ${showValue(value)}`;
    if (!holds(n, limit)) return `expected ${op} ${limit}, got ${showValue(value)}`;
  }
  if (m.matches !== undefined && !new RegExp(m.matches).test(asText(value))) return `expected to match /${m.matches}/, got ${showValue(value)}`;
  if (m.contains !== undefined) {
    const found = Array.isArray(value) ? value.some((e) => equals(e, m.contains ?? null)) : asText(value).includes(asText(m.contains));
    if (!found) return `expected to contain ${showValue(m.contains)}, got ${showValue(value)}`;
  }
  if (m.length !== undefined) {
    const len = Array.isArray(value) ? value.length : typeof value === "string" ? value.length : undefined;
    if (len === undefined) return `expected a text or array for length, got ${showValue(value)}`;
    const why = mismatch(len, m.length);
    if (why) return `length: ${why}`;
  }
  return undefined;
}
