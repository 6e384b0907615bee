/**
 * The metric probe against a real Prometheus scraping an exporter served by this test, a k6
 * summary file, and real commands; plus units, thresholds and validation.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeSchema } from "../../../src/probes/index.js";
import { metricProbe, type MetricSpec } from "../../../src/probes/metric.js";
import { convert, formatQuantity, parseThreshold } from "../../../src/util/units.js";
import { makeContext } from "../../helpers/context.js";
import { startHttpServer, startTcpServer } from "../../helpers/servers.js";
import { startExporter, startPrometheus, freePort, type Exporter, type RunningPrometheus } from "../../helpers/prometheus.js";

const fixtures = fileURLToPath(new URL("../../fixtures/evidence/metric", import.meta.url));
const node = process.execPath;

const EXPOSITION = `# HELP test_latency_seconds Latency of the test service (p99, precomputed).
# TYPE test_latency_seconds gauge
test_latency_seconds 0.0082
# HELP test_error_ratio Fraction of requests that failed.
# TYPE test_error_ratio gauge
test_error_ratio 0.0035
# HELP test_queue_depth Items waiting, per queue.
# TYPE test_queue_depth gauge
test_queue_depth{queue="a"} 3
test_queue_depth{queue="b"} 7
# HELP test_request_duration_seconds Request durations.
# TYPE test_request_duration_seconds histogram
test_request_duration_seconds_bucket{le="0.005"} 40
test_request_duration_seconds_bucket{le="0.01"} 95
test_request_duration_seconds_bucket{le="0.05"} 100
test_request_duration_seconds_bucket{le="+Inf"} 100
test_request_duration_seconds_sum 0.6
test_request_duration_seconds_count 100
`;

let exporter: Exporter;
let prom: RunningPrometheus;

/** The probe's keys besides its source. */
type Rest = Pick<MetricSpec, "name" | "unit" | "threshold">;

const run = (spec: MetricSpec, ctx = makeContext({ cwd: fixtures })) => metricProbe.run(spec, ctx);
const promql = (query: string, rest: Rest) => run({ metric: { prometheus: { url: prom.url, query } }, ...rest });

