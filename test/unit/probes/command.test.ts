import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandProbe, shellQuote, splitCommand, type CommandSpec } from "../../../src/probes/command.js";
import { makeContext } from "../../helpers/context.js";
import { Ajv } from "ajv";
import { probeSchema } from "../../../src/probes/index.js";

const node = process.execPath;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "readiness-command-"));
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "marker.txt"), "here");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node -e script` through the probe. */
function runNode(script: string, extra: Partial<CommandSpec> = {}, ctx = makeContext({ cwd: dir })) {
  return commandProbe.run({ command: [node, "-e", script], ...extra }, ctx);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `cond` until it holds (for events in other processes, which cannot be awaited directly). */
async function until(cond: () => boolean, withinMs = 20_000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Polls until `pid` no longer exists. A killed orphan stays a zombie until init reaps it, which some
 * container inits do only every second or so; so this polls rather than asserting at once.
 */
async function gone(pid: number, withinMs = 5000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !alive(pid);
}

describe("splitCommand", () => {
  it("splits on whitespace and honours quotes and escapes", () => {
    expect(splitCommand(`git  log -n 1 --format='%H %s' "a \\"b\\" c" d\\ e ''`)).toEqual({
      argv: ["git", "log", "-n", "1", "--format=%H %s", 'a "b" c', "d e", ""],
      shellSyntax: [],
    });
  });
  it("reports unterminated quotes and empty commands", () => {
    expect(splitCommand(`echo 'oops`)).toBe("unterminated ' quote");
    expect(splitCommand(`echo "oops`)).toBe('unterminated " quote');
    expect(splitCommand("   ")).toBe("empty command");
  });
  it("notes unquoted shell syntax but keeps it literal", () => {
    expect(splitCommand("cat a | grep b 'x|y'")).toEqual({ argv: ["cat", "a", "|", "grep", "b", "x|y"], shellSyntax: ["|"] });
  });
  it("quotes for display only when needed", () => {
    expect(shellQuote("plain-arg_1.txt")).toBe("plain-arg_1.txt");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
  });
});

describe("command probe: exit codes", () => {
  it("passes on exit 0 with a timing message", async () => {
    const out = await runNode("process.exit(0)");
    expect(out.result).toBe("pass");
    expect(out.message).toMatch(/^exit 0 in \d+(ms|\.\ds)$/);
    expect(out.observed).toMatchObject({ exit_code: 0 });
  });

  it("fails on an unexpected exit code with the last stderr line", async () => {
    const out = await runNode("console.error('first line'); console.error('database unreachable'); process.exit(3)");
    expect(out.result).toBe("fail");
    expect(out.message).toBe("exit 3 (expected 0): database unreachable");
  });

  it("accepts a listed exit code", async () => {
    expect((await runNode("process.exit(3)", { exit_code: [0, 3] })).result).toBe("pass");
    const out = await runNode("process.exit(4)", { exit_code: [0, 3] });
    expect(out.message).toBe("exit 4 (expected 0 or 3)");
  });

  it("reports a death by signal", async () => {
    const out = await runNode("process.kill(process.pid, 'SIGSEGV')");
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/^killed by SIGSEGV \(expected exit 0\)/);
  });
});

describe("command probe: output assertions", () => {
  it("checks stdout and stderr contains / not_contains / matches", async () => {
    const script = "process.stdout.write('status: ok\\nversion 1.2.3\\n'); process.stderr.write('warn: slow\\n')";
    const ok = await runNode(script, {
      stdout: { contains: ["status: ok"], matches: "^version \\d+\\.\\d+\\.\\d+$", not_contains: "error" },
      stderr: { contains: "slow" },
    });
    expect(ok).toMatchObject({ result: "pass" });

    const bad = await runNode(script, { stdout: { contains: "ready" } });
    expect(bad.result).toBe("fail");
    expect(bad.message).toBe('stdout does not contain "ready" (exit 0)');

    const bad2 = await runNode(script, { stderr: { not_contains: "warn" }, stdout: { matches: "^v\\d$" } });
    expect(bad2.message).toBe('stdout does not match /^v\\d$/; stderr contains "warn" (exit 0)');
  });

  it("survives non-UTF-8 output", async () => {
    const out = await runNode("process.stdout.write(Buffer.from([0xff, 0xfe, 0x41, 0xc3]))", { stdout: { contains: "A" } });
    expect(out.result).toBe("pass");
  });

  it("caps a flood of output without hanging and reports the truncation", async () => {
    const ctx = makeContext({ cwd: dir, timeoutMs: 20_000, limits: { maxBodyBytes: 1024, maxOutputBytes: 64 * 1024, maxFileBytes: 1024 } });
    // 64 MiB of 'x', then a marker past the cap.
    const script = "const b = Buffer.alloc(1 << 20, 'x'); for (let i = 0; i < 64; i++) process.stdout.write(b); process.stdout.write('MARKER')";
    const out = await runNode(script, { stdout: { contains: "MARKER" } }, ctx);
    expect(out.result).toBe("fail");
    expect(out.message).toBe(`stdout does not contain "MARKER"; stdout truncated at ${64 * 1024} bytes (exit 0)`);
  });
});

