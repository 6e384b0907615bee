import { readFile, stat } from "node:fs/promises";
import { ReadinessError } from "../errors.js";

/** Checklists larger than this are refused before parsing: no real checklist is near it. */
export const MAX_CHECKLIST_BYTES = 8 * 1024 * 1024;

/**
 * Reads a checklist file as text, refusing what cannot be one: a missing file, a directory,
 * a huge file, binary content, or bytes that are not UTF-8. Each refusal is one clear line.
 */
export async function readChecklistFile(file: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new ReadinessError(`${file}: is a directory, expected a checklist file`, { code: "ENOTFILE" });
    size = st.size;
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ReadinessError(`${file}: no such file`, { code: "ENOENT" });
    if (code === "EACCES") throw new ReadinessError(`${file}: permission denied`, { code: "EACCES" });
    throw new ReadinessError(`${file}: cannot read (${code ?? (e as Error).message})`, { code: "EREAD" });
  }
  if (size > MAX_CHECKLIST_BYTES) {
    throw new ReadinessError(
      `${file}: file is too large (${(size / 1024 / 1024).toFixed(1)} MiB; a checklist may be at most ${MAX_CHECKLIST_BYTES / 1024 / 1024} MiB)`,
      { code: "ETOOLARGE" },
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new ReadinessError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EREAD" });
  }
  return decodeChecklist(bytes, file);
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
