import type { PartsReporter, Reporter } from "./types.js";

/**
 * The JSON report: the `Report` itself, pretty-printed, one trailing newline. It validates against
 * `schemas/report.schema.json` and is the input of `diff`, `merge` and `--baseline`.
 * Strings are kept as they are (JSON escapes control characters itself), so no information is lost.
 */
export const renderJson: Reporter = (report, options) => jsonParts(report, options).join("");

/** The JSON report as parts to write one after the other: appending the newline would copy the whole report. */
export const jsonParts: PartsReporter = (report) => [JSON.stringify(report, null, 2), "\n"];
