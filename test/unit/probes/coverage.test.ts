/**
 * The coverage probe against reports written by a real vitest run (istanbul provider) on a fixture
 * project, checked-in JaCoCo output, and hostile inputs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coverageProbe, type CoverageSpec } from "../../../src/probes/coverage.js";
import { probeSchema } from "../../../src/probes/index.js";
import { parseXml } from "../../../src/util/xml.js";
import { makeContext } from "../../helpers/context.js";
import { runVitestFixture } from "../../helpers/vitest-fixture.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const fixtures = join(root, "test/fixtures/evidence");

let out: string;
let coverageDir: string;
/** Percentages as istanbul itself summarised them, read straight from coverage-summary.json. */
let summary: Record<"lines" | "branches" | "functions" | "statements", { covered: number; total: number; pct: number }>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "readiness-coverage-"));
  coverageDir = join(out, "coverage");
  await runVitestFixture(out, { coverage: true });
  summary = JSON.parse(readFileSync(join(coverageDir, "coverage-summary.json"), "utf8")).total;
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = (spec: Omit<CoverageSpec, "coverage"> & { coverage: string }, cwd = coverageDir) => coverageProbe.run(spec, makeContext({ cwd }));
const pct = (m: { covered: number; total: number }) => Math.round((m.covered / m.total) * 10000) / 100;

describe("coverage probe on reports written by vitest", () => {
  it("produced the reports this suite reads", () => {
    // Guards the fixture: 10 lines of which 6 covered, half the branches, 3 of 4 functions.
    expect(summary.lines).toMatchObject({ total: 10, covered: 6 });
    expect(summary.branches).toMatchObject({ total: 8, covered: 4 });
    expect(summary.functions).toMatchObject({ total: 4, covered: 3 });
  });

  it("reads coverage-summary.json like istanbul summarised it", async () => {
    const r = await run({ coverage: "coverage-summary.json", min: 50 });
    expect(r.result).toBe("pass");
    expect(r.observed).toEqual({
      file: "coverage-summary.json",
      format: "istanbul-summary",
      lines: pct(summary.lines),
      branches: pct(summary.branches),
      functions: pct(summary.functions),
      statements: pct(summary.statements),
    });
    expect(r.message).toBe("lines 60.0%, branches 50.0%, functions 75.0%, statements 58.3%");
  });

  it("computes the same totals from coverage-final.json as istanbul's summary", async () => {
    const r = await run({ coverage: "coverage-final.json", min: 50 });
    expect(r).toMatchObject({
      result: "pass",
      observed: {
        format: "istanbul-final",
        lines: pct(summary.lines),
        branches: pct(summary.branches),
        functions: pct(summary.functions),
        statements: pct(summary.statements),
      },
    });
  });

  it("reads lcov: lines, branches and functions (lcov has no statements)", async () => {
    const r = await run({ coverage: "lcov.info", min: 50 });
    expect(r.result).toBe("pass");
    expect(r.observed).toEqual({
      file: "lcov.info",
      format: "lcov",
      lines: pct(summary.lines),
      branches: pct(summary.branches),
      functions: pct(summary.functions),
    });
    const s = await run({ coverage: "lcov.info", min: { statements: 50 } });
    expect(s).toMatchObject({ result: "fail", message: "statements not measured in the lcov report (min 50%)" });
  });

  it("reads Cobertura XML, functions from its <method> elements", async () => {
    const r = await run({ coverage: "cobertura-coverage.xml", min: { lines: 60, branches: 50, functions: 75 } });
    expect(r.result).toBe("pass");
    expect(r.observed).toEqual({
      file: "cobertura-coverage.xml",
      format: "cobertura",
      lines: pct(summary.lines),
      branches: pct(summary.branches),
      functions: pct(summary.functions),
    });
  });

  it("reads Clover XML (istanbul writes its line counts as clover statements)", async () => {
    const r = await run({ coverage: "clover.xml", min: 50 });
    expect(r.result).toBe("pass");
    expect(r.observed).toEqual({
      file: "clover.xml",
      format: "clover",
      lines: pct(summary.lines),
      branches: pct(summary.branches),
      functions: pct(summary.functions),
      statements: pct(summary.lines),
    });
  });

  it.each([
    ["coverage-summary.json", "istanbul-summary"],
    ["coverage-final.json", "istanbul-final"],
    ["lcov.info", "lcov"],
    ["cobertura-coverage.xml", "cobertura"],
    ["clover.xml", "clover"],
  ] as const)("reads %s with an explicit format %s as auto-detection does", async (file, format) => {
    const auto = await run({ coverage: file, min: 1 });
    const explicit = await run({ coverage: file, format, min: 1 });
    expect(explicit).toEqual(auto);
    expect(explicit.observed).toMatchObject({ format });
  });

  it("names every metric short of its minimum with value and minimum", async () => {
    const r = await run({ coverage: "coverage-summary.json", min: { lines: 80, branches: 60, functions: 70 } });
    expect(r.result).toBe("fail");
    expect(r.message).toBe("lines 60.0% < 80%; branches 50.0% < 60%");
  });

  it("takes a bare number as the lines minimum", async () => {
    expect(await run({ coverage: "lcov.info", min: 60 })).toMatchObject({ result: "pass" });
    expect(await run({ coverage: "lcov.info", min: 60.5 })).toMatchObject({ result: "fail", message: "lines 60.0% < 60.5%" });
  });

  it("finds the report in a directory", async () => {
    const r = await run({ coverage: ".", min: 50 }, coverageDir);
    expect(r.observed).toMatchObject({ format: "istanbul-summary", file: "coverage-summary.json" });
    const lcov = await run({ coverage: out, format: "lcov", min: 50 }, coverageDir);
    expect(lcov).toMatchObject({ result: "fail", message: expect.stringMatching(/^cannot read coverage report .*: is a directory$/) });
    const lcovDir = await run({ coverage: coverageDir, format: "lcov", min: 50 }, out);
    expect(lcovDir.observed).toMatchObject({ format: "lcov", file: join("coverage", "lcov.info") });
  });

  it("says so when an explicit format does not fit the file", async () => {
    const r = await run({ coverage: "cobertura-coverage.xml", format: "jacoco", min: 50 });
    expect(r).toMatchObject({ result: "fail", message: "cannot parse coverage report cobertura-coverage.xml: not a JaCoCo report (root <coverage>)" });
    const j = await run({ coverage: "lcov.info", format: "istanbul-summary", min: 50 });
    expect(j.message).toMatch(/^cannot parse coverage report lcov\.info: invalid JSON: /);
  });
});

