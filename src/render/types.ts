import type { ChalkInstance } from "chalk";
import type { Report } from "../types.js";
import type { ReportSummary } from "./summary.js";

/** Options every reporter receives. Reporters are pure: no globals, no I/O. */
export interface RenderOptions {
  /** Colours for the terminal reporter; a level-0 instance means no colour. */
  chalk: ChalkInstance;
  /** Show passing items' probe details too. */
  verbose: boolean;
  /** Terminal width, for wrapping tables (default 100). */
  width?: number;
  /**
   * Markdown only: the most characters the report may take (default 65 000, under GitHub's 65 536
   * for a comment). Longer reports drop detail first, then shorten lists, each time with a note.
   */
  maxChars?: number;
  /**
   * `summarize(report)` of this very report, when the caller renders several formats of it (the
   * CLI does): made once instead of once per format. Reporters never change it.
   */
  summary?: ReportSummary;
}

export type Reporter = (report: Report, options: RenderOptions) => string;

/**
 * A report as parts whose concatenation is the report (`reportParts` in reports/index.ts). The CLI
 * writes a large report part by part instead of joining it into one string first.
 */
export type PartsReporter = (report: Report, options: RenderOptions) => readonly string[];

/**
 * The same parts, made one at a time as they are read (a generator): the CLI writes each as it comes
 * and keeps none of them.
 */
export type StreamReporter = (report: Report, options: RenderOptions) => Iterable<string>;
