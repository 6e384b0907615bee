// Frozen copy of src/reports/json.ts as of commit ad1432c: the reference the faster code is compared with, byte for byte
// (test/unit/reports/differential.test.ts). Keep it as it is; only its import paths were changed.
import type { Reporter } from "../../../../src/reports/types.js";

/**
 * The JSON report: the `Report` itself, pretty-printed, one trailing newline. It validates against
 * `schemas/report.schema.json` and is the input of `diff`, `merge` and `--baseline`.
 * Strings are kept as they are (JSON escapes control characters itself), so no information is lost.
 */
export const renderJson: Reporter = (report) => `${JSON.stringify(report, null, 2)}\n`;
