/**
 * Text assertions shared by the http, command and file probes: `contains`, `not_contains`, `matches`.
 * Each returns the failure message, or undefined when the assertion holds.
 */
import { truncate } from "../util/text.js";

/** A string or a non-empty list of strings. */
export const STRINGS_SCHEMA = {
  oneOf: [
    { type: "string", minLength: 1 },
    { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
  ],
} as const;

export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
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

/** First pattern that does not match `text` (patterns are JavaScript regular expressions, multiline). */
export function checkMatches(text: string, patterns: unknown, what: string): string | undefined {
  for (const p of asList(patterns)) {
    if (!new RegExp(p, "m").test(text)) return `${what} does not match /${truncate(p, 80)}/`;
  }
  return undefined;
}

/** Validation helper: the message for a regex that does not compile, or undefined. */
export function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "m");
    return undefined;
  } catch (e) {
    return `invalid regular expression /${pattern}/: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
}
