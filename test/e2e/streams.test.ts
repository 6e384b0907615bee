/**
 * stdout that stops taking output. A reader that goes away (`readiness audit | head -1`) ends what
 * stdout shows, not the run: no stack trace, `-o` files still written, the exit code still the
 * verdict. A stdout that fails otherwise (a full disk behind `>`) is one line on stderr and exit 2.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";

let dir: string;
const items = (n: number, status: string): string =>
  Array.from({ length: n }, (_, i) => `      - { id: i${i}, title: Item ${i}, status: ${status}, attested_by: Ana, attested_at: 2026-10-01 }`).join("\n");
const checklist = (status: string): string => `version: 1\nname: Streams\nsections:\n  - id: main\n    title: Main\n    items:\n${items(300, status)}\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "readiness-streams-"));
  writeFileSync(join(dir, "go.yaml"), checklist("done"));
  writeFileSync(join(dir, "nogo.yaml"), checklist("missing"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with stdout closed by its reader as soon as the process starts. */
function withClosedReader(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", READINESS_NOW: "2026-11-23" }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("stdout that goes away", () => {
  it("a reader that closes early: no stack trace, the -o file written, exit 0 for GO", async () => {
    const html = join(dir, "go.html");
    const r = await withClosedReader(["audit", "go.yaml", "-f", "json", "-o", `html=${html}`]);
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n {4}at /);
    expect(r.code).toBe(0);
    expect(readFileSync(html, "utf8")).toMatch(/<\/html>\s*$/);
  });

  it("...and exit 1 for NO-GO, in the terminal format as in JSON", async () => {
    for (const format of ["terminal", "json"]) {
      const r = await withClosedReader(["audit", "nogo.yaml", "-f", format]);
      expect(r.stderr, format).not.toMatch(/EPIPE|Error|\n {4}at /);
      expect(r.code, format).toBe(1);
    }
  });

  it.runIf(existsSync("/dev/full"))("a stdout that cannot be written (ENOSPC) is one line on stderr and exit 2", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, "audit", "go.yaml", "-f", "json"], { cwd: dir, env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" }, stdio: ["ignore", full, "pipe"] });
        let stderr = "";
        child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stderr }));
      });
      expect(r.stderr).toBe("readiness: cannot write to stdout (ENOSPC): the report there is incomplete\n");
      expect(r.code).toBe(2);
    } finally {
      closeSync(full);
    }
  });

  it("a non-blocking stdout that fills up: the report still arrives whole, in order", () => {
    // The CLI writes stdout with write(2) until the descriptor would block, then through Node's
    // stream. A parent that leaves its pipe non-blocking and reads only after a pause makes the
    // first write fill the pipe and fail with EAGAIN (python3: Node cannot make such a pipe).
    const parent = `
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, cwd=${JSON.stringify(dir)}, env={"PATH": os.environ["PATH"], "NO_COLOR": "1", "READINESS_NOW": "2026-11-23"})
os.close(w)
time.sleep(0.5)
out = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    out += chunk
err = p.stderr.read()
sys.stdout.buffer.write(out)
sys.stderr.write("exit %d %s" % (p.wait(), err.decode()))
`;
    const args = [BIN, "audit", "go.yaml", "-f", "json"];
    const viaFullPipe = spawnSync("python3", ["-c", parent, process.execPath, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const plain = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", READINESS_NOW: "2026-11-23" } });
    expect(plain.stdout.length).toBeGreaterThan(128 * 1024); // twice what a Linux pipe holds
    expect(viaFullPipe.stderr).toBe("exit 0 ");
    const strip = (json: string): unknown => ({ ...(JSON.parse(json) as object), duration_ms: 0, started_at: "" });
    expect(strip(viaFullPipe.stdout)).toEqual(strip(plain.stdout));
  });
});
