/**
 * `readiness attest ID... | --section ID | --all-claimed  --by NAME [--evidence REF] [--note TEXT]
 * [--expires-after 90d] [--file F]`: record a manual attestation (status done, who, today) for one
 * or several items in the checklist, layout kept, in one locked write. `--all-claimed` attests the
 * items whose YAML already claims `status: done` without saying who (what `readiness import` writes).
 */
import { resolve } from "node:path";
import { openForEdit, saveEdit } from "../governance/checklist-file.js";
import { checkExpiresAfter, cleanValue, findItem, itemPaths, recordTarget, recordAttestation, type Attestation } from "../governance/record.js";
import type { Checklist, Item } from "../types.js";
import { ReadinessError } from "../errors.js";
import { isoDate } from "../util/duration.js";
import { withLock } from "../util/fs.js";
import { createMasker } from "../util/mask.js";
import { clockFor, displayPath, requireChecklist, type GlobalOptions, type Io } from "./io.js";

export interface AttestOptions extends GlobalOptions {
  by?: string;
  evidence?: string;
  note?: string;
  expiresAfter?: string;
  file?: string;
  section?: string;
  allClaimed?: boolean;
}

/** The items named on the command line, by id, by section, or by an unattested `done` claim; in checklist order, each once. */
function selectItems(checklist: Checklist, ids: string[], opts: AttestOptions): Item[] {
  const forms = [ids.length > 0, opts.section !== undefined, opts.allClaimed === true].filter(Boolean).length;
  if (forms !== 1) throw new ReadinessError("attest: name the items: one or more ids, or --section ID, or --all-claimed (one of the three)", { code: "EUSAGE" });
  const all = itemPaths(checklist).map((e) => e.item);
  if (opts.section !== undefined) {
    const section = opts.section;
    const picked = all.filter((i) => i.sectionPath.includes(section));
    if (picked.length === 0) throw new ReadinessError(`--section ${section}: no section with that id holds items (readiness list shows the ids)`, { code: "EUNKNOWN" });
    return picked;
  }
  if (opts.allClaimed) {
    const picked = all.filter((i) => i.status === "done" && i.attested_by === undefined);
    if (picked.length === 0) throw new ReadinessError("--all-claimed: no item claims status done without attested_by: nothing to attest", { code: "EUNKNOWN" });
    return picked;
  }
  const seen = new Set<string>();
  return ids.filter((id) => !seen.has(id) && seen.add(id)).map((id) => findItem(checklist, id).item);
}

export async function attestCommand(idArgs: string | string[], opts: AttestOptions, io: Io): Promise<number> {
  const ids = Array.isArray(idArgs) ? idArgs : [idArgs];
  const today = isoDate(clockFor(io)());
  const a: Attestation = { by: cleanValue(opts.by, "--by"), at: today };
  if (opts.evidence !== undefined) a.evidence = cleanValue(opts.evidence, "--evidence");
  if (opts.note !== undefined) a.note = cleanValue(opts.note, "--note");
  if (opts.expiresAfter !== undefined) a.expires_after = checkExpiresAfter(opts.expiresAfter, "--expires-after");

  const file = resolve(io.cwd, requireChecklist(io.cwd, opts.file));
  // Under the checklist's lock, read afresh: parallel attests of one file each keep their records.
  const { target, items } = await withLock(file, displayPath(io, file), async () => {
    const target = await openForEdit(file, displayPath(io, file), io.env);
    const items = selectItems(target.checklist, ids, opts);
    // Each record is placed by line and column: write from the bottom up so earlier places stay put.
    const places = items.map((item) => ({ item, at: recordTarget(item, target.shown) })).sort((x, y) => y.at.line - x.at.line || y.at.column - x.at.column);
    let text = target.text;
    for (const p of places) text = recordAttestation(text, p.at, a);
    await saveEdit(target, text, io.env, (c) => {
      for (const { id } of items) {
        const after = findItem(c, id).item;
        if (after.status !== "done" || after.attested_by !== a.by || after.attested_at !== a.at) return `item "${id}" does not read back as attested`;
        if (a.evidence !== undefined && after.evidence !== a.evidence) return `evidence of "${id}" does not read back`;
        if (a.note !== undefined && after.note !== a.note) return `note of "${id}" does not read back`;
      }
      return undefined;
    });
    return { target, items };
  });

  const mask = createMasker(target.checklist.secrets);
  const first = items[0];
  if (items.length === 1 && first) {
    const expires = a.expires_after ? `, valid for ${a.expires_after}` : first.expiresAfterMs !== undefined ? ", existing expires_after kept" : ", no expiry (add --expires-after 90d to make it expire)";
    const probes = first.probes.length ? ` Note: the item has probes; they decide its result, and a failing probe makes this a contradicted claim.` : "";
    io.out(mask.mask(`Attested ${first.id} (${first.title}) as done by ${a.by} on ${today}${expires}: ${target.shown} updated.${probes}\n`));
    return 0;
  }
  const withProbes = items.filter((i) => i.probes.length > 0).length;
  io.out(mask.mask(`Attested ${items.length} items as done by ${a.by} on ${today}${a.expires_after ? `, valid for ${a.expires_after}` : ""}: ${target.shown} updated.\n`));
  for (const i of items) io.out(mask.mask(`  ${i.id}  ${i.title}\n`));
  if (withProbes > 0) io.out(`Note: ${withProbes} of them have probes; the probes decide their results.\n`);
  return 0;
}
