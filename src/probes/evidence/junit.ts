/**
 * JUnit XML reader. Handles a root `<testsuites>` or a single `<testsuite>`, nested suites, and the
 * dialects of vitest, jest-junit, pytest, go-junit-report, Maven Surefire and Node's test runner: a test case fails
 * when it holds `<failure>` or `<error>`, and is skipped when it holds `<skipped>`. Surefire's
 * `<flakyFailure>`/`<flakyError>` (passed on a rerun) are passes.
 */
import { childrenNamed, parseXml, type XmlElement } from "../../util/xml.js";

/** One failed test case, for messages. */
export interface FailedCase {
  suite: string;
  name: string;
  /** First line of the failure message, when there is one. */
  message?: string;
  /** `failure` (an assertion) or `error` (the test could not run). */
  kind: "failure" | "error";
}

/** Counts from one or more JUnit files. `failures` and `errors` are disjoint. */
export interface JunitTotals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  failed: FailedCase[];
}

/** Empty totals, to merge files into. */
export function emptyTotals(): JunitTotals {
  return { tests: 0, failures: 0, errors: 0, skipped: 0, failed: [] };
}

function firstLine(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line || undefined;
}

function count(attr: string | undefined): number {
  const n = Number(attr);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

const GENERIC_MESSAGE = /^(failed|failure|error|build error|runtime error)$/i;

function readCase(tc: XmlElement, suiteName: string, out: JunitTotals): void {
  out.tests++;
  // jest-junit repeats the name as the class name by default: the suite says more then.
  const suite = tc.attrs.classname && tc.attrs.classname !== tc.attrs.name ? tc.attrs.classname : suiteName;
  const name = tc.attrs.name ?? "(unnamed)";
  const failure = childrenNamed(tc, "failure")[0];
  const error = childrenNamed(tc, "error")[0];
  const bad = failure ?? error;
  if (bad) {
    const kind = failure ? "failure" : "error";
    if (kind === "failure") out.failures++;
    else out.errors++;
    // go-junit-report writes message="Failed" / "Build error" and the useful line in the body.
    const attr = firstLine(bad.attrs.message);
    const body = firstLine(bad.text);
    const message = attr && !GENERIC_MESSAGE.test(attr) ? attr : (body ?? attr ?? firstLine(bad.attrs.type));
    out.failed.push({ suite, name, kind, ...(message ? { message } : {}) });
    return;
  }
  if (childrenNamed(tc, "skipped").length > 0) out.skipped++;
}

function readSuite(el: XmlElement, out: JunitTotals): void {
  const suiteName = el.attrs.name ?? "";
  const nested = childrenNamed(el, "testsuite");
  const before = out.failures + out.errors;
  for (const child of el.children) {
    if (child.name === "testsuite") readSuite(child, out);
    else if (child.name === "testcase") readCase(child, suiteName, out);
  }
  // A leaf suite can report failures that no test case carries (a file that failed to load,
  // a pytest collection error, a crashed fork): count them, or a broken run would look green.
  if (nested.length === 0) {
    const counted = out.failures + out.errors - before;
    const declared = count(el.attrs.failures) + count(el.attrs.errors);
    const system = childrenNamed(el, "system-err")[0] ?? childrenNamed(el, "system-out")[0];
    for (let i = counted; i < declared; i++) {
      out.errors++;
      out.tests++;
      out.failed.push({ suite: suiteName || "(suite)", name: "(suite error)", kind: "error", ...(system && firstLine(system.text) ? { message: firstLine(system.text) } : {}) });
    }
  }
}

/** Whether an element is the root of a JUnit report. */
export function isJunitRoot(root: XmlElement): boolean {
  return root.name === "testsuites" || root.name === "testsuite";
}

/** Why a document could not be read: not XML at all, or XML of another kind. */
export interface JunitReadError {
  kind: "invalid" | "not-junit";
  message: string;
}

/** Reads one JUnit XML document into `out`; returns why it could not, or undefined. */
export function readJunit(text: string, out: JunitTotals): JunitReadError | undefined {
  const root = parseXml(text);
  if (typeof root === "string") return { kind: "invalid", message: root };
  if (!isJunitRoot(root)) {
    return { kind: "not-junit", message: `not a JUnit XML report (root <${root.name}>, expected <testsuites> or <testsuite>)` };
  }
  // Node's own reporter (`node --test --test-reporter=junit`) puts top-level <testcase>s directly
  // under <testsuites>, beside the <testsuite>s of describe blocks: read the root as a suite.
  readSuite(root, out);
  return undefined;
}
