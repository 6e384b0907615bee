/**
 * `readiness import FILE.md [-o OUT.yaml] [--with-probes] [--json]`: Markdown checklist → checklist YAML.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { checkChecklistText } from "../checklist/load.js";
import { MAX_CHECKLIST_BYTES } from "../checklist/read.js";
import { formatIssue, ReadinessError } from "../errors.js";
import { formatImportSummary, importMarkdown, MAX_IMPORT_BYTES } from "../import/index.js";
import { readInputFile, writeFileAtomic } from "../util/fs.js";
import { displayPath, type GlobalOptions, type Io } from "./io.js";

export interface ImportCommandOptions extends GlobalOptions {
  output?: string;
  withProbes?: boolean;
  json?: boolean;
  force?: boolean;
}

export async function importCommand(file: string, opts: ImportCommandOptions, io: Io): Promise<number> {
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
