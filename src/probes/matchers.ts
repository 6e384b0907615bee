/**
 * One vocabulary for checking a value, shared by every probe that compares what it found with what
 * the checklist expects: http response headers and `json` paths, the first value and the row count
 * of the postgres and mysql probes, the subject, alternative names and issuer of the x509 probe.
 *
 * A scalar, a list, or a mapping that is not a matcher means "equal" (deep equality for JSON;
 * numbers compare by value, so numeric text such as a header or a BIGINT column equals the number
 * it spells, and 1 and 0 equal true and false). A matcher is a mapping of one or more of:
 *   exists: true | false     the value is present / absent
 *   matches: "regex"         the value (as text) matches a regular expression (RE2 syntax)
 *   gt, gte, lt, lte: N      the value is a number (or numeric text) above / below N
 *   length: N | matcher      the length of a text or a list (or its number of keys)
 *   contains: X              text contains X, or a list has an element equal to X
 * Checks return failure messages (findings as data); `matcherIssues` returns validation issues.
 *
 * The checklist schema holds the matcher once, as `definitions.matcher`; probe schemas refer to it
 * with {@link matcherRef} (or {@link expectedValueRef} where any JSON value may be expected).
 */
import type { Issue } from "../types.js";
import { truncate } from "../util/text.js";
import { checkMatches, getJsonPath, jsonEqual, parseJsonPath, regexError } from "./assert.js";

/** The keys of a matcher mapping. */
export const MATCHER_KEYS = ["exists", "matches", "gt", "gte", "lt", "lte", "length", "contains"] as const;

type MatcherKey = (typeof MATCHER_KEYS)[number];

/** A matcher mapping (see the module comment). */
export type Matcher = Partial<Record<MatcherKey, unknown>>;

/** A scalar to equal. */
export type Scalar = string | number | boolean | null;

/** What a value must be where the value is a scalar: a scalar to equal, or a matcher. */
export type Expected = Scalar | Matcher;

/** What was looked up: a value, or nothing there. */
export type Found = { found: true; value: unknown } | { found: false };

const COMPARISONS: Record<"gt" | "gte" | "lt" | "lte", { sign: string; test: (a: number, b: number) => boolean }> = {
  gt: { sign: ">", test: (a, b) => a > b },
  gte: { sign: ">=", test: (a, b) => a >= b },
  lt: { sign: "<", test: (a, b) => a < b },
  lte: { sign: "<=", test: (a, b) => a <= b },
};

// ---------------------------------------------------------------------------------------------
// Schema. The matcher is defined once in the checklist schema (`definitions.matcher`) and referred
// to wherever a probe takes one: ajv compiles it into one function instead of a copy per key.
// ---------------------------------------------------------------------------------------------

const MATCHER_PATH = "#/definitions/matcher";
const NUMBER = { type: "number" } as const;

/**
 * `definitions.matcher` of the checklist schema: a scalar to equal, or a mapping of matcher keys.
 * One schema for both forms rather than a oneOf: the mapping keywords apply only to a mapping, and
 * a mistyped key gets a plain "unknown key … did you mean" instead of a oneOf's two errors.
 */
export const MATCHER_DEFINITION: Record<string, unknown> = {
  description: "A value to equal, or a mapping of conditions that must all hold: exists, matches, gt, gte, lt, lte, length, contains.",
  type: ["string", "number", "boolean", "null", "object"],
  minProperties: 1,
  additionalProperties: false,
  properties: {
    exists: { type: "boolean", description: "Whether there must be a value (true) or none (false)." },
    matches: { type: "string", minLength: 1, description: "Regular expression (RE2 syntax) the value, as text, must match." },
    gt: { ...NUMBER, description: "The value must be greater than this number." },
    gte: { ...NUMBER, description: "The value must be at least this number." },
    lt: { ...NUMBER, description: "The value must be less than this number." },
    lte: { ...NUMBER, description: "The value must be at most this number." },
    length: { $ref: MATCHER_PATH, description: "Length of the text or list (or number of keys): a number, or a matcher such as { gte: 1 }." },
    contains: { description: "Text the value contains, or an element of a list value." },
  },
};

