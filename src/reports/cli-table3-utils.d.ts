/** cli-table3's own string helpers (no types of their own): what src/reports/table.ts falls back to. */
declare module "cli-table3/src/utils.js" {
  const utils: {
    /** Columns the widest line takes, SGR codes stripped, by string-width. */
    strlen(text: string): number;
    /** Cut to `length` columns, ending with `ellipsis`, ANSI state kept. */
    truncate(text: string, length: number, ellipsis?: string): string;
    /** Padded to `length` columns. */
    pad(text: string, length: number, fill: string, direction: "left" | "right" | "center"): string;
    /** Lines with the ANSI state of one carried into the next. */
    colorizeLines(lines: string[]): string[];
  };
  export default utils;
}
