import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileProbe, formatAge, formatSize, parseSize, type FileSpec } from "../../../src/probes/file.js";
import { makeContext } from "../../helpers/context.js";
import { Ajv } from "ajv";
import { probeSchema } from "../../../src/probes/index.js";

let dir: string;
/** The audit clock the tests inject: file ages are measured against it, not the wall clock. */
const NOW = new Date("2026-11-23T12:00:00Z");
const DAY = 86_400_000;

function touch(rel: string, content: string | Buffer, ageMs = 0): void {
  const abs = join(dir, rel);
  writeFileSync(abs, content);
  const t = new Date(NOW.getTime() - ageMs);
  utimesSync(abs, t, t);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "readiness-file-"));
  mkdirSync(join(dir, "docs"));
  mkdirSync(join(dir, "node_modules", "pkg"), { recursive: true });
  touch("README.md", "# Project\n\n" + "x".repeat(4189));
  touch("LICENSE", "Apache License 2.0\n");
  touch(".env.example", "PORT=8080\n");
  touch("docs/a.md", "# A\nstatus: ok\n", 2 * DAY);
  touch("docs/b.md", "# B\nstatus: ok\n", 3 * DAY);
  touch("app.log", "started\n", 3 * DAY);
  touch("node_modules/pkg/readme.md", "vendored");
  touch("binary.bin", Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x42]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (spec: FileSpec, extra: Parameters<typeof makeContext>[0] = {}) => fileProbe.run(spec, makeContext({ cwd: dir, now: () => NOW, ...extra }));

describe("file probe: existence", () => {
  it("passes for an existing file with its size", async () => {
    expect(await run({ file: "README.md" })).toEqual({ result: "pass", message: "README.md exists (4.2 KB)", observed: { matches: 1 } });
  });

  it("fails for a missing file and for a glob that matches nothing", async () => {
    expect(await run({ file: "SECURITY.md" })).toMatchObject({ result: "fail", message: "SECURITY.md does not exist" });
    expect(await run({ file: "docs/*.rst" })).toMatchObject({ result: "fail", message: "no file matches docs/*.rst" });
  });

  it("matches globs, dotfiles included, node_modules skipped unless named", async () => {
    expect(await run({ file: "docs/*.md" })).toMatchObject({ result: "pass", message: "2 files match docs/*.md (30 B)" });
    expect(await run({ file: ".env*" })).toMatchObject({ result: "pass", message: ".env.example exists (10 B)" });
    expect((await run({ file: "**/*.md" })).observed).toEqual({ matches: 3 });
    expect((await run({ file: "node_modules/**/*.md" })).observed).toEqual({ matches: 1 });
  });

  it("accepts a directory and an absolute path", async () => {
    expect(await run({ file: "docs" })).toMatchObject({ result: "pass", message: "docs exists (directory)" });
    expect((await run({ file: join(dir, "LICENSE") })).result).toBe("pass");
    expect(await run({ file: join(dir, "docs", "*.md") })).toMatchObject({ result: "pass", message: `2 files match ${join(dir, "docs", "*.md")} (30 B)` });
  });

  it("exists: false asserts absence", async () => {
    expect(await run({ file: "secrets.env", exists: false })).toMatchObject({ result: "pass", message: "secrets.env does not exist" });
    expect(await run({ file: "LICENSE", exists: false })).toMatchObject({ result: "fail", message: "LICENSE exists (expected absent)" });
    expect(await run({ file: "docs/*.md", exists: false })).toMatchObject({
      result: "fail",
      message: "2 files match docs/*.md (expected none): docs/a.md, docs/b.md",
    });
    expect(await run({ file: "**/*.pem", exists: false })).toMatchObject({ result: "pass", message: "no file matches **/*.pem" });
  });
});

describe("file probe: content", () => {
  it("checks contains, not_contains and matches", async () => {
    expect((await run({ file: "LICENSE", contains: "Apache", matches: "^Apache License \\d", not_contains: "GPL" })).result).toBe("pass");
    expect(await run({ file: "LICENSE", contains: "MIT" })).toMatchObject({ result: "fail", message: 'LICENSE does not contain "MIT"' });
    expect((await run({ file: "LICENSE", not_contains: "Apache" })).message).toBe('LICENSE contains "Apache"');
  });

  it("checks every file of a glob and names the first failure", async () => {
    expect((await run({ file: "docs/*.md", contains: "status: ok" })).result).toBe("pass");
    expect(await run({ file: "docs/*.md", matches: "^# A$" })).toMatchObject({ result: "fail", message: "docs/b.md does not match /^# A$/" });
    expect((await run({ file: "docs/*.md", contains: "nope" })).message).toBe('docs/a.md does not contain "nope" (and 1 more of 2 files)');
  });

  it("reads only up to maxFileBytes and says so when that mattered", async () => {
    const limits = { maxBodyBytes: 1024, maxOutputBytes: 1024, maxFileBytes: 100 };
    expect((await run({ file: "README.md", contains: "# Project" }, { limits })).result).toBe("pass");
    expect((await run({ file: "README.md", contains: "never" }, { limits })).message).toBe(
      'README.md does not contain "never"; only the first 100 B of README.md were read',
    );
  });

  it("does not crash on binary content", async () => {
    expect((await run({ file: "binary.bin", contains: "AB" })).result).toBe("pass");
  });

  it("reports a directory where content was asked for, and unreadable files", async () => {
    expect((await run({ file: "docs", contains: "x" })).message).toBe("docs is a directory");
    if (process.getuid?.() !== 0) {
      touch("locked.txt", "secret");
      chmodSync(join(dir, "locked.txt"), 0o000);
      expect((await run({ file: "locked.txt", contains: "x" })).message).toBe("locked.txt: permission denied");
    }
  });
});

