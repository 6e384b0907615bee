/**
 * Assertions shared by probes: text (`contains`, `not_contains`, `matches`) for http, command and
 * file, and JSON paths (`data.items.0.name`) for http and any probe reading JSON. Checks return
 * failure messages (findings as data); `*Issues` helpers return validation issues for `check()`.
 */
import { RE2JS } from "re2js";
import type { Issue } from "../types.js";
import { truncate } from "../util/text.js";

/** A string or a non-empty list of strings. */
export const STRINGS_SCHEMA = {
  oneOf: [
    { type: "string", minLength: 1 },
    { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
  ],
} as const;

/** A string or a list of them as a list; absent as an empty list. */
export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  // Schema-valid specs hold strings; anything else is shown as JSON rather than "[object Object]".
  const str = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));
  return Array.isArray(value) ? value.map(str) : [str(value)];
}

/** First needle not found in `text`. */
export function checkContains(text: string, needles: unknown, what: string): string | undefined {
  for (const n of asList(needles)) if (!text.includes(n)) return `${what} does not contain ${JSON.stringify(truncate(n, 80))}`;
  return undefined;
}

/** First needle that is found in `text`. */
export function checkNotContains(text: string, needles: unknown, what: string): string | undefined {
  for (const n of asList(needles)) if (text.includes(n)) return `${what} contains ${JSON.stringify(truncate(n, 80))}`;
  return undefined;
}

