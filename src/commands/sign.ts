/**
 * `readiness sign ROLE --by NAME [--force] [--file F]`: record a sign-off (role, who, today) under
 * the checklist's `signoffs`, replacing an earlier one of the same role; layout kept.
 */
import { resolve } from "node:path";
import { openForEdit, saveEdit } from "../governance/checklist-file.js";
import { cleanValue, recordSignoff, resolveRole } from "../governance/record.js";
import { isoDate } from "../util/duration.js";
import { withLock } from "../util/fs.js";
import { createMasker } from "../util/mask.js";
import { clockFor, displayPath, requireChecklist, type GlobalOptions, type Io } from "./io.js";

export interface SignOptions extends GlobalOptions {
  by?: string;
  force?: boolean;
  file?: string;
}

export async function signCommand(roleArg: string, opts: SignOptions, io: Io): Promise<number> {
  const today = isoDate(clockFor(io)());
  const by = cleanValue(opts.by, "--by");
  const given = cleanValue(roleArg, "ROLE");

  const file = resolve(io.cwd, requireChecklist(io.cwd, opts.file));
  // Under the checklist's lock, read afresh: parallel edits of one file each keep their record.
  const { target, role, previous } = await withLock(file, displayPath(io, file), async () => {
    const target = await openForEdit(file, displayPath(io, file), io.env);
    const role = resolveRole(given, target.checklist.gate.signoffs, Boolean(opts.force));
    const index = target.checklist.signoffs.findIndex((s) => s.role === role);
    const previous = index >= 0 ? target.checklist.signoffs[index] : undefined;
    const text = recordSignoff(target.text, { role, by, at: today });
    await saveEdit(target, text, io.env, (c) => {
      const s = c.signoffs.filter((x) => x.role === role);
      return s.some((x) => x.by === by && x.at === today) ? undefined : `the sign-off of "${role}" does not read back`;
    });
    return { target, role, previous };
  });

  const mask = createMasker(target.checklist.secrets);
  const replaced = previous ? ` (replaces ${previous.by}, ${previous.at})` : "";
  const left = target.checklist.gate.signoffs.filter((r) => r !== role && !target.checklist.signoffs.some((s) => s.role === r));
  const rest = left.length ? ` Still missing: ${left.join(", ")}.` : target.checklist.gate.signoffs.length ? " All required sign-offs are recorded." : "";
  io.out(mask.mask(`Signed off ${role} by ${by} on ${today}${replaced}: ${target.shown} updated.${rest}\n`));
  return 0;
}
