/**
 * `readiness validate [FILE]`: every problem at once, nothing run.
 */
import { checkChecklistFile } from "../checklist/load.js";
import { formatIssue, ReadinessError } from "../errors.js";
import { flattenItems } from "../engine/plan.js";
import { createMasker } from "../util/mask.js";
import { displayPath, parseVars, requireChecklist, type GlobalOptions, type Io } from "./io.js";

export interface ValidateOptions extends GlobalOptions {
  var?: string[];
  json?: boolean;
}

export async function validateCommand(file: string | undefined, opts: ValidateOptions, io: Io): Promise<number> {
  const path = displayPath(io, requireChecklist(io.cwd, file));
  const { checklist, issues } = await checkChecklistFile(path, { env: io.env, vars: parseVars(opts.var) });
  const mask = createMasker(checklist?.secrets ?? []);
  const errors = issues.filter((i) => i.level !== "warning");
  if (opts.json) {
    io.out(`${JSON.stringify({ valid: errors.length === 0, file: path, issues: issues.map((i) => ({ ...i, message: mask.mask(i.message) })) }, null, 2)}\n`);
    return errors.length ? 2 : 0;
  }
  for (const i of issues) io.err(`${mask.mask(formatIssue(i))}\n`);
  if (errors.length) {
    io.err(`${path}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
    return 2;
  }
  if (!checklist) throw new ReadinessError(`${path}: could not be resolved`);
  const items = flattenItems(checklist.sections);
  const probes = items.reduce((n, i) => n + i.probes.length, 0);
  if (!opts.quiet) io.out(`${path}: valid — ${items.length} item${items.length === 1 ? "" : "s"}, ${probes} probe${probes === 1 ? "" : "s"}\n`);
  return 0;
}
