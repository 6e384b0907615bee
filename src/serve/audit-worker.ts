/**
 * The worker thread `readiness serve` audits in. The server's thread answers requests; this one runs
 * the probes. With both on one event loop, 200 clients polling the pages would delay every probe's
 * callbacks and inflate the latencies it measures: what readiness measures must not include its own
 * load. Messages: `{ type: "run", checklist, options }` → `{ type: "done", report }` or
 * `{ type: "error", message }`; `{ type: "abort" }` interrupts the run in progress (its report then
 * comes back marked interrupted).
 */
import { parentPort } from "node:worker_threads";
import { runPlan } from "../audit.js";
import { plan } from "../engine/plan.js";
import type { Checklist } from "../types.js";

/** What a run needs besides the checklist: plain data, as a message carries it. */
export interface WorkerAuditOptions {
  only?: string[];
  skip?: string[];
  noExec?: boolean;
  timeoutMs?: number;
  concurrency?: number;
  strict?: boolean;
  minScore?: number;
  /** A pinned clock (READINESS_NOW), as an ISO date-time; the real time when absent. */
  nowIso?: string;
}

export type WorkerRequest = { type: "run"; checklist: Checklist; options: WorkerAuditOptions } | { type: "abort" };

let controller: AbortController | undefined;

parentPort?.on("message", (m: WorkerRequest) => {
  if (m.type === "abort") {
    controller?.abort();
    return;
  }
  controller = new AbortController();
  const { nowIso, ...o } = m.options;
  const now = nowIso === undefined ? () => new Date() : () => new Date(nowIso);
  runPlan(plan(m.checklist, { only: o.only, skip: o.skip, noExec: o.noExec, timeoutMs: o.timeoutMs, now }), { concurrency: o.concurrency, strict: o.strict, minScore: o.minScore, now, signal: controller.signal }).then(
    (report) => parentPort?.postMessage({ type: "done", report }),
    (e: unknown) => parentPort?.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) }),
  );
});
