/**
 * Composition end to end, through the built CLI (`npm run build` first): extends from a local file
 * and from a package in node_modules, overrides and drops, cycles, environments, matrices over real
 * loopback servers, `audit --wait`, and every starter template validated and audited.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/readiness.js");
const FIXTURES = join(ROOT, "test/fixtures/composition");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI asynchronously, so servers in this process keep answering. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}, onStderr?: (text: string, signal: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, NO_COLOR: "1", KUBECONFIG: join(cwd, "no-kubeconfig"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, (sig) => void child.kill(sig));
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

const servers: (Server | HttpServer)[] = [];
const timers: NodeJS.Timeout[] = [];

/** A TCP server on 127.0.0.1; its port. */
async function tcpServer(port = 0): Promise<number> {
  const server = createServer((socket) => socket.end());
  servers.push(server);
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  return (server.address() as { port: number }).port;
}

/** An HTTP server on 127.0.0.1 answering 200 with a small body on every path; its port. */
async function httpServer(): Promise<number> {
  const server = createHttpServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(req.url === "/metrics" ? "# TYPE jobs_processed counter\njobs_processed 3\n" : '{"status":"ok"}');
  });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

afterAll(async () => {
  timers.forEach(clearTimeout);
  await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
});

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "readiness-e2e-compose-")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string): void => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

/** The service fixture: a local baseline and an npm package installed into node_modules. */
function serviceProject(): void {
  cpSync(join(FIXTURES, "baseline.yaml"), join(dir, "baseline.yaml"));
  cpSync(join(FIXTURES, "service.yaml"), join(dir, "readiness.yaml"));
  cpSync(join(FIXTURES, "baseline-package"), join(dir, "node_modules/@acme/readiness-baseline"), { recursive: true });
  write("README.md", "# Payments\n");
  write("SECURITY.md", "Report to security@example.com\n");
}

const json = (r: Run): Report => JSON.parse(r.stdout) as Report;
const items = (report: Report): Report["sections"][number]["items"] => {
  const out: Report["sections"][number]["items"] = [];
  const walk = (s: Report["sections"][number]): void => {
    out.push(...s.items);
    s.sections.forEach(walk);
  };
  report.sections.forEach(walk);
  return out;
};

