/**
 * Dependencies between items (`depends_on`): validated at the offending entry; an item whose
 * dependency does not pass is `blocked`, its probes never started; the root cause is named once in
 * the verdict's reasons, the GitHub annotations, `diff` and `merge`. Real servers, the built CLI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { ItemReport, Report } from "../../src/types.js";
import { runCli, tempProject } from "../helpers/cli.js";
import { closedPort, startHttpServer, startTcpServer, type Running } from "../helpers/servers.js";

const open: Running[] = [];
const projects: ReturnType<typeof tempProject>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const p of projects.splice(0)) p.cleanup();
});

function project(): ReturnType<typeof tempProject> {
  const p = tempProject();
  projects.push(p);
  return p;
}

const checklist = (items: string): string => `version: 1\nname: Deps\ngate:\n  verified: 0\nsections:\n  - id: main\n    title: Main\n    items:\n${items}`;

/** redis-up (a TCP port), api (HTTP) depending on it, redis-ping (TCP) depending on api: a chain. */
function stack(redisPort: number, api: Running): string {
  return checklist(
    [
      `      - id: api\n        title: API health\n        severity: critical\n        depends_on: [redis-up]\n        probes:\n          - http: ${api.url}/health\n`,
      `      - id: redis-ping\n        title: Redis ping\n        severity: high\n        depends_on: [api]\n        probes:\n          - tcp: 127.0.0.1:${redisPort}\n`,
      `      - id: redis-up\n        title: Redis up\n        severity: critical\n        probes:\n          - tcp: 127.0.0.1:${redisPort}\n`,
      `      - id: docs\n        title: Docs\n        severity: low\n        status: done\n`,
    ].join(""),
  );
}

function items(report: Report): Record<string, ItemReport> {
  return Object.fromEntries(report.sections.flatMap((s) => s.items).map((i) => [i.id, i]));
}

async function recordingServer(): Promise<{ server: Running; requests: string[] }> {
  const requests: string[] = [];
  const server = await startHttpServer((req, res) => {
    requests.push(req.url ?? "");
    res.writeHead(200).end("ok");
  });
  open.push(server);
  return { server, requests };
}