describe("metric probe: prometheus", () => {
  // Scoped to this block: without a prometheus binary these tests fail (saying so), the others still run.
  beforeAll(async () => {
    exporter = await startExporter(EXPOSITION);
    prom = await startPrometheus({ targets: [exporter.target], waitFor: "test_request_duration_seconds_bucket", timeoutMs: 30_000 });
    console.info(`prometheus ready in ${prom.startupMs}ms`);
  }, 45_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  it("converts seconds to the threshold's milliseconds", async () => {
    const r = await promql("test_latency_seconds", { name: "p99", unit: "s", threshold: "< 10ms" });
    expect(r.result).toBe("pass");
    expect(r.message).toBe("p99 8.2ms < 10ms");
    expect(r.observed).toMatchObject({ value: 0.0082, unit: "s", series: expect.stringMatching(/^test_latency_seconds\{instance="127\.0\.0\.1:\d+", job="exporter"\}$/) });
    const slow = await promql("test_latency_seconds", { name: "p99", unit: "s", threshold: "< 5ms" });
    expect(slow).toMatchObject({ result: "fail", message: "p99 8.2ms >= 5ms (threshold < 5ms)" });
  });

  it("computes a histogram quantile and labels the value with the query when unnamed", async () => {
    const r = await promql("histogram_quantile(0.99, test_request_duration_seconds_bucket)", { unit: "s", threshold: "< 50ms" });
    expect(r).toMatchObject({ result: "pass", message: "histogram_quantile(0.99, test_request_duration_seconds_bucket) 42ms < 50ms" });
  });

  it("shows a ratio as a percentage when the threshold is one", async () => {
    const r = await promql("test_error_ratio", { name: "error rate", unit: "ratio", threshold: "<= 0.1%" });
    expect(r).toMatchObject({ result: "fail", message: "error rate 0.35% > 0.1% (threshold <= 0.1%)" });
    expect(await promql("test_error_ratio", { name: "error rate", unit: "ratio", threshold: "<= 0.5%" })).toMatchObject({ result: "pass" });
  });

  it("reads a scalar result", async () => {
    const r = await promql("scalar(test_latency_seconds) * 1000", { name: "p99", unit: "ms", threshold: "< 0.01s" });
    expect(r).toMatchObject({ result: "pass", message: "p99 0.0082s < 0.01s", observed: { series: "scalar" } });
  });

  it("fails on an empty result, naming it", async () => {
    const r = await promql('test_latency_seconds{job="nope"}', { name: "p99", unit: "s", threshold: "< 10ms" });
    expect(r).toEqual({ result: "fail", message: "p99: Prometheus query returned no series (empty result)" });
  });

  it("fails on more than one series, naming them", async () => {
    const r = await promql("test_queue_depth", { name: "queue", threshold: "< 10" });
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(
      /^queue: Prometheus query returned 2 series, expected one \(aggregate it, e\.g\. max\(\.\.\.\) or sum\(\.\.\.\)\): test_queue_depth\{instance="127\.0\.0\.1:\d+", job="exporter", queue="a"\}, test_queue_depth\{.*queue="b"\}$/,
    );
    expect(await promql("max(test_queue_depth)", { name: "queue", threshold: "< 10" })).toMatchObject({ result: "pass", message: "queue 7 < 10" });
  });

  it("fails on a syntax error with Prometheus's own message", async () => {
    const r = await promql("rate(test_latency_seconds[5m]", { threshold: "< 1" });
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^rate\(test_latency_seconds\[5m\]: Prometheus query failed \(HTTP 400\): bad_data: .*parse error/);
  });

  it("fails on a range vector and on NaN", async () => {
    const m = await promql("test_latency_seconds[1m]", { name: "x", threshold: "< 1" });
    expect(m).toEqual({ result: "fail", message: "x: Prometheus query returned a matrix, not an instant vector or scalar" });
    const nan = await promql("NaN", { name: "x", threshold: "< 1" });
    expect(nan).toMatchObject({ result: "fail", message: "x: value is NaN" });
  });

  it("fails when the server is down or is not Prometheus", async () => {
    const port = await freePort();
    const down = await run({ metric: { prometheus: { url: `http://127.0.0.1:${port}`, query: "up" } }, name: "up", threshold: "== 1" });
    expect(down).toEqual({ result: "fail", message: `up: Prometheus http://127.0.0.1:${port}: connection refused` });
    const other = await run({ metric: { prometheus: { url: exporter.url, query: "up" } }, name: "up", threshold: "== 1" });
    expect(other).toEqual({ result: "fail", message: `up: Prometheus ${exporter.url}: HTTP 404, not a Prometheus API response: 404 page not found` });
  });

  it("caps the response body it reads", async () => {
    const ctx = makeContext({ limits: { maxBodyBytes: 64, maxOutputBytes: 1024, maxFileBytes: 1024 } });
    const r = await run({ metric: { prometheus: { url: prom.url, query: "test_queue_depth" } }, name: "q", threshold: "< 10" }, ctx);
    expect(r).toEqual({ result: "fail", message: `q: Prometheus ${prom.url}: response larger than 64 bytes` });
  });

  it("stops when aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await run({ metric: { prometheus: { url: prom.url, query: "up" } }, name: "up", threshold: "== 1" }, makeContext({ signal: ac.signal }));
    expect(r).toEqual({ result: "fail", message: `up: Prometheus ${prom.url}: aborted` });
  });
});

