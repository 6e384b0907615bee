/**
 * The tests probe against JUnit XML written by a real vitest run on a fixture project, and by hand
 * in the dialects of pytest, Maven Surefire, go-junit-report and jest-junit; plus hostile inputs.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeSchema } from "../../../src/probes/index.js";
import { testsProbe, type TestsSpec } from "../../../src/probes/tests.js";
import { makeContext } from "../../helpers/context.js";
import { runVitestFixture } from "../../helpers/vitest-fixture.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const fixtures = join(root, "test/fixtures/evidence");
const samples = join(fixtures, "junit");

let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "readiness-tests-"));
  await runVitestFixture(out, { coverage: false });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = (spec: TestsSpec, cwd = samples) => testsProbe.run(spec, makeContext({ cwd }));

describe("tests probe on vitest's JUnit output", () => {
  it("counts tests, the failure and the skip, and names the first failure", async () => {
    const r = await run({ tests: "junit.xml" }, out);
    expect(r).toEqual({
      result: "fail",
      message:
        "5 tests: 1 failed, 1 skipped (max failures 0): first failure: src/math.spec.js › math > deliberately fails: expected 2 to be 3 // Object.is equality",
      observed: { files: 1, tests: 5, passed: 3, failures: 1, errors: 0, skipped: 1 },
    });
  });

  it("passes within max_failures and max_skipped, and fails beyond them", async () => {
    expect(await run({ tests: "junit.xml", max_failures: 1, max_skipped: 1 }, out)).toMatchObject({
      result: "pass",
      message: "5 tests: 1 failed, 1 skipped",
    });
    const r = await run({ tests: "junit.xml", max_failures: 1, max_skipped: 0, min_tests: 6 }, out);
    expect(r).toMatchObject({ result: "fail", message: "5 tests: 1 failed, 1 skipped (min tests 6, max skipped 0)" });
  });
});

describe("tests probe on other producers' dialects", () => {
  it("pytest: errors count as failures; xfail and skip are skipped", async () => {
    const r = await run({ tests: "pytest.xml" });
    expect(r.observed).toEqual({ files: 1, tests: 7, passed: 3, failures: 1, errors: 1, skipped: 2 });
    expect(r.message).toBe(
      "7 tests: 2 failed (1 error), 2 skipped (max failures 0): first failure: tests.test_api › test_create_payment: AssertionError: assert 500 == 201",
    );
    expect(await run({ tests: "pytest.xml", max_failures: 2 })).toMatchObject({ result: "pass" });
    expect(await run({ tests: "pytest.xml", max_failures: 1 })).toMatchObject({ result: "fail" });
  });

  it("Maven Surefire: a directory of TEST-*.xml merged; flaky passes pass; other XML and files ignored", async () => {
    const r = await run({ tests: "surefire-reports" });
    expect(r.observed).toEqual({ files: 2, tests: 8, passed: 6, failures: 1, errors: 0, skipped: 1 });
    expect(r.message).toBe(
      "8 tests in 2 files: 1 failed, 1 skipped (max failures 0): first failure: com.example.payments.LedgerTest › rejectsNegativeAmount: expected: <true> but was: <false>",
    );
  });

  it("a glob of files is merged", async () => {
    const r = await run({ tests: "surefire-reports/TEST-*.xml", max_failures: 1 });
    expect(r).toMatchObject({ result: "pass", message: "8 tests in 2 files: 1 failed, 1 skipped" });
    const all = await run({ tests: "{pytest,jest-junit}.xml", max_failures: 5 });
    expect(all.observed).toMatchObject({ files: 2, tests: 11, failures: 2, errors: 1, skipped: 3 });
  });

  it("go-junit-report: the failure's body says more than message=\"Failed\"; a build failure is an error", async () => {
    const r = await run({ tests: "go-junit-report.xml" });
    expect(r.observed).toEqual({ files: 1, tests: 5, passed: 2, failures: 1, errors: 1, skipped: 1 });
    expect(r.message).toBe(
      "5 tests: 2 failed (1 error), 1 skipped (max failures 0): first failure: github.com/example/payments/ledger › TestPost/negative_amount: ledger_test.go:42: got error <nil>, want ErrNegative",
    );
  });

  it("jest-junit: the suite names a test whose class name only repeats it", async () => {
    const r = await run({ tests: "jest-junit.xml" });
    expect(r.observed).toEqual({ files: 1, tests: 4, passed: 2, failures: 1, errors: 0, skipped: 1 });
    expect(r.message).toBe(
      "4 tests: 1 failed, 1 skipped (max failures 0): first failure: payments › payments refund rejects negative amounts: Error: expect(received).toBe(expected) // Object.is equality",
    );
  });

  it("nested suites are counted once", async () => {
    const r = await run({ tests: "nested.xml" });
    expect(r.observed).toEqual({ files: 1, tests: 4, passed: 3, failures: 1, errors: 0, skipped: 0 });
    expect(r.message).toMatch(/first failure: Integration › talks to the database: timeout after 5s$/);
  });

  it("a suite that failed to load counts as an error even without test cases", async () => {
    const r = await run({ tests: "suite-error.xml" });
    expect(r).toMatchObject({
      result: "fail",
      message: "1 test: 1 failed (1 error), 0 skipped (max failures 0): first failure: src/broken.spec.ts › (suite error): SyntaxError: Unexpected token '}' in src/broken.spec.ts:12",
    });
  });

  it("a run with no tests is not green", async () => {
    expect(await run({ tests: "empty.xml" })).toMatchObject({ result: "fail", message: "0 tests: 0 failed, 0 skipped (min tests 1)" });
    expect(await run({ tests: "empty.xml", min_tests: 0 })).toMatchObject({ result: "pass" });
  });
});

describe("tests probe on missing and hostile input", () => {
  it("fails on a missing file, an empty glob and an empty directory", async () => {
    expect(await run({ tests: "missing.xml" })).toEqual({ result: "fail", message: "cannot read test report missing.xml: no such file" });
    expect(await run({ tests: "reports/**/*.xml" })).toEqual({ result: "fail", message: "no files match reports/**/*.xml" });
    const tmp = mkdtempSync(join(tmpdir(), "readiness-tests-empty-"));
    try {
      mkdirSync(join(tmp, "reports"));
      expect(await run({ tests: "reports" }, tmp)).toEqual({ result: "fail", message: "no *.xml files in directory reports" });
      writeFileSync(join(tmp, "reports", "other.xml"), "<testng-results/>");
      expect(await run({ tests: "reports" }, tmp)).toEqual({ result: "fail", message: "no JUnit XML reports in reports" });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("fails on truncated XML, naming the file and the line", async () => {
    const r = await run({ tests: "invalid.xml" });
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^cannot parse test report invalid\.xml: invalid XML at line \d+:\d+: /);
  });

  it("fails on XML of another kind named explicitly", async () => {
    expect(await run({ tests: "not-junit.xml" })).toEqual({
      result: "fail",
      message: "cannot parse test report not-junit.xml: not a JUnit XML report (root <coverage>, expected <testsuites> or <testsuite>)",
    });
  });

  it("a bad file among many fails the probe, naming it", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "readiness-tests-mixed-"));
    try {
      copyFileSync(join(samples, "jest-junit.xml"), join(tmp, "a.xml"));
      copyFileSync(join(samples, "invalid.xml"), join(tmp, "b.xml"));
      const r = await run({ tests: "*.xml" }, tmp);
      expect(r.message).toMatch(/^cannot parse test report b\.xml: invalid XML/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("never expands DTD entities", async () => {
    const started = performance.now();
    const r = await run({ tests: "entity-bomb.xml" });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r).toMatchObject({ result: "fail", message: "1 test: 1 failed, 0 skipped (max failures 0): first failure: &f; › &f;: &f;" });
  });

  it("stops when aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await testsProbe.run({ tests: "pytest.xml" }, makeContext({ cwd: samples, signal: ac.signal }));
    expect(r).toMatchObject({ result: "fail", message: "cannot read test report pytest.xml: aborted" });
  });
});

