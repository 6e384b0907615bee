import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gossProbe } from "../../../src/probes/goss.js";
import { inspecProbe } from "../../../src/probes/inspec.js";
import { impactSeverity } from "../../../src/probes/run/inspec.js";
import { makeContext } from "../../helpers/context.js";

const fixtures = join(import.meta.dirname, "../../fixtures/evidence");
const ctx = () => makeContext({ cwd: fixtures });
const dir = mkdtempSync(join(tmpdir(), "readiness-tools-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("goss probe", () => {
  it("fails on a failed check, naming it on one line", async () => {
    const out = await gossProbe.run({ goss: "goss/goss.json" }, ctx());
    expect(out).toMatchObject({ result: "fail", observed: { tests: 4, failures: 1, skipped: 1, passed: 2 } });
    expect(out.message).toBe(
      "goss/goss.json: 4 checks: 1 failed, 1 skipped (max failures 0): Service: nginx: running: Expected <bool>: false to equal <bool>: true",
    );
  });

  it("passes within max_failures, and fails under min_tests and over max_skipped", async () => {
    expect(await gossProbe.run({ goss: "goss/goss.json", max_failures: 1 }, ctx())).toMatchObject({ result: "pass", message: "goss/goss.json: 4 checks: 1 failed, 1 skipped" });
    expect(await gossProbe.run({ goss: "goss/goss.json", max_failures: 1, min_tests: 10 }, ctx())).toMatchObject({ result: "fail", message: "goss/goss.json: 4 checks: 1 failed, 1 skipped (min checks 10)" });
    expect(await gossProbe.run({ goss: "goss/goss.json", max_failures: 1, max_skipped: 0 }, ctx())).toMatchObject({ result: "fail" });
  });

  it("fails on an empty report, a missing file, invalid JSON and another tool's report", async () => {
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ results: [], summary: { "test-count": 0, "failed-count": 0 } }));
    writeFileSync(join(dir, "bad.json"), "{ nope");
    expect(await gossProbe.run({ goss: "empty.json" }, makeContext({ cwd: dir }))).toMatchObject({ result: "fail", message: "empty.json: 0 checks: 0 failed, 0 skipped (min checks 1)" });
    expect(await gossProbe.run({ goss: "missing.json" }, makeContext({ cwd: dir }))).toMatchObject({ result: "fail", message: "cannot read goss report missing.json: no such file" });
    expect((await gossProbe.run({ goss: "bad.json" }, makeContext({ cwd: dir }))).message).toMatch(/^cannot parse goss report bad\.json: invalid JSON: /);
    expect((await gossProbe.run({ goss: "inspec/inspec.json" }, ctx())).message).toMatch(/^inspec\/inspec\.json: not a goss JSON report/);
  });
});

describe("inspec probe", () => {
  it("counts controls, names the failed one with its impact as severity", async () => {
    const out = await inspecProbe.run({ inspec: "inspec/inspec.json" }, ctx());
    expect(out).toMatchObject({ result: "fail", observed: { tests: 3, failures: 1, skipped: 1, passed: 1 } });
    expect(out.message).toBe(
      'inspec/inspec.json: 3 controls: 1 failed, 1 skipped (max failures 0): [high] ssh-01: Disallow root login over SSH (SSH Configuration PermitRootLogin is expected to eq "no")',
    );
    expect(await inspecProbe.run({ inspec: "inspec/inspec.json", max_failures: 1 }, ctx())).toMatchObject({ result: "pass" });
  });

  it("grades impact as InSpec does", () => {
    expect([0, 0.3, 0.4, 0.69, 0.7, 0.9, 1].map(impactSeverity)).toEqual(["low", "low", "medium", "medium", "high", "critical", "critical"]);
  });

  it("counts a control inherited through a dependency once", async () => {
    const control = { id: "c-1", title: "t", impact: 0.9, results: [{ status: "failed", code_desc: "x" }] };
    writeFileSync(join(dir, "dup.json"), JSON.stringify({ profiles: [{ name: "wrapper", controls: [control] }, { name: "base", controls: [{ ...control, results: [] }] }] }));
    const out = await inspecProbe.run({ inspec: "dup.json" }, makeContext({ cwd: dir }));
    expect(out).toMatchObject({ result: "fail", message: "dup.json: 1 control: 1 failed, 0 skipped (max failures 0): [critical] c-1: t (x)" });
  });

  it("refuses a report that is not InSpec's", async () => {
    expect((await inspecProbe.run({ inspec: "goss/goss.json" }, ctx())).message).toMatch(/^goss\/goss\.json: not an InSpec JSON report/);
  });
});
