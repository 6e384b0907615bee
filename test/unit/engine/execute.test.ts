import { afterEach, describe, expect, it, vi } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { execute } from "../../../src/engine/execute.js";
import { plan } from "../../../src/engine/plan.js";
import { tcpProbe, type TcpSpec } from "../../../src/probes/tcp.js";
import { commandProbe } from "../../../src/probes/command.js";
import { startHttpServer } from "../../helpers/servers.js";
import type { ProbeContext, ProbeOutcome } from "../../../src/types.js";
import { abortCause } from "../../../src/util/net.js";
import { monotonicMs } from "../../../src/util/duration.js";
import { createMasker } from "../../../src/util/mask.js";

/**
 * The executor with stand-in probes: tcp probes whose `run` is replaced, so each test decides what a
 * probe does (answers late, ignores its signal, throws). The probe's port tells the probes apart.
 */
type Behaviour = (port: number, ctx: ProbeContext) => Promise<ProbeOutcome>;

function stub(behaviour: Behaviour): void {
  vi.spyOn(tcpProbe, "run").mockImplementation((spec: TcpSpec, ctx: ProbeContext) => behaviour(Number(spec.tcp.split(":")[1]), ctx));
}

/** A plan with one item per port, each with one tcp probe; `probe` adds keys to every probe mapping. */
function planFor(ports: number[], probe = ""): ReturnType<typeof plan> {
  const items = ports.map((p) => `      - { id: i${p}, title: I${p}, probes: [{ tcp: "127.0.0.1:${p}"${probe} }] }`).join("\n");
  const c = parseChecklist(`version: 1\nsections:\n  - id: s\n    title: S\n    items:\n${items}\n`, "c.yaml", { env: {} });
  return plan(c);
}

