/**
 * Files written atomically (`writeFileAtomic`): the bytes must be exactly those of the whole text,
 * whatever falls on a part boundary, and no temporary file is left behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeDirectories, writeFileAtomic } from "../../../src/util/fs.js";

const dir = mkdtempSync(join(tmpdir(), "readiness-fs-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLICE = 32 * 1024;
// An astral character (two UTF-16 units) across each slice boundary, two-byte and ASCII text around it.
const text = ["a".repeat(SLICE - 1), "😀", "é—".repeat(SLICE), "🚀", "x".repeat(SLICE + 3), "\n"].join("");

describe("writeFileAtomic", () => {
  it("writes text and bytes exactly, creating directories, leaving no temporary file", () => {
    const file = join(dir, "deep", "er", "report.txt");
    writeFileAtomic(file, text);
    expect(readFileSync(file).equals(Buffer.from(text))).toBe(true);
    const bytes = Buffer.from([0, 1, 2, 255]);
    writeFileAtomic(file, bytes);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(join(dir, "deep", "er"))).toEqual(["report.txt"]);
  });

  it("writes text in parts as their concatenation, a part boundary splitting nothing", () => {
    const file = join(dir, "parts.txt");
    const parts = [text.slice(0, SLICE - 1), text.slice(SLICE - 1, SLICE + 7), "", text.slice(SLICE + 7)];
    writeFileAtomic(file, parts);
    expect(readFileSync(file).equals(Buffer.from(text))).toBe(true);
  });

  it("replaces a file and leaves a link at the target's place alone", () => {
    const sub = join(dir, "replace");
    mkdirSync(sub);
    const file = join(sub, "r.json");
    writeFileSync(file, "old");
    const outside = join(dir, "outside.txt");
    writeFileSync(outside, "untouched");
    writeFileAtomic(file, ["new", "\n"]);
    expect(readFileSync(file, "utf8")).toBe("new\n");
    // The target itself a symbolic link: replaced by the file, the file it pointed to unchanged.
    rmSync(file);
    symlinkSync(outside, file);
    writeFileAtomic(file, "newer");
    expect(readFileSync(file, "utf8")).toBe("newer");
    expect(readFileSync(outside, "utf8")).toBe("untouched");
    expect(readdirSync(sub)).toEqual(["r.json"]);
  });
});

describe("makeDirectories", () => {
  it("makes missing parents, says ENOTDIR under a file, and ends where a directory cannot be made (Node's recursive mkdir spins forever there)", () => {
    makeDirectories(join(dir, "a", "b", "c"));
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["c"]);
    makeDirectories(join(dir, "a", "b", "c"));
    writeFileSync(join(dir, "file"), "");
    expect(() => makeDirectories(join(dir, "file", "x"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
    expect(() => makeDirectories(join(dir, "file", "x", "y"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
  });
});