describe("extends", () => {
  it("merges a local baseline and an npm package, with overrides and drops, and passes against real servers", async () => {
    serviceProject();
    const api = await tcpServer();
    const ledger = await tcpServer();
    const vars = ["--var", `api_port=${api}`, "--var", `ledger_port=${ledger}`];

    const validate = await cli(["validate", ...vars], dir);
    expect(validate.stderr).toBe("");
    expect(validate.stdout).toBe("readiness.yaml: valid — 5 items, 4 probes\n");
    expect(validate.code).toBe(0);

    const list = await cli(["list", ...vars], dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`api-port  [high]  API port open  — tcp 127.0.0.1:${api}  (baseline.yaml:15)`);
    expect(list.stdout).toContain("security-policy  [medium]  Security policy present  — file SECURITY.md  (node_modules/@acme/readiness-baseline/checklist.yaml:7)");
    expect(list.stdout).toContain("ledger-port  [critical]");
    expect(list.stdout).not.toContain("legacy-port");
    expect(list.stdout).toMatch(/5 items from readiness\.yaml, baseline\.yaml, node_modules\/@acme\/readiness-baseline\/checklist\.yaml\n$/);

    const audit = await cli(["audit", "-f", "json", ...vars], dir);
    expect(audit.stderr).toBe("");
    const report = json(audit);
    expect(report.verdict).toBe("GO");
    expect(audit.code).toBe(0);
    const byId = new Map(items(report).map((i) => [i.id, i]));
    expect([...byId.keys()]).toEqual(["api-port", "readme", "security-policy", "pentest", "ledger-port"]);
    expect(byId.get("api-port")).toMatchObject({ severity: "high", result: "pass", file: "baseline.yaml", line: 15 });
    expect(byId.get("pentest")).toMatchObject({ result: "skipped", file: "node_modules/@acme/readiness-baseline/checklist.yaml" });
    expect(byId.get("ledger-port")).toMatchObject({ result: "pass", file: "readiness.yaml", line: 19 });
  });

  it("explains an overridden item and prints the resolved checklist with secrets masked", async () => {
    serviceProject();
    const explain = await cli(["explain", "api-port", "--var", "api_port=7", "--var", "ledger_port=8"], dir);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain("defined_at: baseline.yaml:15:9");
    expect(explain.stdout).toContain("overridden_at:\n  - readiness.yaml:7:9");
    expect(explain.stdout).toContain("tcp: 127.0.0.1:7");

    const print = await cli(["validate", "--print", "--var", "ledger_port=${env.LEDGER_PORT}"], dir, { LEDGER_PORT: "4242" });
    expect(print.code).toBe(0);
    expect(print.stdout).toContain("# Resolved from readiness.yaml, baseline.yaml, node_modules/@acme/readiness-baseline/checklist.yaml");
    expect(print.stdout).toContain("# from baseline.yaml:15, changed at readiness.yaml:7");
    expect(print.stdout).not.toContain("legacy-port");
    // a --var is literal: its ${env...} text is not expanded, and printed escaped so it stays literal
    expect(print.stdout).toContain("tcp: 127.0.0.1:$${env.LEDGER_PORT}");
    // the printed checklist is itself a valid checklist
    write("printed.yaml", print.stdout);
    const again = await cli(["validate", "printed.yaml"], dir);
    expect(again.stdout).toBe("printed.yaml: valid — 5 items, 4 probes\n");

    write("secret.yaml", "version: 1\nvars: { token: \"${env.API_TOKEN}\" }\nsections:\n  - { id: s, title: S, items: [{ id: a, title: A, probes: [{ http: \"http://127.0.0.1:1/?t=${vars.token}\" }] }] }\n");
    const secret = await cli(["validate", "--print", "secret.yaml"], dir, { API_TOKEN: "hunter2-token" });
    expect(secret.code).toBe(0);
    expect(secret.stdout).not.toContain("hunter2-token");
    expect(secret.stdout).toContain('token: "***"');
    expect(secret.stdout).toContain("http: http://127.0.0.1:1/?t=***");
  });

  it("points at the extended file's line for an error there, and prints a cycle's chain", async () => {
    write("base.yaml", "version: 1\nsections:\n  - id: a\n    title: A\n    items:\n      - id: x\n        title: X\n        severty: high\n");
    write("readiness.yaml", "version: 1\nextends: [./base.yaml]\nsections: []\n");
    const bad = await cli(["validate"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^base\.yaml:8:9: unknown key "severty".* \(at \/sections\/0\/items\/0\/severty\)\nreadiness\.yaml: 1 error\n$/);

    write("a.yaml", "version: 1\nextends: ./b.yaml\nsections: []\n");
    write("b.yaml", "version: 1\nextends:\n  - ./c.yaml\nsections: []\n");
    write("c.yaml", "version: 1\nextends: [./a.yaml]\nsections: []\n");
    const cycle = await cli(["audit", "a.yaml"], dir);
    expect(cycle.code).toBe(2);
    expect(cycle.stdout).toBe("");
    expect(cycle.stderr).toContain("c.yaml:2:11: extends cycle: a.yaml → b.yaml → c.yaml → a.yaml (at /extends/0)");
  });
});

describe("environments", () => {
  it("applies --env and exits 2 naming the known environments for an unknown one", async () => {
    serviceProject();
    const staging = await cli(["list", "--env", "staging", "--var", "ledger_port=5"], dir);
    expect(staging.code).toBe(0);
    expect(staging.stdout).toContain("tcp 127.0.0.1:2");
    expect(staging.stdout).toContain("(environment staging)");
    // The JSON report records which environment was audited.
    const report = await cli(["audit", "--env", "staging", "--var", "ledger_port=5", "-f", "json", "--timeout", "300ms"], dir);
    expect((JSON.parse(report.stdout) as { checklist: { environment?: string } }).checklist.environment).toBe("staging");

    const unknown = await cli(["audit", "--env", "stagin", "--var", "ledger_port=5"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain('readiness.yaml:1:1: --env stagin: unknown environment "stagin" — did you mean "staging"? (environments: staging, production)');
  });
});

describe("matrix", () => {
  it("expands one item over several real loopback servers, all passing", async () => {
    const ports = [await tcpServer(), await tcpServer(), await tcpServer()];
    write(
      "readiness.yaml",
      `version: 1
name: Core services
sections:
  - id: services
    title: Core services
    items:
      - id: service-\${matrix.port}
        title: \${matrix.name} listening
        severity: critical
        matrix:
${ports.map((p, i) => `          - { name: "Service ${i + 1}", port: ${p} }`).join("\n")}
        probes: [{ tcp: "127.0.0.1:\${matrix.port}", timeout: 2s }]
`,
    );
    const run = await cli(["audit", "-f", "json"], dir);
    const report = json(run);
    expect(items(report).map((i) => [i.id, i.title, i.result])).toEqual(ports.map((p, i) => [`service-${p}`, `Service ${i + 1} listening`, "pass"]));
    expect(report.verdict).toBe("GO");
    expect(run.code).toBe(0);
  });
});

describe("audit --wait", () => {
  const checklist = (port: number): string => `version: 1
name: Post-deploy gate
sections:
  - id: deploy
    title: Deploy
    items:
      - id: api-up
        title: API listening
        severity: critical
        probes: [{ tcp: "127.0.0.1:${port}", timeout: 1s }]
      - id: docs
        title: Docs
        severity: low
        probes: [{ file: readiness.yaml }]
`;

  it("retries the failing probe until a server that starts late is up, then exits 0", async () => {
    const port = await freePort();
    write("readiness.yaml", checklist(port));
    // The server comes up two seconds after the first round has failed.
    let scheduled = false;
    const r = await cli(["audit", "--wait", "20s", "--interval", "250ms", "-f", "json"], dir, {}, (stderr) => {
      if (scheduled || !stderr.includes("round 1:")) return;
      scheduled = true;
      timers.push(setTimeout(() => void tcpServer(port), 2_000));
    });
    const report = json(r);
    expect(report.verdict).toBe("GO");
    expect(r.code).toBe(0);
    const rounds = r.stderr.trim().split("\n");
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds[0]).toMatch(/^round 1: NO-GO score \d+, 1 failing \(api-up\) — retrying in 250ms$/);
    // The round that passes re-ran only the failing probe: a full round of every probe confirms it.
    expect(rounds.at(-2)).toMatch(/^round \d+: GO score 100 — passes the gate; confirming with a full round of every probe$/);
    expect(rounds.at(-1)).toMatch(/^round \d+: GO score 100 — passes the gate after \d+(\.\d)?s$/);
    // well before the 20s limit
    expect(r.ms).toBeLessThan(15_000);
  });

  it("gives up after the wait with the last verdict's exit code when the server never comes", async () => {
    const port = await freePort();
    write("readiness.yaml", checklist(port));
    const r = await cli(["audit", "--wait", "3s", "--interval", "500ms", "-f", "json"], dir);
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ verdict: "NO-GO", score: 9 });
    const rounds = r.stderr.trim().split("\n");
    expect(rounds.length).toBeGreaterThanOrEqual(4);
    const last = /^round \d+: NO-GO score 9, 1 failing \(api-up\) — still not passing after (\d+\.\d)s \(--wait 3\.0s\): giving up$/.exec(rounds.at(-1) ?? "");
    expect(last, rounds.at(-1)).not.toBeNull();
    const waited = Number(last![1]);
    expect(waited).toBeGreaterThanOrEqual(3);
    expect(waited).toBeLessThan(6);
  });

  // `script` gives the CLI a terminal for stderr: the rounds are one live line, redrawn in place.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("shows a live progress line on a terminal", async () => {
    write("readiness.yaml", checklist(await freePort()));
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} audit --wait 2s --interval 1s -f json > /dev/null`;
    const r = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "" } });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("close", (code) => done({ code, out }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain("\r\x1b[2K  round 1: NO-GO score 9, 1 failing (api-up) — retrying in 1.0s");
    expect(r.out).toMatch(/\(\d+(\.\d)?s of --wait left\)/);
    expect(r.out).toMatch(/\r\x1b\[2Kround \d+: NO-GO score 9, 1 failing \(api-up\) — still not passing after [\d.]+s \(--wait 2\.0s\): giving up\r?\n/);
  });

  it("stops on Ctrl-C between rounds with the last report and exit 130", async () => {
    write("readiness.yaml", checklist(await freePort()));
    let sent = false;
    const r = await cli(["audit", "--wait", "60s", "--interval", "1s", "-f", "json"], dir, {}, (stderr, signal) => {
      if (sent || !stderr.includes("round 2:")) return;
      sent = true;
      signal("SIGINT");
    });
    expect(r.code).toBe(130);
    expect(json(r).verdict).toBe("NO-GO");
    expect(r.stderr).toContain("SIGINT received");
    expect(r.stderr).not.toContain("round 4:");
    expect(r.ms).toBeLessThan(30_000);
  });

  it("does not wait when no probe failed (the verdict rests on manual items)", async () => {
    write("readiness.yaml", "version: 1\nsections:\n  - { id: s, title: S, items: [{ id: runbook, title: Runbook, severity: critical, status: missing }] }\n");
    const r = await cli(["audit", "--wait", "1m", "-f", "json"], dir);
    expect(r.code).toBe(1);
    expect(json(r).verdict).toBe("NO-GO");
    expect(r.stderr).toMatch(/^round 1: NO-GO score 0 — no probe failed, so re-running cannot change the verdict/);
    expect(r.ms).toBeLessThan(20_000);
  });

  it("refuses --interval without --wait and a bad duration", async () => {
    write("readiness.yaml", checklist(1));
    const r = await cli(["audit", "--interval", "1s"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--interval 1s: only means something with --wait");
    const d = await cli(["audit", "--wait", "soon"], dir);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain("--wait soon: expected a duration");
  });
});

describe("starter templates", () => {
  it("lists every template", async () => {
    const r = await cli(["init", "--list"], dir);
    expect(r.code).toBe(0);
    for (const name of ["web-service", "worker", "library", "kubernetes"]) expect(r.stdout).toMatch(new RegExp(`^${name} `, "m"));
  });

  /** The fixture project, with a coverage summary (coverage/ is git-ignored, so it is written here). */
  function project(): void {
    cpSync(join(FIXTURES, "project"), dir, { recursive: true });
    renameSync(join(dir, "gitignore.txt"), join(dir, ".gitignore"));
    write("coverage/coverage-summary.json", JSON.stringify({ total: { lines: { total: 100, covered: 92, skipped: 0, pct: 92 } } }));
  }

  const cases: [string, (http: number, tcp: number) => string[], string[]][] = [
    ["web-service", (http) => ["--var", `base_url=http://127.0.0.1:${http}`], ["health-endpoint", "readiness-endpoint", "metrics-endpoint", "tests-pass", "lockfile", "ci-configured", "env-documented", "security-policy", "secrets-ignored"]],
    [
      "worker",
      (http, tcp) => ["--var", `health_url=http://127.0.0.1:${http}/healthz`, "--var", `metrics_url=http://127.0.0.1:${http}/metrics`, "--var", `broker=127.0.0.1:${tcp}`, "--var", `database=127.0.0.1:${tcp}`],
      ["worker-health", "dependency-broker", "dependency-database", "metrics-exported", "tests-pass", "lockfile"],
    ],
    ["library", () => [], ["tests-pass", "coverage", "lint", "changelog", "entry-points", "readme", "license", "lockfile", "security-policy", "ci-configured"]],
    ["kubernetes", (http) => ["--var", `base_url=http://127.0.0.1:${http}`], ["liveness-probe", "readiness-probe", "resources", "replicas", "non-root", "pinned-image", "disruption-budget", "service-health"]],
  ];

  it.each(cases)("%s: init writes a valid checklist that audits the fixture project cleanly", async (name, vars, passing) => {
    project();
    const http = await httpServer();
    const tcp = await tcpServer();
    const init = await cli(["init", "--template", name], dir);
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, "readiness.yaml"), "utf8")).toMatch(/^# yaml-language-server/);
    const validate = await cli(["validate"], dir);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);

    const audit = await cli(["audit", "-f", "json", "--timeout", "5s", ...vars(http, tcp)], dir);
    expect(audit.code === 0 || audit.code === 1, `exit ${audit.code}: ${audit.stderr}`).toBe(true);
    const report = json(audit);
    const results = new Map(items(report).map((i) => [i.id, i]));
    for (const id of passing) expect([id, results.get(id)?.result, results.get(id)?.probes.map((p) => p.message)]).toEqual([id, "pass", expect.anything()]);
    // every failure names its cause in one line
    for (const i of items(report).filter((x) => x.result === "fail")) {
      for (const p of i.probes.filter((x) => x.result === "fail")) expect(p.message).toMatch(/^[^\n]+$/);
    }
  }, 120_000);
});
