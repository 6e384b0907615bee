/**
 * The command line runs from dist/readiness.cjs with V8's code cache (scripts/bundle.mjs,
 * bin/start.js). Every other end-to-end test runs through the bundle; these check what is special
 * about it: the cache is accepted, built-ins a run does not need stay unloaded, and without the
 * bundle the unbundled modules give the same answers.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../helpers/cli.js";

const CHECKLIST = join(ROOT, "examples", "web-service.yaml");
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "readiness-bundle-test-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(bin: string, args: string[], nodeArgs: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", READINESS_NOW: "2026-11-23" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the bundled command line", () => {
  it("is built with a code cache that this Node accepts", () => {
    expect(existsSync(join(ROOT, "dist", "readiness.cjs"))).toBe(true);
    expect(existsSync(join(ROOT, "dist", "readiness.cjs.cache"))).toBe(true);
    const probe = `import { loadBundle } from ${JSON.stringify(join(ROOT, "bin", "start.js"))}; const b = loadBundle(); console.log(JSON.stringify({ main: typeof b?.main, rejected: b?.cacheRejected }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
    expect(JSON.parse(r.stdout)).toEqual({ main: "function", rejected: false });
  });

  it("is pure ASCII, so bin/start.js may read it as latin1", () => {
    const bytes = readFileSync(join(ROOT, "dist", "readiness.cjs"));
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it("does not load the network, crypto or process built-ins to validate a checklist", () => {
    const list = join(scratch, "modules.txt");
    const preload = join(scratch, "record.cjs");
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, [...process.moduleLoadList, ...Object.keys(require.cache)].join("\\n")));\n`);
    const r = run(BIN, ["validate", CHECKLIST], ["--require", preload]);
    expect(r.code, r.stderr).toBe(0);
    const loaded = readFileSync(list, "utf8").split("\n");
    // tty and os: chalk no longer detects colours at load in the bundle (scripts/bundle.mjs), and
    // built-in namespaces are not copied (which loaded them at once); stdout is a pipe here.
    // internal/fs/promises: deferred in the bundle, and a regular checklist file is read at once.
    // stream and net: stdout and stderr are written with write(2), not through process.stdout.
    for (const heavy of ["http", "https", "tls", "dns", "crypto", "child_process", "perf_hooks", "zlib", "tty", "os", "internal/fs/promises", "stream", "net"]) {
      expect(loaded, heavy).not.toContain(`NativeModule ${heavy}`);
    }
    // No file from outside the bundle: fdir's optional picomatch (six files from node_modules,
    // loaded when tinyglobby's modules are set up) is left out of it.
    expect(loaded.filter((f) => f.startsWith("/") && !f.startsWith(scratch)).sort()).toEqual([join(ROOT, "bin", "readiness.js"), join(ROOT, "bin", "start.js")]);
    // ...and an audit loads what its probes need when they run.
    const audit = run(BIN, ["audit", CHECKLIST, "--no-exec", "-f", "json"], ["--require", preload]);
    expect([0, 1]).toContain(audit.code);
    expect(readFileSync(list, "utf8").split("\n")).toContain("NativeModule perf_hooks");
  });

  it("gives imports of built-ins a namespace object instead of copying every property at load", () => {
    // esbuild's __toESM(require("node:process"), 1) copies each property of the module onto a new
    // object as a getter (and so loads a deferred built-in at once); scripts/bundle.mjs rewrites it.
    const bundle = readFileSync(join(ROOT, "dist", "readiness.cjs"), "latin1");
    expect(bundle).toMatch(/__builtinNamespace\(require\("node:process"\)\)/);
    expect(bundle).not.toMatch(/\((?:require|__lazyBuiltin)\("(?:node:)?(?:process|path|tty|os|fs)"\),1\)/);
  });

  it("starts `--version` without Node's ES module loader or any file outside the bundle", () => {
    // bin/ is CommonJS: an ES module entry loads fs/promises, readline and the stream modules first.
    // fdir's optional picomatch (six files from node_modules) is left out of the bundle.
    const list = join(scratch, "version-modules.txt");
    const preload = join(scratch, "record-version.cjs");
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) })));\n`);
    const r = run(BIN, ["--version"], ["--require", preload]);
    expect(r.code, r.stderr).toBe(0);
    const { builtins, files } = JSON.parse(readFileSync(list, "utf8")) as { builtins: string[]; files: string[] };
    for (const esm of ["internal/fs/promises", "internal/readline/interface", "internal/modules/esm/module_job", "os", "tty", "stream", "net"]) {
      expect(builtins, esm).not.toContain(`NativeModule ${esm}`);
    }
    expect(files.filter((f) => !f.startsWith(scratch)).sort()).toEqual([join(ROOT, "bin", "readiness.js"), join(ROOT, "bin", "start.js")]);
  });

  it("loads neither YAML library to validate or audit a checklist the subset reader reads", () => {
    // Observed in dist/ (the bundle keeps its modules to itself): which files a run required.
    const list = join(scratch, "yaml-modules.txt");
    const preload = join(scratch, "record-yaml.cjs");
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join("\\n")));\n`);
    const plain = join(scratch, "plain.yaml");
    writeFileSync(plain, "version: 1\nname: Plain\nsections:\n  - id: main\n    title: Main\n    items:\n      - { id: a, title: A, probes: [{ env: PATH }] }\n");
    const yamlLoaded = (file: string, command = "validate"): string[] => {
      const r = run(join(ROOT, "dist", "main.js"), [command, file, ...(command === "audit" ? ["-f", "json", "--no-exec"] : [])], ["--require", preload]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(list, "utf8").split("\n").filter((f) => /node_modules[\\/](?:js-)?yaml[\\/]/.test(f));
    };
    expect(yamlLoaded(plain)).toEqual([]);
    expect(yamlLoaded(plain, "audit")).toEqual([]);
    // An anchor is outside the subset: js-yaml and `yaml` read it, and the check above would see them.
    const anchored = join(scratch, "anchored.yaml");
    writeFileSync(anchored, "version: 1\nname: &n Plain\nsections:\n  - id: main\n    title: *n\n    items:\n      - { id: a, title: A, probes: [{ env: PATH }] }\n");
    expect(yamlLoaded(anchored).length).toBeGreaterThan(0);
  });

  it("without the bundle, runs the modules in dist/ with the same results", () => {
    // A copy of the package without dist/readiness.cjs: bin/start.js falls back to dist/main.js.
    const pkg = join(scratch, "package");
    for (const part of ["bin", "dist", "schemas", "package.json"]) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    rmSync(join(pkg, "dist", "readiness.cjs"));
    symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"), "dir");
    const bin = join(pkg, "bin", "readiness.js");
    for (const args of [["--version"], ["validate", CHECKLIST], ["validate", "--print", CHECKLIST], ["list", CHECKLIST, "--json"], ["schema", "report"], ["schema", "checklist"], ["validate", join(ROOT, "package.json")]]) {
      const bundled = run(BIN, args);
      const modules = run(bin, args);
      expect(modules, args.join(" ")).toEqual(bundled);
    }
    // A bundle older than dist/ (tsc run again without the bundle step) is not used either.
    writeFileSync(join(pkg, "dist", "readiness.cjs"), "throw new Error('stale bundle ran');\n");
    utimesSync(join(pkg, "dist", "readiness.cjs"), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(run(bin, ["--version"]).stdout).toBe(run(BIN, ["--version"]).stdout);
    // A damaged bundle (does not compile, or defines no main) is not used: no stack trace, same answer.
    for (const damaged of ["module.exports = (((;\n", "module.exports = {};\n"]) {
      writeFileSync(join(pkg, "dist", "readiness.cjs"), damaged);
      const r = run(bin, ["validate", CHECKLIST]);
      expect(r, damaged).toEqual(run(BIN, ["validate", CHECKLIST]));
    }
  });
});
