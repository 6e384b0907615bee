/**
 * Bytes → text for the importer: BOMs, UTF-16, binary and size checks, with one-line errors the
 * user can act on. Mojibake repair happens after this, on the decoded text.
 */
import { ReadinessError } from "../errors.js";

/** The largest input `importMarkdown` accepts, in bytes (20 MiB). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** How the input was read. `string` when the caller passed text, not bytes. */
export type InputEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "string";

/** Decoded input text with `\n` line endings and no BOM. */
export interface DecodedInput {
  text: string;
  encoding: InputEncoding;
}

function fail(message: string, code: string): never {
  throw new ReadinessError(message, { code });
}

/** Line and column (1-based) of byte `offset`, counting lines by LF. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    const b1 = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    for (let k = 1; k < n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/** UTF-16 without a BOM shows as a NUL in every other byte of ASCII text. */
function sniffUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return "utf-16le";
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return "utf-16be";
  return undefined;
}

function decodeUtf16(bytes: Uint8Array, encoding: "utf-16le" | "utf-16be", file: string): string {
  if (bytes.length % 2 !== 0) fail(`${file}: not readable as ${encoding.toUpperCase()} (odd number of bytes); save it as UTF-8 and import again`, "EENCODING");
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return fail(`${file}: not readable as ${encoding.toUpperCase()} (unpaired surrogate); save it as UTF-8 and import again`, "EENCODING");
  }
}

const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/g;

/** Normalises line endings, drops a leading BOM, and refuses text that is plainly not Markdown. */
function finish(text: string, encoding: InputEncoding, file: string): DecodedInput {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  t = t.replace(/\r\n?/g, "\n");
  const nul = t.indexOf("\u0000");
  if (nul >= 0) fail(`${file}: looks like a binary file (NUL character at offset ${nul}), not Markdown`, "EBINARY");
  const sample = t.slice(0, 65536);
  const controls = sample.match(CONTROL)?.length ?? 0;
  if (controls > Math.max(8, sample.length / 100)) fail(`${file}: looks like a binary file (${controls} control characters in its first ${sample.length} characters), not Markdown`, "EBINARY");
  if (t.trim() === "") fail(`${file}: is empty; nothing to import`, "EEMPTY");
  // Lone surrogates (possible only in a caller's string) cannot be written to YAML.
  t = t.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  return { text: t, encoding };
}

/**
 * Decodes the importer's input. Accepts UTF-8 (with or without BOM) and UTF-16 LE/BE (with a BOM,
 * or sniffed from NUL bytes). Throws `ReadinessError` for an empty, oversized, binary or
 * undecodable input, naming the file and, for bad UTF-8, the line and column of the first bad byte.
 */
export function decodeInput(input: Buffer | Uint8Array | string, file: string): DecodedInput {
  if (typeof input === "string") {
    if (input.length > MAX_IMPORT_BYTES) fail(`${file}: too large to import (${input.length} characters; the limit is ${MAX_IMPORT_BYTES / 1024 / 1024} MiB)`, "ETOOLARGE");
    return finish(input, "string", file);
  }
  const bytes = input;
  if (bytes.length > MAX_IMPORT_BYTES) fail(`${file}: too large to import (${(bytes.length / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_IMPORT_BYTES / 1024 / 1024} MiB)`, "ETOOLARGE");
  if (bytes.length === 0) fail(`${file}: is empty; nothing to import`, "EEMPTY");
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    if (bytes[2] === 0 && bytes[3] === 0) fail(`${file}: is UTF-32, which import does not read; save it as UTF-8 and import again`, "EENCODING");
    return finish(decodeUtf16(bytes.subarray(2), "utf-16le", file), "utf-16le", file);
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return finish(decodeUtf16(bytes.subarray(2), "utf-16be", file), "utf-16be", file);
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) fail(`${file}: is UTF-32, which import does not read; save it as UTF-8 and import again`, "EENCODING");
  const utf16 = sniffUtf16(bytes);
  if (utf16) return finish(decodeUtf16(bytes, utf16, file), utf16, file);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) fail(`${file}: looks like a binary file (NUL byte at offset ${nul + (bom ? 3 : 0)}), not Markdown`, "EBINARY");
  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    const { line, column } = position(body, bad);
    const byte = (body[bad] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    fail(`${file}: not valid UTF-8 (byte 0x${byte} at line ${line}, column ${column}); save it as UTF-8 and import again`, "EENCODING");
  }
  return finish(new TextDecoder("utf-8").decode(body), bom ? "utf-8-bom" : "utf-8", file);
}
