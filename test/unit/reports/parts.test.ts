/**
 * Reports as parts (`reportParts`, what the CLI writes): the parts of every format join to exactly
 * the text its reporter gives, and the large formats (terminal, JSON, JUnit, HTML) are really split,
 * so a report is written without first copying it whole into one string.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReports } from "../../../src/commands/audit.js";
import { makeIo } from "../../helpers/context.js";
// From the package entry: reportParts is part of the library API.
import { REPORT_FORMATS, reportParts, reporters } from "../../../src/index.js";
import { reportStream } from "../../../src/reports/index.js";
import { largeReport } from "../../helpers/sample-report.js";
import { summarize } from "../../../src/reports/summary.js";
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

  it("is made as it is read for the large formats, with the same text", () => {
    // The CLI writes each part of reportStream as it comes: a generator, not a finished list.
    for (const [name, make] of Object.entries(SAMPLES)) {
      const report = make();
      for (const format of REPORT_FORMATS) {
        const stream = reportStream[format](report, PLAIN);
        if (format === "junit" || format === "html") expect(Array.isArray(stream), `${name} ${format}`).toBe(false);
        // JSON up to 5,000 items is one JSON.stringify call, made at once (src/reports/json.ts, WHOLE_MAX).
        if (format === "json") expect(stream, `${name} ${format}`).toHaveLength(1);
        expect([...stream].join(""), `${name} ${format}`).toBe(reporters[format](report, PLAIN));
      }
    }
  });

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

  it("splits the large reports of a large run, no part the whole", () => {
    const report = largeReport(2000);
    for (const format of ["terminal", "json", "junit", "html"] as const) {
      const parts = reportParts[format](report, PLAIN);
      const total = parts.reduce((n, p) => n + p.length, 0);
      expect(parts.length, format).toBeGreaterThan(1);
      expect(Math.max(...parts.map((p) => p.length)), format).toBeLessThan(total);
      if (format === "html") expect(Math.max(...parts.map((p) => p.length)), format).toBeLessThan(total / 2);
    }
  });
});

describe("the report on stdout", () => {
  it("is written in few large writes, not a write per part, and whole", () => {
    const report = largeReport(2000);
    for (const format of ["html", "junit", "json", "terminal"] as const) {
      const writes: string[] = [];
      writeReports(report, format, [], {}, makeIo({ out: (t) => writes.push(t) }));
      const text = writes.join("");
      expect(text, format).toBe(reporters[format](report, { ...PLAIN, width: 100 }));
      // One write per 32 Ki characters at most, give or take a run cut short by a large part.
      expect(writes.length, format).toBeLessThanOrEqual(2 * Math.ceil(text.length / (32 * 1024)) + 2);
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
