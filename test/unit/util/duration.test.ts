import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, isoDate, parseDate } from "../../../src/util/duration.js";

/** The straightforward parse it replaced: the JS date parser, then a round trip through ISO text. */
function referenceParseDate(text: string): Date | undefined {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return undefined;
  const d = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) return undefined;
  return d;
}

describe("parseDate", () => {
  it("parses real dates as midnight UTC", () => {
    expect(parseDate("2026-11-23")?.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(parseDate("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseDate("0000-01-01")?.toISOString()).toBe("0000-01-01T00:00:00.000Z");
    expect(parseDate("0099-12-31") && isoDate(parseDate("0099-12-31")!)).toBe("0099-12-31");
    expect(parseDate("9999-12-31")?.toISOString()).toBe("9999-12-31T00:00:00.000Z");
  });

  it("refuses what is not a real date", () => {
    for (const bad of ["2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "2026-1-01", "26-01-01", "2026-01-01T00:00:00Z", " 2026-01-01", ""]) {
      expect(parseDate(bad)).toBeUndefined();
    }
  });

  it("agrees with the parse-and-round-trip reference on every month and day, leap years and years under 100 included", () => {
    const two = (n: number): string => String(n).padStart(2, "0");
    for (const year of ["0000", "0001", "0004", "0099", "0100", "1900", "1970", "2000", "2024", "2025", "2100", "9999"]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const text = `${year}-${two(m)}-${two(d)}`;
          expect(parseDate(text)?.getTime(), text).toBe(referenceParseDate(text)?.getTime());
        }
      }
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        expect(parseDate(s)?.getTime()).toBe(referenceParseDate(s)?.getTime());
      }),
    );
  });
});

describe("formatDuration", () => {
  it("picks the unit after rounding, up to days", () => {
    const cases: [number, string][] = [
      [0, "0ms"],
      [850, "850ms"],
      [999.4, "999ms"],
      [999.6, "1.0s"],
      [1200, "1.2s"],
      [59_940, "59.9s"],
      [59_999, "1m"],
      [185_000, "3m 5s"],
      [3_599_400, "59m 59s"],
      [3_599_999, "1h"],
      [9_000_000, "2h 30m"],
      [86_399_999, "1d"],
      [273_600_000, "3d 4h"],
      [24 * 86_400_000, "24d"],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms), String(ms)).toBe(text);
  });
});
