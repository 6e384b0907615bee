/**
 * `readiness serve [FILE]`: audit on an interval and serve the last verdict (dashboard, /verdict,
 * /metrics, /report.json, /report.md) until SIGINT / SIGTERM. The work is in src/serve/.
 */
import { isIP } from "node:net";
import { resolve } from "node:path";
import { ReadinessError } from "../errors.js";
import { defaultHistoryPath, DEFAULT_RETENTION, HistoryStore, type Retention } from "../serve/history.js";
import { Monitor, startServer } from "../serve/server.js";
import { workerAuditor } from "../serve/worker.js";
import { parseDuration } from "../util/duration.js";
import { createMasker } from "../util/mask.js";
import { exitCodeFor, loadForAudit, parseDurationOption, parseIntOption, parseRunOptions } from "./audit.js";
import { clockFor, displayPath, type GlobalOptions, type Io } from "./io.js";

export interface ServeCommandOptions extends GlobalOptions {
  listen?: string;
  interval?: string;
  failOn?: string;
  tokenEnv?: string;
  history?: string | false;
  historyKeep?: string;
  historyMaxAge?: string;
  var?: string[];
  env?: string;
  only?: string[];
  skip?: string[];
  concurrency?: string;
  timeout?: string;
  exec?: boolean;
  strict?: boolean;
  minScore?: string;
}

export const DEFAULT_LISTEN = "127.0.0.1:9400";
const DEFAULT_INTERVAL = "60s";

/** Parses `--listen`: `HOST:PORT`, `[IPv6]:PORT` or a bare `PORT` (on 127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text) ?? (/^\d+$/.test(text) ? [text, undefined, "127.0.0.1", text] : null);
  const host = m ? (m[1] ?? m[2] ?? "") : "";
  const port = m ? Number(m[3]) : NaN;
  if (!m || !host || !(port >= 0 && port <= 65535) || (m[1] !== undefined && isIP(host) !== 6))
    throw new ReadinessError(`--listen ${text}: expected HOST:PORT, e.g. 127.0.0.1:9400, 0.0.0.0:9400 or [::1]:9400`, { code: "EUSAGE" });
  return { host, port };
}

function retentionOf(opts: ServeCommandOptions): Retention {
  const maxEntries = parseIntOption(opts.historyKeep, "--history-keep", 1, 10_000_000) ?? DEFAULT_RETENTION.maxEntries;
  let maxAgeMs = DEFAULT_RETENTION.maxAgeMs;
  if (opts.historyMaxAge !== undefined) {
    const ms = parseDuration(opts.historyMaxAge);
    if (ms === undefined || ms <= 0) throw new ReadinessError(`--history-max-age ${opts.historyMaxAge}: expected a duration like 30d or 12h`, { code: "EUSAGE" });
    maxAgeMs = ms;
  }
  return { maxEntries, maxAgeMs };
}

/** Runs `readiness serve` until interrupted. Returns the exit code. */
export async function serveCommand(file: string | undefined, opts: ServeCommandOptions, io: Io): Promise<number> {
  const { host, port } = parseListen(opts.listen ?? DEFAULT_LISTEN);
  const intervalMs = parseDurationOption(opts.interval ?? DEFAULT_INTERVAL, "--interval") as number;
  const { failOn, concurrency, minScore, timeoutMs, vars } = parseRunOptions(opts);
  let token: string | undefined;
  if (opts.tokenEnv !== undefined) {
    token = io.env[opts.tokenEnv];
    if (!token) throw new ReadinessError(`--token-env ${opts.tokenEnv}: that environment variable is not set or empty`, { code: "EUSAGE" });
  }
  const retention = retentionOf(opts);

  const initial = await loadForAudit(io, file, vars, opts.env);
  const mask = createMasker(initial.secrets);
  if (initial.builtin) io.err("No checklist here: serving the built-in repository baseline. Run `readiness init` to write your own readiness.yaml.\n");
  for (const w of initial.warnings) if (!opts.quiet) io.err(`warning: ${mask.mask(w.file ? `${w.file}:${w.line}:${w.column}: ` : "")}${mask.mask(w.message)}\n`);
  const historyPath = opts.history === false ? undefined : opts.history ? resolve(io.cwd, opts.history) : defaultHistoryPath(initial.builtin ? undefined : resolve(io.cwd, initial.path), io.cwd);
  const history = historyPath === undefined ? undefined : new HistoryStore(historyPath, retention);

  const pinned = io.env.READINESS_NOW ? clockFor(io)().toISOString() : undefined;
  // Audits run in their own thread, so the load on the pages never delays what the probes measure.
  const auditor = workerAuditor({ only: opts.only, skip: opts.skip, noExec: opts.exec === false, timeoutMs, concurrency, strict: opts.strict, minScore, nowIso: pinned });
  const monitor = new Monitor({
    initial,
    reload: () => loadForAudit(io, file, vars, opts.env),
    audit: (checklist, signal) => auditor.audit(checklist, signal),
    intervalMs,
    history,
    log: (line) => io.err(`readiness serve: ${line}\n`),
  });
  let server;
  try {
    server = await startServer(monitor, {
      host,
      port,
      passes: (verdict) => exitCodeFor(verdict, failOn) === 0,
      intervalMs,
      token,
      refreshSeconds: Math.min(60, Math.max(5, Math.round(intervalMs / 1000))),
    });
  } catch (e) {
    await auditor.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReadinessError(`--listen ${opts.listen ?? DEFAULT_LISTEN}: cannot listen (${code ?? (e as Error).message})`, { code: "EUSAGE" });
  }
  monitor.start();
  if (!opts.quiet) io.err(`readiness serve: ${displayPath(io, initial.path)} every ${opts.interval ?? DEFAULT_INTERVAL} on ${server.url}${history ? `, history in ${displayPath(io, history.path)}` : ""}\n`);

  await new Promise<void>((done) => (io.signal.aborted ? done() : io.signal.addEventListener("abort", () => done(), { once: true })));
  await Promise.all([server.close(), monitor.stop()]);
  await auditor.close();
  return 0;
}