describe("coverage probe on checked-in and hostile reports", () => {
  const dir = join(fixtures, "coverage-reports");

  it("reads the report-level counters of JaCoCo XML, not a package's", async () => {
    const r = await run({ coverage: "jacoco.xml", min: { lines: 80, branches: 75 } }, dir);
    expect(r).toMatchObject({ result: "fail", message: "branches 70.0% < 75%" });
    expect(r.observed).toEqual({ file: "jacoco.xml", format: "jacoco", lines: 82, branches: 70, functions: 86.67, statements: 80 });
    const ok = await run({ coverage: "jacoco.xml", min: 80 }, dir);
    expect(ok).toMatchObject({ result: "pass", message: "lines 82.0%, branches 70.0%, functions 86.7%, statements 80.0%" });
  });

  it("fails on a missing report with the cause", async () => {
    const r = await run({ coverage: "nope/coverage-summary.json", min: 80 }, dir);
    expect(r).toEqual({ result: "fail", message: "cannot read coverage report nope/coverage-summary.json: no such file" });
  });

  it("fails on XML that is not well-formed, naming the line", async () => {
    const r = await run({ coverage: "invalid.xml", min: 80 }, dir);
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^cannot parse coverage report invalid\.xml: invalid XML at line 5:\d+: .*package/);
  });

  it("never expands DTD entities (an entity bomb stays a few bytes)", async () => {
    const started = performance.now();
    const r = await run({ coverage: "entity-bomb.xml", min: { lines: 80, branches: 40 } }, dir);
    expect(performance.now() - started).toBeLessThan(1000);
    // The entity in lines-covered/line-rate stays `&g;`, which is no number: lines are not measured.
    expect(r).toMatchObject({ result: "fail", message: "lines not measured in the cobertura report (min 80%)" });
    const root = parseXml(readFileSync(join(dir, "entity-bomb.xml"), "utf8"));
    if (typeof root === "string") throw new Error(root);
    expect(root.attrs["line-rate"]).toBe("&g;");
    expect(root.children[0]?.children[0]?.text).toBe("&g;");
  });

  it("fails on a file that is no coverage report, and on truncated JSON", async () => {
    expect(await run({ coverage: "not-a-report.txt", min: 1 }, dir)).toMatchObject({
      result: "fail",
      message: "cannot parse coverage report not-a-report.txt: not a coverage report (expected istanbul JSON, lcov, Cobertura, Clover or JaCoCo XML)",
    });
    const t = await run({ coverage: "truncated-summary.json", min: 1 }, dir);
    expect(t.message).toMatch(/^cannot parse coverage report truncated-summary\.json: invalid JSON: /);
  });

  it("refuses a report larger than the file limit", async () => {
    const ctx = makeContext({ cwd: dir, limits: { maxBodyBytes: 1024, maxOutputBytes: 1024, maxFileBytes: 100 } });
    const r = await coverageProbe.run({ coverage: "jacoco.xml", min: 1 }, ctx);
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^cannot read coverage report jacoco\.xml: file is \d+ bytes, over the 100-byte limit$/);
  });

  it("shows enough digits that a value just under the minimum never reads as the minimum", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "readiness-coverage-pct-"));
    try {
      const m = (covered: number, total: number) => ({ covered, total, skipped: 0, pct: (covered / total) * 100 });
      writeFileSync(join(tmp, "s.json"), JSON.stringify({ total: { lines: m(7996, 10000), branches: m(1, 3) } }));
      const r = await run({ coverage: "s.json", min: { lines: 80, branches: 33.3 } }, tmp);
      expect(r).toMatchObject({ result: "fail", message: "lines 79.96% < 80%" });
      const empty = JSON.stringify({ total: { lines: m(0, 0), statements: m(0, 0) } });
      writeFileSync(join(tmp, "empty.json"), empty);
      const e = await run({ coverage: "empty.json", min: 80 }, tmp);
      expect(e).toMatchObject({ result: "fail", message: "lines not measured in the istanbul-summary report (min 80%)" });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("stops when the probe is aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await coverageProbe.run({ coverage: "jacoco.xml", min: 1 }, makeContext({ cwd: dir, signal: ac.signal }));
    expect(r).toMatchObject({ result: "fail", message: "cannot read coverage report jacoco.xml: aborted" });
  });
});

