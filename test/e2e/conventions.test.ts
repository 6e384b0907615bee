/**
 * Command-line conventions: bare `readiness` helps on stdout, `--help` lists one line per command,
 * every command's `-h` shows an example, and every command that prints data can print it as JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUBCOMMANDS } from "../../src/cli.js";
import { ROOT, runCli } from "../helpers/cli.js";

const REPORTS = join(ROOT, "test", "fixtures", "reports");
const EXAMPLE = join(ROOT, "examples", "web-service.yaml");

describe("help", () => {
  it("bare readiness prints the help on stdout and exits 0", async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Usage: readiness /);
    expect(r.stdout).toContain("Commands:");
  });

  it("--help lists every command on one line of its own", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    const list = r.stdout.split("Commands:\n")[1]!.split("\n\n")[0]!.split("\n");
    expect(list.map((l) => /^ {2}(\S+)/.exec(l)?.[1])).toEqual([...SUBCOMMANDS, "help"]);
    for (const line of list) expect(line.length).toBeLessThanOrEqual(80);
  });

  it.each(SUBCOMMANDS)("%s -h shows an example", async (command) => {
    for (const flag of ["-h", "--help"]) {
      const r = await runCli([command, flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`\\nExamples?:\\n {2}readiness ${command}\\b`));
    }
  });
});

describe("JSON output of every command that prints data", () => {
  it("validate --json: valid, file, issues", async () => {
    const ok = await runCli(["validate", EXAMPLE, "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ valid: true, file: expect.stringMatching(/web-service\.yaml$/), issues: [] });
    const dir = mkdtempSync(join(tmpdir(), "readiness-json-"));
    writeFileSync(join(dir, "readiness.yaml"), "version: 1\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: a, title: A, severty: high }\n");
    const bad = await runCli(["validate", "--json"], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    expect(bad.code).toBe(2);
    const body = JSON.parse(bad.stdout) as { valid: boolean; issues: { file: string; line: number; column: number; path: string; message: string }[] };
    expect(body.valid).toBe(false);
    expect(body.issues[0]).toMatchObject({ file: "readiness.yaml", line: 6, path: "/sections/0/items/0/severty" });
    expect(body.issues[0]!.message).toContain('did you mean "severity"');
  });

  it("list --json: one object per item", async () => {
    const r = await runCli(["list", EXAMPLE, "--json"]);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { id: string; severity: string; probes: string[]; where: string }[];
    expect(items.length).toBeGreaterThan(3);
    expect(items[0]).toMatchObject({ id: "health", severity: "critical", probes: ["http http://localhost:8080/health"] });
  });

  it("explain --json: the item fully resolved, secrets masked", async () => {
    const r = await runCli(["explain", "health", "--file", EXAMPLE, "--json"], { env: { BASE_URL: "http://secret-host:9" } });
    expect(r.code, r.stderr).toBe(0);
    const item = JSON.parse(r.stdout) as { id: string; severity: string; defined_at: string; probes: { http: string; timeout: string }[] };
    expect(item).toMatchObject({ id: "health", severity: "critical" });
    expect(item.defined_at).toMatch(/web-service\.yaml:\d+:\d+$/);
    expect(item.probes[0]!.http).toBe("***/health");
    expect(r.stdout).not.toContain("secret-host");
  });

  it("diff -f json and merge -f json", async () => {
    const diff = await runCli(["diff", join(REPORTS, "release-1.json"), join(REPORTS, "release-2.json"), "-f", "json"]);
    expect([0, 1]).toContain(diff.code);
    expect(JSON.parse(diff.stdout)).toHaveProperty("regressed");
    const merge = await runCli(["merge", join(REPORTS, "release-1.json"), join(REPORTS, "orders.json"), "-f", "json"]);
    expect([0, 1]).toContain(merge.code);
    expect(JSON.parse(merge.stdout)).toHaveProperty("verdict");
  });
});
