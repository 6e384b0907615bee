/**
 * `readiness serve` and `readiness history` as a user runs them: the built CLI in a child process,
 * a real service it watches, a real Prometheus scraping it, signals sent to it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, CLEAN_ENV, ROOT, runCli } from "../helpers/cli.js";
import { startPrometheus } from "../helpers/prometheus.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `readiness serve ARGS` in `cwd` and resolves with its URL once it listens. */
function serve(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, "serve", "--listen", "127.0.0.1:0", ...args], { cwd, env: { ...CLEAN_ENV, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve({ child, url: m[1] as string, stderr: () => stderr, exited });
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${stderr}`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const checklist = (target: string, extra = ""): string =>
  `version: 1\nname: Orders\nsections:\n  - id: api\n    title: API\n    items:\n      - id: api-up\n        title: API answers\n        severity: critical\n        probes:\n          - http: ${target}\n            timeout: 1s\n${extra}`;

let dir: string;
let service: Running;
let up: boolean;
let served: Served | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "readiness-serve-e2e-"));
  up = true;
  service = await startHttpServer((_req, res) => {
    res.writeHead(up ? 200 : 503);
    res.end();
  });
});

afterEach(async () => {
  if (served && served.child.exitCode === null && served.child.signalCode === null) {
    served.child.kill("SIGKILL");
    await served.exited;
  }
  served = undefined;
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("readiness serve", () => {
  it("turns /verdict 503 within one interval of the service going down, and 200 again when it is back", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`));
    served = await serve(["--interval", "1s"], dir);
    const url = served.url;
    await until("a first GO", async () => ((await fetch(`${url}/verdict`)).status === 200 ? true : undefined));
    const down = Date.now();
    up = false;
    // The first run that started after the service went down reports it.
    const report = await until("a run started after the service went down", async () => {
      const r = (await (await fetch(`${url}/report.json`)).json()) as { started_at: string; duration_ms: number };
      return Date.parse(r.started_at) > down ? r : undefined;
    });
    const v = await fetch(`${url}/verdict`);
    expect(v.status).toBe(503);
    expect(await v.text()).toMatch(/^NO-GO score \d+ verified \d+: .*api-up/);
    // Within one interval (1s) plus that run's own duration, measured from the run's start.
    expect(Date.parse(report.started_at) - down).toBeLessThanOrEqual(1000 + 1000);
    up = true;
    await until("GO again", async () => ((await fetch(`${url}/verdict`)).status === 200 ? true : undefined));
  });

  it("stops on SIGTERM within a second with an audit in flight, exit 0, the history intact", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`));
    served = await serve(["--interval", "300ms"], dir);
    const url = served.url;
    await until("two runs in the history", async () => (Number(/^readiness_audits_total (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0) >= 2 ? true : undefined));
    // Now every run hangs in a command probe for 30 s.
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`, "      - id: slow\n        title: Slow\n        severity: low\n        probes:\n          - command: sleep 30\n            timeout: 60s\n"));
    await until("an audit in flight", async () => ((await (await fetch(`${url}/metrics`)).text()).includes("readiness_audit_running 1") ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const before = readFileSync(join(dir, "readiness.history.jsonl"), "utf8");
    const t0 = performance.now();
    served.child.kill("SIGTERM");
    const exit = await served.exited;
    const ms = performance.now() - t0;
    expect(exit.code).toBe(0);
    expect(ms).toBeLessThan(3000); // a second on an idle machine; the suite runs on a loaded one
    const after = readFileSync(join(dir, "readiness.history.jsonl"), "utf8");
    expect(after).toBe(before);
    expect(after.trim().split("\n").every((l) => JSON.parse(l) !== undefined)).toBe(true);
  });

  it("SIGKILL at any moment leaves a history that reads back, and the next serve appends to it", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`));
    const history = join(dir, "readiness.history.jsonl");
    let runs = 0;
    for (let round = 0; round < 3; round++) {
      served = await serve(["--interval", "10ms", "--history-keep", "20"], dir);
      const url = served.url;
      await until("more runs", async () => (Number(/^readiness_audits_total (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0) >= 5 ? true : undefined));
      served.child.kill("SIGKILL");
      await served.exited;
      const r = await runCli(["history", "-f", "json"], { cwd: dir });
      expect(r.code).toBe(0);
      const read = JSON.parse(r.stdout) as { runs: unknown[]; skipped_lines: number };
      expect(read.skipped_lines).toBeLessThanOrEqual(round + 1);
      expect(read.runs.length).toBeGreaterThanOrEqual(Math.min(20, runs));
      runs = read.runs.length;
    }
    expect(readFileSync(history, "utf8").length).toBeGreaterThan(0);
  });

  it("is scraped by a real Prometheus: a PromQL query returns the score", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`));
    served = await serve(["--interval", "1s"], dir);
    const url = served.url;
    const report = await until("a report", async () => (await fetch(`${url}/report.json`)).json() as Promise<{ score: number }>);
    const prometheus = await startPrometheus({ targets: [url.replace("http://", "")], waitFor: "readiness_score" });
    try {
      const q = async (query: string): Promise<string | undefined> => {
        const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1];
      };
      expect(Number(await q("readiness_score"))).toBe(report.score);
      expect(await q('readiness_verdict{verdict="GO"} == 1')).toBe("1");
      expect(Number(await q('readiness_item_result{item="api-up",section="api",severity="critical",result="pass"}'))).toBe(1);
    } finally {
      await prometheus.stop();
    }
  });

  it("refuses bad input with one line and exit 2", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`));
    const cases: [string[], RegExp][] = [
      [["--listen", "nowhere"], /--listen nowhere: expected HOST:PORT/],
      [["--token-env", "READINESS_NO_SUCH_VAR"], /--token-env READINESS_NO_SUCH_VAR: that environment variable is not set/],
      [["--interval", "soon"], /--interval soon: expected a duration/],
      [["--history-keep", "0"], /--history-keep 0: expected a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["serve", ...args], { cwd: dir, killAfterMs: 20_000 });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    writeFileSync(join(dir, "readiness.yaml"), "version: 1\nname: x\nsections: [oops\n");
    const broken = await runCli(["serve", "--listen", "127.0.0.1:0"], { cwd: dir, killAfterMs: 20_000 });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^readiness\.yaml:\d+:\d+: /m);
  });
});

describe("the dashboard in a real browser", () => {
  it("renders in headless Chromium under its CSP: the report, the time since the run, the trend chart", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`).replace("title: API answers", 'title: "API <b>answers</b>"'));
    served = await serve(["--interval", "300ms"], dir);
    const url = served.url;
    await until("three runs", async () => (Number(/^readiness_audits_total (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0) >= 3 ? true : undefined));
    const profile = mkdtempSync(join(tmpdir(), "readiness-chromium-"));
    try {
      // Asynchronously: the service this test serves must keep answering while Chromium loads the page.
      const chromium = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const c = spawn(
          "/usr/bin/chromium",
          ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--dump-dom", `${url}/`],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let stdout = "";
        let stderr = "";
        c.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        c.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const killer = setTimeout(() => c.kill("SIGKILL"), 60_000);
        c.once("close", (status) => {
          clearTimeout(killer);
          resolve({ status, stdout, stderr });
        });
      });
      const dom = chromium.stdout;
      expect(dom).toMatch(/<span class="verdict"[^>]*>(GO|CONDITIONAL|NO-GO)<\/span>/);
      expect(dom).toMatch(/last audit ended [\d.]+m?s ago/);
      expect(dom).toMatch(/<svg role="img" aria-label="score and verified score over the last \d+ runs"[^>]*>.*<polyline/s);
      // The title is text in the page, not markup.
      expect(dom).toContain("API &lt;b&gt;answers&lt;/b&gt;");
      expect(dom).not.toContain("<b>answers</b>");
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe("readiness history", () => {
  it("prints the trend serve recorded, in the terminal and as JSON", async () => {
    writeFileSync(join(dir, "readiness.yaml"), checklist(`${service.url}/health`));
    const lines = [90, 70, 40].map((score, i) => JSON.stringify({ started_at: `2026-12-0${i + 1}T10:00:00.000Z`, verdict: score >= 90 ? "GO" : score >= 70 ? "CONDITIONAL" : "NO-GO", score, verified_score: score - 20, counts: { pass: 1, fail: i, attested: 0, partial: 0, missing: 0, stale: 0, waived: 0, skipped: 0 }, duration_ms: 5, reasons: i }));
    writeFileSync(join(dir, "readiness.history.jsonl"), `${lines.join("\n")}\n{"torn`);
    const text = await runCli(["history"], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("History of readiness.history.jsonl: 3 runs, 2026-12-01 10:00 to 2026-12-03 10:00 UTC");
    expect(text.stdout).toMatch(/2026-12-03 10:00\s+NO-GO\s+40\s+20\s+2/);
    const json = await runCli(["history", "-f", "json"], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ runs: [{ score: 90 }, { score: 70 }, { score: 40 }], skipped_lines: 1 });
    const none = await runCli(["history", "--history", "nothing.jsonl"], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing\.jsonl: no history here/);
  });
});

describe("the example Prometheus alert rules", () => {
  it("pass promtool check rules and their rule tests", () => {
    const folder = join(ROOT, "examples", "prometheus");
    const check = spawnSync("promtool", ["check", "rules", "readiness-alerts.yml"], { cwd: folder, encoding: "utf8" });
    expect(`${check.stdout}${check.stderr}`).toMatch(/SUCCESS: 6 rules found/);
    expect(check.status).toBe(0);
    const test = spawnSync("promtool", ["test", "rules", "readiness-alerts.test.yml"], { cwd: folder, encoding: "utf8" });
    expect(`${test.stdout}${test.stderr}`).toMatch(/SUCCESS/);
    expect(test.status).toBe(0);
  });
});
