/**
 * `readiness diff OLD.json NEW.json` and `readiness merge REPORT.json...`: commands over JSON reports.
 */
import { resolve } from "node:path";
import { ReadinessError } from "../errors.js";
import { DIFF_FORMATS, diffSeries, FLEET_FORMATS, mergeReports, parseReport, renderDiff, renderFleet, type DiffFormat, type FleetFormat } from "../compare/index.js";
import type { Report } from "../types.js";
import { readInputFile, writeFileAtomic } from "../util/fs.js";

/** JSON reports larger than this are refused (a 50,000-item report is about 30 MiB). */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;
import { chalkFor, colorLevel, terminalWidth, type GlobalOptions, type Io } from "./io.js";

/** Reads and validates a JSON report; a missing or malformed file is exit 2 with one line. */
export async function readReport(io: Io, file: string): Promise<Report> {
  const bytes = await readInputFile(resolve(io.cwd, file), file, "JSON report", MAX_REPORT_BYTES);
  return parseReport(bytes.toString("utf8"), file);
}

export interface ReportCommandOptions extends GlobalOptions {
  format?: string;
  output?: string;
}

/** `readiness diff OLD.json NEW.json [NEWER.json...]`: the diff of the last two, the picture of all. */
export async function diffCommand(files: string[], opts: ReportCommandOptions, io: Io): Promise<number> {
  const format = (opts.format ?? "terminal") as DiffFormat;
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) throw new ReadinessError(`--format ${format}: diff formats are ${DIFF_FORMATS.join(", ")}`, { code: "EUSAGE" });
  if (files.length < 2) throw new ReadinessError("diff: give two or more JSON reports, oldest first", { code: "EUSAGE" });
  const reports = await Promise.all(files.map((f) => readReport(io, f)));
  const d = diffSeries(reports.map((report, i) => ({ report, label: files[i] as string })));
  const text = renderDiff(d, format, { chalk: chalkFor(format === "terminal" ? colorLevel(io, opts, io.stdoutIsTTY) : 0), verbose: Boolean(opts.verbose), width: terminalWidth(io) });
  emit(text, opts, io);
  return d.regressed ? 1 : 0;
}

export async function mergeCommand(files: string[], opts: ReportCommandOptions, io: Io): Promise<number> {
  const format = (opts.format ?? "terminal") as FleetFormat;
  if (!(FLEET_FORMATS as readonly string[]).includes(format)) throw new ReadinessError(`--format ${format}: merge formats are ${FLEET_FORMATS.join(", ")}`, { code: "EUSAGE" });
  if (files.length === 0) throw new ReadinessError("merge: give at least one JSON report", { code: "EUSAGE" });
  const reports = await Promise.all(files.map((f) => readReport(io, f)));
  const fleet = mergeReports(reports);
  const text = renderFleet(fleet, format, { chalk: chalkFor(format === "terminal" ? colorLevel(io, opts, io.stdoutIsTTY) : 0), verbose: Boolean(opts.verbose), width: terminalWidth(io) });
  emit(text, opts, io);
  return fleet.verdict === "NO-GO" ? 1 : 0;
}

function emit(text: string, opts: ReportCommandOptions, io: Io): void {
  const out = text.endsWith("\n") ? text : `${text}\n`;
  if (opts.output) writeFileAtomic(resolve(io.cwd, opts.output), out);
  else io.out(out);
}
