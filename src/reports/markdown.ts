import type { Reporter } from "./types.js";

/** Stub: replaced by the real markdown reporter. */
export const renderMarkdown: Reporter = (report) => JSON.stringify({ format: "markdown", verdict: report.verdict });
