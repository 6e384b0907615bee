/**
 * A real Prometheus for the metric probe's tests: the `prometheus` binary (Debian package
 * `prometheus`) started on a free loopback port with a temporary data directory, scraping a small
 * exporter the test serves every second. Start-up is bounded polling of `/-/ready` and then of the
 * query API until the exporter's series are in; nothing sleeps for a fixed time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A running Prometheus. */
export interface RunningPrometheus {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Milliseconds from spawn until the awaited series were queryable. */
  startupMs: number;
  stop(): Promise<void>;
}

/** A running exporter. */
export interface Exporter {
  /** `127.0.0.1:PORT`, as a scrape target. */
  target: string;
  url: string;
  /** Replaces the exposition text served from now on. */
  set(text: string): void;
  close(): Promise<void>;
}

/** The prometheus binary: `$PROMETHEUS_BIN`, else `prometheus` on the PATH. Throws a clear error when there is none. */
export function findPrometheus(): string {
  const explicit = process.env.PROMETHEUS_BIN;
  const candidates = explicit ? [explicit] : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "prometheus"));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error(
    "the metric probe tests need a real Prometheus, and no `prometheus` binary was found on the PATH: " +
      "install the Debian package (apt-get install -y prometheus) or set PROMETHEUS_BIN",
  );
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", resolve);
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Serves Prometheus text exposition format at `/metrics` on 127.0.0.1. Other paths are 404. */
export async function startExporter(text: string): Promise<Exporter> {
  let body = text;
  const server: Server = createHttpServer((req, res) => {
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(body);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("404 page not found\n");
    }
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    set: (t) => {
      body = t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Starts Prometheus scraping `targets` every second and resolves once `waitFor` (a PromQL query)
 * returns at least one series, or rejects after `timeoutMs` saying what it saw.
 */
export async function startPrometheus(options: { targets: string[]; waitFor: string; timeoutMs?: number }): Promise<RunningPrometheus> {
  const bin = findPrometheus();
  const dir = mkdtempSync(join(tmpdir(), "readiness-prometheus-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 1s",
    "  evaluation_interval: 1s",
    "scrape_configs:",
    "  - job_name: exporter",
    "    static_configs:",
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(", ")}]`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "prometheus.yml"), config);
  const started = performance.now();
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let spawnError: Error | undefined;
  child.on("error", (e) => {
    spawnError = e;
  });

  const stop = async (): Promise<void> => {
    if (!exited(child)) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = started + (options.timeoutMs ?? 30_000);
  const poll = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
    while (!(await ok())) {
      if (spawnError || exited(child)) {
        await stop();
        throw new Error(`prometheus exited before it was ${what} (${spawnError?.message ?? `code ${String(child.exitCode)}`}):\n${stderr}`);
      }
      if (performance.now() > deadline) {
        await stop();
        throw new Error(`prometheus was not ${what} within ${options.timeoutMs ?? 30_000}ms:\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  await poll("ready", async () => (await get(`${url}/-/ready`))?.status === 200);
  await poll(`showing ${options.waitFor}`, async () => {
    const r = await get(`${url}/api/v1/query?query=${encodeURIComponent(options.waitFor)}`);
    if (r?.status !== 200) return false;
    const json = JSON.parse(r.body) as { data?: { result?: unknown[] } };
    return (json.data?.result?.length ?? 0) > 0;
  });
  return { url, startupMs: Math.round(performance.now() - started), stop };
}
