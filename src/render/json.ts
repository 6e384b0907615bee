import type { Reporter } from "./types.js";

/**
 * The JSON report: the `Report` itself, pretty-printed, one trailing newline. It validates against
 * `schemas/report.schema.json` and is the input of `diff`, `merge` and `--baseline`.
 * Strings are kept as they are (JSON escapes control characters itself), so no information is lost.
 */
export const renderJson: Reporter = (report) => `${JSON.stringify(report, null, 2)}\n`;
