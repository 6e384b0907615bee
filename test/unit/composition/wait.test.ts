import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { auditUntilReady, describeRound, type Round } from "../../../src/commands/wait.js";
import { plan } from "../../../src/engine/plan.js";

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((ok) => s.close(() => ok()));
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", () => ok()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

const checklist = (port: number): string => `version: 1
sections:
  - id: s
    title: S
    items:
      - { id: up, title: Up, severity: critical, probes: [{ tcp: "127.0.0.1:${port}", timeout: 1s }] }
      - { id: docs, title: Docs, severity: low, probes: [{ env: HOME }] }
`;

describe("auditUntilReady", () => {
  it("re-runs only the failing probe until the gate passes", async () => {
    const port = await freePort();
    const planned = plan(parseChecklist(checklist(port), "c.yaml", { env: {} }));
    const rounds: Round[] = [];
    const report = await auditUntilReady(
      planned,
      {},
      {
        waitMs: 20_000,
        intervalMs: 50,
        passes: (r) => r.verdict === "GO",
        onRound: (r) => {
          rounds.push(r);
          // The target comes up after the second failed round.
          if (r.round === 2) {
            server = createServer((sock) => sock.end());
            server.listen(port, "127.0.0.1");
          }
        },
      },
    );
    expect(report.verdict).toBe("GO");
    // The partial round that passes is confirmed by a full round of every probe.
    expect(rounds.map((r) => r.outcome)).toEqual(["retry", "retry", "confirm", "ready"]);
    expect(rounds.map((r) => r.full)).toEqual([true, false, false, true]);
    expect(rounds.map((r) => r.failingProbes)).toEqual([1, 1, 0, 0]);
    // the passing probe kept its first result in the partial rounds: it was not re-run there
    const first = rounds[0]!.report.sections[0]!.items[1]!.probes[0]!;
    expect(rounds[2]!.report.sections[0]!.items[1]!.probes[0]!).toEqual(first);
    expect(describeRound(rounds[0]!, 20_000)).toMatch(/^round 1: NO-GO score \d+, 1 failing \(up\) — retrying in/);
    expect(describeRound(rounds[2]!, 20_000)).toMatch(/passes the gate; confirming with a full round of every probe$/);
  });

  it("gives up at the deadline with a final round at it, and does not wait for manual items", async () => {
    const port = await freePort();
    const planned = plan(parseChecklist(checklist(port), "c.yaml", { env: {} }));
    let t = 0;
    const rounds: Round[] = [];
    await auditUntilReady(planned, {}, { waitMs: 1000, intervalMs: 400, passes: () => false, clock: () => (t += 100), onRound: (r) => rounds.push(r) });
    // The clock moves 300ms per round (three readings); the deadline is 1000ms after the start.
    expect(rounds.map((r) => r.outcome)).toEqual(["retry", "retry", "retry", "timeout"]);
    // the last pause is shortened so that a final round runs at the deadline
    expect(rounds.map((r) => r.nextInMs)).toEqual([400, 400, 200, 0]);

    const manual = plan(parseChecklist("version: 1\nsections:\n  - { id: s, title: S, items: [{ id: m, title: M, status: missing }] }\n", "c.yaml", { env: {} }));
    const stuck: Round[] = [];
    const r = await auditUntilReady(manual, {}, { waitMs: 60_000, intervalMs: 1000, passes: (x) => x.verdict === "GO", onRound: (x) => stuck.push(x) });
    expect(r.verdict).toBe("NO-GO");
    expect(stuck.map((x) => x.outcome)).toEqual(["stuck"]);
    expect(describeRound(stuck[0]!, 60_000)).toBe("round 1: NO-GO score 0 — no probe failed, so re-running cannot change the verdict (it rests on manual items or the gate): not waiting");
  });

  it("does not end on a stale pass: a target that went down before the gate was met fails in the confirming round", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = createServer((sock) => sock.end());
    await new Promise<void>((ok) => a.listen(portA, "127.0.0.1", () => ok()));
    const c = `version: 1\ngate:\n  verified: 0\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: a, title: A, severity: critical, probes: [{ tcp: "127.0.0.1:${portA}", timeout: 1s }] }\n      - { id: b, title: B, severity: critical, probes: [{ tcp: "127.0.0.1:${portB}", timeout: 1s }] }\n`;
    const planned = plan(parseChecklist(c, "c.yaml", { env: {} }));
    const rounds: Round[] = [];
    try {
      const report = await auditUntilReady(
        planned,
        {},
        {
          waitMs: 1_500,
          intervalMs: 50,
          passes: (r) => r.verdict === "GO",
          onRound: (r) => {
            rounds.push(r);
            if (r.round === 1) {
              // b comes up, a goes down: round 2 re-runs only b and passes the gate on a's stale pass.
              server = createServer((sock) => sock.end());
              server.listen(portB, "127.0.0.1");
              a.close();
            }
          },
        },
      );
      expect(rounds[1]?.outcome).toBe("confirm");
      expect(rounds[2]?.full).toBe(true);
      expect(rounds.map((r) => r.outcome)).not.toContain("ready");
      expect(report.verdict).toBe("NO-GO");
      expect(report.sections[0]?.items.map((i) => `${i.id}:${i.result}`)).toEqual(["a:fail", "b:pass"]);
    } finally {
      a.close();
    }
  });

  it("--stable N: N passing full rounds in a row, the interval apart", async () => {
    const port = await freePort();
    server = createServer((sock) => sock.end());
    await new Promise<void>((ok) => server!.listen(port, "127.0.0.1", () => ok()));
    const planned = plan(parseChecklist(checklist(port), "c.yaml", { env: {} }));
    const rounds: Round[] = [];
    const report = await auditUntilReady(planned, {}, { waitMs: 20_000, intervalMs: 20, stable: 3, passes: (r) => r.verdict === "GO", onRound: (r) => rounds.push(r) });
    expect(report.verdict).toBe("GO");
    expect(rounds.map((r) => `${r.outcome}:${r.full}:${r.passingRounds}`)).toEqual(["confirm:true:1", "confirm:true:2", "ready:true:3"]);
    expect(describeRound(rounds[0]!, 20_000)).toMatch(/passing full round 1 of 3 in a row; again in 20ms$/);
  });

  it("names the failing items in each round's line, five at most", () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ id: `i${i}`, result: i === 3 ? "pass" : "fail" }));
    const report = { verdict: "NO-GO", score: 10, counts: { fail: 6 }, sections: [{ items, sections: [] }] } as unknown as Round["report"];
    const line = describeRound({ round: 2, report, failingProbes: 6, outcome: "retry", full: false, passingRounds: 0, stable: 1, elapsedMs: 10, nextInMs: 5000 }, 60_000);
    expect(line).toBe("round 2: NO-GO score 10, 6 failing (i0, i1, i2, i4, i5 and 1 more) — retrying in 5.0s");
  });
});