describe("depends_on is validated", () => {
  it("an unknown id, a self-reference and a 3-cycle: each at its entry's file:line:col, all at once, exit 2", async () => {
    const p = project();
    const file = p.write(
      "bad.yaml",
      checklist(
        [
          `      - id: a\n        title: A\n        status: done\n        depends_on: [b, redis-upp, a]\n`,
          `      - id: b\n        title: B\n        status: done\n        depends_on: [c]\n`,
          `      - id: c\n        title: C\n        status: done\n        depends_on:\n          - a\n`,
          `      - id: redis-up\n        title: Redis\n        status: done\n`,
        ].join(""),
      ),
    );
    const r = await runCli(["validate", file], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml:12:25: depends_on: no item "redis-upp" in the checklist — did you mean "redis-up"? (at /sections/0/items/0/depends_on/1)\n');
    expect(r.stderr).toContain('bad.yaml:12:36: depends_on: item "a" cannot depend on itself (at /sections/0/items/0/depends_on/2)\n');
    expect(r.stderr).toContain('bad.yaml:21:13: depends_on: "a" makes a cycle: a → b → c → a (at /sections/0/items/2/depends_on/0)\n');
    expect(r.stderr).toContain("bad.yaml: 3 errors");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("a dependency that is dropped, filtered, n/a or waived blocks nothing", () => {
  it("an id dropped by an extending file still resolves; an n/a or waived dependency lets its dependent run", async () => {
    const { server, requests } = await recordingServer();
    const port = await closedPort();
    const p = project();
    p.write(
      "base.yaml",
      checklist(
        [
          `      - id: cache\n        title: Cache\n        probes:\n          - tcp: 127.0.0.1:${port}\n`,
          `      - id: api\n        title: API\n        depends_on: [cache, flags, legacy]\n        probes:\n          - http: ${server.url}/api\n`,
          `      - id: flags\n        title: Flags\n        status: n/a\n        reason: no flags here\n`,
          `      - id: legacy\n        title: Legacy\n        waiver: { reason: being replaced, until: "2999-01-01", by: ops }\n        probes:\n          - tcp: 127.0.0.1:${port}\n`,
        ].join(""),
      ),
    );
    const file = p.write("service.yaml", "version: 1\nname: Service\nextends: [./base.yaml]\nsections:\n  - id: main\n    items:\n      - id: cache\n        drop: true\n");
    const r = await runCli(["audit", file, "-f", "json"], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as Report;
    expect(items(report).api).toMatchObject({ result: "pass", depends_on: ["cache", "flags", "legacy"] });
    expect(items(report).cache).toBeUndefined();
    expect(requests).toEqual(["/api"]);
  });
});

describe("an item whose dependency fails is blocked", () => {
  it("its probes never start, it is blocked naming the root cause, and the root is named once in reasons, annotations and JUnit", async () => {
    const { server, requests } = await recordingServer();
    const port = await closedPort();
    const p = project();
    const file = p.write("readiness.yaml", stack(port, server));

    const r = await runCli(["audit", file, "-f", "json"], { cwd: p.dir, env: { GITHUB_ACTIONS: "true" } });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const byId = items(report);
    // The HTTP server would have recorded the request: it never arrived.
    expect(requests).toEqual([]);
    const rootCause = `redis-up failed: 127.0.0.1:${port}: connection refused`;
    expect(byId.api).toMatchObject({ result: "blocked", credit: 0, severity: "critical", message: `blocked: ${rootCause}`, blocked_by: ["redis-up"], depends_on: ["redis-up"] });
    expect(byId.api?.probes[0]).toMatchObject({ result: "skipped", message: "not run: blocked by redis-up" });
    // The chain: redis-ping depends on api, which is blocked by redis-up: the root is redis-up.
    expect(byId["redis-ping"]).toMatchObject({ result: "blocked", credit: 0, message: `blocked: ${rootCause}`, blocked_by: ["redis-up"] });
    expect(report.counts).toMatchObject({ fail: 1, blocked: 2, attested: 1 });
    expect(report.verdict).toBe("NO-GO");
    const naming = report.reasons.filter((x) => x.includes("redis-up") || x.includes("api"));
    expect(naming).toEqual([
      `blocking critical item "Redis up" (redis-up) is fail: 127.0.0.1:${port}: connection refused; it blocks 2 items: "API health" (api) [critical], "Redis ping" (redis-ping) [high]`,
    ]);
    // One ::error for the root, the blocked items listed, not three.
    const annotations = r.stderr.split("\n").filter((l) => l.startsWith("::error") || l.startsWith("::warning"));
    expect(annotations).toEqual([
      `::error file=readiness.yaml,line=21,title=readiness%3A critical item redis-up fail%2C blocks 2 items::Redis up: 127.0.0.1:${port}: connection refused — blocks: api (critical), redis-ping (high)`,
    ]);

    const junit = await runCli(["audit", file, "-f", "junit"], { cwd: p.dir });
    expect(junit.stdout).toContain(`<failure message="blocked: ${rootCause}" type="blocked">`);
    expect(requests).toEqual([]);
  });

  it("a dependency skipped by --skip blocks nothing; a passing one runs first, then its dependents", async () => {
    const order: string[] = [];
    const server = await startHttpServer((req, res) => {
      order.push(`start ${req.url}`);
      // The dependency answers after 300 ms: its dependent may only start once it has.
      setTimeout(() => {
        order.push(`end ${req.url}`);
        res.writeHead(200).end("ok");
      }, req.url === "/up" ? 300 : 0);
    });
    open.push(server);
    const p = project();
    const file = p.write(
      "readiness.yaml",
      checklist(
        [
          `      - id: api\n        title: API\n        depends_on: [up]\n        probes:\n          - http: ${server.url}/api\n`,
          `      - id: up\n        title: Up\n        probes:\n          - http: ${server.url}/up\n`,
          `      - id: other\n        title: Other\n        probes:\n          - http: ${server.url}/other\n`,
        ].join(""),
      ),
    );
    const r = await runCli(["audit", file, "-f", "json"], { cwd: p.dir });
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "GO", counts: { pass: 3, blocked: 0 } });
    // Items without dependencies start at once; the dependent only after its dependency answered.
    expect(order.indexOf("start /api")).toBeGreaterThan(order.indexOf("end /up"));
    expect(order.indexOf("start /other")).toBeLessThan(order.indexOf("end /up"));

    order.length = 0;
    const skipped = JSON.parse((await runCli(["audit", file, "-f", "json", "--skip", "up"], { cwd: p.dir })).stdout) as Report;
    expect(items(skipped).api).toMatchObject({ result: "pass" });
    expect(order).not.toContain("start /up");
    expect(order).toContain("start /api");
  });
});

describe("diff, merge and --baseline name the root cause once", () => {
  it("a root cause that newly fails is one row with the items it blocks; merge counts blocked; an older report without counts.blocked still reads", async () => {
    const { server } = await recordingServer();
    const redis = await startTcpServer("127.0.0.1", (s) => s.end());
    const p = project();
    const file = p.write("readiness.yaml", stack(redis.port, server));
    const before = await runCli(["audit", file, "-f", "json", "-o", "json=before.json"], { cwd: p.dir });
    expect(before.code).toBe(0);
    await redis.close();
    const after = await runCli(["audit", file, "-f", "json", "-o", "json=after.json"], { cwd: p.dir });
    expect(after.code).toBe(1);
    // A report written before `blocked` existed has no count of it.
    const old = JSON.parse(readFileSync(`${p.dir}/before.json`, "utf8")) as { counts: Record<string, number> };
    delete old.counts.blocked;
    writeFileSync(`${p.dir}/before.json`, JSON.stringify(old));

    const d = await runCli(["diff", "before.json", "after.json", "-f", "json"], { cwd: p.dir });
    expect(d.code).toBe(1);
    const diff = JSON.parse(d.stdout) as { newly_failing: unknown[]; regressions: string[] };
    expect(diff.newly_failing).toEqual([
      expect.objectContaining({ id: "redis-up", from: "pass", to: "fail", blocks: ["api", "redis-ping"] }),
    ]);
    expect(diff.regressions).toContain("1 item newly failing: redis-up (blocking api, redis-ping)");
    // Wide enough that the row is one line (the terminal view wraps at the width, 80 when piped).
    const text = await runCli(["diff", "before.json", "after.json"], { cwd: p.dir, env: { COLUMNS: "200" } });
    expect(text.stdout).toMatch(/redis-up \[critical\] pass → fail: Redis up — 127\.0\.0\.1:\d+: connection refused — blocks: api,\s+redis-ping/);

    const baseline = JSON.parse((await runCli(["audit", file, "-f", "json", "--baseline", "before.json"], { cwd: p.dir })).stdout) as Report;
    expect(baseline.baseline?.newly_failing.map((c) => [c.id, c.blocks])).toEqual([["redis-up", ["api", "redis-ping"]]]);

    const m = await runCli(["merge", "before.json", "after.json", "-f", "json"], { cwd: p.dir });
    const fleet = JSON.parse(m.stdout) as { counts: Record<string, number>; services: { failing: { id: string; blocks?: string[] }[] }[] };
    expect(fleet.counts).toMatchObject({ blocked: 2, fail: 1, pass: 3 });
    expect(fleet.services.flatMap((s) => s.failing).map((f) => [f.id, f.blocks])).toEqual([["redis-up", ["api", "redis-ping"]]]);
  });
});

describe("--wait re-evaluates a blocked item", () => {
  it("the dependency comes up in round 2: its dependent, blocked in round 1, then runs and passes", async () => {
    let ups = 0;
    const requests: string[] = [];
    const server = await startHttpServer((req, res) => {
      requests.push(req.url ?? "");
      if (req.url === "/up") ups++;
      res.writeHead(req.url === "/up" && ups === 1 ? 503 : 200).end("ok");
    });
    open.push(server);
    const p = project();
    const file = p.write(
      "readiness.yaml",
      checklist(
        [
          `      - id: up\n        title: Up\n        severity: critical\n        probes:\n          - http: ${server.url}/up\n`,
          `      - id: api\n        title: API\n        severity: critical\n        depends_on: [up]\n        probes:\n          - http: ${server.url}/api\n`,
        ].join(""),
      ),
    );
    const r = await runCli(["audit", file, "--wait", "30s", "--interval", "200ms", "-f", "json"], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as Report;
    expect([r.code, report.verdict, items(report).api?.result, items(report).up?.result]).toEqual([0, "GO", "pass", "pass"]);
    // Round 1: /up failed and /api never ran; it ran only once /up had passed.
    expect(requests.slice(0, 2)).toEqual(["/up", "/up"]);
    expect(requests).toContain("/api");
  }, 60_000);
});

describe("--wait round lines", () => {
  it("name the failing items and, apart, the items they block; -q keeps them (it hides only progress and warnings)", async () => {
    const server = await startHttpServer((req, res) => res.writeHead(req.url === "/down" ? 503 : 200).end("ok"));
    open.push(server);
    const p = project();
    const file = p.write(
      "readiness.yaml",
      checklist(
        [
          `      - id: db\n        title: DB\n        severity: critical\n        probes:\n          - http: ${server.url}/down\n`,
          `      - id: api\n        title: API\n        severity: critical\n        depends_on: [db]\n        probes:\n          - http: ${server.url}/api\n`,
          `      - id: jobs\n        title: Jobs\n        severity: high\n        depends_on: [db]\n        probes:\n          - http: ${server.url}/jobs\n`,
        ].join(""),
      ),
    );
    const r = await runCli(["audit", file, "--wait", "1s", "--interval", "300ms", "-q"], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NO-GO score \d+ verified \d+\n$/);
    const rounds = r.stderr.trim().split("\n");
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds[0]).toMatch(/^round 1: NO-GO score \d+, 1 failing \(db\) · 2 blocked by db — retrying in 300ms$/);
    expect(rounds.at(-1)).toMatch(/^round \d+: NO-GO score \d+, 1 failing \(db\) · 2 blocked by db — still not passing after/);
  }, 60_000);
});
