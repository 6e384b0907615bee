/**
 * `readiness waive ID --reason TEXT --until DATE --by NAME [--file F]`: record a waiver in the
 * checklist, layout kept. The end date must be today or later and within gate.max_waiver_days.
 */
import { resolve } from "node:path";
import { openForEdit, saveEdit } from "../governance/checklist-file.js";
import { checkWaiverDates, cleanValue, findItem, recordTarget, recordWaiver, type WaiverInput } from "../governance/record.js";
import { DEFAULT_MAX_WAIVER_DAYS } from "../engine/governance.js";
import { withLock } from "../util/fs.js";
import { createMasker } from "../util/mask.js";
import { clockFor, displayPath, requireChecklist, type GlobalOptions, type Io } from "./io.js";

export interface WaiveOptions extends GlobalOptions {
  reason?: string;
  until?: string;
  by?: string;
  file?: string;
}

export async function waiveCommand(id: string, opts: WaiveOptions, io: Io): Promise<number> {
  const now = clockFor(io)();
  const w: WaiverInput = { reason: cleanValue(opts.reason, "--reason"), until: cleanValue(opts.until, "--until"), by: cleanValue(opts.by, "--by") };

  const file = resolve(io.cwd, requireChecklist(io.cwd, opts.file));
  // Under the checklist's lock, read afresh: parallel edits of one file each keep their record.
  const { target, item } = await withLock(file, displayPath(io, file), async () => {
    const target = await openForEdit(file, displayPath(io, file), io.env);
    const { item } = findItem(target.checklist, id);
    const path = recordTarget(item, target.shown);
    const maxDays = target.checklist.gate.max_waiver_days ?? DEFAULT_MAX_WAIVER_DAYS;
    checkWaiverDates(w.until, now, maxDays);
    const text = recordWaiver(target.text, path, w);
    await saveEdit(target, text, io.env, (c) => {
      const after = findItem(c, id).item.waiver;
      return after?.reason === w.reason && after.until === w.until && after.by === w.by ? undefined : `the waiver of "${id}" does not read back`;
    });
    return { target, item };
  });

  const mask = createMasker(target.checklist.secrets);
  const critical = item.severity === "critical" ? " A waived critical item keeps the verdict at CONDITIONAL at best." : "";
  io.out(mask.mask(`Waived ${item.id} (${item.title}) until ${w.until}, approved by ${w.by}: ${target.shown} updated.${critical}\n`));
  return 0;
}
