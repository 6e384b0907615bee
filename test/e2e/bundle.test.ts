/**
 * The command line runs from the bundle's parts in dist/ (readiness.cjs, readiness.validate.cjs,
 * readiness.audit.cjs, readiness.rest.cjs), each with V8's code cache (scripts/bundle.mjs,
 * bin/start.js). Every other end-to-end test runs through the bundle; these check what is special
 * about it: the caches are accepted, a run reads only the parts it needs, built-ins a run does not
 * need stay unloaded, a missing or damaged part, and without the bundle the unbundled modules give
 * the same answers.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../helpers/cli.js";

const CHECKLIST = join(ROOT, "examples", "web-service.yaml");
// Written out, not taken from bin/start.js: which files the build makes is what these tests check.
const PARTS = ["readiness.cjs", "readiness.validate.cjs", "readiness.audit.cjs", "readiness.rest.cjs"];
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
  it("is built in four parts, each with two code caches that this Node accepts: plain, and for an audit under its V8 flags", () => {
    for (const part of PARTS) {
      expect(existsSync(join(ROOT, "dist", part)), part).toBe(true);
      expect(existsSync(join(ROOT, "dist", `${part}.cache`)), part).toBe(true);
      expect(existsSync(join(ROOT, "dist", `${part}.audit.cache`)), part).toBe(true);
    }
    const rejected = (setup: string, tuned: boolean): unknown => {
      const probe = `import { loadBundle, tuneForAudit, PARTS } from ${JSON.stringify(join(ROOT, "bin", "start.js"))};
        ${setup}
        const b = loadBundle({ tuned: ${tuned} });
        const first = [...b.parts.keys()];
        for (const p of PARTS) b.load(p.name);
        console.log(JSON.stringify({ main: typeof b?.main, first, rejected: [...b.parts.values()].map((p) => p.cacheRejected) }));`;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
      return JSON.parse(r.stdout);
    };
    expect(rejected("", false)).toEqual({ main: "function", first: ["core"], rejected: [false, false, false, false] });
    expect(rejected("tuneForAudit();", true)).toEqual({ main: "function", first: ["core"], rejected: [false, false, false, false] });
    // Why there are two: V8 checks a cache against the flags it was made under.
    expect(rejected("tuneForAudit();", false)).toEqual({ main: "function", first: ["core"], rejected: [true, true, true, true] });
  });

  it("tunes V8 for an audit only, and every part an audit reads comes from its cache", async () => {
    const { isAudit } = (await import(join(ROOT, "bin", "start.js"))) as { isAudit: (argv: string[]) => boolean };
    const argv = (...args: string[]): string[] => [process.execPath, "readiness", ...args];
    expect(isAudit(argv("audit"))).toBe(true);
    expect(isAudit(argv("-q", "--no-color", "audit", "x.yaml"))).toBe(true);
    expect(isAudit(argv("validate", "audit"))).toBe(false);
    expect(isAudit(argv("help", "audit"))).toBe(false);
    expect(isAudit(argv("--version"))).toBe(false);
    expect(isAudit(argv())).toBe(false);
    // In a real run: had the flags not been set, V8 would reject the audit caches, trained under them.
    const list = join(scratch, "caches.txt");
    const preload = join(scratch, "record-caches.cjs");
    writeFileSync(
      preload,
      `const vm = require("node:vm"); const Script = vm.Script; const seen = [];
       vm.Script = function (source, options) { const s = new Script(source, options); seen.push({ part: require("node:path").basename(options.filename), rejected: options.cachedData ? s.cachedDataRejected === true : "no cache" }); return s; };
       process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(seen)));\n`,
    );
    const caches = (args: string[]): unknown => {
      const r = run(BIN, args, ["--require", preload]);
      expect([0, 1], r.stderr).toContain(r.code);
      return JSON.parse(readFileSync(list, "utf8"));
    };
    expect(caches(["-q", "audit", CHECKLIST, "--no-exec", "-f", "json"])).toEqual(["readiness.cjs", "readiness.audit.cjs", "readiness.validate.cjs", "readiness.rest.cjs"].map((part) => ({ part, rejected: false })));
    expect(caches(["validate", CHECKLIST])).toEqual(["readiness.cjs", "readiness.validate.cjs"].map((part) => ({ part, rejected: false })));
  });

  it("keeps an audit's young generation at its first size, however many items it reads", () => {
    // AUDIT_V8_FLAGS in bin/start.js: without --semi-space-growth-factor=1, V8 doubles the young
    // generation as the start-up's modules and the checklist survive (to 16 MiB here), and every
    // doubling is fresh memory to touch. A validate is not tuned: it grows.
    const items = Array.from({ length: 3000 }, (_, i) => `      - { id: i${i}, title: Item ${i}, status: done, attested_by: Ana, attested_at: 2026-10-01, probes: [{ env: PATH }] }`);
    const checklist = join(scratch, "young.yaml");
    writeFileSync(checklist, `version: 1\nname: Young\nsections:\n  - id: main\n    title: Main\n    items:\n${items.join("\n")}\n`);
    const sizes = join(scratch, "young.txt");
    const preload = join(scratch, "record-young.cjs");
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(sizes)}, String(require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size)));\n`);
    const youngAfter = (args: string[]): number => {
      const r = run(BIN, args, ["--require", preload]);
      expect(r.code, r.stderr).toBe(0);
      return Number(readFileSync(sizes, "utf8"));
    };
    const MiB = 1024 * 1024;
    expect(youngAfter(["-q", "audit", checklist])).toBeLessThanOrEqual(2 * MiB);
    expect(youngAfter(["validate", checklist])).toBeGreaterThan(2 * MiB);
  });

  it("is pure ASCII, so bin/start.js may read it as latin1", () => {
    for (const part of PARTS) {
      const bytes = readFileSync(join(ROOT, "dist", part));
      expect(bytes.findIndex((b) => b > 0x7f), part).toBe(-1);
    }
  });

  it("reads only the parts a command needs: one for --version, two to validate, three to audit", () => {
    // Every file the run opens through fs.openSync (bin/start.js reads the parts and their caches
    // with it, and takes it after the preload).
    const list = join(scratch, "reads.txt");
    const preload = join(scratch, "record-reads.cjs");
    writeFileSync(
      preload,
      `const fs = require("node:fs"); const open = fs.openSync; const seen = [];
       fs.openSync = function (file, ...rest) { seen.push(String(file)); return open.call(this, file, ...rest); };
       process.on("exit", () => fs.writeFileSync(${JSON.stringify(list)}, seen.join("\\n")));\n`,
    );
    const partsRead = (args: string[]): string[] => {
      const r = run(BIN, args, ["--require", preload]);
      expect([0, 1], r.stderr).toContain(r.code);
      return readFileSync(list, "utf8").split("\n").filter((f) => f.startsWith(join(ROOT, "dist", "readiness"))).map((f) => f.slice(join(ROOT, "dist").length + 1));
    };
    expect(partsRead(["--version"])).toEqual(["readiness.cjs", "readiness.cjs.cache"]);
    expect(partsRead(["validate", CHECKLIST])).toEqual(["readiness.cjs", "readiness.cjs.cache", "readiness.validate.cjs", "readiness.validate.cjs.cache"]);
    // An audit reads the caches made under its V8 flags (bin/start.js, AUDIT_V8_FLAGS).
    const withCaches = (parts: string[]): string[] => parts.flatMap((p) => [p, `${p}.audit.cache`]).sort();
    const checklist = (probe: string): string => {
      const file = join(scratch, "parts.yaml");
      writeFileSync(file, `version: 1\nname: Parts\nsections:\n  - id: main\n    title: Main\n    items:\n      - { id: a, title: A, probes: [${probe}] }\n`);
      return file;
    };
    expect(partsRead(["audit", checklist("{ env: PATH }"), "-f", "json"]).sort()).toEqual(withCaches(PARTS.slice(0, 3)));
    // The last part loads with its first module: tinyglobby for a glob. A command probe spawns with
    // node:child_process (no dependency), so it needs no more than the audit part.
    expect(partsRead(["audit", checklist(`{ command: [${JSON.stringify(process.execPath)}, -e, "0"] }`), "-f", "json"]).sort()).toEqual(withCaches(PARTS.slice(0, 3)));
    expect(partsRead(["audit", CHECKLIST, "--no-exec", "-f", "json"]).sort()).toEqual(withCaches(PARTS));
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
    const auditLoaded = readFileSync(list, "utf8").split("\n");
    expect(auditLoaded).toContain("NativeModule net");
    // Durations are timed by process.hrtime (monotonicMs): the global \`performance\` would load
    // perf_hooks, ten modules no probe needs (~2 ms of every audit's start-up).
    expect(auditLoaded).not.toContain("NativeModule perf_hooks");
  });

  it("gives imports of built-ins a namespace object instead of copying every property at load", () => {
    // esbuild's __toESM(require("node:process"), 1) copies each property of the module onto a new
    // object as a getter (and so loads a deferred built-in at once); scripts/bundle.mjs rewrites it.
    const bundle = PARTS.map((part) => readFileSync(join(ROOT, "dist", part), "latin1")).join("\n");
    expect(bundle).not.toMatch(/\((?:require|__lazyBuiltin)\("(?:node:)?(?:process|path|tty|os|fs)"\),1\)/);
  });

  it("hands other chunks plain values once a chunk has run, not esbuild's getters", () => {
    // scripts/bundle.mjs settles each chunk's exports (__settleExports): a call into another chunk
    // otherwise ran two to four getters. An ES module's live binding would be lost by it, so no
    // module may export a binding it changes later.
    const probe = `import { loadBundle } from ${JSON.stringify(join(ROOT, "bin", "start.js"))};
      const b = loadBundle();
      const exports = b.chunk("./main.js");
      const d = Object.getOwnPropertyDescriptor(exports, "main");
      console.log(JSON.stringify({ value: typeof d?.value, getter: typeof d?.get }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
    expect(JSON.parse(r.stdout)).toEqual({ value: "function", getter: "undefined" });
    const bundle = PARTS.map((part) => readFileSync(join(ROOT, "dist", part), "latin1")).join("\n");
    const chunks = bundle.match(/"[\w.-]+\.js":function\(exports,require,module\)\{/g) ?? [];
    expect(chunks.length).toBeGreaterThan(10);
    expect(bundle.split("__settleExports(module);}").length - 1).toBe(chunks.length);
    const sources = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    for (const f of sources) expect(readFileSync(join(ROOT, "src", f), "utf8"), f).not.toMatch(/^export (?:let|var) /m);
  });

  it("counts string lengths in code points in the precompiled validator, as ajv does", () => {
    // scripts/build-validator.mjs counts by a native scan unless a string holds a surrogate.
    const file = join(scratch, "lengths.yaml");
    const emoji = "\u{1F600}";
    writeFileSync(
      file,
      `version: 1\nsections:\n  - title: A\n    items:\n      - title: B\n        probes:\n          - { tcp: "${emoji}1" }\n          - { dns: "${emoji.repeat(200)}" }\n          - { dns: "${"a".repeat(254)}" }\n`,
    );
    const r = run(BIN, ["validate", file]);
    expect(r.code).toBe(2);
    // Two code points (three UTF-16 units) are too short for host:port; 200 emoji (400 units) are not too long.
    expect(r.stderr).toContain(`${file}:7:20: "tcp" is too short: expected at least 3 characters`);
    expect(r.stderr).toContain(`${file}:9:20: "dns" is too long: at most 253 characters`);
    expect(r.stderr).toContain(`${file}: 2 errors`);
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
    // So it does without any other part: a run must not find one missing half-way.
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
    cpSync(join(ROOT, "dist", "readiness.cjs"), join(pkg, "dist", "readiness.cjs"));
    rmSync(join(pkg, "dist", "readiness.rest.cjs"));
    expect(run(bin, ["schema", "report"])).toEqual(run(BIN, ["schema", "report"]));
    cpSync(join(ROOT, "dist", "readiness.rest.cjs"), join(pkg, "dist", "readiness.rest.cjs"));
    // A part that is there but damaged is found when it loads, mid-command: one line, exit 3.
    writeFileSync(join(pkg, "dist", "readiness.rest.cjs"), "(function (((\n");
    const damagedPart = run(bin, ["schema", "report"]);
    expect(damagedPart.code).toBe(3);
    expect(damagedPart.stdout).toBe("");
    expect(damagedPart.stderr).toMatch(/^readiness: \S+readiness\.rest\.cjs cannot be loaded \(.*\): this installation of readiness is damaged; reinstall it \(in a checkout: npm run build\)\n$/);
    cpSync(join(ROOT, "dist", "readiness.rest.cjs"), join(pkg, "dist", "readiness.rest.cjs"));
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
