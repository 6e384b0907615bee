/** The matcher vocabulary shared by probes (src/probes/matchers.ts): pure functions, no I/O. */
import { describe, expect, it } from "vitest";
import { checkJsonValues, checkValue, describeMatcher, isMatcher, matcherIssues } from "../../../src/probes/matchers.js";

const at = (value: unknown) => ({ found: true as const, value });
const none = { found: false as const };

describe("matchers: values", () => {
  it("a scalar, a list or a plain mapping means equal", () => {
    expect(checkValue(at("ok"), "ok", "json status")).toEqual([]);
    expect(checkValue(at("down"), "ok", "json status")).toEqual(['json status: expected "ok", got "down"']);
    expect(checkValue(at({ a: [1, 2] }), { a: [1, 2] }, "json x")).toEqual([]);
    expect(checkValue(none, 1, "json n")).toEqual(["json n is missing (expected 1)"]);
    expect(isMatcher({ a: 1 })).toBe(false);
    expect(isMatcher({})).toBe(false);
    expect(isMatcher({ gt: 1, lt: 3 })).toBe(true);
  });

  it("numbers compare by value: numeric text, and 1 and 0 as true and false", () => {
    expect(checkValue(at("120"), 120, "header Content-Length")).toEqual([]);
    expect(checkValue(at(3), "3", "first value")).toEqual([]);
    expect(checkValue(at(1), true, "first value")).toEqual([]);
    expect(checkValue(at(0), true, "first value")).toEqual(["first value: expected true, got 0"]);
    expect(checkValue(at("3.0"), "3", "json v")).toEqual(['json v: expected "3", got "3.0"']);
    expect(checkValue(at(["a", "2"]), { contains: 2 }, "json tags")).toEqual([]);
  });

  it("exists", () => {
    expect(checkValue(none, { exists: false }, "header Server")).toEqual([]);
    expect(checkValue(at("nginx"), { exists: false }, "header Server")).toEqual(["header Server is present (expected absent)"]);
    expect(checkValue(none, { exists: true }, "header X")).toEqual(["header X is missing (expected present)"]);
    expect(checkValue(at(null), { exists: true }, "json error")).toEqual([]);
  });

  it("comparisons, on numbers and numeric text", () => {
    expect(checkValue(at(31), { gt: 0 }, "json n")).toEqual([]);
    expect(checkValue(at(31), { lt: 30 }, "json n")).toEqual(["json n: expected < 30, got 31"]);
    expect(checkValue(at("120"), { gte: 100, lte: 200 }, "header Content-Length")).toEqual([]);
    expect(checkValue(at(5), { gte: 5, lte: 5, gt: 5 }, "json n")).toEqual(["json n: expected > 5, got 5"]);
    expect(checkValue(at("fast"), { lt: 50 }, "json latency")).toEqual(['json latency: expected a number < 50, got "fast"']);
    expect(checkValue(none, { lt: 50 }, "json latency")).toEqual(["json latency is missing (expected < 50)"]);
  });

  it("matches, contains and length", () => {
    expect(checkValue(at("max-age=31536000; includeSubDomains"), { matches: "max-age=\\d+" }, "header Strict-Transport-Security")).toEqual([]);
    expect(checkValue(at("max-age=0"), { matches: "max-age=[1-9]" }, "header HSTS")).toEqual(['header HSTS does not match /max-age=[1-9]/ (got "max-age=0")']);
    expect(checkValue(at("application/json; charset=utf-8"), { contains: "json" }, "header Content-Type")).toEqual([]);
    expect(checkValue(at(["a", "b"]), { contains: "c" }, "json tags")).toEqual(['json tags: expected a list containing "c", got ["a","b"]']);
    expect(checkValue(at([1, 2, 3]), { length: 3 }, "json items")).toEqual([]);
    expect(checkValue(at([]), { length: { gte: 1 } }, "json items")).toEqual(["json items length: expected >= 1, got 0"]);
    expect(checkValue(at(7), { length: 1 }, "json n")).toEqual(["json n: expected something with a length, got 7"]);
    expect(describeMatcher({ gt: 0, lt: 50 })).toBe("> 0 and < 50");
  });

  it("checks json paths with the same vocabulary", () => {
    const doc = { status: "ok", checks: { db: { latency_ms: 31 } }, items: [{}], error: null };
    expect(checkJsonValues(doc, { status: "ok", "checks.db.latency_ms": { lt: 50 }, items: { length: { gte: 1 } }, nope: { exists: false } })).toEqual([]);
    expect(checkJsonValues(doc, { "checks.db.latency_ms": { lt: 10 }, error: { exists: false } })).toEqual([
      "json checks.db.latency_ms: expected < 10, got 31",
      "json error is present (expected absent)",
    ]);
  });
});

describe("matchers: validation", () => {
  it("flags wrong types, bad regexes, mixed mappings and contradictions", () => {
    expect(matcherIssues({ gt: "5" }, "/json/n")).toEqual([{ path: "/json/n/gt", level: "error", message: "gt takes a number" }]);
    expect(matcherIssues({ exists: "yes" }, "/x")[0]?.message).toBe("exists takes true or false");
    expect(matcherIssues({ matches: "(" }, "/x")[0]?.message).toMatch(/^invalid regular expression \/\(\//);
    expect(matcherIssues({ length: -1 }, "/x")[0]?.message).toMatch(/^length takes a whole number/);
    expect(matcherIssues({ length: { gte: "1" } }, "/x")).toEqual([{ path: "/x/length/gte", level: "error", message: "gte takes a number" }]);
    expect(matcherIssues({ gt: 1, name: "db" }, "/x")[0]?.message).toMatch(/^mixes matcher keys \(gt\) with other keys \(name\)/);
    expect(matcherIssues({ exists: false, matches: "a" }, "/x")[0]?.message).toBe("exists: false cannot be combined with tests of the value");
    expect(matcherIssues({ name: "db" }, "/x")).toEqual([]);
    expect(matcherIssues(3, "/x")).toEqual([]);
  });
});