describe("command probe: strings, shell, cwd, env", () => {
  it("splits a string command without a shell (no expansion)", async () => {
    const out = await commandProbe.run({ command: `"${node}" -e "console.log(process.argv[1])" '$HOME|x'`, stdout: { contains: "$HOME|x" } }, makeContext({ cwd: dir }));
    expect(out).toMatchObject({ result: "pass" });
  });

  it("uses the shell when asked", async () => {
    const out = await commandProbe.run(
      { command: `"${node}" -e "console.log('a'); console.log('b')" | wc -l`, shell: true, stdout: { matches: "^\\s*2\\s*$" } },
      makeContext({ cwd: dir }),
    );
    expect(out).toMatchObject({ result: "pass" });
  });

  it("resolves cwd against the checklist directory and merges env over process.env", async () => {
    const script = "const fs = require('fs'); console.log(fs.readFileSync('marker.txt', 'utf8'), process.env.PROBE_VAR, Boolean(process.env.PATH))";
    const out = await runNode(script, { cwd: "sub", env: { PROBE_VAR: "v42" }, stdout: { contains: "here v42 true" } });
    expect(out).toMatchObject({ result: "pass" });
  });

  it("fails clearly for a missing cwd (not as 'command not found')", async () => {
    const out = await runNode("0", { cwd: "nope" });
    expect(out).toEqual({ result: "fail", message: "cwd not found: nope" });
  });

  it("reports a command that does not exist", async () => {
    const out = await commandProbe.run({ command: "readiness-no-such-command-xyz --version" }, makeContext({ cwd: dir }));
    expect(out).toEqual({ result: "fail", message: "command not found: readiness-no-such-command-xyz" });
  });

  it("reports a file that is not executable", async () => {
    writeFileSync(join(dir, "script.sh"), "#!/bin/sh\necho hi\n", { mode: 0o644 });
    const out = await commandProbe.run({ command: ["./script.sh"] }, makeContext({ cwd: dir }));
    expect(out).toEqual({ result: "fail", message: "permission denied: ./script.sh" });
  });
});