describe("metric probe: json file", () => {
  const k6 = (path: string, rest: Rest) => run({ metric: { json: { file: "k6-summary.json", path } }, ...rest });

  it("reads a k6 summary: parentheses need no quoting, dotted keys are bracket-quoted", async () => {
    expect(await k6("metrics.http_req_duration.values.p(99)", { name: "p99", unit: "ms", threshold: "< 10ms" })).toEqual({
      result: "pass",
      message: "p99 9.61ms < 10ms",
      observed: { value: 9.61, unit: "ms" },
    });
    expect(await k6('metrics.http_req_duration.values["p(99.9)"]', { name: "p99.9", unit: "ms", threshold: "< 0.02s" })).toMatchObject({
      result: "fail",
      message: "p99.9 0.0213s >= 0.02s (threshold < 0.02s)",
    });
  });

  it("converts ratios and sizes", async () => {
    expect(await k6("metrics.http_req_failed.values.rate", { name: "error rate", unit: "ratio", threshold: "<= 0.1%" })).toMatchObject({
      result: "fail",
      message: "error rate 0.12% > 0.1% (threshold <= 0.1%)",
    });
    expect(await k6("metrics.checks.values.rate", { name: "checks", unit: "ratio", threshold: ">= 99.9%" })).toMatchObject({
      result: "pass",
      message: "checks 99.9% >= 99.9%",
    });
    expect(await k6("metrics.data_received.values.count", { name: "received", unit: "B", threshold: "< 100MiB" })).toMatchObject({
      result: "pass",
      message: "received 50MiB < 100MiB",
    });
    expect(await k6("metrics.vus_max.values.value", { name: "vus", threshold: "== 50" })).toMatchObject({ result: "pass", message: "vus 50 == 50" });
  });

  it("fails naming a missing path, a non-number, a missing file and invalid JSON", async () => {
    expect(await k6("metrics.nope.values.rate", { threshold: "< 1" })).toEqual({
      result: "fail",
      message: "metrics.nope.values.rate: k6-summary.json: no value at metrics.nope.values.rate",
    });
    expect(await k6("metrics.http_reqs.values", { name: "reqs", threshold: "> 1" })).toEqual({
      result: "fail",
      message: "reqs: k6-summary.json: metrics.http_reqs.values is an object, not a number",
    });
    const missing = await run({ metric: { json: { file: "nope.json", path: "a" } }, name: "x", threshold: "< 1" });
    expect(missing).toEqual({ result: "fail", message: "x: cannot read nope.json: no such file" });
    const invalid = await run({ metric: { json: { file: "../junit/pytest.xml", path: "a" } }, name: "x", threshold: "< 1" });
    expect(invalid.message).toMatch(/^x: cannot parse .*pytest\.xml: invalid JSON: /);
  });
});

