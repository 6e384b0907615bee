/**
 * `readiness import FILE.md [-o OUT.yaml] [--with-probes] [--json]`: Markdown checklist → checklist YAML.
 * `readiness import FILE.md --update EXISTING.yaml [--prune]`: merge the Markdown as it is now into
 * the checklist imported from it earlier, keeping everything recorded there (import/update.ts).
 */
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { checkChecklistText } from "../checklist/load.js";
import { MAX_CHECKLIST_BYTES } from "../checklist/read.js";
import { formatIssue, ReadinessError } from "../errors.js";
import { formatImportSummary, importMarkdown, MAX_IMPORT_BYTES } from "../import/index.js";
import { formatUpdateReport, updateChecklist, type UpdateReport } from "../import/update.js";
import { findItem, itemPaths } from "../governance/record.js";
import { openForEdit, saveEdit } from "../governance/checklist-file.js";
import { isoDate } from "../util/duration.js";
import { readInputFile, withLock, writeFileAtomic } from "../util/fs.js";
import { clockFor, displayPath, type GlobalOptions, type Io } from "./io.js";

export interface ImportCommandOptions extends GlobalOptions {
  output?: string;
  withProbes?: boolean;
  json?: boolean;
  force?: boolean;
  /** The checklist imported from this Markdown earlier: merge into it. */
  update?: string;
  /** With `update`: remove items no longer in the Markdown when nothing is recorded on them. */
  prune?: boolean;
}

export async function importCommand(file: string, opts: ImportCommandOptions, io: Io): Promise<number> {
  if (opts.prune && opts.update === undefined) throw new ReadinessError("--prune: only means something with --update EXISTING.yaml", { code: "EUSAGE" });
  if (opts.update !== undefined && (opts.output !== undefined || opts.force)) throw new ReadinessError(`--update ${opts.update}: edits that file in place; it takes no --output or --force`, { code: "EUSAGE" });
  const bytes = await readInputFile(resolve(io.cwd, file), file, "Markdown", MAX_IMPORT_BYTES);
  const result = importMarkdown(bytes, { file, withProbes: Boolean(opts.withProbes) });

  if (Buffer.byteLength(result.yaml) > MAX_CHECKLIST_BYTES) {
    const mib = (Buffer.byteLength(result.yaml) / 1024 / 1024).toFixed(1);
    throw new ReadinessError(`${file}: the imported checklist would be ${mib} MiB, over the ${MAX_CHECKLIST_BYTES / 1024 / 1024} MiB a checklist may be: split the Markdown into several files and import each`, { code: "ETOOLARGE" });
  }
  // The output must always be a valid checklist: check it before writing anything.
  const outName = opts.output ? displayPath(io, opts.output) : "<import>";
  const check = checkChecklistText(result.yaml, outName, { env: {} });
  const errors = check.issues.filter((i) => i.level !== "warning");
  if (errors.length) {
    throw new ReadinessError(`import of ${file} produced an invalid checklist (a bug: please report it): ${errors.map(formatIssue).join("; ")}`, { code: "EINTERNAL" });
  }

  if (opts.update !== undefined) return updateCommand(file, result, opts, io);

  if (opts.output) {
    const target = resolve(io.cwd, opts.output);
    if (existsSync(target) && !opts.force) throw new ReadinessError(`${outName} already exists: not overwriting it (use --force to replace it)`, { code: "EEXIST" });
    writeFileAtomic(target, result.yaml);
  } else io.out(result.yaml);

  for (const w of result.warnings) if (!opts.quiet) io.err(`warning: ${w}\n`);
  if (opts.json) io.err(`${JSON.stringify(result.summary, null, 2)}\n`);
  else if (!opts.quiet) io.err(`${formatImportSummary(result.summary)}\n${opts.output ? `Wrote ${outName}. Next: readiness validate ${outName} && readiness audit ${outName}\n` : ""}`);
  return 0;
}

/** `--update EXISTING.yaml`: the fresh import merged into the existing checklist under its lock, checked before it is written. */
async function updateCommand(source: string, result: ReturnType<typeof importMarkdown>, opts: ImportCommandOptions, io: Io): Promise<number> {
  const file = resolve(io.cwd, opts.update ?? "");
  const shown = displayPath(io, file);
  const today = isoDate(clockFor(io)());
  const report: UpdateReport = await withLock(file, shown, async () => {
    const target = await openForEdit(file, shown, io.env);
    const before = itemPaths(target.checklist).map((e) => e.item.id);
    const { text, report } = updateChecklist(target.text, result.yaml, { source: basename(source), today, prune: Boolean(opts.prune) });
    if (text !== target.text) {
      const pruned = new Set(report.removed.filter((r) => r.pruned).map((r) => r.id));
      // Nothing recorded may be lost: every item that was there is still there, unless pruned.
      await saveEdit(target, text, io.env, (c) => {
        for (const id of [...before.filter((i) => !pruned.has(i)), ...report.added.map((a) => a.id)]) {
          try {
            findItem(c, id);
          } catch {
            return `item "${id}" would be lost`;
          }
        }
        return undefined;
      });
    }
    return report;
  });
  for (const w of result.warnings) if (!opts.quiet) io.err(`warning: ${w}\n`);
  if (opts.json) io.err(`${JSON.stringify({ ...report, summary: result.summary }, null, 2)}\n`);
  else if (!opts.quiet) io.err(`${formatUpdateReport(report, shown, source)}\nNext: readiness validate ${shown} && readiness triage ${shown}\n`);
  return 0;
}
