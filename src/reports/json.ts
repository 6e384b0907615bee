import type { Reporter } from "./types.js";

/** Stub: replaced by the real json reporter. */
export const renderJson: Reporter = (report) => JSON.stringify({ format: "json", verdict: report.verdict });
