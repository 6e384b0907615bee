/**
 * Reports as parts (`reportParts`, what the CLI writes to files): the parts of every format join to
 * exactly the text its reporter gives, and what the CLI writes is that text.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReports } from "../../../src/commands/audit.js";
import { makeIo } from "../../helpers/context.js";
// From the package entry: reportParts is part of the library API.
import { REPORT_FORMATS, reportParts, reporters } from "../../../src/index.js";
import { largeReport } from "../../helpers/sample-report.js";
import { summarize } from "../../../src/render/summary.js";
import { PLAIN, SAMPLES } from "./samples.js";

describe("reportParts", () => {
  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`joins to each reporter's text: ${name}`, () => {
      const report = make();
      for (const format of REPORT_FORMATS) {
        for (const options of [PLAIN, { ...PLAIN, verbose: true }]) {
          expect(reportParts[format](report, options).join(""), `${format}${options.verbose ? " verbose" : ""}`).toBe(reporters[format](report, options));
        }
      }
    });
  }

  it("reads the summary it is given (the CLI makes one per report, not one per format)", () => {
    const report = largeReport(300);
    const own = summarize(report);
    const other = summarize(largeReport(30));
    for (const format of ["terminal", "markdown", "html"] as const) {
      const plain = reporters[format](report, PLAIN);
      expect(reporters[format](report, { ...PLAIN, summary: own }), format).toBe(plain);
      expect(reporters[format](report, { ...PLAIN, summary: other }), format).not.toBe(plain);
    }
  });
});

describe("the report on stdout", () => {
  it("is the reporter's whole text", () => {
    const report = largeReport(2000);
    for (const format of ["html", "junit", "json", "terminal"] as const) {
      const writes: string[] = [];
      writeReports(report, format, [], {}, makeIo({ out: (t) => writes.push(t) }));
      const text = writes.join("");
      // Not a terminal and no COLUMNS: laid out for 80 columns.
      expect(text, format).toBe(reporters[format](report, { ...PLAIN, width: 80 }));
    }
  });

  it("says a file cannot be written only for a system error; a failure while rendering is not the file's, and leaves no file", () => {
    const dir = mkdtempSync(join(tmpdir(), "readiness-parts-"));
    try {
      const report = largeReport(40);
      const item = report.sections[1]?.items[0] as object;
      Object.defineProperty(item, "title", { get: () => {
        throw new Error("a reporter bug");
      } });
      for (const format of ["json", "junit", "html"] as const) {
        const path = join(dir, `r.${format}`);
        expect(() => writeReports(report, "terminal", [{ format, path }], {}, makeIo({ cwd: dir })), format).toThrow(/^a reporter bug$/);
      }
      expect(readdirSync(dir)).toEqual([]);
      // A system error is still the file's: one line naming the file and the code.
      writeFileSync(join(dir, "blocker"), "");
      expect(() => writeReports(largeReport(3), "terminal", [{ format: "json", path: "blocker/r.json" }], {}, makeIo({ cwd: dir, out: () => undefined }))).toThrow(
        "--output json=blocker/r.json: cannot write (ENOTDIR)",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