/** A probe key that takes a scalar to equal or a matcher, described for editors. */
export function matcherRef(description: string): Record<string, unknown> {
  return { $ref: MATCHER_PATH, description };
}

/**
 * A probe key that takes any JSON value to equal (a list, a mapping compared whole) or a matcher: a
 * mapping whose keys are all matcher keys is checked as a matcher, anything else is left as a value.
 */
export function expectedValueRef(description: string): Record<string, unknown> {
  return { description, if: { type: "object", minProperties: 1, propertyNames: { enum: [...MATCHER_KEYS] } }, then: { $ref: MATCHER_PATH } };
}

// ---------------------------------------------------------------------------------------------
// Checking.
// ---------------------------------------------------------------------------------------------

/** Whether `value` is a matcher mapping: a non-empty mapping whose every key is a matcher key. */
export function isMatcher(value: unknown): value is Matcher {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => (MATCHER_KEYS as readonly string[]).includes(k));
}

/** A value as messages show it: JSON, cut to 60 characters. */
export function showValue(v: unknown): string {
  return truncate(JSON.stringify(v) ?? "undefined", 60);
}

/** The matcher as a message shows what was expected: `> 0 and < 50`, `length >= 1`, `"ok"`. */
export function describeMatcher(m: unknown): string {
  if (!isMatcher(m)) return showValue(m);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(m) as [MatcherKey, unknown][]) {
    if (k === "exists") parts.push(v === false ? "absent" : "present");
    else if (k === "matches") parts.push(`matching /${truncate(String(v), 80)}/`);
    else if (k === "length") parts.push(`length ${isMatcher(v) ? describeMatcher(v) : `= ${showValue(v)}`}`);
    else if (k === "contains") parts.push(`containing ${showValue(v)}`);
    else parts.push(`${COMPARISONS[k].sign} ${showValue(v)}`);
  }
  return parts.join(" and ");
}

