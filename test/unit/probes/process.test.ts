import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processProbe } from "../../../src/probes/process.js";
import { runProcess } from "../../../src/probes/run/process.js";
import { makeContext } from "../../helpers/context.js";

// A marker no other process on the machine carries: the sleeps this test starts are told apart by it.
const marker = `${Date.now() % 100000}${process.pid}`;
const children: ChildProcess[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const c = spawn("sleep", [`${marker}`], { stdio: "ignore" });
    children.push(c);
    await new Promise((r) => c.once("spawn", r));
  }
});
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

describe("process probe", () => {
  it("counts processes by command-line pattern, with their pids", async () => {
    const out = await processProbe.run({ process: "sleeper", pattern: `^sleep ${marker}$` }, makeContext());
    expect(out).toMatchObject({ result: "pass", observed: { count: 2 } });
    const pids = children.map((c) => c.pid ?? 0).sort((a, b) => a - b);
    expect(out.message).toBe(`sleeper (/^sleep ${marker}$/): 2 processes running (pids ${pids.join(", ")})`);
  });

  it("finds a process by name", async () => {
    const out = await processProbe.run({ process: "sleep" }, makeContext());
    expect(out.result).toBe("pass");
    expect((out.observed as { count: number }).count).toBeGreaterThanOrEqual(2);
  });

  it("fails below min and above max", async () => {
    const few = await processProbe.run({ process: "sleeper", pattern: `^sleep ${marker}$`, min: 3 }, makeContext());
    expect(few).toMatchObject({ result: "fail", message: expect.stringMatching(/: 2 processes running \(pids .*\) \(min 3\)$/) as string });
    const many = await processProbe.run({ process: "sleeper", pattern: `^sleep ${marker}$`, max: 1 }, makeContext());
    expect(many).toMatchObject({ result: "fail", message: expect.stringMatching(/\(max 1\)$/) as string });
  });

  it("fails when nothing runs, and passes max: 0 then", async () => {
    const name = `no-such-process-${marker}`;
    expect(await processProbe.run({ process: name }, makeContext())).toMatchObject({ result: "fail", message: `${name}: no process running (min 1)` });
    expect(await processProbe.run({ process: name, min: 0, max: 0 }, makeContext())).toMatchObject({ result: "pass" });
  });

  it("does not count a process that has exited", async () => {
    const c = spawn("sleep", [`${marker}1`], { stdio: "ignore" });
    await new Promise((r) => c.once("spawn", r));
    const spec = { process: "x", pattern: `^sleep ${marker}1$` };
    expect(await processProbe.run(spec, makeContext())).toMatchObject({ result: "pass" });
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
    expect(await processProbe.run(spec, makeContext())).toMatchObject({ result: "fail" });
  });

  it("fails with the cause where there is no /proc", async () => {
    const dir = mkdtempSync(join(tmpdir(), "readiness-noproc-"));
    try {
      const missing = await runProcess({ process: "nginx" }, makeContext(), join(dir, "proc"));
      expect(missing).toMatchObject({ result: "fail", message: expect.stringContaining("no such file): the process probe reads /proc, which only Linux provides") as string });
      const notProc = await runProcess({ process: "nginx" }, makeContext(), dir);
      expect(notProc).toMatchObject({ result: "fail", message: expect.stringContaining("is not a proc file system") as string });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("check() refuses a bad regex and max below min", () => {
    expect(processProbe.check?.({ process: "x", pattern: "(", min: 3, max: 1 })).toEqual([
      { path: "/pattern", message: expect.stringContaining("invalid regular expression") as string },
      { path: "/max", message: "max 1 is below min 3" },
    ]);
  });
});
