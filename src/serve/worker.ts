/**
 * Runs audits in a worker thread (src/serve/audit-worker.ts), one at a time, for `readiness serve`.
 */
import { Worker } from "node:worker_threads";
import type { Checklist, Report } from "../types.js";
import type { WorkerAuditOptions, WorkerRequest } from "./audit-worker.js";

/** An auditor in its own thread: `audit` runs one checklist there; `close` ends the thread. */
export interface WorkerAuditor {
  audit(checklist: Checklist, signal: AbortSignal): Promise<Report>;
  close(): Promise<void>;
}

export function workerAuditor(options: WorkerAuditOptions): WorkerAuditor {
  const worker = new Worker(new URL("./audit-worker.js", import.meta.url));
  worker.unref();
  let pending: { resolve: (r: Report) => void; reject: (e: Error) => void } | undefined;
  const fail = (e: Error): void => {
    pending?.reject(e);
    pending = undefined;
  };
  worker.on("message", (m: { type: "done"; report: Report } | { type: "error"; message: string }) => {
    if (m.type === "done") pending?.resolve(m.report);
    else pending?.reject(new Error(m.message));
    pending = undefined;
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the audit thread exited (code ${code})`)));
  const send = (m: WorkerRequest): void => worker.postMessage(m);
  return {
    audit(checklist, signal) {
      if (pending) return Promise.reject(new Error("an audit is already running"));
      return new Promise<Report>((resolve, reject) => {
        pending = { resolve, reject };
        const abort = (): void => send({ type: "abort" });
        if (signal.aborted) abort();
        else signal.addEventListener("abort", abort, { once: true });
        send({ type: "run", checklist, options });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