describe("coverage probe validation", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(probeSchema("coverage"));

  it("accepts the documented forms and rejects others", () => {
    expect(validate({ coverage: "coverage/lcov.info" })).toBe(true);
    expect(validate({ coverage: "c.xml", format: "jacoco", min: { lines: 80, branches: 70 } })).toBe(true);
    expect(validate({ coverage: "c.xml", min: 80, timeout: "5s" })).toBe(true);
    expect(validate({ coverage: "c.xml", min: 120 })).toBe(false);
    expect(validate({ coverage: "c.xml", min: { line: 80 } })).toBe(false);
    expect(validate({ coverage: "c.xml", format: "xml" })).toBe(false);
    expect(validate({ coverage: "" })).toBe(false);
  });

  it("rejects an empty min and warns when there is none", () => {
    expect(coverageProbe.check?.({ coverage: "c.xml", min: {} })).toEqual([
      { path: "/min", message: "min is empty: give a percentage for at least one of lines, branches, functions, statements" },
    ]);
    expect(coverageProbe.check?.({ coverage: "c.xml" })).toMatchObject([{ level: "warning" }]);
    expect(coverageProbe.check?.({ coverage: "c.xml", min: 80 })).toEqual([]);
    expect(coverageProbe.target({ coverage: "c.xml" })).toBe("c.xml");
  });
});