describe("tests probe validation", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(probeSchema("tests"));

  it("accepts the documented keys and rejects others", () => {
    expect(validate({ tests: "reports/junit.xml", min_tests: 10, max_failures: 0, max_skipped: 3 })).toBe(true);
    expect(validate({ tests: "reports/*.xml" })).toBe(true);
    expect(validate({ tests: "x.xml", max_failures: -1 })).toBe(false);
    expect(validate({ tests: "x.xml", min_tests: 1.5 })).toBe(false);
    expect(validate({ tests: "x.xml", max_failure: 1 })).toBe(false);
    expect(testsProbe.target({ tests: "reports/*.xml" })).toBe("reports/*.xml");
  });
});

describe("tests probe on Node's own JUnit reporter", () => {
  it("counts <testcase>s written directly under <testsuites> by node --test --test-reporter=junit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "readiness-node-junit-"));
    try {
      writeFileSync(
        join(dir, "a.test.mjs"),
        [
          'import { test, describe } from "node:test";',
          'import assert from "node:assert";',
          'test("adds", () => assert.equal(1 + 1, 2));',
          'test("fails", () => assert.equal(1, 2));',
          'test.skip("skipped", () => {});',
          'describe("group", () => { test("inner", () => {}); });',
        ].join("\n"),
      );
      const { execFileSync } = await import("node:child_process");
      try {
        execFileSync(process.execPath, ["--test", "--test-reporter=junit", "--test-reporter-destination=junit.xml", "a.test.mjs"], { cwd: dir, stdio: "ignore" });
      } catch {
        // exits 1: a test failed, as intended
      }
      const r = await run({ tests: "junit.xml" }, dir);
      expect(r).toMatchObject({ result: "fail", observed: { tests: 4, failures: 1, skipped: 1, passed: 2 } });
      expect(r.message).toBe("4 tests: 1 failed, 1 skipped (max failures 0): first failure: test › fails: 1 == 2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
