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
    expect(rounds.map((r) => r.outcome)).toEqual(["retry", "retry", "ready"]);
    expect(rounds.map((r) => r.failingProbes)).toEqual([1, 1, 0]);
    // the passing probe kept its first result: it was not re-run
    const docs = report.sections[0]!.items[1]!.probes[0]!;
    const first = rounds[0]!.report.sections[0]!.items[1]!.probes[0]!;
    expect(docs).toEqual(first);
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
});
