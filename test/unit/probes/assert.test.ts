import { describe, expect, it } from "vitest";
import { checkText, regexError, testPattern } from "../../../src/probes/assert.js";

describe("testPattern (RE2: linear in the text)", () => {
  it("answers at once for patterns that backtrack exponentially in JavaScript's engine", () => {
    const hostile = `${"a".repeat(100_000)}!`;
    expect(testPattern("^(\\w+\\s?)*$", hostile)).toBe(false);
    expect(testPattern("(a+)+$", hostile)).toBe(false);
    expect(testPattern("(a|aa)+$", hostile)).toBe(false);
    expect(checkText(hostile, { matches: "(a|aa)+$" }, "body")).toEqual(["body does not match /(a|aa)+$/"]);
  });

  it("is multiline, with CRLF line ends as well as LF", () => {
    expect(testPattern("^ok$", "status\nok\n")).toBe(true);
    expect(testPattern("^ok$", "status\r\nok\r\n")).toBe(true);
    expect(testPattern("ok\\r$", "ok\r\n")).toBe(true);
  });

  it("reads JavaScript's \\u escapes", () => {
    expect(testPattern("\\u0041\\u{1F600}", "A😀")).toBe(true);
    expect(testPattern("\\\\u0041", "\\u0041")).toBe(true);
  });

  it("refuses what only backtracking can do, saying why", () => {
    expect(regexError("(a)\\1")).toMatch(/^invalid regular expression \/\(a\)\\1\/: backreferences are not supported/);
    expect(regexError("a(?!b)")).toMatch(/lookahead \(\?!…\) is not supported/);
    expect(regexError("(?<=a)b")).toMatch(/lookbehind is not supported/);
    expect(regexError("[")).toMatch(/^invalid regular expression \/\[\//);
    expect(regexError("^\\d+(?:\\.\\d+)*$")).toBeUndefined();
  });
});
