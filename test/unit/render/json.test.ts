import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseReport, reportIssues } from "../../../src/compare/parse.js";
import { renderJson } from "../../../src/render/json.js";
import { noGoReport } from "../../helpers/sample-report.js";
import { PLAIN, SAMPLES } from "./samples.js";

type Schema = Record<string, unknown>;
const schema = JSON.parse(readFileSync(new URL("../../../schemas/report.schema.json", import.meta.url), "utf8")) as Schema;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** Resolves `#/definitions/x` references of the report schema. */
function deref(s: Schema): Schema {
  const ref = s.$ref;
  if (typeof ref !== "string") return s;
  const name = ref.replace("#/definitions/", "");
  return (schema.definitions as Record<string, Schema>)[name]!;
}

/** Every object key in `value` that the schema does not declare, as JSON paths. */
function undeclared(value: unknown, s: Schema, path = ""): string[] {
  s = deref(s);
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(v, (s.items as Schema) ?? {}, `${path}/${i}`));
  if (value && typeof value === "object") {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    return Object.entries(value).flatMap(([k, v]) => (props[k] ? undeclared(v, props[k], `${path}/${k}`) : [`${path}/${k}`]));
  }
  return [];
}

describe("json report", () => {
  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`${name}: validates against schemas/report.schema.json`, () => {
      const parsed: unknown = JSON.parse(renderJson(make(), PLAIN));
      const ok = validate(parsed);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it(`${name}: every key it writes is declared in the schema (schema and code in step)`, () => {
      expect(undeclared(JSON.parse(renderJson(make(), PLAIN)), schema)).toEqual([]);
    });
  }

  it("is the report itself, pretty-printed, with one trailing newline", () => {
    const r = noGoReport();
    const text = renderJson(r, PLAIN);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe('  "schema_version": 1,');
    expect(JSON.parse(text)).toEqual(r);
  });

  it("keeps every key the SPEC lists", () => {
    const parsed = JSON.parse(renderJson(noGoReport(), PLAIN)) as Record<string, unknown>;
    for (const key of ["schema_version", "tool", "checklist", "started_at", "duration_ms", "verdict", "reasons", "score", "verified_score", "counts", "sections"]) {
      expect(parsed).toHaveProperty(key);
    }
    const item = (parsed.sections as { items: Record<string, unknown>[] }[])[0]!.items[0]!;
    for (const key of ["id", "title", "severity", "result", "contradicted", "tags", "probes"]) expect(item).toHaveProperty(key);
    const probe = (item.probes as Record<string, unknown>[])[0]!;
    for (const key of ["type", "target", "result", "message", "duration_ms"]) expect(probe).toHaveProperty(key);
  });

  it("rejects reports the schema does not allow", () => {
    const bad = { ...noGoReport(), verdict: "MAYBE", score: 140 };
    expect(validate(bad)).toBe(false);
    expect(reportIssues(bad, "bad.json").map((i) => i.path)).toEqual(expect.arrayContaining(["/verdict", "/score"]));
  });

  it("allows keys added at the top level later", () => {
    expect(validate({ ...noGoReport(), future_key: { anything: true } })).toBe(true);
  });
});

describe("parseReport", () => {
  it("round-trips a rendered report", () => {
    const r = noGoReport();
    expect(parseReport(renderJson(r, PLAIN), "r.json")).toEqual(r);
  });

  it("names the file, the line and column, and the problem for text that is not JSON", () => {
    expect(() => parseReport("{ nope", "old.json")).toThrow(/^old\.json:1:3: not valid JSON \(/);
    const at = (text: string): unknown => {
      try {
        parseReport(text, "old.json");
      } catch (error) {
        return { message: (error as Error).message, issue: (error as { issues: unknown[] }).issues[0] };
      }
      return expect.unreachable();
    };
    // The second comma on line 3: column 19 (a later Node's "(line 3 column 19)" is dropped too).
    expect(at('{\n  "schema_version": 1,\n  "verdict": "GO",,\n}\n')).toEqual({
      message: expect.stringMatching(/^old\.json:3:19: not valid JSON \([^()]*[a-z][^()]*\)$/),
      issue: { file: "old.json", line: 3, column: 19, message: expect.stringMatching(/^not valid JSON: (?!.*position)/), level: "error" },
    });
    // No position in the message: the end of the text.
    expect(at('{\n  "a": 1')).toMatchObject({ issue: { line: 2, column: 9 } });
    expect(at("")).toMatchObject({ message: "old.json:1:1: not valid JSON (Unexpected end of JSON input)" });
  });

  it("names every schema problem at once", () => {
    const text = JSON.stringify({ ...noGoReport(), verdict: "MAYBE", counts: {} });
    try {
      parseReport(text, "old.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ name: "ReadinessError", code: "EREPORT" });
      const issues = (error as { issues: { path: string }[] }).issues.map((i) => i.path);
      expect(issues).toEqual(expect.arrayContaining(["/verdict", "/counts"]));
    }
  });

  it("refuses a fleet report with a message that says what to give instead", () => {
    expect(() => parseReport(JSON.stringify({ schema_version: 1, kind: "fleet", services: [] }), "fleet.json")).toThrow(/fleet report/);
  });

  it("reads the shipped fixtures", () => {
    for (const f of ["release-1.json", "release-2.json", "orders.json"]) {
      const text = readFileSync(new URL(`../../fixtures/reports/${f}`, import.meta.url), "utf8");
      expect(parseReport(text, f).schema_version).toBe(1);
    }
  });
});
