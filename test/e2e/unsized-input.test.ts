/**
 * A checklist that is not a regular file — a pipe (`<(command)`, /dev/stdin), a FIFO, a device —
 * has no size to check before reading. It is read through the event loop and cut at the size limit,
 * and an interrupt stops a read that waits for a writer: Node cannot exit while a worker thread is
 * blocked opening or reading a FIFO nobody writes to.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, runCli, tempProject, type CliResult } from "../helpers/cli.js";

const CHECKLIST = "version: 1\nname: Piped\nsections:\n  - id: main\n    title: Main\n    items:\n      - { id: a, title: A, probes: [{ env: PATH }] }\n";
const STACK = /\n\s+at .+:\d+:\d+/;
const project = tempProject({ "plain.yaml": CHECKLIST });
const dir = project.dir;
afterAll(() => project.cleanup());

/** The CLI in the project directory; `signals` are sent one every 300 ms once it has started. A hang is a failure. */
function run(args: string[], o: { input?: string; signals?: NodeJS.Signals[] } = {}): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    input: o.input,
    killAfterMs: 15_000,
    onSpawn: (_pid, child) => (o.signals ?? []).forEach((sig, i) => setTimeout(() => child.kill(sig), 800 + i * 300)),
  });
}

function fifo(name: string): string {
  const path = join(dir, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  return path;
}

describe("a checklist from a pipe, a FIFO or a device", () => {
  it("reads /dev/stdin when it is a socket (what Node's spawn gives a child)", async () => {
    const r = await run(["validate", "/dev/stdin"], { input: CHECKLIST });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("/dev/stdin: valid — 1 item, 1 probe");
  });

  it("reads /dev/stdin and <(command) when they are pipes (a shell's)", () => {
    const bash = (script: string): ReturnType<typeof spawnSync> => spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    const piped = bash(`cat plain.yaml | "${process.execPath}" "${BIN}" validate /dev/stdin`);
    expect(piped.status, String(piped.stderr)).toBe(0);
    expect(piped.stdout).toContain("/dev/stdin: valid");
    const substituted = bash(`"${process.execPath}" "${BIN}" validate <(cat plain.yaml)`);
    expect(substituted.status, String(substituted.stderr)).toBe(0);
    expect(substituted.stdout).toMatch(/\/dev\/fd\/\d+: valid/);
  });

  it("reads a FIFO once a writer comes", async () => {
    const path = fifo("late.yaml");
    const pending = run(["validate", path]);
    setTimeout(() => writeFileSync(path, CHECKLIST), 500); // opens the FIFO for writing, writes, closes
    const r = await pending;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("late.yaml: valid");
  });

  it("refuses an endless device at the size limit: one line, exit 2", async () => {
    const r = await run(["validate", "/dev/zero"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe("readiness: /dev/zero: file is too large (over 8 MiB; a checklist file may be at most 8 MiB)\n");
  });

  it("refuses more than the size limit from a pipe", async () => {
    const r = await run(["validate", "/dev/stdin"], { input: "#".repeat(9 * 1024 * 1024) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^readiness: \/dev\/stdin: file is too large \(over 8 MiB; .*\)\n$/);
  });

  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`stops waiting on a FIFO nobody writes to at the first ${sig}: exit ${code}, no stack trace`, async () => {
      const path = fifo(`nobody-${sig}.yaml`);
      for (const command of ["validate", "audit"]) {
        const r = await run([command, path], { signals: [sig] });
        expect(r.code, `${command}: ${r.stderr}`).toBe(code);
        expect(r.stderr).toContain(`nobody-${sig}.yaml: interrupted while reading`);
        // Only an audit has probes to stop and a partial report to write.
        expect(r.stderr).toContain(command === "audit" ? `${sig} received: stopping probes, writing the partial report (again to force)` : `${sig} received: stopping (again to force)`);
        expect(r.stderr).not.toMatch(STACK);
        expect(r.ms).toBeLessThan(5_000);
      }
    });
  }
});

