import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tcpProbe } from "../../../src/probes/tcp.js";
import { parseHostPort } from "../../../src/util/net.js";
import { makeContext } from "../../helpers/context.js";
import { UNRESOLVABLE_HOST } from "../../helpers/unresolvable.js";
import { closedPort, ipv6Available, startTcpServer, type Running } from "../../helpers/servers.js";
import { Ajv } from "ajv";
import { probeSchema } from "../../../src/probes/index.js";
import { parseChecklist } from "../../../src/checklist/load.js";
import { execute } from "../../../src/engine/execute.js";
import { plan } from "../../../src/engine/plan.js";

let v4: Running;
let refused: number;
const hasV6 = await ipv6Available();

beforeAll(async () => {
  v4 = await startTcpServer("127.0.0.1");
  refused = await closedPort("127.0.0.1");
});
afterAll(async () => {
  await v4.close();
});

describe("tcp probe", () => {
  it("connects to an open port", async () => {
    const out = await tcpProbe.run({ tcp: `127.0.0.1:${v4.port}` }, makeContext());
    expect(out.result).toBe("pass");
    expect(out.message).toMatch(new RegExp(`^connected to 127\\.0\\.0\\.1:${v4.port} in \\d+(ms|\\.\\ds)$`));
    expect(out.observed).toMatchObject({ open: true });
  });

  it("reaches an IPv4-only listener as localhost", async () => {
    const out = await tcpProbe.run({ tcp: `localhost:${v4.port}` }, makeContext());
    expect(out).toMatchObject({ result: "pass", observed: { address: "127.0.0.1" } });
  });

  it.runIf(hasV6)("reaches an IPv6-only listener as localhost and as [::1]", async () => {
    const v6 = await startTcpServer("::1");
    try {
      const viaName = await tcpProbe.run({ tcp: `localhost:${v6.port}` }, makeContext());
      expect(viaName).toMatchObject({ result: "pass", observed: { address: "::1" } });
      const viaLiteral = await tcpProbe.run({ tcp: `[::1]:${v6.port}` }, makeContext());
      expect(viaLiteral.result).toBe("pass");
      expect(viaLiteral.message).toMatch(/^connected to \[::1\]:\d+ in /);
    } finally {
      await v6.close();
    }
  });

  it("fails on a refused connection", async () => {
    const out = await tcpProbe.run({ tcp: `localhost:${refused}` }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: `localhost:${refused}: connection refused` });
  });

  it("open: false passes on a closed port and fails on an open one", async () => {
    expect(await tcpProbe.run({ tcp: `localhost:${refused}`, open: false }, makeContext())).toMatchObject({
      result: "pass",
      message: `localhost:${refused} is closed`,
    });
    expect(await tcpProbe.run({ tcp: `localhost:${v4.port}`, open: false }, makeContext())).toMatchObject({
      result: "fail",
      message: `localhost:${v4.port} is open (expected closed)`,
    });
  });

  it("fails on a host that does not resolve", async () => {
    const out = await tcpProbe.run({ tcp: `${UNRESOLVABLE_HOST}:80` }, makeContext());
    expect(out).toEqual({ result: "fail", message: `${UNRESOLVABLE_HOST}:80: host not found` });
  });

  it("names the timeout when the signal times out (and open: false reads silence as closed)", async () => {
    // A loopback connect never hangs, so the timeout is simulated by a signal already timed out.
    const timedOut = () => makeContext({ signal: AbortSignal.abort(new DOMException("timeout", "TimeoutError")), timeoutMs: 200 });
    expect(await tcpProbe.run({ tcp: `localhost:${v4.port}` }, timedOut())).toEqual({
      result: "fail",
      message: `localhost:${v4.port}: timed out after 200ms`,
    });
    expect(await tcpProbe.run({ tcp: `localhost:${v4.port}`, open: false }, timedOut())).toMatchObject({
      result: "pass",
      message: `localhost:${v4.port} is closed (no answer within 200ms)`,
    });
  });

  it("reports an aborted run as aborted, not as a timeout", async () => {
    const ac = new AbortController();
    ac.abort();
    const out = await tcpProbe.run({ tcp: `localhost:${v4.port}` }, makeContext({ signal: ac.signal, timeoutMs: 5000 }));
    expect(out).toEqual({ result: "fail", message: `localhost:${v4.port}: aborted` });
  });

  it("validates the target", () => {
    expect(tcpProbe.check!({ tcp: "localhost" })).toEqual([{ path: "/tcp", level: "error", message: 'expected host:port, got "localhost"' }]);
    expect(tcpProbe.check!({ tcp: "localhost:99999" })[0]?.message).toBe("port 99999 is out of range 1-65535");
    expect(tcpProbe.check!({ tcp: "::1:80" })[0]?.message).toMatch(/brackets/);
    expect(tcpProbe.check!({ tcp: "[::1]:80" })).toEqual([]);
    expect(tcpProbe.target({ tcp: "db:5432" })).toBe("db:5432");
  });

  it("parses host:port forms", () => {
    expect(parseHostPort("[::1]:8080")).toEqual({ host: "::1", port: 8080 });
    expect(parseHostPort("example.com:443")).toEqual({ host: "example.com", port: 443 });
    expect(parseHostPort("[::1]8080")).toMatch(/expected \[IPv6\]:port/);
    expect(parseHostPort("host:http")).toBe('invalid port "http"');
  });
});

describe("tcp probes by the thousand", () => {
  it("run through the engine, interrupted midway, with no listener warning", async () => {
    // Each attempt listens on its own signal and lets go when it settles; the run's interrupt
    // reaches attempts without a listener each on the run's signal (Node warns past ten).
    const warnings: Error[] = [];
    const onWarning = (w: Error): number => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const n = 3000;
      const targets = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? `127.0.0.1:${refused}` : `localhost:${v4.port}`));
      const items = targets.map((t, i) => `      - { id: i${i}, title: I${i}, probes: [{ tcp: "${t}", timeout: 5s }] }`).join("\n");
      const planned = plan(parseChecklist(`version: 1\nsections:\n  - id: s\n    title: S\n    items:\n${items}\n`, "c.yaml", { env: {} }));
      const controller = new AbortController();
      let done = 0;
      const results = await execute(planned, {
        concurrency: 50,
        signal: controller.signal,
        onProbeDone: () => {
          if (++done === n / 2) controller.abort(new Error("SIGINT"));
        },
      });
      const outcomes = results.map((r) => r[0]?.result);
      expect(outcomes.every((o) => o === "pass" || o === "fail" || o === "skipped")).toBe(true);
      expect(outcomes.filter((o) => o === "pass").length).toBeGreaterThanOrEqual(500);
      expect(results.find((r) => r[0]?.result === "fail")?.[0]?.message).toBe(`127.0.0.1:${refused}: connection refused`);
      expect(outcomes.at(-1)).toBe("skipped");
      await new Promise((r) => setTimeout(r, 10));
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  }, 60_000);
});

describe("tcp probe: schema", () => {
  // Compiled the way the checklist validator compiles it (union types allowed), plus ajv's strict checks.
  const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(probeSchema("tcp"));
  it.each([{ tcp: "localhost:1", open: false }, { tcp: "[::1]:80", retries: 2 }])("accepts %j", (spec) => {
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
  });
  it.each([{ tcp: "x:1", open: "yes" }, { tcp: 80 }, { open: true }])("rejects %j", (spec) => {
    expect(validate(spec)).toBe(false);
  });
});
