import type { Reporter } from "./types.js";

/** Stub: replaced by the real badge reporter. */
export const renderBadge: Reporter = (report) => JSON.stringify({ format: "badge", verdict: report.verdict });
