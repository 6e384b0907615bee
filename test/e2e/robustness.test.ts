/**
 * Robustness of the built CLI against hostile targets, hostile commands, interrupts and hostile
 * text: every probe ends at its timeout with its cause named, memory stays bounded, no process
 * outlives the audit, no half-written report is left behind, no escape sequence reaches a terminal,
 * and `--no-exec` spawns nothing (proven with strace when it is installed).
 *
 * Time bounds are generous (timeout + seconds), because the machine running the suite is shared.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ItemReport, Report } from "../../src/types.js";
import { BIN, runCli, tempProject, type CliResult } from "../helpers/cli.js";
import { closedPort, startHttpServer, startTcpServer, type Running } from "../helpers/servers.js";

const NODE = process.execPath;
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Hostile targets on loopback.

let slow: Running; // trickles one byte every 100 ms, forever (slowloris)
let huge: Running; // a 2 GiB body, streamed with back-pressure
let hugeSentMax = 0;
let reset: Running; // reads the request, then resets the connection (RST)
let silent: Running; // accepts and never answers (not even a TLS handshake)
let hostile: Running; // answers with terminal escape sequences in body, JSON and status line
let rawHostile: Running; // a raw HTTP response with escape sequences in the reason phrase and Location
const open = new Set<ServerResponse>();

/** Escape sequences a hostile target or checklist might carry: OSC 8 (link), OSC 52 (clipboard), cursor, clear screen, BEL, a C1 CSI. */
const EVIL = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b]52;c;ZXZpbA==\x07 \x1b[2J\x1b[H\x1b[31mred\x1b[0m \x1b[5A \x07 \x9b2J";

beforeAll(async () => {
  slow = await startHttpServer((_req, res) => {
    open.add(res);
    res.writeHead(200, { "content-type": "text/plain" });
    const t = setInterval(() => res.write("."), 100);
    res.on("close", () => clearInterval(t));
  });
  huge = await startHttpServer((_req, res) => {
    open.add(res);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(2 * GiB) });
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    let sent = 0;
    let closed = false;
    res.on("close", () => (closed = true));
    const pump = (): void => {
      while (!closed && sent < 2 * GiB) {
        sent += chunk.length;
        hugeSentMax = Math.max(hugeSentMax, sent);
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!closed) res.end();
    };
    pump();
  });
  reset = await startTcpServer("127.0.0.1", (s: Socket) => s.once("data", () => s.resetAndDestroy()));
  silent = await startTcpServer("127.0.0.1");
  hostile = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: EVIL }));
    res.writeHead(200, { "content-type": "text/plain" }).end(`${EVIL}\n`);
  });
  rawHostile = await startTcpServer("127.0.0.1", (s: Socket) =>
    s.once("data", () => s.end(`HTTP/1.1 302 Found \x1b[2J\x1b]52;c;ZXZpbA==\x07\r\nLocation: /\x1b[2J\x07\x1b]8;;x\x1b\\\r\nContent-Length: 0\r\n\r\n`)),
  );
});

afterAll(async () => {
  for (const r of open) r.destroy();
  await Promise.all([slow, huge, reset, silent, hostile, rawHostile].map((s) => s?.close()));
});

// ---------------------------------------------------------------------------------------------
// Helpers.

const doc = (items: string, head = ""): string => `version: 1\nname: Robustness\n${head}sections:\n  - id: main\n    title: Main\n    items:\n${items}`;
const item = (id: string, probe: string): string => `      - id: ${id}\n        title: ${id}\n        severity: low\n        probes:\n          - ${probe}\n`;

function itemsOf(r: CliResult): ItemReport[] {
  const report = JSON.parse(r.stdout) as Report;
  return report.sections.flatMap((s) => s.items);
}

function byId(items: ItemReport[]): Record<string, ItemReport> {
  return Object.fromEntries(items.map((i) => [i.id, i]));
}

