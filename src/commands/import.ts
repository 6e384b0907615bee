/**
 * `readiness import FILE.md [-o OUT.yaml] [--with-probes] [--json]`: Markdown checklist → checklist YAML.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { checkChecklistText } from "../checklist/load.js";
import { formatIssue, ReadinessError } from "../errors.js";
import { formatImportSummary, importMarkdown, MAX_IMPORT_BYTES } from "../import/index.js";
import { writeFileAtomic } from "../util/fs.js";
import { displayPath, type GlobalOptions, type Io } from "./io.js";

export interface ImportCommandOptions extends GlobalOptions {
  output?: string;
  withProbes?: boolean;
  json?: boolean;
  force?: boolean;
}

export async function importCommand(file: string, opts: ImportCommandOptions, io: Io): Promise<number> {
  const path = resolve(io.cwd, file);
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ReadinessError(`${file}: is a directory, expected a Markdown file`, { code: "ENOTFILE" });
    size = st.size;
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReadinessError(`${file}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? (e as Error).message})`}`, { code: "EREAD" });
  }
  if (size > MAX_IMPORT_BYTES) throw new ReadinessError(`${file}: file is too large (${(size / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_IMPORT_BYTES / 1024 / 1024} MiB)`, { code: "ETOOLARGE" });
  const bytes = await readFile(path);
  const result = importMarkdown(bytes, { file, withProbes: Boolean(opts.withProbes) });

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
    await writeFileAtomic(target, result.yaml);
  } else io.out(result.yaml);

  for (const w of result.warnings) if (!opts.quiet) io.err(`warning: ${w}\n`);
  if (opts.json) io.err(`${JSON.stringify(result.summary, null, 2)}\n`);
  else if (!opts.quiet) io.err(`${formatImportSummary(result.summary)}${opts.output ? `\nWrote ${outName}. Next: readiness validate ${outName} && readiness audit ${outName}\n` : ""}`);
  return 0;
}