describe("file probe: size and age", () => {
  it("checks min_size in bytes or with units", async () => {
    expect((await run({ file: "README.md", min_size: "1KB" })).result).toBe("pass");
    expect((await run({ file: "README.md", min_size: 4200 })).result).toBe("pass");
    expect((await run({ file: "README.md", min_size: 4201 })).message).toBe("README.md is 4.2 KB (min 4201)");
    expect(await run({ file: "LICENSE", min_size: "1KiB" })).toMatchObject({ result: "fail", message: "LICENSE is 19 B (min 1KiB)" });
    expect((await run({ file: "README.md", min_size: "1MB" })).message).toBe("README.md is 4.2 KB (min 1MB)");
  });

  it("checks max_age against the injected clock", async () => {
    expect(await run({ file: "app.log", max_age: "1d" })).toMatchObject({ result: "fail", message: "app.log is 3d old (max 1d)" });
    expect((await run({ file: "app.log", max_age: "4d" })).result).toBe("pass");
    // The same file is fresh when the clock is moved back: the probe reads ctx.now, not the wall clock.
    const earlier = new Date(NOW.getTime() - 2.5 * DAY);
    expect((await run({ file: "app.log", max_age: "1d" }, { now: () => earlier })).result).toBe("pass");
    expect((await run({ file: "docs/*.md", max_age: "2.5d" })).message).toBe("docs/b.md is 3d old (max 2.5d)");
  });
});

describe("file probe: helpers, check and target", () => {
  it("parses and formats sizes and ages", () => {
    expect(parseSize(512)).toBe(512);
    expect(parseSize("1KB")).toBe(1000);
    expect(parseSize("2MiB")).toBe(2 * 1024 * 1024);
    expect(parseSize("1.5 kb")).toBe(1500);
    expect(parseSize("12 parsecs")).toBeUndefined();
    expect(formatSize(999)).toBe("999 B");
    expect(formatSize(4200)).toBe("4.2 KB");
    expect(formatAge(3 * DAY)).toBe("3d");
    expect(formatAge(1.95 * DAY)).toBe("1.9d");
    expect(formatAge(5 * 3_600_000)).toBe("5h");
  });

  it("flags assertions that cannot check anything", () => {
    const issues = fileProbe.check!({ file: "x", exists: false, contains: "a", min_size: "lots", matches: "[" });
    expect(issues.map((i) => `${i.path} ${i.message}`)).toEqual([
      expect.stringMatching(/^\/matches invalid regular expression \/\[\//),
      '/min_size invalid size "lots" (expected e.g. 512, 1KB, 2MiB)',
      "/contains contains cannot be checked with exists: false (no file to check it on)",
      "/matches matches cannot be checked with exists: false (no file to check it on)",
      "/min_size min_size cannot be checked with exists: false (no file to check it on)",
    ]);
    expect(fileProbe.check!({ file: "x", contains: [] })[0]?.message).toMatch(/empty list/);
    expect(fileProbe.check!({ file: "README.md", contains: "x", min_size: "1KB", max_age: "1d" })).toEqual([]);
    expect(fileProbe.target({ file: "docs/*.md" })).toBe("docs/*.md");
    expect(() => fileProbe.check!({ file: 1, contains: { a: 1 }, min_size: null } as unknown as FileSpec)).not.toThrow();
  });
});

describe("file probe: schema", () => {
  // Compiled the way the checklist validator compiles it (union types allowed), plus ajv's strict checks.
  const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(probeSchema("file"));
  it.each([{ file: "a", min_size: "1KB", max_age: "1d", contains: ["x"] }, { file: "a", min_size: 5, exists: false }])("accepts %j", (spec) => {
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
  });
  it.each([{ file: "a", min_size: "lots" }, { file: "a", max_age: 3 }, { file: "" }, { file: "a", exist: true }])("rejects %j", (spec) => {
    expect(validate(spec)).toBe(false);
  });
});
