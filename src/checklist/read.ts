import { ReadinessError } from "../errors.js";
import { readInputFile } from "../util/fs.js";

/** Checklists larger than this are refused before parsing: no real checklist is near it. */
export const MAX_CHECKLIST_BYTES = 8 * 1024 * 1024;

/**
 * Reads a checklist file as text, refusing what cannot be one: a missing file, a directory,
 * a huge file, binary content, or bytes that are not UTF-8. Each refusal is one clear line.
 */
export async function readChecklistFile(file: string, signal?: AbortSignal): Promise<string> {
  return decodeChecklist(await readInputFile(file, file, "checklist", MAX_CHECKLIST_BYTES, signal), file);
}

/** Decodes checklist bytes: UTF-8 (a BOM is dropped); NUL bytes or invalid UTF-8 are refused. */
export function decodeChecklist(bytes: Uint8Array, file: string): string {
  if (bytes.includes(0)) throw new ReadinessError(`${file}: binary file (contains NUL bytes), expected a YAML checklist`, { code: "EBINARY" });
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return text;
  } catch {
    // Point at the first undecodable byte's line: decode leniently and find the first replacement.
    const lenient = new TextDecoder("utf-8").decode(bytes);
    const at = lenient.indexOf("\uFFFD");
    const line = lenient.slice(0, Math.max(0, at)).split("\n").length;
    throw new ReadinessError(`${file}:${line}: not valid UTF-8 text (save the checklist as UTF-8)`, { code: "EENCODING" });
  }
}
