/**
 * Text written in UTF-8 slices (`utf8Slices`, behind `writeFileAtomic` and the CLI's stdout): the
 * bytes must be exactly those of the whole text encoded at once, whatever falls on a slice boundary.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { utf8Slices, writeFileAtomic } from "../../../src/util/fs.js";

const dir = mkdtempSync(join(tmpdir(), "readiness-fs-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLICE = 32 * 1024;
// An astral character (two UTF-16 units) across each slice boundary, two-byte and ASCII text around it.
const text = ["a".repeat(SLICE - 1), "😀", "é—".repeat(SLICE), "🚀", "x".repeat(SLICE + 3), "\n"].join("");

describe("utf8Slices", () => {
  it("gives the bytes of the whole text, never splitting a surrogate pair", () => {
    const slices = [...utf8Slices(text)];
    expect(slices.length).toBeGreaterThan(3);
    expect(Buffer.concat(slices).equals(Buffer.from(text))).toBe(true);
    // No slice ends in half a character: each decodes on its own without a replacement character.
    for (const s of slices) expect(s.toString("utf8")).not.toContain("\ufffd");
  });

  it("gives nothing for empty text", () => {
    expect([...utf8Slices("")]).toEqual([]);
  });
});

describe("writeFileAtomic", () => {
  it("writes text and bytes exactly, creating directories, leaving no temporary file", async () => {
    const file = join(dir, "deep", "er", "report.txt");
    await writeFileAtomic(file, text);
    expect(readFileSync(file).equals(Buffer.from(text))).toBe(true);
    const bytes = Buffer.from([0, 1, 2, 255]);
    await writeFileAtomic(file, bytes);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(join(dir, "deep", "er"))).toEqual(["report.txt"]);
  });
});