const pass = (message = "ok"): ProbeOutcome => ({ result: "pass", message });
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Resolves when `signal` aborts (never otherwise). */
const aborted = (signal: AbortSignal): Promise<void> => new Promise((r) => signal.addEventListener("abort", () => r(), { once: true }));
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("execute", () => {
  it("returns results in plan order whatever order probes finish in", async () => {
    stub(async (port) => {
      await delay((10 - port) * 5);
      return pass(`p${port}`);
    });
    const results = await execute(planFor([1, 2, 3, 4, 5, 6, 7, 8, 9]), { concurrency: 9 });
    expect(results.map((r) => r[0]?.message)).toEqual(["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"]);
    expect(results.every((r) => r[0]?.attempts === 1 && r[0].result === "pass")).toBe(true);
  });

  it("runs at most `concurrency` probes at once, starting them in plan order", async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    stub(async (port) => {
      started.push(port);
      most = Math.max(most, ++running);
      await delay(5);
      running--;
      return pass();
    });
    const done: number[] = [];
    await execute(planFor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { concurrency: 3, onProbeDone: (d, total) => done.push(d * 100 + total) });
    expect(most).toBe(3);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(done).toEqual([110, 210, 310, 410, 510, 610, 710, 810, 910, 1010]);
  });

  it("tells when each probe starts and ends, by its plan indexes, so a display knows which are still running", async () => {
    stub(async (port) => {
      await delay(port);
      return pass();
    });
    const events: string[] = [];
    const running = new Set<string>();
    let most = 0;
    await execute(planFor([30, 5, 10]), {
      concurrency: 2,
      onProbeStart: (n, total, i, j) => {
        expect(total).toBe(3);
        events.push(`start ${i}.${j}`);
        expect(events.filter((e) => e.startsWith("start"))).toHaveLength(n);
        running.add(`${i}.${j}`);
        most = Math.max(most, running.size);
      },
      onProbeDone: (_d, _t, i, j) => {
        events.push(`done ${i}.${j}`);
        expect(running.delete(`${i}.${j}`)).toBe(true);
      },
    });
    expect(running.size).toBe(0);
    expect(most).toBe(2);
    expect(events.filter((e) => e.startsWith("start"))).toHaveLength(3);
    // The second probe (5ms) ends before the first (30ms), whose start came first.
    expect(events.indexOf("done 1.0")).toBeLessThan(events.indexOf("done 0.0"));
    expect(events.indexOf("start 0.0")).toBeLessThan(events.indexOf("done 1.0"));
  });

  it("aborts a probe at its timeout with a TimeoutError reason, so the probe can name the cause", async () => {
    stub(async (_port, ctx) => {
      const t0 = monotonicMs();
      await aborted(ctx.signal);
      expect((ctx.signal.reason as Error).name).toBe("TimeoutError");
      return { result: "fail", message: `x: ${abortCause(ctx.signal, ctx.timeoutMs, t0)}` };
    });
    const t0 = performance.now();
    const r = (await execute(planFor([1], ", timeout: 50ms")))[0]?.[0];
    expect(r).toMatchObject({ result: "fail", message: "x: timed out after 50ms" });
    expect(performance.now() - t0).toBeLessThan(900);
  });

  it("aborts each attempt's own signal at the timeout and on interrupt; an attempt's signal never aborts after it ends", async () => {
    const calls: string[] = [];
    const signals: AbortSignal[] = [];
    stub(async (port, ctx) => {
      signals.push(ctx.signal);
      await aborted(ctx.signal);
      calls.push(`${port}: ${(ctx.signal.reason as Error).name}`);
      return { result: "fail", message: "stopped" };
    });
    const r = await execute(planFor([1], ", timeout: 50ms"));
    expect(r[0]?.[0]).toMatchObject({ result: "fail", message: "stopped" });
    expect(calls).toEqual(["1: TimeoutError"]);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("SIGINT")), 30);
    await execute(planFor([2, 3]), { concurrency: 2, signal: controller.signal });
    expect(calls.slice(1).sort()).toEqual(["2: Error", "3: Error"]);
    expect(new Set(signals).size).toBe(3);

    // A probe that passes at once leaves a signal that stays unaborted past its timeout.
    stub((_port, ctx) => {
      signals.push(ctx.signal);
      return Promise.resolve(pass());
    });
    await execute(planFor([4], ", timeout: 20ms"));
    await delay(60);
    expect(signals.at(-1)?.aborted).toBe(false);
  });

  it("stops waiting for a probe that ignores its signal one grace second after the timeout", async () => {
    stub(() => new Promise<ProbeOutcome>(() => undefined));
    const t0 = performance.now();
    const results = await execute(planFor([1, 2], ", timeout: 50ms"), { concurrency: 2 });
    const took = performance.now() - t0;
    expect(results.map((r) => r[0]?.message)).toEqual(["127.0.0.1:1: timed out after 50ms", "127.0.0.1:2: timed out after 50ms"]);
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(3000);
  });

  it("turns a probe that throws, synchronously or not, into a failed result with the cause", async () => {
    vi.spyOn(tcpProbe, "run").mockImplementation((spec: TcpSpec) => {
      if (spec.tcp.endsWith(":1")) throw new Error("boom");
      return Promise.reject(new Error("bang"));
    });
    const results = await execute(planFor([1, 2]));
    expect(results.map((r) => r[0]?.message)).toEqual(["127.0.0.1:1: boom", "127.0.0.1:2: bang"]);
  });

  it("turns a probe that returns nonsense into a failed result, never a crash", async () => {
    vi.spyOn(tcpProbe, "run").mockImplementation((spec: TcpSpec) => (spec.tcp.endsWith(":1") ? Promise.resolve(null as never) : ("not a promise" as never)));
    const results = await execute(planFor([1, 2]));
    expect(results.map((r) => r[0]?.result)).toEqual(["fail", "fail"]);
    expect(results[0]?.[0]?.message).toMatch(/^127\.0\.0\.1:1: /);
  });

  it("retries a failed probe after its delay and counts the attempts", async () => {
    let calls = 0;
    stub(() => Promise.resolve({ result: "fail", message: `refused ${++calls}` }));
    const t0 = performance.now();
    const r = (await execute(planFor([1], ", retries: 2, retry_delay: 30ms")))[0]?.[0];
    expect(calls).toBe(3);
    expect(r?.attempts).toBe(3);
    expect(r?.message).toMatch(/^refused 3 \(after 3 attempts, \d+ms\)$/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it("wakes every probe waiting to retry on interrupt, through no listener of its own on the run's signal", async () => {
    // Fifty probes failing at once all wait out retry_delay together; one listener each on the run's
    // signal made Node print a MaxListenersExceededWarning to stderr.
    const warnings: Error[] = [];
    const onWarning = (w: Error): number => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      let calls = 0;
      stub(() => Promise.resolve({ result: "fail", message: `refused ${++calls}` }));
      const run = execute(planFor(Array.from({ length: 50 }, (_, i) => i + 1), ", retries: 3, retry_delay: 20s"), { concurrency: 50, signal: controller.signal });
      await delay(50);
      controller.abort(new Error("SIGINT"));
      const t0 = performance.now();
      const results = await run;
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(calls).toBe(50);
      expect(results.map((r) => r[0]?.attempts)).toEqual(Array(50).fill(1));
      await delay(10);
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("stops retrying once a probe passes", async () => {
    let calls = 0;
    stub(() => Promise.resolve(++calls === 2 ? pass() : { result: "fail", message: "no" }));
    const r = (await execute(planFor([1], ", retries: 5, retry_delay: 1ms")))[0]?.[0];
    expect(r).toMatchObject({ result: "pass", attempts: 2 });
  });

  it("on interrupt cancels running probes, skips queued ones and ends without waiting for their timeouts", async () => {
    const controller = new AbortController();
    const reasons: unknown[] = [];
    stub(async (_port, ctx) => {
      await aborted(ctx.signal);
      reasons.push(ctx.signal.reason);
      return { result: "fail", message: "aborted" };
    });
    setTimeout(() => controller.abort(new Error("SIGINT")), 30);
    const t0 = performance.now();
    const results = await execute(planFor([1, 2, 3, 4, 5]), { concurrency: 2, signal: controller.signal });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(results.map((r) => r[0])).toEqual(Array(5).fill(expect.objectContaining({ result: "skipped", message: "interrupted" })));
    expect(reasons).toEqual([controller.signal.reason, controller.signal.reason]);
  });

  it("gives up on a probe that ignores an interrupt after the grace second, as interrupted", async () => {
    const controller = new AbortController();
    stub(() => new Promise<ProbeOutcome>(() => undefined));
    setTimeout(() => controller.abort(), 20);
    const t0 = performance.now();
    const r = (await execute(planFor([1]), { signal: controller.signal }))[0]?.[0];
    expect(r).toMatchObject({ result: "skipped", message: "interrupted" });
    expect(performance.now() - t0).toBeLessThan(2500);
  });

  it("hands each attempt a signal of its own, never one that has aborted or that an earlier probe still listens to", async () => {
    const seen: AbortSignal[] = [];
    const retired = new Set<AbortSignal>();
    const badHandOuts: number[] = [];
    stub(async (port, ctx) => {
      // (An expect() here would only fail the probe, not the test.)
      if (ctx.signal.aborted || retired.has(ctx.signal)) badHandOuts.push(port);
      seen.push(ctx.signal);
      if (port % 3 === 0) {
        // Times out: its signal aborts and must not come back.
        await aborted(ctx.signal);
        retired.add(ctx.signal);
        return { result: "fail", message: "timed out" };
      }
      if (port % 3 === 1) {
        // Leaves a listener behind: someone still holds the signal.
        ctx.signal.addEventListener("abort", () => undefined);
        retired.add(ctx.signal);
      }
      await delay(1);
      return pass();
    });
    const ports = Array.from({ length: 30 }, (_, i) => i + 1);
    await execute(planFor(ports, ", timeout: 30ms"), { concurrency: 3 });
    expect(seen).toHaveLength(30);
    expect(badHandOuts).toEqual([]);
    expect(new Set(seen).size).toBe(30);
  });

  it("leaves no timer behind, so a finished run lets the process exit", async () => {
    stub(() => Promise.resolve(pass()));
    const before = timers();
    await execute(planFor([1, 2, 3], ", timeout: 60s"), { concurrency: 2 });
    expect(timers()).toBe(before);
  });

  it("masks secrets and keeps messages on one line", async () => {
    stub(() => Promise.resolve({ result: "fail", message: "  token s3cr3t-token\n rejected \u001b[2J " }));
    const r = (await execute(planFor([1]), { masker: createMasker(["s3cr3t-token"]) }))[0]?.[0];
    expect(r?.message).toBe("token *** rejected \\x1b[2J");
  });
});

describe("lanes, re-measurement and flaky passes", () => {
  it("runs command probes in their own lane, at most `commandLane` at once, while other probes go on", async () => {
    let commands = 0;
    let mostCommands = 0;
    let others = 0;
    let mostOthers = 0;
    vi.spyOn(commandProbe, "run").mockImplementation(async () => {
      mostCommands = Math.max(mostCommands, ++commands);
      await delay(20);
      commands--;
      return pass();
    });
    stub(async () => {
      mostOthers = Math.max(mostOthers, ++others);
      await delay(20);
      others--;
      return pass();
    });
    const items = [1, 2, 3, 4, 5, 6].map((n) => `      - { id: c${n}, title: C${n}, probes: [{ command: "true" }] }\n      - { id: t${n}, title: T${n}, probes: [{ tcp: "127.0.0.1:${n}" }] }`).join("\n");
    const c = parseChecklist(`version: 1\nsections:\n  - id: s\n    title: S\n    items:\n${items}\n`, "c.yaml", { env: {} });
    const results = await execute(plan(c), { concurrency: 8, commandLane: 2 });
    expect(results.every((r) => r[0]?.result === "pass")).toBe(true);
    expect(mostCommands).toBe(2);
    expect(mostOthers).toBe(6);
  });

  it("reports a pass after a failed attempt as flaky, with the first failure's message", async () => {
    let calls = 0;
    stub(() => Promise.resolve(++calls === 1 ? { result: "fail", message: "127.0.0.1:1: connection refused" } : pass("open")));
    const r = (await execute(planFor([1], ", retries: 2, retry_delay: 1ms")))[0]?.[0];
    expect(r).toMatchObject({ result: "pass", message: "open", attempts: 2, flaky: true, first_failure: "127.0.0.1:1: connection refused" });
    calls = 1;
    const steady = (await execute(planFor([1], ", retries: 2, retry_delay: 1ms")))[0]?.[0];
    expect(steady?.flaky).toBeUndefined();
  });

  it("measures a latency that failed beside other probes again with nothing else in flight, keeping both figures", async () => {
    let requests = 0;
    // The first requests are slow (as under load); the one made alone answers at once.
    const server = await startHttpServer((_req, res) => {
      requests++;
      setTimeout(() => res.writeHead(200).end("ok"), requests <= 2 ? 150 : 0);
    });
    try {
      const items = [1, 2].map((n) => `      - { id: h${n}, title: H${n}, probes: [{ http: "${server.url}/${n}", max_latency: 100ms }] }`).join("\n");
      const c = parseChecklist(`version: 1\nsections:\n  - id: s\n    title: S\n    items:\n${items}\n`, "c.yaml", { env: {} });
      const results = await execute(plan(c), { concurrency: 2 });
      for (const row of results) {
        const r = row[0];
        expect(r?.result).toBe("pass");
        expect(r?.measurements).toHaveLength(2);
        expect(r?.measurements?.[0]).toBeGreaterThan(100);
        expect(r?.measurements?.[1]).toBeLessThanOrEqual(100);
        expect(r?.remeasured?.message).toMatch(/latency .* exceeds max 100ms/);
        expect(r?.message).toMatch(/re-measured alone: \d+ms beside other probes/);
      }
      expect(requests).toBe(4);
      // Measured alone the first time (concurrency 1): the failure stands, not measured twice.
      requests = 0;
      const alone = await execute(plan(c), { concurrency: 1 });
      expect(alone[0]?.[0]?.result).toBe("fail");
      expect(alone[0]?.[0]?.measurements).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
