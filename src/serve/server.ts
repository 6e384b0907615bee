/**
 * `readiness serve`: a monitor that audits a checklist on an interval, and a node:http server that
 * publishes the last completed audit.
 *
 * The rule for runs: one audit at a time. A scheduled audit starts `intervalMs` after the previous
 * one ended. Requests never start one and never wait: every page shows the last completed run at
 * once. Only `POST /run` asks for an audit now: it joins the one in progress if there is one, else
 * starts one, and answers when it ends. Load on the pages therefore never adds audits, and what an
 * audit measures does not include the server's own load from extra runs.
 *
 * The checklist is loaded again before every run, so an edit on disk counts from the next run; an
 * edit that does not load leaves the last good checklist in use, the error on the dashboard and
 * `readiness_checklist_load_error` at 1.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatIssue, oneLine, ReadinessError } from "../errors.js";
import { htmlParts } from "../render/html.js";
import { renderMarkdown } from "../render/markdown.js";
import { renderJson } from "../render/json.js";
import type { Checklist, Report, Verdict } from "../types.js";
import { createMasker, maskDeep } from "../util/mask.js";
import { renderDashboard } from "./dashboard.js";
import { entryOf, type HistoryEntry, type HistoryStore } from "./history.js";
import { METRICS_CONTENT_TYPE, renderMetrics, reportMetrics } from "./metrics.js";
import { Chalk } from "chalk";

/** What the monitor needs from its caller: how to load the checklist and how to audit it. */
export interface MonitorOptions {
  /** The checklist that loaded at start-up. */
  initial: Checklist;
  /** Loads the checklist from disk again (throws when it does not load). */
  reload: () => Promise<Checklist>;
  /** Audits a checklist; aborting `signal` interrupts it. */
  audit: (checklist: Checklist, signal: AbortSignal) => Promise<Report>;
  /** Pause between the end of one run and the start of the next, in ms. */
  intervalMs: number;
  /** Where runs are recorded; none to keep no history. */
  history?: HistoryStore;
  /** Called with one line for each problem worth a log line (a load error, a history write error). */
  log: (line: string) => void;
  now?: () => number;
}

/** The last completed run and what is served from it, each made once per run. */
interface Published {
  report: Report;
  finishedAtMs: number;
  metrics: string;
  json: string;
  markdown?: string;
  html?: readonly string[];
}

/** Runs audits one at a time on an interval and keeps the last completed one. */
export class Monitor {
  private checklist: Checklist;
  private published?: Published;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private readonly controller = new AbortController();
  private stopped = false;
  /** Audits completed. */
  runs = 0;
  /** The masked one-line load error while the checklist on disk does not load. */
  loadError?: string;
  private readonly now: () => number;
  /** Runs kept in memory when there is no history store (for the dashboard's chart). */
  private readonly recent: HistoryEntry[] = [];

  constructor(private readonly options: MonitorOptions) {
    this.checklist = options.initial;
    this.now = options.now ?? Date.now;
  }

  /** Starts the first run now and schedules the following ones. */
  start(): void {
    void this.runNow();
  }

  /** Runs an audit now, or joins the one in progress; resolves when it has ended. */
  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
      if (!this.stopped) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.runNow(), this.options.intervalMs);
        this.timer.unref?.();
      }
    });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      this.checklist = await this.options.reload();
      this.loadError = undefined;
    } catch (e) {
      const mask = createMasker(this.checklist.secrets);
      const message = mask.mask(oneLine(loadErrorText(e)));
      if (message !== this.loadError) this.options.log(`checklist does not load, still auditing the last good one: ${message}`);
      this.loadError = message;
    }
    if (this.stopped) return;
    let audited: Report;
    try {
      audited = await this.options.audit(this.checklist, this.controller.signal);
    } catch (e) {
      // A bug, not a verdict: logged, and the last completed run stays published.
      if (!this.stopped) this.options.log(`the audit failed: ${oneLine(e instanceof Error ? e.message : String(e))}`);
      return;
    }
    // Masked again as a whole: every page and label comes from this report, and a value from the
    // environment must show as *** wherever the engine left it (an item title, for one).
    const report = maskDeep(audited, createMasker(this.checklist.secrets));
    // An interrupted run is partial: it is neither published nor recorded.
    if (report.interrupted || this.stopped) return;
    const finishedAtMs = this.now();
    this.published = { report, finishedAtMs, metrics: reportMetrics(report), json: renderJson(report, plain) };
    this.runs++;
    const entry = entryOf(report);
    if (this.options.history) {
      try {
        this.options.history.add(entry, finishedAtMs);
      } catch (e) {
        this.options.log(`cannot append to the history ${this.options.history.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    } else {
      this.recent.push(entry);
      if (this.recent.length > 1000) this.recent.shift();
    }
  }

  /** The last completed run, if any. */
  last(): Published | undefined {
    return this.published;
  }

  isRunning(): boolean {
    return this.running !== undefined;
  }

  history(): readonly HistoryEntry[] {
    return this.options.history?.list() ?? this.recent;
  }

  /** Stops scheduling, aborts the run in progress and waits for it to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller.abort();
    await this.running;
  }
}

/** A load error in one line: its first issue at file:line:column when it has issues, else its message. */
function loadErrorText(e: unknown): string {
  if (e instanceof ReadinessError && e.issues[0]) return `${formatIssue(e.issues[0])}${e.issues.length > 1 ? ` (and ${e.issues.length - 1} more)` : ""}`;
  return e instanceof Error ? e.message : String(e);
}

const plain = { chalk: new Chalk({ level: 0 }), verbose: false };

/** What the HTTP side needs. */
export interface ServerOptions {
  host: string;
  port: number;
  /** Whether a verdict passes `/verdict` (200) or not (503). */
  passes: (verdict: Verdict) => boolean;
  /** The interval between runs, in ms: a last run older than `staleAfterMs` of it reads as stale. */
  intervalMs: number;
  /** Required as `Authorization: Bearer TOKEN` on every request when set. */
  token?: string;
  /** Seconds between reloads of the dashboard. */
  refreshSeconds: number;
}

/** A running server. */
export interface RunningServer {
  /** `http://HOST:PORT` it listens on. */
  url: string;
  close(): Promise<void>;
}

const COMMON_HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, "content-type": type, "content-length": Buffer.byteLength(body), ...extra });
  res.end(head ? undefined : body);
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(req.headers.authorization ?? "");
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * How old the last run may be before `/verdict` calls it stale (503): two intervals, plus a minute
 * or three times that run's duration if longer. A run that hangs or a scheduler that stopped shows
 * as not ready instead of an old GO.
 */
