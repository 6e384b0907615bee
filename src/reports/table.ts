/**
 * The terminal report's section tables and `merge`'s fleet table: what `new Table({ head, colWidths, style: { head: [],
 * border: [], padding 1 }, wordWrap: false })` from cli-table3 draws, character for character, at a
 * fraction of its cost. cli-table3 0.6.5 takes ~0.3 ms a row: drawing each line of each cell it
 * truncates the cell's whole text for a debug message it drops, and it measures a string again
 * (stripping ANSI codes, building its emoji regex anew) for every character it cuts
 * (cli-table/cli-table3#362). Here a line is measured once: printable ASCII by its length, anything
 * else by cli-table3's own `strlen`, remembered; lines wider than their column, and cells with ANSI
 * codes, go through cli-table3's own `truncate`, `pad` and `colorizeLines`. The differential test
 * compares the terminal report with a frozen copy that uses cli-table3 itself.
 */
import tableUtils from "cli-table3/src/utils.js";

/** Printable ASCII only: as wide as it is long, for string-width as for any terminal. */
const NOT_PLAIN = /[^\x20-\x7e]/;
/** The SGR codes cli-table3's strlen strips before measuring. */
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;

/** Widths of the lines that are not plain ASCII, as cli-table3 measures them (few distinct ones: labels). */
const measured = new Map<string, number>();

function widthOf(line: string): number {
  if (!NOT_PLAIN.test(line)) return line.length;
  const stripped = line.includes("\u001b") ? line.replace(SGR, "") : line;
  if (!NOT_PLAIN.test(stripped)) return stripped.length;
  let w = measured.get(line);
  if (w === undefined) {
    w = tableUtils.strlen(line);
    if (measured.size < 10_000) measured.set(line, w);
  }
  return w;
}

/** One line of a cell: cut to `len` columns (with `…`) and padded to them, as cli-table3's drawLine does. */
function fit(line: string, len: number): string {
  const w = widthOf(line);
  if (w <= len) return w === len ? line : line + " ".repeat(len - w);
  return tableUtils.pad(tableUtils.truncate(line, len, "…"), len, " ", "left");
}

/**
 * The table: a header row and rows of cells (text with `\n` between lines), in columns of the given
 * widths (each including one space of padding on either side), in cli-table3's default characters.
 */
export function drawTable(head: string[], rows: string[][], widths: number[]): string {
  const rule = (left: string, mid: string, right: string): string => left + widths.map((w) => "─".repeat(w)).join(mid) + right;
  const top = rule("┌", "┬", "┐");
  const between = rule("├", "┼", "┤");
  const out: string[] = [];
  const draw = (cells: string[], first: boolean): void => {
    out.push(first ? top : between);
    // cli-table3: a cell's text split into lines, ANSI state carried across them (colorizeLines).
    const lines = cells.map((cell) => {
      const split = cell.split("\n");
      return cell.includes("\u001b") ? tableUtils.colorizeLines(split) : split;
    });
    let height = 1;
    for (const l of lines) if (l.length > height) height = l.length;
    for (let n = 0; n < height; n++) {
      let text = "│";
      for (let x = 0; x < widths.length; x++) {
        const w = widths[x] as number;
        const line = lines[x]?.[n];
        text += line === undefined ? " ".repeat(w) : ` ${fit(line, w - 2)} `;
        text += "│";
      }
      out.push(text);
    }
  };
  draw(head, true);
  for (const row of rows) draw(row, false);
  out.push(rule("└", "┴", "┘"));
  return out.join("\n");
}
