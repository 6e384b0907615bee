/**
 * The package as users get it: `npm pack` of a clean copy of this checkout (no dist/: prepack must
 * build), installed into a fresh project and into a global prefix, then run from there: the
 * command, a first checklist, an audit, the library API, and a start-up as fast as the checkout's.
 *
 * Installing resolves the dependencies' versions from the registry's metadata (`npm ci` caches the
 * tarballs but not the metadata); `--prefer-offline` then takes every tarball from the npm cache.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CLEAN_ENV, ROOT } from "../helpers/cli.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const work = mkdtempSync(join(tmpdir(), "readiness-package-"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
// npm's own variables (set when the suite runs under `npm run`) would change what npm does here;
// the cache location is kept, it holds what `npm ci` downloaded.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || /^npm_config_cache$/i.test(k)));
// The installed command runs as the checkout's does in the other tests, with npm's variables gone too.
const cleanEnv = Object.fromEntries(Object.entries(CLEAN_ENV).filter(([k]) => !/^npm_/i.test(k)));

let tarball = "";
let files: string[] = [];
const project = join(work, "project");
const prefix = join(work, "global");

function npmRun(args: string[], cwd: string): string {
  return execFileSync(npm, [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
}

function node(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, env: { ...cleanEnv, NO_COLOR: "1" }, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // A clean clone's files: what git tracks or would track (no dist/, nothing ignored), with this
  // checkout's node_modules linked in for the build.
  const clone = join(work, "clone");
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of listed) {
    if (!existsSync(join(ROOT, f))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    cpSync(join(ROOT, f), join(clone, f));
  }
  symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "junction");
  expect(existsSync(join(clone, "dist"))).toBe(false);
  // The JSON follows whatever the prepack build printed.
  const out = npmRun(["pack", "--json", "--pack-destination", work], clone);
  const packed = JSON.parse(out.slice(out.search(/^\[$/m))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0]!.filename);
  files = packed[0]!.files.map((f) => f.path);

  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "a-service", version: "1.0.0", private: true, type: "module" }));
  npmRun(["install", "--prefer-offline", tarball], project);
  npmRun(["install", "--global", "--prefix", prefix, "--prefer-offline", tarball], work);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm pack", () => {
  it("is named readiness-cli and ships what the command and the library need, built by prepack", () => {
    expect(pkg.name).toBe("readiness-cli");
    expect(tarball).toMatch(/readiness-cli-.*\.tgz$/);
    for (const f of ["package.json", "README.md", "LICENSE", "bin/readiness.js", "dist/index.js", "dist/index.d.ts", "schemas/checklist.schema.json", "schemas/report.schema.json"]) {
      expect(files).toContain(f);
    }
    // Nothing else: no sources, tests, docs, benchmarks, fixtures or build scripts.
    const tops = new Set(files.map((f) => f.split("/")[0]));
    expect([...tops].sort()).toEqual(["LICENSE", "README.md", "bin", "dist", "package.json", "schemas"]);
    expect(files.filter((f) => /\.test\.|\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
  });
});

describe.each([
  ["a project's node_modules", () => join(project, "node_modules", ".bin", "readiness")],
  ["a global prefix", () => join(prefix, process.platform === "win32" ? "" : "bin", "readiness")],
])("installed into %s", (_where, binPath) => {
  // npm's bin links are symlinks (a .cmd shim on Windows, not covered here): run them as a shell would.
  const run = (args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(binPath(), args, { cwd, env: { ...cleanEnv, NO_COLOR: "1" }, encoding: "utf8", timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("runs --version, init, validate and audit -f json", () => {
    expect(run(["--version"], work)).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const dir = mkdtempSync(join(work, "svc-"));
    expect(run(["init"], dir).code).toBe(0);
    expect(readFileSync(join(dir, "readiness.yaml"), "utf8")).toContain("node_modules/readiness-cli/schemas/checklist.schema.json");
    const valid = run(["validate"], dir);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toMatch(/readiness\.yaml: valid/);
    const audit = run(["audit", "--no-exec", "--timeout", "2s", "-f", "json"], dir);
    expect([0, 1], audit.stderr).toContain(audit.code);
    const report = JSON.parse(audit.stdout) as { verdict: string; tool: { name: string; version: string } };
    expect(["GO", "CONDITIONAL", "NO-GO"]).toContain(report.verdict);
    expect(report.tool).toEqual({ name: "readiness", version: pkg.version });
  });
});

describe("the installed package", () => {
  it("is importable as readiness-cli, with its schemas", () => {
    const r = node(
      ["--input-type=module", "-e", `const m = await import("readiness-cli"); const s = await import("readiness-cli/schemas/checklist.schema.json", { with: { type: "json" } }); console.log(typeof m.loadChecklist, typeof m.audit, typeof m.renderReport, typeof s.default.properties)`],
      project,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("function function function object\n");
  });

  it("starts as fast as the checkout (median --version, run in turns)", () => {
    const installed = join(project, "node_modules", "readiness-cli", "bin", "readiness.js");
    const times: Record<"checkout" | "installed", number[]> = { checkout: [], installed: [] };
    for (let round = 0; round < 9; round++) {
      for (const [name, bin] of [["checkout", BIN], ["installed", installed]] as const) {
        const t0 = performance.now();
        expect(node([bin, "--version"], work).code).toBe(0);
        times[name].push(performance.now() - t0);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(times.installed) / median(times.checkout);
    expect(ratio, `installed ${median(times.installed).toFixed(0)} ms, checkout ${median(times.checkout).toFixed(0)} ms`).toBeLessThanOrEqual(1.5);
  });
});
