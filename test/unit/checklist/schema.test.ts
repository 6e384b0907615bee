import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkChecklistText } from "../../../src/checklist/load.js";
import { buildChecklistSchema } from "../../../src/checklist/schema.js";
import { PROBE_TYPES } from "../../../src/probes/index.js";
import { ROOT } from "../../helpers/cli.js";

describe("the shipped checklist schema", () => {
  it("is exactly what the code builds (regenerate: npm run schemas)", () => {
    const shipped: unknown = JSON.parse(readFileSync(join(ROOT, "schemas", "checklist.schema.json"), "utf8"));
    expect(shipped).toEqual(buildChecklistSchema());
  });

  it("defines every registered probe type", () => {
    const defs = (buildChecklistSchema().definitions ?? {}) as Record<string, unknown>;
    for (const t of PROBE_TYPES) expect(defs[`probe_${t}`], t).toBeDefined();
  });
});

describe("the matcher, defined once", () => {
  // One probe on line 7, from column 13; `at` is the column of a word in it.
  const probe = (yaml: string): string[] =>
    checkChecklistText(`version: 1\nsections:\n  - title: S\n    items:\n      - title: I\n        probes:\n          - ${yaml}\n`, "c.yaml").issues.map((i) => `${i.line}:${i.column}: ${i.message}`);
  const at = (yaml: string, word: string): string => `7:${13 + yaml.indexOf(word)}`;
  const expectIssue = (yaml: string, word: string, message: string): void => {
    expect(probe(yaml)).toEqual([`${at(yaml, word)}: ${message}`]);
  };

  it("is one definition that every probe key taking a matcher refers to", () => {
    const defs = buildChecklistSchema().definitions as Record<string, { properties: Record<string, Record<string, unknown>> }>;
    expect(Object.keys(defs.matcher?.properties ?? {})).toEqual(["exists", "matches", "gt", "gte", "lt", "lte", "length", "contains"]);
    const ref = "#/definitions/matcher";
    expect(defs.probe_postgres?.properties.expect?.$ref).toBe(ref);
    expect(defs.probe_mysql?.properties.rows?.$ref).toBe(ref);
    expect(defs.probe_x509?.properties.san?.$ref).toBe(ref);
    expect((defs.probe_http?.properties.response_headers?.additionalProperties as Record<string, unknown>).$ref).toBe(ref);
  });

  it("names a mistyped matcher key where it is written, with a suggestion", () => {
    expectIssue('{ http: "http://x", response_headers: { Server: { exsits: false } } }', "exsits", 'unknown key "exsits" — did you mean "exists"?');
    expectIssue('{ postgres: "postgresql://h/db", expect: { gte: "1" } }', '"1"', 'expected a number for "gte"; got "1"');
    expectIssue("{ x509: a.pem, san: { contians: api } }", "contians", 'unknown key "contians" — did you mean "contains"?');
    expectIssue('{ postgres: "postgresql://h/db", rows: { length: { lt: x } } }', "x }", 'expected a number for "lt"; got "x"');
  });

  it("checks a json path's value as a matcher only when all its keys are matcher keys", () => {
    expect(probe('{ http: "http://x", json: { a: { b: 1 }, n: { gt: 1, lt: 9 } } }')).toEqual([]);
    expectIssue('{ http: "http://x", json: { n: { gt: one } } }', "one", 'expected a number for "gt"; got "one"');
    const mixed = '{ http: "http://x", json: { n: { gt: 1, name: db } } }';
    expect(probe(mixed)[0]).toMatch(/: mixes matcher keys \(gt\) with other keys \(name\)/);
  });
});