export function staleAfterMs(intervalMs: number, lastDurationMs: number): number {
  return 2 * intervalMs + Math.max(60_000, 3 * lastDurationMs);
}

/** The one-line `/verdict` answer and its status. */
export function verdictLine(monitor: Monitor, options: Pick<ServerOptions, "passes" | "intervalMs">, nowMs: number): { status: number; body: string } {
  const last = monitor.last();
  if (!last) return { status: 503, body: "STARTING no audit has completed yet\n" };
  const r = last.report;
  const age = nowMs - last.finishedAtMs;
  const scores = `score ${r.score ?? "-"} verified ${r.verified_score ?? "-"}`;
  if (age > staleAfterMs(options.intervalMs, r.duration_ms)) return { status: 503, body: `STALE ${r.verdict} ${scores}: the last audit ended ${Math.round(age / 1000)}s ago\n` };
  const reason = r.reasons[0] === undefined ? "" : `: ${oneLine(r.reasons[0])}${r.reasons.length > 1 ? ` (and ${r.reasons.length - 1} more)` : ""}`;
  return { status: options.passes(r.verdict) ? 200 : 503, body: `${r.verdict} ${scores}${reason}\n` };
}

/** Serves the monitor's last run. Resolves once listening. */
export async function startServer(monitor: Monitor, options: ServerOptions): Promise<RunningServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const head = method === "HEAD";
    if (!authorized(req, options.token)) return send(res, 401, "text/plain; charset=utf-8", "unauthorized: send Authorization: Bearer TOKEN\n", head, { "www-authenticate": 'Bearer realm="readiness"' });
    if (url.pathname === "/run") {
      if (method !== "POST") return send(res, 405, "text/plain; charset=utf-8", "POST /run starts an audit (or joins the one running)\n", head, { allow: "POST" });
      await monitor.runNow();
      const v = verdictLine(monitor, options, Date.now());
      return send(res, v.status, "text/plain; charset=utf-8", v.body, false);
    }
    if (method !== "GET" && !head) return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", head, { allow: "GET, HEAD" });
    const last = monitor.last();
    const nowMs = Date.now();
    switch (url.pathname) {
      case "/verdict": {
        const v = verdictLine(monitor, options, nowMs);
        return send(res, v.status, "text/plain; charset=utf-8", v.body, head);
      }
      case "/metrics":
        return send(res, 200, METRICS_CONTENT_TYPE, renderMetrics({ report: last?.report, finishedAtMs: last?.finishedAtMs, loadError: monitor.loadError !== undefined, runs: monitor.runs, running: monitor.isRunning() }, last?.metrics ?? "", nowMs), head);
      case "/report.json":
        if (!last) return send(res, 503, "text/plain; charset=utf-8", "no audit has completed yet\n", head);
        return send(res, 200, "application/json; charset=utf-8", last.json, head);
      case "/report.md":
        if (!last) return send(res, 503, "text/plain; charset=utf-8", "no audit has completed yet\n", head);
        last.markdown ??= renderMarkdown(last.report, plain);
        return send(res, 200, "text/markdown; charset=utf-8", last.markdown, head);
      case "/": {
        if (last) last.html ??= htmlParts(last.report, plain);
        const page = renderDashboard(
          { reportParts: last?.html, finishedAtMs: last?.finishedAtMs, loadError: monitor.loadError, running: monitor.isRunning(), history: monitor.history(), gate: last?.report.gate, refreshSeconds: options.refreshSeconds },
          nowMs,
        );
        return send(res, 200, "text/html; charset=utf-8", page, head, { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:", "referrer-policy": "no-referrer" });
      }
      default:
        return send(res, 404, "text/plain; charset=utf-8", "not found: try /, /verdict, /metrics, /report.json, /report.md\n", head);
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `internal error: ${oneLine(e instanceof Error ? e.message : String(e))}\n`, false);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
