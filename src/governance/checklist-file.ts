/**
 * The checklist file as `attest`, `waive` and `sign` edit it: read it whole (BOM and line endings
 * noted), refuse to edit a checklist with errors, check the edited text still loads, and write it
 * back atomically only when nothing else changed it meanwhile.
 */
import { chmod, readFile, realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { checkChecklistText } from "../checklist/load.js";
import { readChecklistFile } from "../checklist/read.js";
import { formatIssue, ReadinessError } from "../errors.js";
import type { Checklist } from "../types.js";
import { writeFileAtomic } from "../util/fs.js";

const BOM = "\uFEFF";

/** A checklist opened for editing. */
export interface EditableChecklist {
  /** The real path written to (symlinks followed). */
  path: string;
  /** The path as messages show it. */
  shown: string;
  /** Text without a BOM. */
  text: string;
  bytes: Buffer;
  bom: boolean;
  mode: number;
  checklist: Checklist;
}

/**
 * Parses checklist text for editing (extends, matrices and all); returns the checklist or the
 * errors. An unset environment variable is not an error here: recording an attestation must not
 * need the audit's secrets, so those variables are read as a placeholder on a second try.
 */
export function loadForEdit(text: string, shown: string, env: Record<string, string | undefined>): { checklist?: Checklist; errors: string[] } {
  const first = checkChecklistText(text, shown, { env });
  if (first.checklist) return { checklist: first.checklist, errors: [] };
  const errors = first.issues.filter((i) => i.level !== "warning");
  const unset = errors.map((i) => ENV_UNSET.exec(i.message)?.[1]);
  if (unset.length && unset.every((n) => n !== undefined)) {
    const filled = { ...env, ...Object.fromEntries(unset.map((n) => [n, "readiness-unset-env"])) };
    const second = checkChecklistText(text, shown, { env: filled });
    if (second.checklist) return { checklist: second.checklist, errors: [] };
  }
  return { errors: errors.map(formatIssue) };
}

const ENV_UNSET = /^environment variable (\S+) is not set/;

/** Opens a checklist for editing. A checklist with errors is refused: fix it first. */
export async function openForEdit(file: string, shown: string, env: Record<string, string | undefined>): Promise<EditableChecklist> {
  const text = await readChecklistFile(shown);
  let path = resolve(file);
  try {
    path = await realpath(path);
  } catch {
    /* readChecklistFile has already refused a missing file */
  }
  const [bytes, st] = await Promise.all([readFile(path), stat(path)]);
  const { checklist, errors } = loadForEdit(text, shown, env);
  if (!checklist) {
    throw new ReadinessError(`${shown} has ${errors.length} error${errors.length === 1 ? "" : "s"}: fix ${errors.length === 1 ? "it" : "them"} before recording anything (readiness validate ${shown}) — ${errors[0] ?? ""}`, {
      code: "EINVALID",
    });
  }
  return { path, shown, text: text.startsWith(BOM) ? text.slice(1) : text, bytes, bom: bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), mode: st.mode & 0o7777, checklist };
}

/**
 * Writes the edited text back atomically (BOM and file mode kept). Before writing, the edited text
 * must load cleanly and pass `verify`; the file must not have changed since it was opened.
 */
export async function saveEdit(target: EditableChecklist, text: string, env: Record<string, string | undefined>, verify: (checklist: Checklist) => string | undefined): Promise<void> {
  const { checklist, errors } = loadForEdit(text, target.shown, env);
  const problem = checklist ? verify(checklist) : `the edited checklist does not load: ${errors[0] ?? "?"}`;
  if (problem) throw new Error(`refusing to write ${target.shown}: ${problem}`);
  const now = await readFile(target.path);
  if (!now.equals(target.bytes)) throw new ReadinessError(`${target.shown} changed while the record was being made: nothing written; run the command again`, { code: "ECONFLICT" });
  writeFileAtomic(target.path, target.bom ? [BOM, text] : text);
  await chmod(target.path, target.mode).catch(() => undefined);
}
