/**
 * Rows of cells laid out in columns, for the terminal: each cell measured by `displayWidth`
 * (string-width: colour codes count none, wide characters and emoji two), cut with `…` to its
 * column and padded to it, two spaces between columns. A cell's lines (`\n`) stack under each other.
 * A cell cut short loses its colour (its codes are dropped before cutting so none is left open).
 */
import { stripVTControlCharacters } from "node:util";
import { displayWidth, truncateWidth } from "../util/width.js";

/** Columns between cells. */
export const GAP = "  ";

/** One line of a cell, cut to `width` columns and padded to them (the last column is not padded). */
export function fitCell(text: string, width: number, pad = true): string {
  let w = displayWidth(text);
  let line = text;
  if (w > width) {
    line = truncateWidth(stripVTControlCharacters(text), width);
    w = displayWidth(line);
  }
  return pad ? line + " ".repeat(Math.max(0, width - w)) : line;
}

/** The rows, each as one or more lines, every line at most the sum of the widths and gaps wide. */
export function layoutColumns(rows: readonly string[][], widths: readonly number[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const cells = widths.map((_, x) => (row[x] ?? "").split("\n"));
    const height = Math.max(1, ...cells.map((l) => l.length));
    for (let n = 0; n < height; n++) {
      const line = widths.map((w, x) => fitCell(cells[x]?.[n] ?? "", w, x < widths.length - 1)).join(GAP);
      out.push(line.trimEnd());
    }
  }
  return out;
}