describe("command probe: timeouts and process trees", () => {
  it("kills a command that sleeps forever at the timeout", async () => {
    const ctx = makeContext({ cwd: dir, timeoutMs: 300 });
    const t0 = Date.now();
    const out = await runNode("setInterval(() => {}, 1000)", {}, ctx);
    expect(out).toEqual({ result: "fail", message: "timed out after 300ms (process tree killed)" });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("kills a child that traps SIGTERM and its grandchild", async () => {
    const pidFile = join(dir, "grandchild.pid");
    // The child ignores SIGTERM, starts a grandchild that would outlive it, and records its pid.
    const script = `
      process.on('SIGTERM', () => {});
      const { spawn } = require('child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      setInterval(() => {}, 1000);`;
    // Abort as the engine's timeout would (a TimeoutError), but only once the grandchild exists:
    // on a loaded machine a fixed timeout could fire before the child got to spawn it.
    const ac = new AbortController();
    const ctx = makeContext({ cwd: dir, timeoutMs: 1000, signal: ac.signal });
    const pending = runNode(script, {}, ctx);
    await until(() => existsSync(pidFile));
    ac.abort(new DOMException("probe timeout", "TimeoutError"));
    const out = await pending;
    expect(out.result).toBe("fail");
    expect(out.message).toBe("timed out after 1.0s (process tree killed)");
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("does not wait for a background grandchild holding stdout after the command exits", async () => {
    const pidFile = join(dir, "bg.pid");
    const script = `
      const { spawn } = require('child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      console.log('started');
      process.exit(0);`;
    // Were the probe to wait for the grandchild's pipe, it would end at this timeout as a failure.
    const ctx = makeContext({ cwd: dir, timeoutMs: 15_000 });
    const out = await runNode(script, { stdout: { contains: "started" } }, ctx);
    expect(out.result).toBe("pass");
    expect(await gone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("is not held up by a descendant that escaped the process group", async () => {
    const pidFile = join(dir, "escaped.pid");
    // detached: true gives the grandchild its own session, out of reach of the group kill, and it
    // keeps the probe's stdout pipe open.
    const script = `
      const { spawn } = require('child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      console.log('started');
      process.exit(0);`;
    try {
      const out = await runNode(script, { stdout: { contains: "started" } }, makeContext({ cwd: dir, timeoutMs: 15_000 }));
      expect(out.result).toBe("pass");
    } finally {
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    }
  });

  it("stops promptly on an external abort (Ctrl-C) and says so", async () => {
    const ac = new AbortController();
    const ctx = makeContext({ cwd: dir, timeoutMs: 10_000, signal: ac.signal });
    const pending = runNode("setInterval(() => {}, 1000)", {}, ctx);
    setTimeout(() => ac.abort(), 100);
    const out = await pending;
    expect(out).toEqual({ result: "fail", message: "aborted (process tree killed)" });
  });

  it("names a timeout by the time elapsed when the signal's reason does not say so", async () => {
    // A plain abort once the probe's timeout has passed reads as the timeout: the probe's start and
    // abortCause's "now" must come from the same clock (monotonicMs), or it would read "aborted".
    const ac = new AbortController();
    const ctx = makeContext({ cwd: dir, timeoutMs: 100, signal: ac.signal });
    const pending = runNode("setInterval(() => {}, 1000)", {}, ctx);
    setTimeout(() => ac.abort(), 150);
    expect(await pending).toEqual({ result: "fail", message: "timed out after 100ms (process tree killed)" });
  });
});

describe("command probe: check, target, executes", () => {
  it("flags assertions that check nothing, bad regexes and unterminated quotes", () => {
    const issues = commandProbe.check!({
      command: "echo 'x",
      exit_code: [],
      stdout: {},
      stderr: { contains: [], matches: "(" },
    });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath["/command"]?.message).toMatch(/unterminated ' quote/);
    expect(byPath["/exit_code"]?.level).toBe("error");
    expect(byPath["/stdout"]?.message).toMatch(/checks nothing/);
    expect(byPath["/stderr/contains"]?.message).toMatch(/empty list/);
    expect(byPath["/stderr/matches"]?.message).toMatch(/invalid regular expression/);
  });

  it("warns about shell syntax without shell: true", () => {
    const issues = commandProbe.check!({ command: "cat a.txt | grep ok" });
    expect(issues).toEqual([expect.objectContaining({ path: "/command", level: "warning" })]);
    expect(commandProbe.check!({ command: "cat a.txt | grep ok", shell: true })).toEqual([]);
  });

  it("tolerates specs the schema has not vetted", () => {
    expect(() => commandProbe.check!({ command: 5, stdout: null, stderr: "x", exit_code: "0" } as unknown as CommandSpec)).not.toThrow();
  });

  it("displays the target and is skipped by --no-exec", () => {
    expect(commandProbe.target({ command: ["npm", "run", "build it"] })).toBe("npm run 'build it'");
    expect(commandProbe.target({ command: "make test" })).toBe("make test");
    expect(commandProbe.executes).toBe(true);
  });
});

describe("command probe: schema", () => {
  // Compiled the way the checklist validator compiles it (union types allowed), plus ajv's strict checks.
  const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(probeSchema("command"));
  it.each([{ command: ["a"], exit_code: [0, 1], stdout: { contains: "a" }, env: { A: 1 } }, { command: "a b", shell: true, cwd: "sub", stderr: { matches: ["x"] } }])("accepts %j", (spec) => {
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
  });
  it.each([{ command: [] }, { command: "x", stdout: { contain: "a" } }, { command: "x", exit_code: 256 }, { command: "x", shel: true }])("rejects %j", (spec) => {
    expect(validate(spec)).toBe(false);
  });
});