/** Whether a process is alive: a zombie (killed, not yet reaped by init in a container) counts as dead. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    if (existsSync("/proc/self/stat")) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `ms` for every pid to be gone; returns those still alive. */
async function survivors(pids: number[], ms = 3_000): Promise<number[]> {
  const until = performance.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || performance.now() > until) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readPids(dir: string, names: string[]): number[] {
  return names.map((n) => join(dir, n)).filter(existsSync).map((f) => Number(readFileSync(f, "utf8")));
}

/** A preload that records the CLI's peak RSS (KiB) when it exits, without any tool outside Node. */
function rssPreload(dir: string): { env: Record<string, string>; peakMiB(): number } {
  const preload = join(dir, "rss-preload.mjs");
  const out = join(dir, "rss.txt");
  writeFileSync(preload, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`);
  return {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
    peakMiB: () => Number(readFileSync(out, "utf8")) / 1024,
  };
}

/** A Node script written into the project, run as a command probe. */
const script = (name: string): string => `[${JSON.stringify(NODE)}, ${JSON.stringify(name)}]`;

// Child processes that misbehave.
const SCRIPTS = {
  // Ignores SIGTERM, starts a grandchild that ignores it too and holds the output pipes, then hangs.
  "stubborn.cjs": `
const { spawn } = require("node:child_process");
process.on("SIGTERM", () => {});
const g = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "inherit" });
require("node:fs").writeFileSync(process.argv[2], String(g.pid));
setInterval(() => {}, 1000);
`,
  // Exits at once, leaving a grandchild running that holds the output pipes.
  "orphaner.cjs": `
const { spawn } = require("node:child_process");
const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "inherit" });
g.unref();
require("node:fs").writeFileSync(process.argv[2], String(g.pid));
process.stdout.write("started\\n");
`,
  // Starts a grandchild in a new session (setsid: out of the process group), then hangs.
  "escaper.cjs": `
const { spawn } = require("node:child_process");
process.on("SIGTERM", () => {});
const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore", detached: true });
require("node:fs").writeFileSync(process.argv[2], String(g.pid));
setInterval(() => {}, 1000);
`,
  // Floods stdout forever, with back-pressure.
  "flood.cjs": `
const b = Buffer.alloc(1 << 16, "y\\n");
const w = () => { while (process.stdout.write(b)); process.stdout.once("drain", w); };
w();
`,
  // Writes 64 MiB to stdout, then exits 0.
  "burst.cjs": `
const b = Buffer.alloc(1 << 16, "y\\n");
let n = 0;
const w = () => { while (n < 1024) { n++; if (!process.stdout.write(b)) return void process.stdout.once("drain", w); } };
w();
`,
  // Invalid UTF-8 and escape sequences on both streams, then exit 3.
  "binary.cjs": `
