/**
 * The progress line as a user sees it: the built command in a real pseudo-terminal (util-linux
 * `script`), probing a real HTTP server on loopback whose slow endpoint answers after 1.5 s. The
 * captured bytes are replayed onto a screen (carriage returns, erased lines) to read what is left.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CLEAN_ENV, tempProject } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";
import { displayWidth } from "../../src/util/width.js";

const SLOW_MS = 1_500;
const WIDTH = 100;
let api: Running;
let project: ReturnType<typeof tempProject>;

beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    if (req.url === "/slow") return void setTimeout(() => res.writeHead(200).end("ok"), SLOW_MS);
    res.writeHead(200).end("ok");
  });
  // Forty fast probes (a burst of events) and one slow one, whose label is hostile.
  const fast = Array.from({ length: 40 }, (_, i) => `      - { id: fast-${i}, title: Fast ${i}, probes: [{ http: "${api.url}/fast" }] }`).join("\n");
  project = tempProject({
    "readiness.yaml": `version: 1
name: Progress
sections:
  - id: svc
    title: Service
    items:
      - { id: slow-api, title: Slow API, probes: [{ http: "${api.url}/slow", name: "evil\\e[2Jname", timeout: 10s }] }
${fast}
`,
  });
});
afterAll(async () => {
  await api.close();
  project.cleanup();
});

interface PtyRun {
  raw: string;
  code: number | null;
  /** From the arrival of the first progress frame to the end of `script` (0 without a frame). */
  ms: number;
}

/** Runs `readiness ARGS` in a pseudo-terminal; `onOutput` sees the bytes so far (and the CLI's pid). */
function inPty(args: string[], options: { pipeStdout?: boolean; onOutput?: (raw: string, pid: () => number) => void } = {}): Promise<PtyRun> {
  const pidFile = join(project.dir, `pid-${Math.random().toString(36).slice(2)}`);
  const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
  const command = `echo $$ > ${quote(pidFile)}; exec ${[process.execPath, BIN, ...args].map(quote).join(" ")}${options.pipeStdout ? " | cat" : ""}`;
  let firstFrame: number | undefined;
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: project.dir,
      env: { ...CLEAN_ENV, NO_COLOR: "1", COLUMNS: String(WIDTH), SHELL: "/bin/sh" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let raw = "";
    const pid = (): number => Number(readFileSync(pidFile, "utf8").trim());
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      raw += d;
      if (firstFrame === undefined && raw.includes("\r\x1b[2K  running probes")) firstFrame = performance.now();
      options.onOutput?.(raw, pid);
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ raw, code, ms: firstFrame === undefined ? 0 : performance.now() - firstFrame });
    });
  });
}

/** The screen left by `raw`: each line as the terminal shows it once every byte is applied. */
function screen(raw: string): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === "\x1b") {
      const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(raw.slice(i, i + 16));
      if (m) {
        const line = rows[row] as string[];
        if (m[2] === "K") rows[row] = m[1] === "2" ? [] : m[1] === "1" ? line.map((ch, k) => (k <= col ? " " : ch)) : line.slice(0, col);
        i += m[0].length - 1;
        continue;
      }
    }
    if (c === "\r") col = 0;
    else if (c === "\n") rows[++row] ??= [];
    else (rows[row] as string[])[col++] = c;
  }
  return rows.map((r) => Array.from(r, (ch) => ch ?? " ").join("").trimEnd());
}

/** Every frame the progress display drew: the text written after each `\r` + erase-line. */
const frames = (raw: string): string[] =>
  raw
    .split("\r\x1b[2K")
    .slice(1)
    .map((f) => f.split(/[\r\n]/)[0] as string)
    .filter((f) => f.startsWith("  running probes"));

describe("progress on a terminal", () => {
  it("names the slow probe with its elapsed time, redraws at most 10 times a second, and leaves no debris", async () => {
    const r = await inPty(["audit"]);
    expect(r.code).toBe(0);
    const drawn = frames(r.raw);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.some((f) => /slowest: slow-api\/evil\\x1b\[2Jname \d+(\.\d)?s\b/.test(f)), drawn.join("\n")).toBe(true);
    expect(drawn.at(-1)).toMatch(/^ {2}running probes \d+\/41 · \d/);
    for (const f of drawn) expect(displayWidth(f), f).toBeLessThan(WIDTH);
    // The label's escape sequence is shown, never obeyed: no ESC but our own erase-line sequences.
    expect(r.raw.replace(/\r\x1b\[2K/g, "")).not.toContain("\x1b");
    // At most 10 a second, from the first frame to the end of the run, with a little slack.
    expect(drawn.length).toBeLessThanOrEqual(Math.ceil(r.ms / 100) + 3);
    const final = screen(r.raw);
    expect(final.join("\n")).toContain("GO");
    expect(final.filter((l) => l.includes("running probes"))).toEqual([]);
  });

  it("an interrupted run leaves no progress line either", async () => {
    let sent = false;
    const r = await inPty(["audit"], {
      onOutput: (raw, pid) => {
        if (sent || !frames(raw).some((f) => f.includes("slow-api"))) return;
        sent = true;
        process.kill(pid(), "SIGINT");
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const final = screen(r.raw).join("\n");
    expect(final).toContain("readiness: SIGINT received: stopping probes, writing the partial report");
    expect(final).toMatch(/interrupted/i);
    expect(final).not.toContain("running probes");
  });

  it("draws nothing when stdout is piped, nor with --no-progress", async () => {
    for (const run of [await inPty(["audit"], { pipeStdout: true }), await inPty(["audit", "--no-progress"])]) {
      expect(run.code).toBe(0);
      expect(run.raw).not.toContain("running probes");
      expect(run.raw).not.toContain("\x1b[2K");
      expect(run.raw).toContain("GO");
    }
  });
});