/** A number from a number or numeric text (a header's value, a BIGINT column), else undefined. */
function numeric(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** The value as text for `matches` and `contains`: strings as they are, other scalars as JSON. */
function asText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/**
 * Equality of a found value and an expected one: deep equality of JSON values, except that numbers
 * compare by value (numeric text equals the number it spells, either way round) and a number 1 or 0
 * equals true or false (MySQL returns booleans as numbers).
 */
export function valueEquals(value: unknown, want: unknown): boolean {
  if (jsonEqual(value, want)) return true;
  if (typeof want === "number" || typeof value === "number") {
    if (typeof want === "boolean") return numeric(value) === Number(want);
    if (typeof value === "boolean") return numeric(want) === Number(value);
    const a = numeric(value);
    return a !== undefined && a === numeric(want);
  }
  return false;
}

/**
 * Every failure of `expected` on what was found, each naming `what` (`json items`, `header
 * Server`). Nothing found fails every expectation but `exists: false`.
 */
export function checkValue(got: Found, expected: unknown, what: string): string[] {
  if (!isMatcher(expected)) {
    if (!got.found) return [`${what} is missing (expected ${showValue(expected)})`];
    return valueEquals(got.value, expected) ? [] : [`${what}: expected ${showValue(expected)}, got ${showValue(got.value)}`];
  }
  if (!got.found) return expected.exists === false ? [] : [`${what} is missing (expected ${describeMatcher(expected)})`];
  if (expected.exists === false) return [`${what} is present (expected absent)`];
  const value = got.value;
  const failures: string[] = [];
  for (const [k, want] of Object.entries(expected) as [MatcherKey, unknown][]) {
    switch (k) {
      case "exists":
        break;
      case "matches": {
        const text = asText(value);
        if (text === undefined) failures.push(`${what}: expected text matching /${truncate(String(want), 80)}/, got ${showValue(value)}`);
        else {
          const failed = checkMatches(text, want, what);
          if (failed) failures.push(`${failed} (got ${showValue(value)})`);
        }
        break;
      }
      case "length": {
        const n = typeof value === "string" || Array.isArray(value) ? value.length : value !== null && typeof value === "object" ? Object.keys(value).length : undefined;
        if (n === undefined) failures.push(`${what}: expected something with a length, got ${showValue(value)}`);
        else failures.push(...checkValue({ found: true, value: n }, want, `${what} length`));
        break;
      }
      case "contains": {
        const text = asText(value);
        if (Array.isArray(value)) {
          if (!value.some((el) => valueEquals(el, want))) failures.push(`${what}: expected a list containing ${showValue(want)}, got ${showValue(value)}`);
        } else if (text !== undefined) {
          if (!text.includes(asText(want) ?? JSON.stringify(want))) failures.push(`${what} does not contain ${showValue(want)} (got ${showValue(value)})`);
        } else failures.push(`${what}: expected text or a list containing ${showValue(want)}, got ${showValue(value)}`);
        break;
      }
      default: {
        const n = numeric(value);
        const { sign, test } = COMPARISONS[k];
        if (n === undefined) failures.push(`${what}: expected a number ${sign} ${showValue(want)}, got ${showValue(value)}`);
        else if (typeof want === "number" && !test(n, want)) failures.push(`${what}: expected ${sign} ${showValue(want)}, got ${showValue(value)}`);
      }
    }
  }
  return failures;
}

/** Every failure of a `json` map (path → expected value or matcher) on a parsed document. */
export function checkJsonValues(doc: unknown, expected: Record<string, unknown>): string[] {
  const failures: string[] = [];
  for (const [path, want] of Object.entries(expected)) {
    const segments = parseJsonPath(path);
    if (typeof segments === "string") failures.push(`json ${path}: ${segments}`);
    else failures.push(...checkValue(getJsonPath(doc, segments), want, `json ${path}`));
  }
  return failures;
}

/**
 * Validation issues of an expected value at `path` (a JSON pointer): a matcher key of the wrong
 * type, a regex that does not compile, a mapping that mixes matcher keys with other keys, or an
 * `exists: false` combined with a test of the value.
 */
export function matcherIssues(expected: unknown, path: string): Issue[] {
  if (expected === null || typeof expected !== "object" || Array.isArray(expected)) return [];
  const keys = Object.keys(expected);
  const known = keys.filter((k) => (MATCHER_KEYS as readonly string[]).includes(k));
  if (known.length === 0) return [];
  const error = (sub: string, message: string): Issue => ({ path: `${path}${sub}`, level: "error", message });
  if (known.length < keys.length) {
    const other = keys.filter((k) => !known.includes(k));
    return [error("", `mixes matcher keys (${known.join(", ")}) with other keys (${other.join(", ")}): write a matcher, or a value to compare as a whole`)];
  }
  const issues: Issue[] = [];
  const m = expected as Matcher;
  for (const k of known as MatcherKey[]) {
    const v = m[k];
    if (k === "exists" && typeof v !== "boolean") issues.push(error(`/${k}`, "exists takes true or false"));
    else if (k === "matches") {
      if (typeof v !== "string") issues.push(error(`/${k}`, "matches takes a regular expression (a string)"));
      else {
        const err = regexError(v);
        if (err) issues.push(error(`/${k}`, err));
      }
    } else if (k === "length") {
      if (isMatcher(v)) issues.push(...matcherIssues(v, `${path}/length`));
      else if (typeof v !== "number" || !Number.isInteger(v) || v < 0) issues.push(error(`/${k}`, "length takes a whole number or a matcher such as { gte: 1 }"));
    } else if (k in COMPARISONS && (typeof v !== "number" || !Number.isFinite(v))) issues.push(error(`/${k}`, `${k} takes a number`));
  }
  if (m.exists === false && known.length > 1) issues.push(error("", "exists: false cannot be combined with tests of the value"));
  return issues;
}
