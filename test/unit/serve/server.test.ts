import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { audit } from "../../../src/audit.js";
import { loadChecklist } from "../../../src/checklist/load.js";
import { HistoryStore } from "../../../src/serve/history.js";
import { Monitor, staleAfterMs, startServer, verdictLine, type RunningServer } from "../../../src/serve/server.js";
import type { Checklist, Report } from "../../../src/types.js";
import { conditionalReport, goReport } from "../../helpers/sample-report.js";
import { startHttpServer, type Running } from "../../helpers/servers.js";

const SECRET = "s3cr3t-value-from-env";

function checklistText(target: string, title = "Health <b>check</b> & \"quotes\""): string {
  return [
    "version: 1",
    "name: Payments <svc>",
    "sections:",
    "  - id: web",
    "    title: Web",
    "    items:",
    "      - id: health",
    `        title: ${JSON.stringify(title)}`,
    "        severity: critical",
    "        probes:",
    `          - http: ${target}`,
    "            timeout: 2s",
    "      - id: token",
    "        title: Token ${env.SERVE_SECRET}",
    "        severity: low",
    "        probes:",
    "          - env: SERVE_SECRET",
    "",
  ].join("\n");
}

let dir: string;
let file: string;
let target: Running;
let healthy: boolean;
let delayMs: number;
let server: RunningServer | undefined;
let monitor: Monitor | undefined;
let audits: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "readiness-serve-"));
  file = join(dir, "readiness.yaml");
  healthy = true;
  delayMs = 0;
  audits = 0;
  target = await startHttpServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(healthy ? 200 : 500);
      res.end("ok");
    }, delayMs);
  });
  writeFileSync(file, checklistText(`${target.url}/health`));
});

