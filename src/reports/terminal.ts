import type { Reporter } from "./types.js";

/** Stub: replaced by the real terminal reporter. */
export const renderTerminal: Reporter = (report) => JSON.stringify({ format: "terminal", verdict: report.verdict });
