/**
 * Property tests: whatever text a checklist holds, the library answers with issues (or a checklist),
 * never throws anything but a ReadinessError, and never hangs; the built CLI exits 0, 1 or 2 with
 * no stack trace. A few thousand cases here; `npm run fuzz` runs many more (READINESS_FUZZ_RUNS).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkChecklistText } from "../../../src/checklist/load.js";
import { ReadinessError } from "../../../src/errors.js";
import { runCli } from "../../helpers/cli.js";
import { FUZZ_SCALE, mutatedChecklist, randomYaml, splicedYaml, validChecklist } from "./arbitraries.js";
import { stringify } from "yaml";

const dir = mkdtempSync(join(tmpdir(), "readiness-fuzz-"));
const file = join(dir, "readiness.yaml");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Generous: one case takes about a millisecond; a hang or a blow-up takes far longer. */
const MAX_CASE_MS = 2_000;
const env = { BASE_URL: "http://127.0.0.1:7", HOME: "/root" };

/** Checks one text in-process: no exception but ReadinessError, bounded time, issues well-formed. */
function checkOne(text: string): void {
  const started = performance.now();
  try {
    const { checklist, issues } = checkChecklistText(text, file, { env, vars: {} });
    for (const i of issues) {
      expect(typeof i.message).toBe("string");
      expect(i.message.length).toBeGreaterThan(0);
    }
    if (!checklist) expect(issues.some((i) => i.level !== "warning")).toBe(true);
  } catch (e) {
    if (!(e instanceof ReadinessError)) throw e;
  }
  const ms = performance.now() - started;
  if (ms > MAX_CASE_MS) throw new Error(`took ${Math.round(ms)} ms on ${JSON.stringify(text.slice(0, 200))}`);
}

const runs = (n: number): { numRuns: number; seed?: number } => {
  const seed = process.env.READINESS_FUZZ_SEED;
  return seed === undefined ? { numRuns: n * FUZZ_SCALE } : { numRuns: n * FUZZ_SCALE, seed: Number(seed) };
};
// About 25 ms a case for mutated documents on a loaded 2-core machine (ajv, resolve); generous.
const timeout = (n: number): number => 30_000 + n * FUZZ_SCALE * 60;

describe("checkChecklistText on hostile input (in-process)", () => {
  it("accepts the unmutated base checklist (the mutations start from something valid)", () => {
    const { checklist, issues } = checkChecklistText(stringify(validChecklist()), file, { env });
    expect(issues.filter((i) => i.level !== "warning")).toEqual([]);
    expect(checklist).toBeDefined();
  });

  it("mutated valid checklists: keys dropped or renamed, types changed, weird strings, huge numbers, deep nesting", { timeout: timeout(400) }, () => {
    fc.assert(fc.property(mutatedChecklist, checkOne), runs(400));
  });

  it("random YAML-ish text", { timeout: timeout(1500) }, () => {
    fc.assert(fc.property(randomYaml, checkOne), runs(1500));
  });

  it("YAML-level trouble spliced into a valid document: alias bombs, duplicate keys, merge keys, tags, extends", { timeout: timeout(150) }, () => {
    fc.assert(fc.property(splicedYaml, checkOne), runs(150));
  });

  it("arbitrary unicode and binary-ish strings", { timeout: timeout(1000) }, () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), checkOne), runs(1000));
  });
});

describe("the built CLI on hostile checklists", () => {
  const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

  it("validate and audit --dry-run exit 0, 1 or 2 with no stack trace and no internal error", { timeout: 120_000 + 2_000 * FUZZ_SCALE * 40 }, async () => {
    const seed = Number(process.env.READINESS_FUZZ_SEED ?? 42);
    const n = 40 * FUZZ_SCALE;
    const texts = [
      ...fc.sample(mutatedChecklist, { numRuns: Math.ceil(n * 0.5), seed }),
      ...fc.sample(randomYaml, { numRuns: Math.ceil(n * 0.25), seed }),
      ...fc.sample(splicedYaml, { numRuns: Math.ceil(n * 0.15), seed }),
    ];
    const files: (string | Buffer)[] = [...texts, ...fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: Math.ceil(n * 0.1), seed }).map((b) => Buffer.from(b))];
    const cases = files.map((content, i) => {
      const f = join(dir, `case-${i}.yaml`);
      writeFileSync(f, content);
      return { f, args: i % 3 === 2 ? ["audit", f, "--dry-run", "--no-exec"] : ["validate", f] };
    });
    const failures: string[] = [];
    let next = 0;
    // A few at a time: each is a fresh node process.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let c = cases[next++]; c; c = cases[next++]) {
          const r = await runCli(c.args, { cwd: dir, env: { BASE_URL: "http://127.0.0.1:7" }, killAfterMs: 30_000 });
          const bad = r.code === null || ![0, 1, 2].includes(r.code) || STACK.test(r.stderr) || /internal error/.test(r.stderr);
          if (bad) failures.push(`${c.args.join(" ")} → ${r.code ?? r.signal}: ${r.stderr.slice(0, 400)}`);
        }
      }),
    );
    expect(failures).toEqual([]);
  });
});