process.stdout.write(Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0a]));
process.stderr.write(Buffer.concat([Buffer.from([0xff, 0xc0, 0xaf, 0x0a]), Buffer.from(${JSON.stringify(`fatal ${EVIL}`)}), Buffer.from([0xf8, 0x88, 0x0a])]));
process.exitCode = 3;
`,
  // Prints escape sequences and a number (for a metric probe with a command source).
  "evil-echo.cjs": `process.stdout.write(${JSON.stringify(`${EVIL}\n`)}); process.stderr.write(${JSON.stringify(`${EVIL}\n`)}); process.exitCode = 1;`,
};

function project(): ReturnType<typeof tempProject> {
  return tempProject(SCRIPTS);
}

// ---------------------------------------------------------------------------------------------

describe("hostile targets: each probe ends at its timeout (or its cap) with the cause named", () => {
  it("slowloris, a 2 GiB body, a reset, a silent port (http, https, tls): bounded time and memory", async () => {
    const p = project();
    const rss = rssPreload(p.dir);
    try {
      const f = p.write(
        "c.yaml",
        doc(
          item("slowloris", `{ http: "${slow.url}/", contains: never-there, timeout: 1500ms }`) +
            item("huge", `{ http: "${huge.url}/", contains: needle, timeout: 20s }`) +
            item("huge-status", `{ http: "${huge.url}/", timeout: 20s }`) +
            item("reset", `{ http: "http://127.0.0.1:${reset.port}/", timeout: 1500ms }`) +
            item("silent-http", `{ http: "http://127.0.0.1:${silent.port}/", timeout: 1500ms }`) +
            item("silent-https", `{ http: "https://127.0.0.1:${silent.port}/", timeout: 1500ms }`) +
            item("silent-tls", `{ tls: "127.0.0.1:${silent.port}", timeout: 1500ms }`),
        ),
      );
      const r = await runCli(["audit", f, "-f", "json"], { env: rss.env });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(1);
      const items = byId(itemsOf(r));

      expect(items.slowloris!.message).toMatch(/timed out after 1\.5s/);
      expect(items["silent-http"]!.message).toMatch(/timed out after 1\.5s/);
      expect(items["silent-https"]!.message).toMatch(/timed out after 1\.5s/);
      expect(items["silent-tls"]!.message).toMatch(/timed out after 1\.5s/);
      expect(items.reset!.message).toMatch(/connection reset by peer|closed the connection/);
      // The 2 GiB body is read up to its 1 MiB cap, long before the timeout.
      expect(items.huge!.message).toMatch(/does not contain "needle".*body truncated at 1 MiB/);
      // Without a body assertion the body is not read at all.
      expect(items["huge-status"]!.result).toBe("pass");
      for (const id of ["slowloris", "reset", "silent-http", "silent-https", "silent-tls"]) {
        for (const pr of items[id]!.probes) expect(pr.duration_ms, id).toBeLessThan(1500 + 1_500);
      }
      for (const pr of items.huge!.probes) expect(pr.duration_ms).toBeLessThan(15_000);
      // Every probe ran at once: the run took about one timeout, not the sum.
      expect(r.ms).toBeLessThan(12_000);
      // The server got nowhere near sending 2 GiB, and the CLI's memory stayed bounded.
      expect(hugeSentMax).toBeLessThan(256 * MiB);
      expect(rss.peakMiB()).toBeLessThan(200);
    } finally {
      p.cleanup();
    }
  });
});

describe("http probes under Node's strictest run-time options", () => {
  it("print no deprecation warning and throw none under --pending-deprecation --throw-deprecation, and work under the permission model", async () => {
    const p = project();
    const ok = await startHttpServer((_req, res) => res.end("ok"));
    try {
      const f = p.write(
        "c.yaml",
        doc(item("up", `{ http: "${ok.url}/", contains: ok }`) + item("slow", `{ http: "${slow.url}/", contains: never-there, timeout: 300ms }`) + item("refused", `{ http: "http://127.0.0.1:${await closedPort()}/" }`)),
      );
      const r = await runCli(["audit", f, "-f", "json"], { env: { NODE_OPTIONS: "--pending-deprecation --throw-deprecation" } });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(1);
      const items = byId(itemsOf(r));
      expect(items.up!.result).toBe("pass");
      expect(items.slow!.message).toMatch(/timed out after 300ms/);
      expect(items.refused!.message).toMatch(/connection refused$/);
      // Under the permission model (--permission since Node 22.13, the experimental name before; from
      // Node 25 the model also guards the network, which the probes need: --allow-net) probes still work.
      const flags = process.allowedNodeEnvironmentFlags;
      const permission = [flags.has("--permission") ? "--permission" : "--experimental-permission", "--allow-fs-read=*", "--allow-fs-write=*", ...(flags.has("--allow-net") ? ["--allow-net"] : [])];
      const denied = await runCli(["audit", f, "-f", "json"], { env: { NODE_OPTIONS: permission.join(" ") } });
      expect(denied.stderr).not.toMatch(/ERR_ACCESS_DENIED|DeprecationWarning|^\s+at /m);
      expect(denied.code).toBe(1);
      const deniedItems = byId(itemsOf(denied));
      expect(deniedItems.up!.result).toBe("pass");
      expect(deniedItems.refused!.message).toMatch(/connection refused$/);
    } finally {
      await ok.close();
      p.cleanup();
    }
  });

  it("survives churn: 400 probes at concurrency 100 against answers, resets, early closes, trickles, silence and garbage, with 30-200 ms timeouts, to the end and interrupted", async () => {
    // Every way a connection can end, at every moment, many at once.
    let n = 0;
    const live = new Set<Socket>();
    const churn = await startTcpServer("127.0.0.1", (s: Socket) => {
      live.add(s);
      s.on("close", () => live.delete(s));
      s.on("error", () => undefined);
      const kind = n++ % 8;
      s.once("data", () => {
        if (kind === 0) s.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        else if (kind === 1) s.resetAndDestroy();
        else if (kind === 2) s.end();
        else if (kind === 3) {
          s.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
          const t = setInterval(() => s.write("."), 20);
          s.on("close", () => clearInterval(t));
        } else if (kind === 5) setTimeout(() => s.end("HTTP/1.1 204 No Content\r\n\r\n"), (n * 7) % 80);
        else if (kind === 6) s.end("HTTP/1.1 200 OK\r\nContent-Le");
        else if (kind === 7) s.end("\x00\xff garbage\r\n\r\n");
        // kind 4: never answers.
      });
    });
    const p = project();
    try {
      const f = p.write(
        "c.yaml",
        doc(Array.from({ length: 400 }, (_, i) => item(`p${i}`, `{ http: "http://127.0.0.1:${churn.port}/${i}", contains: ok, timeout: ${30 + ((i * 37) % 171)}ms${i % 5 === 0 ? ", retries: 1, retry_delay: 10ms" : ""} }`)).join("")),
      );
      const args = ["audit", f, "-f", "json", "--concurrency", "100"];
      const whole = await runCli(args);
      expect(whole.signal).toBeNull();
      expect(whole.stderr).toBe("");
      expect(whole.code).toBe(1);
      const items = itemsOf(whole);
      expect(items).toHaveLength(400);
      for (const it of items) expect(it.result === "pass" || it.message, it.id).toBeTruthy();
      // Some answers pass (the first wave may time out while the first probe loads the HTTP client).
      expect(items.filter((it) => it.result === "pass").length).toBeGreaterThan(0);

      // Interrupted in the probe phase: once the server has seen connections of this run (a SIGINT while
      // the checklist loads ends the command before any report, by design).
      let sent = 0;
      const before = n;
      const cut = await runCli(args, {
        onSpawn: (_pid, child) => {
          const wait = setInterval(() => {
            if (n === before) return;
            clearInterval(wait);
            setTimeout(() => {
              sent = performance.now();
              child.kill("SIGINT");
            }, 50);
          }, 5);
        },
      });
      expect(sent).toBeGreaterThan(0);
      expect(cut.signal).toBeNull();
      expect(cut.stderr).not.toMatch(/Assertion|node::|^\s+at /m);
      // Interrupted mid-run (130) or, on a fast machine, already done (1).
      expect([1, 130]).toContain(cut.code);
      expect(JSON.parse(cut.stdout)).toMatchObject({ interrupted: cut.code === 130 });
    } finally {
      for (const s of live) s.destroy();
      await churn.close();
      p.cleanup();
    }
  });
});

describe("hostile commands: the audit ends on time, output is capped, no process outlives it", () => {
  it("a stdout flood, a SIGTERM-ignoring tree, an orphaned grandchild, 64 MiB of output, invalid UTF-8", async () => {
    const p = project();
    const rss = rssPreload(p.dir);
    try {
      const f = p.write(
        "c.yaml",
        doc(
          item("flood", `{ command: ${script("flood.cjs")}, stdout: { contains: never-there }, timeout: 1500ms }`) +
            item("stubborn", `{ command: [${JSON.stringify(NODE)}, stubborn.cjs, stubborn.pid], timeout: 1500ms }`) +
            item("orphaner", `{ command: [${JSON.stringify(NODE)}, orphaner.cjs, orphaner.pid], stdout: { contains: started }, timeout: 10s }`) +
            item("escaper", `{ command: [${JSON.stringify(NODE)}, escaper.cjs, escaper.pid], timeout: 1500ms }`) +
            item("burst", `{ command: ${script("burst.cjs")}, stdout: { contains: needle }, timeout: 20s }`) +
            item("binary", `{ command: ${script("binary.cjs")}, timeout: 10s }`) +
            item("binary-ok", `{ command: ${script("binary.cjs")}, exit_code: 3, stdout: { contains: "ok " }, timeout: 10s }`),
        ),
      );
      const r = await runCli(["audit", f, "-f", "json"], { env: rss.env });
      expect(r.stderr).toBe("");
      const items = byId(itemsOf(r));
      expect(items.flood!.message).toMatch(/timed out after 1\.5s \(process tree killed\)/);
      expect(items.stubborn!.message).toMatch(/timed out after 1\.5s \(process tree killed\)/);
      expect(items.escaper!.message).toMatch(/timed out after 1\.5s \(process tree killed\)/);
      expect(items.orphaner!.result).toBe("pass");
      expect(items.burst!.message).toMatch(/stdout does not contain "needle".*stdout truncated at 1048576 bytes/);
      expect(items.binary!.message).toMatch(/^exit 3 \(expected 0\): fatal /);
      expect(items["binary-ok"]!.result).toBe("pass");
      for (const id of ["flood", "stubborn", "escaper"]) for (const pr of items[id]!.probes) expect(pr.duration_ms, id).toBeLessThan(1500 + 2_000);
      expect(r.ms).toBeLessThan(20_000);
      // Keeping the output would take gigabytes (the flood writes as fast as the pipe drains for
      // 1.5 s); the bound leaves room for the chunks read and dropped that the GC has not yet
      // collected, which newer V8s collect later (peaks of 128 MiB on Node 20, 186 MiB on 26).
      expect(rss.peakMiB()).toBeLessThan(256);
      expect(r.stdout).not.toMatch(/[\x1b\x07\x9b]/);

      // The grandchildren (one of a killed tree, one orphaned by a command that exited) are gone.
      // The grandchild that left the process group (setsid) is found through /proc and killed too.
      const pids = readPids(p.dir, ["stubborn.pid", "orphaner.pid", "escaper.pid"]);
      expect(pids).toHaveLength(3);
      expect(await survivors(pids)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });
});

describe("interrupts", () => {
  for (const [sig, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(`${sig} mid-run: stops within ~2 s, kills process trees, partial report, exit ${code}, no half-written file`, async () => {
      const p = project();
      try {
        const f = p.write(
          "c.yaml",
          doc(
            item("quick", `{ http: "${hostile.url}/" }`) +
              item("hang", `{ http: "http://127.0.0.1:${silent.port}/", timeout: 60s }`) +
              item("stubborn", `{ command: [${JSON.stringify(NODE)}, stubborn.cjs, stubborn.pid], timeout: 60s }`) +
              item("flood", `{ command: ${script("flood.cjs")}, stdout: { contains: x }, timeout: 60s }`) +
              Array.from({ length: 30 }, (_, i) => item(`queued-${i}`, `{ http: "${slow.url}/${i}", contains: never, timeout: 60s }`)).join(""),
          ),
        );
        let sent = 0;
        const r = await runCli(["audit", f, "-f", "json", "--concurrency", "8", "-o", "json=out/r.json", "-o", "html=out/r.html", "-o", "junit=out/r.xml"], {
          cwd: p.dir,
          onSpawn: (_pid, child) => {
            // Interrupt once the stubborn command has started its grandchild.
            const poll = setInterval(() => {
              if (existsSync(join(p.dir, "stubborn.pid")) && !sent) {
                clearInterval(poll);
                sent = performance.now();
                child.kill(sig);
              }
            }, 20);
          },
        });
        expect(sent).toBeGreaterThan(0);
        expect(r.code).toBe(code);
        // ~1 s abort grace at most, plus rendering; generous for a loaded machine.
        expect(performance.now() - sent).toBeLessThan(5_000);
        expect(r.stderr).toContain(`${sig} received`);
        const report = JSON.parse(r.stdout) as Report;
        expect(report.interrupted).toBe(true);
        expect(report.verdict).not.toBe("GO");
        const results = byId(report.sections.flatMap((s) => s.items));
        expect(results.quick!.result).toBe("pass");
        expect(results.hang!.result).toBe("skipped");
        expect(results.stubborn!.result).toBe("skipped");
        expect(results["queued-29"]!.result).toBe("skipped");

        // Every report file is complete, or absent; no temporary file is left.
        const out = join(p.dir, "out");
        const files = existsSync(out) ? readdirSync(out) : [];
        expect(files.filter((n) => !["r.json", "r.html", "r.xml"].includes(n))).toEqual([]);
        if (files.includes("r.json")) expect(JSON.parse(readFileSync(join(out, "r.json"), "utf8"))).toMatchObject({ interrupted: true });
        if (files.includes("r.html")) expect(readFileSync(join(out, "r.html"), "utf8").trimEnd()).toMatch(/<\/html>$/);
        if (files.includes("r.xml")) expect(readFileSync(join(out, "r.xml"), "utf8").trimEnd()).toMatch(/<\/testsuites>$/);
        expect(readdirSync(p.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);

        // The command's tree is gone: the child that ignored SIGTERM and its grandchild.
        expect(await survivors(readPids(p.dir, ["stubborn.pid"]))).toEqual([]);
      } finally {
        p.cleanup();
      }
    });
  }

  it("a second signal exits at once, even while probes ignore theirs", async () => {
    const p = project();
    try {
      const f = p.write("c.yaml", doc(item("stubborn", `{ command: [${JSON.stringify(NODE)}, stubborn.cjs, stubborn.pid], timeout: 60s }`)));
      let first = 0;
      const r = await runCli(["audit", f, "-q"], {
        cwd: p.dir,
        onSpawn: (_pid, child) => {
          const poll = setInterval(() => {
            if (existsSync(join(p.dir, "stubborn.pid")) && !first) {
              clearInterval(poll);
              first = performance.now();
              child.kill("SIGINT");
              child.kill("SIGINT");
            }
          }, 20);
        },
      });
      expect(r.code).toBe(130);
      expect(performance.now() - first).toBeLessThan(5_000);
      expect(await survivors(readPids(p.dir, ["stubborn.pid"]))).toEqual([]);
    } finally {
      p.cleanup();
    }
  });
});

describe("terminal safety: no escape sequence reaches stdout, stderr or a report file raw", () => {
  const ESCAPES = /[\x1b\x07\x9b]/;

  it("in every format, from bodies, status lines, redirects, command output and checklist text", async () => {
    const p = project();
    try {
      // YAML double quotes turn \e, \a and \x9b into the raw control characters.
      const y = (s: string): string => JSON.stringify(s).replace(/\\u001b/g, "\\e").replace(/\\u0007/g, "\\a");
      const evil = y(EVIL);
      const f = p.write(
        "c.yaml",
        `version: 1