describe("metric probe: command", () => {
  const cmd = (command: string | string[], rest: Rest, ctx = makeContext({ cwd: fixtures })) => run({ metric: { command }, ...rest }, ctx);

  it("reads trimmed stdout as the number", async () => {
    const r = await cmd([node, "-e", "console.log('  0.0082\\n')"], { name: "p99", unit: "s", threshold: "< 10ms" });
    expect(r).toMatchObject({ result: "pass", message: "p99 8.2ms < 10ms" });
    const failures = await cmd([node, "-e", "process.stdout.write('3')"], { name: "failures", threshold: "== 0" });
    expect(failures).toMatchObject({ result: "fail", message: "failures 3 != 0 (threshold == 0)" });
  });

  it("splits a command string into argv without a shell", async () => {
    const r = await cmd(`${node} -e "console.log(42)"`, { name: "answer", threshold: "== 42" });
    expect(r).toMatchObject({ result: "pass", message: "answer 42 == 42" });
  });

  it("fails with the cause: exit code, non-number, command not found", async () => {
    expect(await cmd([node, "-e", "console.error('boom'); process.exit(3)"], { name: "x", threshold: "< 1" })).toEqual({
      result: "fail",
      message: "x: command exited with code 3: boom",
    });
    expect(await cmd([node, "-e", "console.log('hello')"], { name: "x", threshold: "< 1" })).toEqual({
      result: "fail",
      message: 'x: command output is not a number: "hello"',
    });
    expect(await cmd(["readiness-no-such-command-xyz"], { name: "x", threshold: "< 1" })).toEqual({
      result: "fail",
      message: "x: command not found: readiness-no-such-command-xyz",
    });
  });

  it("kills the whole process group at the timeout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "readiness-metric-"));
    try {
      const pidFile = join(dir, "grandchild.pid");
      const script = `const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`;
      const started = performance.now();
      const r = await cmd([node, "-e", script], { name: "x", threshold: "< 1" }, makeContext({ cwd: dir, timeoutMs: 1000 }));
      expect(r).toEqual({ result: "fail", message: "x: command timed out after 1.0s" });
      expect(performance.now() - started).toBeLessThan(4000);
      expect(existsSync(pidFile)).toBe(true);
      const pid = Number(readFileSync(pidFile, "utf8"));
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      // The kill is asynchronous: wait for the grandchild to go, bounded.
      const deadline = performance.now() + 3000;
      while (alive() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(alive()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is skipped by --no-exec (executes) only when the source is a command", () => {
    const executes = metricProbe.executes as (s: MetricSpec) => boolean;
    expect(executes({ metric: { command: ["echo", "1"] }, threshold: "< 2" })).toBe(true);
    expect(executes({ metric: { json: { file: "f.json", path: "a" } }, threshold: "< 2" })).toBe(false);
    expect(executes({ metric: { prometheus: { url: "http://p:9090", query: "up" } }, threshold: "== 1" })).toBe(false);
  });
});

describe("units and thresholds", () => {
  it("parses thresholds and converts within a dimension", () => {
    expect(parseThreshold(">= 99.9%")).toEqual({ op: ">=", value: 99.9, unit: "%", text: ">= 99.9%" });
    expect(parseThreshold("<=0.1 %")).toMatchObject({ op: "<=", value: 0.1, unit: "%" });
    expect(parseThreshold("== 0")).toEqual({ op: "==", value: 0, text: "== 0" });
    expect(parseThreshold("~ 10ms")).toMatch(/is not "<operator> <number>\[unit\]"/);
    expect(parseThreshold("< 10 parsecs")).toMatch(/unknown unit "parsecs"/);
    expect(convert(0.0082, "s", "ms")).toBe(8.2);
    expect(convert(0.999, "ratio", "%")).toBe(99.9);
    expect(convert(1536, "KiB", "MiB")).toBe(1.5);
    expect(convert(90, "m", "h")).toBe(1.5);
    expect(formatQuantity(0.35000000000000003, "%")).toBe("0.35%");
    expect(formatQuantity(0.5, "ratio")).toBe("0.5");
  });

  it("shows enough digits that a failing value never reads as the threshold", async () => {
    const r = await run({ metric: { command: [node, "-e", "console.log(0.99899)"] }, name: "availability", unit: "ratio", threshold: ">= 99.9%" });
    expect(r).toMatchObject({ result: "fail", message: "availability 99.899% < 99.9% (threshold >= 99.9%)" });
  });
});

describe("metric probe validation", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(probeSchema("metric"));
  const base = { metric: { prometheus: { url: "http://prometheus:9090", query: "up" } }, threshold: "== 1" };

  it("accepts exactly one source and a well-formed threshold", () => {
    expect(validate(base)).toBe(true);
    expect(validate({ metric: { json: { file: "summary.json", path: "metrics.x" } }, unit: "ms", threshold: "< 10ms", name: "p99" })).toBe(true);
    expect(validate({ metric: { command: ["./p99.sh"] }, threshold: "< 10" })).toBe(true);
    expect(validate({ metric: {}, threshold: "< 10" })).toBe(false);
    expect(validate({ metric: { command: "x" } })).toBe(false);
    expect(validate({ ...base, threshold: "about 10" })).toBe(false);
    expect(validate({ ...base, unit: "parsecs" })).toBe(false);
    expect(validate({ metric: { prometheus: { url: "http://p" } }, threshold: "== 1" })).toBe(false);
  });

  it("rejects more than one source, naming them", () => {
    expect(metricProbe.check?.({ metric: { command: "./p99.sh", json: { file: "a", path: "b" } }, threshold: "< 10" })).toEqual([
      { path: "/metric", message: "metric has 2 sources (json, command): give exactly one of prometheus, json, command" },
    ]);
  });

  it("rejects a threshold with a unit on a value without one, or of another dimension", () => {
    expect(metricProbe.check?.({ ...base, threshold: "< 10ms" })).toEqual([
      { path: "/threshold", message: 'threshold "< 10ms" has a unit (ms) but the value has none: set `unit` to the unit the value is measured in' },
    ]);
    expect(metricProbe.check?.({ ...base, unit: "ms", threshold: "< 1%" })).toEqual([
      { path: "/threshold", message: 'threshold "< 1%" is a ratio (%) but the value is a time (unit ms)' },
    ]);
    expect(metricProbe.check?.({ ...base, unit: "s", threshold: "< 10ms" })).toEqual([]);
    expect(metricProbe.check?.({ ...base, unit: "ms", threshold: "< 10" })).toEqual([]);
    expect(metricProbe.check?.({ ...base, threshold: "< 10 parsecs" })).toMatchObject([{ path: "/threshold" }]);
  });

  it("rejects a malformed json path and a non-http Prometheus url", () => {
    expect(metricProbe.check?.({ metric: { json: { file: "a.json", path: "a..b" } }, threshold: "< 1" })).toMatchObject([{ path: "/metric/json/path" }]);
    expect(metricProbe.check?.({ metric: { prometheus: { url: "prometheus:9090", query: "up" } }, threshold: "< 1" })).toMatchObject([
      { path: "/metric/prometheus/url" },
    ]);
    expect(metricProbe.target(base)).toBe("http://prometheus:9090 up");
  });

  it("checks a command string splits, and warns that shell syntax is literal", () => {
    expect(metricProbe.check?.({ metric: { command: "./p99.sh 'unterminated" }, threshold: "< 1" })).toEqual([
      { path: "/metric/command", message: "unterminated ' quote" },
    ]);
    expect(metricProbe.check?.({ metric: { command: "curl -s x | jq .p99" }, threshold: "< 1" })).toMatchObject([
      { path: "/metric/command", level: "warning", message: expect.stringContaining("shell syntax (|) is passed literally") },
    ]);
    expect(metricProbe.check?.({ metric: { command: ["sh", "-c", "curl -s x | jq .p99"] }, threshold: "< 1" })).toEqual([]);
  });
});

describe("metric probe: json url", () => {
  it("reads the number at a path of a URL's JSON response, with units", async () => {
    const server = await startHttpServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ latency: { p99: 7.5 }, path: req.url }));
    });
    try {
      const spec: MetricSpec = { metric: { json: { url: `${server.url}/stats`, path: "latency.p99" } }, unit: "ms", threshold: "< 10ms" };
      expect(await metricProbe.run(spec, makeContext())).toMatchObject({ result: "pass", message: "latency.p99 7.5ms < 10ms", observed: { value: 7.5 } });
      expect(await metricProbe.run({ ...spec, threshold: "< 5ms" }, makeContext())).toMatchObject({ result: "fail" });
    } finally {
      await server.close();
    }
  });

  it("fails with the status on an HTTP error, and hides a password in the URL", async () => {
    let auth: string | undefined;
    const server = await startHttpServer((req, res) => {
      auth = req.headers.authorization;
      res.statusCode = 503;
      res.end("{}");
    });
    try {
      const url = `http://user:hunter2@127.0.0.1:${server.port}/stats`;
      const spec: MetricSpec = { metric: { json: { url, path: "a" } }, name: "x", threshold: "< 1" };
      expect(await metricProbe.run(spec, makeContext())).toEqual({ result: "fail", message: `x: http://user:***@127.0.0.1:${server.port}/stats: HTTP 503` });
      expect(auth).toBe(`Basic ${Buffer.from("user:hunter2").toString("base64")}`);
      expect(metricProbe.target(spec)).toBe(`http://user:***@127.0.0.1:${server.port}/stats a`);
    } finally {
      await server.close();
    }
  });

  it("fails at the timeout when the server never answers", async () => {
    const server = await startTcpServer("127.0.0.1");
    try {
      const spec: MetricSpec = { metric: { json: { url: `http://127.0.0.1:${server.port}/`, path: "a" } }, name: "x", threshold: "< 1" };
      expect(await metricProbe.run(spec, makeContext({ timeoutMs: 300 }))).toEqual({ result: "fail", message: `x: http://127.0.0.1:${server.port}/: timed out after 300ms` });
    } finally {
      await server.close();
    }
  });

  it("check() wants exactly one of file and url", () => {
    expect(metricProbe.check?.({ metric: { json: { file: "a.json", url: "http://x/", path: "a" } }, threshold: "< 1" })).toEqual([{ path: "/metric/json", message: "json needs exactly one of file, url (both given)" }]);
    expect(metricProbe.check?.({ metric: { json: { path: "a" } }, threshold: "< 1" })).toEqual([{ path: "/metric/json", message: "json needs exactly one of file, url" }]);
    expect(metricProbe.check?.({ metric: { json: { url: "ftp://x/", path: "a" } }, threshold: "< 1" })).toEqual([{ path: "/metric/json/url", message: 'json url "ftp://x/" is not an http(s) URL' }]);
  });
});
