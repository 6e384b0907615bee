/**
 * `readiness attest ID --by NAME [--evidence REF] [--note TEXT] [--expires-after 90d] [--file F]`:
 * record a manual attestation (status done, who, today) in the checklist, layout kept.
 */
import { resolve } from "node:path";
import { openForEdit, saveEdit } from "../governance/checklist-file.js";
import { cleanValue, findItem, recordTarget, recordAttestation, type Attestation } from "../governance/record.js";
import { MAX_EXPIRES_AFTER_DAYS } from "../checklist/resolve.js";
import { ReadinessError } from "../errors.js";
import { isoDate, parseDuration } from "../util/duration.js";
import { withLock } from "../util/fs.js";
import { createMasker } from "../util/mask.js";
import { clockFor, displayPath, requireChecklist, type GlobalOptions, type Io } from "./io.js";

export interface AttestOptions extends GlobalOptions {
  by?: string;
  evidence?: string;
  note?: string;
  expiresAfter?: string;
  file?: string;
}

export async function attestCommand(id: string, opts: AttestOptions, io: Io): Promise<number> {
  const today = isoDate(clockFor(io)());
  const a: Attestation = { by: cleanValue(opts.by, "--by"), at: today };
  if (opts.evidence !== undefined) a.evidence = cleanValue(opts.evidence, "--evidence");
  if (opts.note !== undefined) a.note = cleanValue(opts.note, "--note");
  if (opts.expiresAfter !== undefined) {
    const ms = parseDuration(opts.expiresAfter);
    if (ms === undefined || ms <= 0 || !/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(opts.expiresAfter)) {
      throw new ReadinessError(`--expires-after ${opts.expiresAfter}: expected a duration like 90d, 12h or 30d`, { code: "EUSAGE" });
    }
    if (ms > MAX_EXPIRES_AFTER_DAYS * 86_400_000) throw new ReadinessError(`--expires-after ${opts.expiresAfter}: at most ${MAX_EXPIRES_AFTER_DAYS}d (100 years)`, { code: "EUSAGE" });
    a.expires_after = opts.expiresAfter;
  }

  const file = resolve(io.cwd, requireChecklist(io.cwd, opts.file));
  // Under the checklist's lock, read afresh: parallel attests of one file each keep their record.
  const { target, item } = await withLock(file, displayPath(io, file), async () => {
    const target = await openForEdit(file, displayPath(io, file), io.env);
    const { item } = findItem(target.checklist, id);
    const path = recordTarget(item, target.shown);
    const text = recordAttestation(target.text, path, a);
    await saveEdit(target, text, io.env, (c) => {
      const after = findItem(c, id).item;
      if (after.status !== "done" || after.attested_by !== a.by || after.attested_at !== a.at) return `item "${id}" does not read back as attested`;
      if (a.evidence !== undefined && after.evidence !== a.evidence) return `evidence of "${id}" does not read back`;
      if (a.note !== undefined && after.note !== a.note) return `note of "${id}" does not read back`;
      return undefined;
    });
    return { target, item };
  });

  const mask = createMasker(target.checklist.secrets);
  const expires = a.expires_after ? `, valid for ${a.expires_after}` : item.expiresAfterMs !== undefined ? ", existing expires_after kept" : ", no expiry (add --expires-after 90d to make it expire)";
  const probes = item.probes.length ? ` Note: the item has probes; they decide its result, and a failing probe makes this a contradicted claim.` : "";
  io.out(mask.mask(`Attested ${item.id} (${item.title}) as done by ${a.by} on ${today}${expires}: ${target.shown} updated.${probes}\n`));
  return 0;
}
