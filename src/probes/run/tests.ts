/** The run of the `tests` probe (its spec, schema and checks: ../tests.ts), loaded when a probe of the type first runs. */
import { stat } from "node:fs/promises";
import { globLib } from "../../util/glob.js";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { truncate } from "../../util/text.js";
import { abortMessage, describeError, displayPath, fail, pass, readTextFile, resolvePath } from "../evidence/common.js";
import { emptyTotals, readJunit, type FailedCase } from "../evidence/junit.js";
import type { TestsSpec } from "../tests.js";

/** Upper bound on files merged, so a glob like `**\/*.xml` over a huge tree stays bounded. */
const MAX_FILES = 10_000;

interface Located {
  files: string[];
  /** Files found by scanning a directory: XML that is not JUnit is ignored rather than an error. */
  lenient: boolean;
  error?: string;
}

async function locate(spec: TestsSpec, ctx: ProbeContext): Promise<Located> {
  const pattern = spec.tests;
  const { glob, isDynamicPattern } = await globLib();
  if (!isDynamicPattern(pattern)) {
    const file = resolvePath(ctx, pattern);
    try {
      if ((await stat(file)).isDirectory()) {
        const files = await glob("**/*.xml", { cwd: file, absolute: true, signal: ctx.signal });
        if (files.length === 0) return { files, lenient: true, error: `no *.xml files in directory ${displayPath(ctx, file)}` };
        return { files: files.sort(), lenient: true };
      }
    } catch {
      // Not there (or unreadable): reading it below names the cause.
    }
    return { files: [file], lenient: false };
  }
  const files = await glob(pattern, { cwd: ctx.cwd, absolute: true, onlyFiles: true, signal: ctx.signal });
  if (files.length === 0) return { files, lenient: false, error: `no files match ${pattern}` };
  return { files: files.sort(), lenient: false };
}

function describeFailure(f: FailedCase): string {
  const where = f.suite ? `${f.suite} › ${f.name}` : f.name;
  return truncate(f.message ? `${where}: ${f.message}` : where, 200);
}

export async function run(spec: TestsSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  let located: Located;
  try {
    located = await locate(spec, ctx);
  } catch (e) {
    return fail(ctx.signal.aborted ? abortMessage(ctx) : `cannot list ${spec.tests}: ${describeError(e)}`);
  }
  if (located.error) return fail(located.error);
  if (located.files.length > MAX_FILES) return fail(`${located.files.length} files match ${spec.tests}: more than ${MAX_FILES}, narrow the pattern`);
  const totals = emptyTotals();
  let used = 0;
  for (const file of located.files) {
    const shown = displayPath(ctx, file);
    const read = await readTextFile(file, ctx);
    if ("error" in read) return fail(`cannot read test report ${shown}: ${read.error}`);
    const error = readJunit(read.text, totals);
    if (error && located.lenient && error.kind === "not-junit") continue;
    if (error) return fail(`cannot parse test report ${shown}: ${error.message}`);
    used++;
  }
  if (used === 0) return fail(`no JUnit XML reports in ${spec.tests}`);

  const failed = totals.failures + totals.errors;
  const minTests = spec.min_tests ?? 1;
  const maxFailures = spec.max_failures ?? 0;
  const violated: string[] = [];
  if (totals.tests < minTests) violated.push(`min tests ${minTests}`);
  if (failed > maxFailures) violated.push(`max failures ${maxFailures}`);
  if (spec.max_skipped !== undefined && totals.skipped > spec.max_skipped) violated.push(`max skipped ${spec.max_skipped}`);

  const noun = totals.tests === 1 ? "test" : "tests";
  const inFiles = used > 1 ? ` in ${used} files` : "";
  const errors = totals.errors > 0 ? ` (${totals.errors} ${totals.errors === 1 ? "error" : "errors"})` : "";
  let message = `${totals.tests} ${noun}${inFiles}: ${failed} failed${errors}, ${totals.skipped} skipped`;
  const observed = {
    files: used,
    tests: totals.tests,
    passed: totals.tests - failed - totals.skipped,
    failures: totals.failures,
    errors: totals.errors,
    skipped: totals.skipped,
  };
  if (violated.length === 0) return pass(message, observed);
  message += ` (${violated.join(", ")})`;
  const first = totals.failed[0];
  if (failed > maxFailures && first) message += `: first failure: ${describeFailure(first)}`;
  return fail(message, observed);
}