name: ${evil}
owner: ${evil}
gate: { signoffs: [Security Lead] }
signoffs:
  - { role: Security Lead, by: ${evil}, at: 2026-11-20 }
sections:
  - id: main
    title: ${evil}
    items:
      - id: body
        title: ${evil}
        probes: [{ name: ${evil}, http: "${hostile.url}/", contains: ${y(`${EVIL}x`)}, not_contains: "\\e[2J" }]
      - id: json
        title: J
        probes: [{ http: "${hostile.url}/json", json: { status: ok } }]
      - id: raw
        title: R
        probes: [{ http: "http://127.0.0.1:${rawHostile.port}/", follow_redirects: false, status: 200 }]
      - id: cmd
        title: C
        probes: [{ command: ${script("evil-echo.cjs")}, stdout: { contains: nope } }]
      - id: metric
        title: M
        probes: [{ metric: { command: ${script("evil-echo.cjs")} }, threshold: "< 10" }]
      - id: claim
        title: ${evil}
        status: done
        evidence: ${evil}
        attested_by: ${evil}
        attested_at: 2026-11-01
      - id: waived
        title: W
        waiver: { reason: ${evil}, until: 2026-12-31, by: ${evil} }
`,
      );
      const check = (what: string, text: string): void => {
        // JSON escapes every C0 control (ESC, BEL) itself; a C1 control stays a plain character, as JSON allows.
        const m = (what.startsWith("json") ? /[\x1b\x07]/ : ESCAPES).exec(text);
        expect(m ? `${what}: raw ${JSON.stringify(m[0])} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}` : "").toBe("");
      };
      const env = { READINESS_NOW: "2026-11-23" };
      for (const format of ["terminal", "markdown", "json", "junit", "html", "badge"]) {
        const r = await runCli(["audit", f, "-f", format, "-v", "-o", `${format}=out/report.${format}`], { cwd: p.dir, env });
        expect([0, 1]).toContain(r.code);
        check(`${format} stdout`, r.stdout);
        check(`${format} stderr`, r.stderr);
        check(`${format} file`, readFileSync(join(p.dir, "out", `report.${format}`), "utf8"));
        if (format === "json") {
          // Escaped by JSON, shown as \u001b, never lost: the user can still see what the target sent.
          const items = itemsOf(r);
          expect(items.find((i) => i.id === "cmd")!.message).toMatch(/\\x1b|\\u001b|fatal|nope/);
        }
      }
      // Terminal output forced to colour still carries no escape from the input (only its own colours).
      const colored = await runCli(["audit", f, "-v"], { cwd: p.dir, env: { ...env, NO_COLOR: undefined, FORCE_COLOR: "1" } });
      check("colored stderr", colored.stderr);
      for (const line of colored.stdout.split("\n")) {
        // Strip the reporter's own SGR colour codes; nothing else may remain.
        check("colored stdout", line.replace(/\x1b\[[0-9;]*m/g, ""));
      }
      for (const args of [["audit", f, "--dry-run"], ["list", f], ["explain", "body", "--file", f], ["validate", f]]) {
        const r = await runCli(args, { cwd: p.dir, env });
        check(`${args[0]} stdout`, r.stdout);
        check(`${args[0]} stderr`, r.stderr);
      }
    } finally {
      p.cleanup();
    }
  });

  it("in validation errors that echo bad values", async () => {
    const p = project();
    try {
      const f = p.write(
        "bad.yaml",
        `version: 1\nname: "\\e]52;c;ZXZpbA==\\a"\nsections:\n  - id: "\\e[2J"\n    title: T\n    items:\n      - id: a\n        title: A\n        severity: "\\e[31mhigh\\a"\n        probes: [{ http: "http://x/\\e[2J", timeout: "\\e]8;;x\\e\\\\" }]\n`,
      );
      const r = await runCli(["validate", f], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(ESCAPES);
      expect(r.stdout).not.toMatch(ESCAPES);
      expect(r.stderr).toContain("\\x1b");
      const a = await runCli(["audit", f], { cwd: p.dir });
      expect(a.code).toBe(2);
      expect(a.stderr + a.stdout).not.toMatch(ESCAPES);
    } finally {
      p.cleanup();
    }
  });

  // An unknown key's path holds the key as written: formatIssue escapes the path too.
  it("in validation errors that echo a bad key (in the issue's path)", async () => {
    const p = project();
    try {
      const f = p.write("bad.yaml", `version: 1\nname: N\nsections:\n  - id: s\n    title: T\n    items:\n      - id: a\n        title: A\n        "\\e[2Jtimeout": 1\n`);
      const r = await runCli(["validate", f], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("unknown key");
      expect(r.stderr).not.toMatch(ESCAPES);
    } finally {
      p.cleanup();
    }
  });
});

describe("--no-exec spawns nothing", () => {
  const strace = spawnSync("strace", ["-f", "-qq", "-o", "/dev/null", "true"]).status === 0;

  /** Runs the CLI under `strace -f` (asynchronously: servers in this process must keep answering), returning its result and every program exec'd. */
  async function traced(args: string[], cwd: string): Promise<{ r: CliResult; execs: string[] }> {
    const log = join(cwd, "strace.log");
    const { CI: _ci, ...env } = process.env;
    const r = await new Promise<CliResult>((resolve) => {
      execFile("strace", ["-f", "-qq", "-e", "trace=execve,execveat", "-o", log, NODE, BIN, ...args], { cwd, env: { ...env, NO_COLOR: "1" }, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, signal: null, stdout, stderr, ms: 0 }),
      );
    });
    const execs = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => /execve(at)?\(/.test(l) && / = 0$/.test(l))
      .map((l) => /execve(?:at)?\("([^"]*)"/.exec(l)?.[1] ?? l);
    return { r, execs };
  }

  it("command, shell and metric-command probes are skipped: no marker written, no program exec'd (strace)", async () => {
    const p = project();
    try {
      const marker = (n: string): string => join(p.dir, `marker-${n}`);
      const write = (n: string): string => `[${JSON.stringify(NODE)}, -e, "require('fs').writeFileSync('${marker(n)}', 'x'); console.log(1)"]`;
      const f = p.write(
        "c.yaml",
        doc(
          item("argv", `{ command: ${write("argv")} }`) +
            item("shell", `{ command: "touch '${marker("shell")}'", shell: true }`) +
            item("metric", `{ metric: { command: ${write("metric")} }, threshold: "< 10" }`) +
            item("http", `{ http: "${hostile.url}/" }`),
        ),
      );
      const args = ["audit", f, "--no-exec", "-f", "json"];
      let r: CliResult;
      if (strace) {
        const t = await traced(args, p.dir);
        r = t.r;
        // Only the CLI's own node, and nothing a probe names (node, sh, touch). See the git case below.
        expect(t.execs[0]).toBe(NODE);
        expect(t.execs.slice(1).filter((e) => !/\/git$/.test(e))).toEqual([]);
      } else {
        r = await runCli(args, { cwd: p.dir });
      }
      const items = byId(itemsOf(r));
      for (const id of ["argv", "shell", "metric"]) {
        expect(items[id]!.result, id).toBe("skipped");
        expect(items[id]!.message, id).toMatch(/--no-exec/);
      }
      expect(items.http!.result, items.http!.message).toBe("pass");
      for (const n of ["argv", "shell", "metric"]) expect(existsSync(marker(n)), n).toBe(false);

      // The same checklist without --no-exec does run them (the markers prove the probes are real).
      await runCli(["audit", f, "-q"], { cwd: p.dir });
      for (const n of ["argv", "shell", "metric"]) expect(existsSync(marker(n)), n).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  // `audit` dates items with `git blame` for outdated sign-offs; a hostile .git/config
  // (core.fsmonitor = any command) must not run anything with --no-exec: git is not even started.
  it("in a hostile git repository (core.fsmonitor) nothing runs: only node is exec'd", async () => {
    const p = project();
    try {
      const pwned = join(p.dir, "PWNED");
      const f = p.write("c.yaml", doc(item("f", `{ file: c.yaml }`)));
      const git = (...a: string[]): void => void execFileSync("git", a, { cwd: p.dir, stdio: "ignore" });
      git("init", "-q");
      git("add", "c.yaml");
      git("-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "x");
      git("config", "core.fsmonitor", `touch '${pwned}'; false`);
      writeFileSync(f, `${readFileSync(f, "utf8")}# edited\n`);
      const { execs } = strace ? await traced(["audit", f, "--no-exec", "-q"], p.dir) : (await runCli(["audit", f, "--no-exec", "-q"], { cwd: p.dir }), { execs: [NODE] });
      expect(existsSync(pwned)).toBe(false);
      expect(execs).toEqual([NODE]);
    } finally {
      p.cleanup();
    }
  });
});