afterEach(async () => {
  await server?.close();
  await monitor?.stop();
  server = undefined;
  monitor = undefined;
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = { SERVE_SECRET: SECRET };
const load = (): Promise<Checklist> => loadChecklist(file, { env });

async function serve(options: { intervalMs?: number; token?: string; history?: HistoryStore; auditFn?: (c: Checklist, s: AbortSignal) => Promise<Report> } = {}): Promise<string> {
  monitor = new Monitor({
    initial: await load(),
    reload: load,
    audit: (c, signal) => {
      audits++;
      return options.auditFn ? options.auditFn(c, signal) : audit(c, { signal });
    },
    intervalMs: options.intervalMs ?? 3_600_000,
    history: options.history,
    log: () => {},
  });
  server = await startServer(monitor, { host: "127.0.0.1", port: 0, passes: (v) => v !== "NO-GO", intervalMs: options.intervalMs ?? 3_600_000, token: options.token, refreshSeconds: 30 });
  monitor.start();
  await monitor.runNow();
  return server.url;
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

describe("readiness serve's pages", () => {
  it("serve the last run: /verdict, /report.json, /report.md, /metrics, the dashboard", async () => {
    const url = await serve();
    const verdict = await get(`${url}/verdict`);
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatch(/^(GO|CONDITIONAL) score \d+ verified \d+/);
    expect(verdict.body.trim().split("\n")).toHaveLength(1);
    const json = JSON.parse((await get(`${url}/report.json`)).body) as Report;
    expect(json.schema_version).toBe(1);
    expect(json.sections[0]?.items[0]?.result).toBe("pass");
    expect((await get(`${url}/report.md`)).body).toContain("Payments");
    const metrics = await get(`${url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(new RegExp(`^readiness_score ${json.score}$`, "m"));
    const page = await get(`${url}/`);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(page.body).toContain("Health &lt;b&gt;check&lt;/b&gt; &amp; &quot;quotes&quot;");
    expect(page.body).not.toContain("<b>check</b>");
    expect(page.body).toContain("<svg role=\"img\" aria-label=\"score and verified score over the last 1 runs\"");
    expect((await get(`${url}/nope`)).status).toBe(404);
    expect((await get(`${url}/verdict`, { method: "DELETE" })).status).toBe(405);
  });

  it("show no value from the environment on any page or in any label", async () => {
    const url = await serve();
    for (const path of ["/", "/verdict", "/metrics", "/report.json", "/report.md"]) expect((await get(`${url}${path}`)).body, path).not.toContain(SECRET);
    expect((await get(`${url}/report.json`)).body).toContain("Token ***");
  });

  it("/verdict turns 503 with the reason once a run sees the service down", async () => {
    const url = await serve();
    expect((await get(`${url}/verdict`)).status).toBe(200);
    healthy = false;
    await monitor?.runNow();
    const v = await get(`${url}/verdict`);
    expect(v.status).toBe(503);
    expect(v.body).toMatch(/^NO-GO .*health/);
  });

  it("ask for a bearer token when given one", async () => {
    const url = await serve({ token: "tok-123" });
    expect((await get(`${url}/verdict`)).status).toBe(401);
    expect((await get(`${url}/verdict`, { headers: { authorization: "Bearer wrong-1" } })).status).toBe(401);
    expect((await get(`${url}/verdict`, { headers: { authorization: "Bearer tok-123" } })).status).toBe(200);
  });
});

describe("one audit at a time", () => {
  it("reading pages never starts an audit: 200 concurrent requests, still one", async () => {
    const url = await serve();
    expect(audits).toBe(1);
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => get(`${url}${["/verdict", "/metrics", "/", "/report.json"][i % 4]}`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(audits).toBe(1);
  });

  it("POST /run during a run joins it: ten at once make one audit", async () => {
    const url = await serve();
    delayMs = 300;
    const answers = await Promise.all(Array.from({ length: 10 }, () => get(`${url}/run`, { method: "POST" })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(audits).toBe(2);
    expect((await get(`${url}/run`)).status).toBe(405);
  });
});

describe("reloading the checklist", () => {
  it("uses an edit from the next run; a broken edit keeps the last good checklist, with the error on the dashboard and in a metric", async () => {
    const url = await serve();
    writeFileSync(file, checklistText(`${target.url}/health`, "Renamed item"));
    await monitor?.runNow();
    expect((await get(`${url}/report.json`)).body).toContain("Renamed item");

    writeFileSync(file, "version: 1\nname: [broken\n");
    await monitor?.runNow();
    expect(audits).toBe(3);
    expect((await get(`${url}/verdict`)).status).toBe(200);
    expect((await get(`${url}/metrics`)).body).toMatch(/^readiness_checklist_load_error 1$/m);
    const page = (await get(`${url}/`)).body;
    expect(page).toMatch(/The checklist on disk does not load; the last good checklist is still audited: [^<]*readiness\.yaml:\d+:\d+: /);
    expect(page).toContain("Renamed item");

    writeFileSync(file, checklistText(`${target.url}/health`));
    await monitor?.runNow();
    expect((await get(`${url}/metrics`)).body).toMatch(/^readiness_checklist_load_error 0$/m);
    expect((await get(`${url}/`)).body).not.toContain("does not load");
  });
});

describe("stopping", () => {
  it("aborts the audit in progress, records no partial run, and keeps the history", async () => {
    const history = new HistoryStore(join(dir, "h.jsonl"));
    await serve({ history });
    expect(history.list()).toHaveLength(1);
    writeFileSync(file, checklistText(`${target.url}/health`) + "      - id: slow\n        title: Slow\n        severity: low\n        probes:\n          - command: sleep 30\n            timeout: 60s\n");
    const running = monitor?.runNow();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const t0 = performance.now();
    await monitor?.stop();
    await running;
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(new HistoryStore(join(dir, "h.jsonl")).list()).toHaveLength(1);
  });
});

describe("/verdict's answer", () => {
  const monitorOf = async (make: () => Report, now: () => number): Promise<Monitor> => {
    const m = new Monitor({ initial: await load(), reload: load, audit: () => Promise.resolve(make()), intervalMs: 60_000, log: () => {}, now });
    monitor = m;
    return m;
  };

  it("is STARTING (503) before the first run ends", async () => {
    const m = await monitorOf(conditionalReport, Date.now);
    expect(verdictLine(m, { passes: () => true, intervalMs: 60_000 }, Date.now())).toEqual({ status: 503, body: "STARTING no audit has completed yet\n" });
  });

  it("follows --fail-on: CONDITIONAL is 200, or 503 when CONDITIONAL fails", async () => {
    const m = await monitorOf(conditionalReport, () => 1_000_000);
    await m.runNow();
    expect(verdictLine(m, { passes: (v) => v !== "NO-GO", intervalMs: 60_000 }, 1_000_000).status).toBe(200);
    const strict = verdictLine(m, { passes: (v) => v === "GO", intervalMs: 60_000 }, 1_000_000);
    expect(strict.status).toBe(503);
    expect(strict.body).toMatch(/^CONDITIONAL score \d+ verified \d+: /);
  });

  it("is STALE (503) once the last run is older than two intervals and a minute", async () => {
    const m = await monitorOf(goReport, () => 1_000_000);
    await m.runNow();
    const at = (ms: number): number => verdictLine(m, { passes: () => true, intervalMs: 60_000 }, 1_000_000 + ms).status;
    expect(at(60_000)).toBe(200);
    expect(at(staleAfterMs(60_000, goReport().duration_ms))).toBe(200);
    expect(at(staleAfterMs(60_000, goReport().duration_ms) + 1)).toBe(503);
    expect(staleAfterMs(60_000, 0)).toBe(180_000);
    expect(staleAfterMs(60_000, 100_000)).toBe(420_000);
  });

  it("an audit that throws is logged and leaves the last run published", async () => {
    const lines: string[] = [];
    let fail = false;
    const m = new Monitor({ initial: await load(), reload: load, audit: () => (fail ? Promise.reject(new Error("boom")) : Promise.resolve(goReport())), intervalMs: 60_000, log: (l) => lines.push(l) });
    monitor = m;
    await m.runNow();
    fail = true;
    await m.runNow();
    expect(lines).toEqual(["the audit failed: boom"]);
    expect(m.last()?.report.verdict).toBe("GO");
    expect(m.runs).toBe(1);
  });
});
