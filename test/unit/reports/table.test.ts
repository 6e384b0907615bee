import Table from "cli-table3";
import { Chalk } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawTable } from "../../../src/reports/table.js";

/** What cli-table3 draws with the terminal report's options: the reference drawTable must equal. */
function cliTable3(head: string[], rows: string[][], widths: number[]): string {
  const table = new Table({ head, colWidths: widths, style: { head: [], border: [], "padding-left": 1, "padding-right": 1 }, wordWrap: false });
  for (const row of rows) table.push(row);
  return table.toString();
}

const chalk = new Chalk({ level: 3 });
const pieces = ["a", "Z", " ", "-", "~", "—", "…", "✔", "✘", "◐", "⚠", "é", "\u0301", "日本", "한", "😀", "👍🏽", "🏳️‍🌈", "#️⃣", "\u200b", "ｆ", "\ufe0f", "x".repeat(25)];
const plain = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(""));
const styled = fc.tuple(plain, fc.constantFrom("none", "bold", "dim", "red", "green.bold")).map(([t, s]) =>
  s === "none" ? t : s === "green.bold" ? chalk.green.bold(t) : chalk[s](t),
);
// chalk closes and reopens its styles at each line break; a raw code left open spans lines, which
// cli-table3 carries from line to line (colorizeLines).
const spanning = fc.tuple(fc.array(plain, { minLength: 2, maxLength: 3 }), fc.constantFrom(["\u001b[1m", "\u001b[22m"], ["\u001b[31m", "\u001b[39m"], ["\u001b[4m", ""])).map(([lines, [on, off]]) => `${on}${lines.join("\n")}${off}`);
const cell = fc.oneof(fc.array(styled, { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n")), spanning);

describe("drawTable", () => {
  it("draws what cli-table3 draws, for wide, combining, emoji and coloured text, cut or padded", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 3, max: 24 }), { minLength: 1, maxLength: 4 }), fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 5 }), (widths, rows) => {
        const head = widths.map((_, i) => chalk.bold(`H${i}`));
        const cut = rows.map((r) => r.slice(0, widths.length));
        expect(drawTable(head, cut, widths)).toBe(cliTable3(head, cut, widths));
      }),
      { numRuns: 400 },
    );
  });

  it("draws the terminal report's labels and an empty cell as cli-table3 does", () => {
    const head = ["Item", "Severity", "Result", "Cause"];
    const rows = [
      ["Health endpoint\nhealth", "critical", "✔ pass", ""],
      ["Runbooks\nrunbooks", chalk.dim("low"), chalk.yellow("◐ partial"), "claimed partial (not verified)"],
      ["x".repeat(40), "high", "✘ FAIL", "GET http://127.0.0.1:9/: connection refused after 3 attempts"],
    ];
    expect(drawTable(head, rows, [30, 10, 12, 43])).toBe(cliTable3(head, rows, [30, 10, 12, 43]));
    expect(drawTable(head, [], [30, 10, 12, 43])).toBe(cliTable3(head, [], [30, 10, 12, 43]));
  });
});