/** First pattern that does not match `text` (multiline, RE2 syntax: see `compilePattern`). */
export function checkMatches(text: string, patterns: unknown, what: string): string | undefined {
  for (const p of asList(patterns)) {
    if (!testPattern(p, text)) return `${what} does not match /${truncate(p, 80)}/`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Regular expressions. A pattern comes from a checklist and the text from a target, so matching
// must not be able to take longer than the text is long: JavaScript's RegExp backtracks (
// `^(\w+\s?)*$` against 64 bytes runs for hours, on the main thread, deaf to signals), RE2 does
// not. Every `matches` of every probe goes through `testPattern`, which matches with re2js (a
// pure-JavaScript port of RE2: time linear in the text, whatever the pattern). RE2 refuses what
// only backtracking can do (backreferences, lookahead, lookbehind); those are validation errors.
// ---------------------------------------------------------------------------------------------

const compiled = new Map<string, RE2JS | Error>();

/**
 * JavaScript escapes RE2 spells differently, rewritten: `\uXXXX` and `\u{X…}` become `\x{X…}`.
 * Everything else is passed as written (an escaped backslash stays one, so `\\u0041` is untouched).
 */
function toRe2Syntax(pattern: string): string {
  return pattern.replace(/\\(?:u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}|[^])/g, (all, hex4?: string, hexN?: string) => {
    const hex = hex4 ?? hexN;
    return hex === undefined ? all : `\\x{${hex}}`;
  });
}

/** Why RE2 refuses a pattern, in the checklist author's terms. */
function explainRefusal(message: string): string {
  const m = message.replace(/^error parsing regexp: /, "");
  if (/`\(\?[=!]/.test(m)) return `lookahead ${/`(\(\?[=!])/.exec(m)?.[1]}…) is not supported`;
  if (/`\(\?<[=!]/.test(m)) return "lookbehind is not supported";
  if (/escape sequence: `\\[1-9k]/.test(m)) return "backreferences are not supported";
  return m;
}

/** The compiled pattern (multiline), or the reason it is refused. Compiled patterns are kept for the run. */
function compilePattern(pattern: string): RE2JS | Error {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(toRe2Syntax(pattern), RE2JS.MULTILINE);
    } catch (e) {
      re = new Error(explainRefusal((e as Error).message));
    }
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * Whether `pattern` matches somewhere in `text` (multiline: `^` and `$` match at line ends, a CRLF
 * line end included). Time linear in `text`. A pattern that does not compile matches nothing
 * (`check()` has refused it before any probe runs).
 */
export function testPattern(pattern: string, text: string): boolean {
  const re = compilePattern(pattern);
  if (re instanceof Error) return false;
  // RE2's `$` ends a line at "\n" only; JavaScript's also before "\r". Text read from a target often
  // has CRLF line ends, so they are made LF unless the pattern looks for a carriage return itself.
  const crlf = text.includes("\r\n") && !/\\r|\r/.test(pattern);
  return re.test(crlf ? text.replace(/\r\n/g, "\n") : text);
}

/** Validation helper: why a `matches` pattern is refused (it does not compile, or needs backtracking), or undefined. */
export function regexError(pattern: string): string | undefined {
  const re = compilePattern(pattern);
  return re instanceof Error
    ? `invalid regular expression /${pattern}/: ${re.message} (patterns use RE2 syntax, which matches in time linear in the text: no backreferences, lookahead or lookbehind)`
    : undefined;
}

/** The text assertion keys a probe (or its `stdout`/`stderr` block) may carry. */
export interface TextAssertions {
  contains?: string | string[];
  not_contains?: string | string[];
  matches?: string | string[];
}

/** JSON Schema properties of the text assertions, to spread into a probe's schema. */
export const TEXT_ASSERTION_PROPERTIES = {
  contains: { ...STRINGS_SCHEMA, description: "Text that must appear (every one, if a list)." },
  not_contains: { ...STRINGS_SCHEMA, description: "Text that must not appear (none of them, if a list)." },
  matches: { ...STRINGS_SCHEMA, description: "Regular expressions (RE2 syntax, multiline) that must each match." },
} as const;

/** Whether any text assertion is present, i.e. the text has to be read at all. */
export function hasTextAssertions(a: TextAssertions): boolean {
  return a.contains !== undefined || a.not_contains !== undefined || a.matches !== undefined;
}

/**
 * Every failed text assertion on `text`, in the order contains, not_contains, matches.
 * `what` names the text in messages: `body`, `stdout`, `LICENSE`.
 */
export function checkText(text: string, a: TextAssertions, what: string): string[] {
  const failures: string[] = [];
  for (const n of asList(a.contains)) if (!text.includes(n)) failures.push(`${what} does not contain ${JSON.stringify(truncate(n, 80))}`);
  for (const n of asList(a.not_contains)) if (text.includes(n)) failures.push(`${what} contains ${JSON.stringify(truncate(n, 80))}`);
  for (const p of asList(a.matches)) {
    // check() rejects patterns that do not compile; a pattern that still fails here is reported, not thrown.
    if (regexError(p)) failures.push(`${what}: invalid regular expression /${truncate(p, 80)}/`);
    else if (!testPattern(p, text)) failures.push(`${what} does not match /${truncate(p, 80)}/`);
  }
  return failures;
}

/**
 * Semantic issues of the text assertions of `spec` (an assertion that can check nothing, a regex that
 * does not compile), with paths under `base` (e.g. `` or `/stdout`).
 */
export function textAssertionIssues(spec: Record<string, unknown>, base = ""): Issue[] {
  const issues: Issue[] = [];
  for (const key of ["contains", "not_contains", "matches"] as const) {
    const value = spec[key];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    if (list.length === 0) {
      issues.push({ path: `${base}/${key}`, level: "error", message: `${key} is an empty list, so it checks nothing: list at least one string or remove it` });
      continue;
    }
    list.forEach((v, i) => {
      const path = Array.isArray(value) ? `${base}/${key}/${i}` : `${base}/${key}`;
      if (typeof v !== "string") return;
      if (v === "") issues.push({ path, level: "error", message: `${key} is an empty string, which ${key === "not_contains" ? "every text contains" : "matches everything"}` });
      else if (key === "matches") {
        const err = regexError(v);
        if (err) issues.push({ path, level: "error", message: err });
      }
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// JSON paths: `data.items.0.name`, `$.data.status`, `items[0]["content-type"]`
// ---------------------------------------------------------------------------------------------

/** Splits a JSON path into keys and indexes; returns the problem as a string when it is not one. */
export function parseJsonPath(path: string): (string | number)[] | string {
  let rest = path.trim();
  if (rest === "$") return [];
  if (rest.startsWith("$.") || rest.startsWith("$[")) rest = rest.slice(1);
  if (rest.startsWith(".")) rest = rest.slice(1);
  if (rest === "") return "empty path";
  const out: (string | number)[] = [];
  let i = 0;
  let expectKey = true;
  while (i < rest.length) {
    const c = rest[i];
    if (c === "[") {
      const close = rest.indexOf("]", i);
      if (close < 0) return `unclosed [ in ${JSON.stringify(path)}`;
      const inner = rest.slice(i + 1, close).trim();
      if (/^[0-9]+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else if (/^'[^']*'$/.test(inner)) out.push(inner.slice(1, -1));
      else return `expected an index or a quoted key in [${inner}]`;
      i = close + 1;
      expectKey = false;
    } else if (c === ".") {
      if (expectKey) return `empty segment in ${JSON.stringify(path)}`;
      i++;
      expectKey = true;
    } else {
      let j = i;
      while (j < rest.length && rest[j] !== "." && rest[j] !== "[") j++;
      const seg = rest.slice(i, j);
      // Digits address array elements (`items.0`); on an object they are looked up as keys too.
      out.push(/^[0-9]+$/.test(seg) ? Number(seg) : seg);
      i = j;
      expectKey = false;
    }
  }
  if (expectKey) return `path ends with a dot: ${JSON.stringify(path)}`;
  return out;
}

/** The value at `path` in `root`, or `{ found: false }`. Numeric segments index arrays or name object keys. */
export function getJsonPath(root: unknown, segments: (string | number)[]): { found: true; value: unknown } | { found: false } {
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur) && typeof seg === "number") {
      if (seg >= cur.length) return { found: false };
      cur = cur[seg];
    } else if (cur !== null && typeof cur === "object" && !Array.isArray(cur) && Object.hasOwn(cur, String(seg))) {
      cur = (cur as Record<string, unknown>)[String(seg)];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** Semantic issues of a `json` assertion map: empty, or paths that do not parse. */
export function jsonAssertionIssues(value: unknown, base = "/json"): Issue[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const entries = Object.keys(value);
  if (entries.length === 0) return [{ path: base, level: "error", message: "json is empty, so it checks nothing: map at least one path to its expected value" }];
  const issues: Issue[] = [];
  for (const path of entries) {
    const parsed = parseJsonPath(path);
    if (typeof parsed === "string") issues.push({ path: `${base}/${path.replace(/~/g, "~0").replace(/\//g, "~1")}`, level: "error", message: `invalid JSON path ${JSON.stringify(path)}: ${parsed}` });
  }
  return issues;
}
