import type { Reporter } from "./types.js";

/** Stub: replaced by the real html reporter. */
export const renderHtml: Reporter = (report) => JSON.stringify({ format: "html", verdict: report.verdict });
