// Bundles the command line into four CommonJS scripts in dist/ and writes V8's code cache for each;
// bin/start.js runs them from those caches. Run by `npm run build` after tsc and
// scripts/build-validator.mjs: it bundles the JavaScript tsc wrote, so the bundle and the library in
// dist/ are the same code.
//
// Why: a cold `readiness validate` spent most of its time resolving, parsing and compiling some 60
// ES modules and their dependencies (Node 20 has no module compile cache). A CommonJS script can be
// compiled from a code cache through vm.Script; see README, "Benchmarks", for the figures.
//
// Why parts (bin/start.js, PARTS): a start pays for reading a script's source and for deserialising
// its whole code cache, used or not, some 10-20 µs per KiB each on this VM. One script of everything
// made `--version` pay for the validator, the probes and the reports (1 MiB of source, 800 KiB of
// cache). The parts: the command line itself (commander, options, help, `--version`); what reading
// and validating a checklist adds; what an audit adds; and the rest (execa, tinyglobby, the other
// commands), each loaded when a module in it is first required.
//
// How: esbuild splits the ES module build at the command line's dynamic imports (one chunk per
// command, shared code in shared chunks); each chunk is turned into a CommonJS function, and the
// chunks are put into the part of the first command that needs them. A module is in exactly one
// chunk, so `instanceof ReadinessError` sees one class whichever part made the error.
//
// Rewrites that keep the bundle behaving like the modules it came from:
// - `import.meta.url` in our modules becomes the URL of the dist/ file it came from, so relative
//   files (package.json, schemas/, the precompiled validator) resolve as before; in dependencies it
//   becomes the part's own URL (they only use it for createRequire).
// - The precompiled checklist validator is bundled (its compilation is then in the code cache).
// - Node built-ins other than the few every run needs load on first use (a Proxy per module), so
//   `validate` does not pay for http, tls, dns, crypto, child_process, perf_hooks...
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
/** The parts, in load order, and their files in dist/: bin/start.js's list. */
const { PARTS, CACHE_SUFFIXES } = createRequire(import.meta.url)("../bin/start.js");

/** Built-ins every run loads anyway; all others are deferred to first use. */
const EAGER_BUILTINS = new Set(["buffer", "events", "fs", "module", "path", "process", "url", "util", "vm"]);

const distModules = {
  name: "dist-modules",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(DIST)) return undefined;
      const rel = relative(ROOT, args.path).split("\\").join("/");
      const contents = readFileSync(args.path, "utf8")
        // Bundled, initialised at the first call: the precompiled validator and the YAML libraries.
        .replace(/createRequire\(import\.meta\.url\)\("(\.\/checklist-validator\.cjs|yaml|js-yaml)"\)/g, 'require("$1")')
        .replaceAll("import.meta.url", `__readinessModuleUrl(${JSON.stringify(rel)})`);
      return { contents, loader: "js" };
    });
  },
};

// fdir (under tinyglobby) requires picomatch from node_modules when it loads, for its own glob()
// builder, which tinyglobby never calls (it bundles and passes its own matcher): some 10 ms of every
// start-up spent resolving and compiling six files outside the bundle. The bundle leaves it out.
const FDIR_PICOMATCH = /__require\.resolve\("picomatch"\);\s*pm = __require\("picomatch"\);/;
const fdirWithoutPicomatch = {
  name: "fdir-without-picomatch",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]fdir[\\/]dist[\\/]index\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!FDIR_PICOMATCH.test(source)) {
        process.stderr.write("bundle: fdir no longer loads picomatch as expected; its start-up cost is back (scripts/bundle.mjs)\n");
        return undefined;
      }
      return { contents: source.replace(FDIR_PICOMATCH, "/* picomatch: not loaded in the bundle (scripts/bundle.mjs) */"), loader: "js" };
    });
  },
};

// chalk detects the terminal's colours when it loads (supports-color: tty.isatty on stdout and
// stderr, which loads tty and net, some 3 ms) for its default instance. The command line never uses
// that instance: it works out the colour level itself (--color, NO_COLOR, FORCE_COLOR, the stream)
// and makes `new Chalk({ level })` (src/commands/io.ts). In the bundle the detection answers "no
// colour" without looking, as chalk's own browser build does where there is no terminal.
const chalkWithoutDetection = {
  name: "chalk-without-detection",
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) => (/[\\/]node_modules[\\/]chalk[\\/]/.test(args.importer) ? { path: "supports-color", namespace: "readiness-no-detection" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "readiness-no-detection" }, () => ({ contents: "export default { stdout: false, stderr: false };", loader: "js" }));
  },
};

// Built-ins that dependencies `require()` (commander, execa's helpers...): in an ES module build
// esbuild calls them through its own require shim, which the rewrite below cannot see, so they are
// deferred here, as modules of their own.
const lazyRequiredBuiltins = {
  name: "lazy-required-builtins",
  setup(b) {
    b.onResolve({ filter: /^(?:node:)?[a-z_/]+$/ }, (args) => {
      const id = args.path.replace(/^node:/, "");
      if (args.kind !== "require-call" || !isBuiltin(id) || EAGER_BUILTINS.has(id)) return undefined;
      return { path: id, namespace: "readiness-lazy-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "readiness-lazy-builtin" }, (args) => ({ contents: `module.exports = __lazyBuiltin("node:${args.path}");`, loader: "js" }));
  },
};

// A failed build leaves no bundle behind (bin/start.js then runs dist/main.js), never a stale one.
for (const part of PARTS) {
  rmSync(join(DIST, part.file), { force: true });
  for (const suffix of CACHE_SUFFIXES) rmSync(join(DIST, `${part.file}${suffix}`), { force: true });
}
const built = await build({
  entryPoints: { main: join(DIST, "cli.js") },
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Nothing is written there (write: false): the chunks are kept in memory and put into the parts.
  outdir: join(DIST, "readiness-chunks"),
  write: false,
  metafile: true,
  minify: true,
  // No keepNames: it wraps every function and class in a defineProperty("name") call, ~270 KiB of
  // allocation at every start (a young-generation collection) and ~9 ms of a cold `validate` in
  // 100 paired runs. Nothing reads a bundled function's name (errors use instanceof and codes);
  // for the source's names in a stack trace, --verbose points to the unbundled dist/main.js.
  keepNames: false,
  legalComments: "none",
  define: { "import.meta.url": "__readinessBundleUrl" },
  plugins: [distModules, fdirWithoutPicomatch, chalkWithoutDetection, lazyRequiredBuiltins],
  logLevel: "warning",
});

// Which part each chunk goes in: the command line's own chunks (what main.js imports statically)
// in the first; what `validate` adds to them in the second; what `audit` adds in the third;
// everything else (loaded by import() alone) in the last.
const chunks = new Map(built.outputFiles.map((f) => [basename(f.path), f.text]));
const meta = new Map(Object.entries(built.metafile.outputs).map(([path, out]) => [basename(path), out]));
const staticClosure = (name, into = new Set()) => {
  if (into.has(name)) return into;
  into.add(name);
  for (const i of meta.get(name)?.imports ?? []) if (i.kind === "import-statement" && chunks.has(basename(i.path))) staticClosure(basename(i.path), into);
  return into;
};
const commandChunk = (command) => {
  const name = [...meta].find(([, out]) => out.entryPoint === `dist/commands/${command}.js`)?.[0];
  if (!name) throw new Error(`bundle: no chunk for dist/commands/${command}.js (is it still imported dynamically by dist/cli.js?)`);
  return name;
};
const partOf = new Map();
for (const [part, root] of [["core", "main.js"], ["validate", commandChunk("validate")], ["audit", commandChunk("audit")]]) {
  for (const name of staticClosure(root)) if (!partOf.has(name)) partOf.set(name, part);
}
for (const name of chunks.keys()) if (!partOf.has(name)) partOf.set(name, "rest");

// Each chunk as a CommonJS function of the part's `chunks` table; bin/start.js calls it with a
// `require` that finds other chunks (in whichever part) by name.
const bodies = new Map(PARTS.map((p) => [p.name, []]));
let deferred = 0;
let namespaces = 0;
for (const [name, text] of chunks) {
  let { code } = await transform(text, { format: "cjs", platform: "node", target: "node20", minify: true, logLevel: "warning" });
  // A dynamic import of another chunk: that chunk, from its part, on the next tick (as import() would).
  code = code.replace(/(?<![\w$.])import\("(\.\/[^"]+)"\)/g, (_, id) => `Promise.resolve().then(()=>require(${JSON.stringify(id)}))`);
  if (/(?<![\w$.])import\(/.test(code)) throw new Error(`bundle: ${name} still has a dynamic import() that bin/start.js would not resolve`);
  code = deferBuiltins(code);
  bodies.get(partOf.get(name)).push(`${JSON.stringify(name)}:function(exports,require,module){${code}\n__settleExports(module);}`);
}

function deferBuiltins(code) {
  // Defer the built-ins. esbuild writes each one as `require("node:x")` (members are read at use,
  // as `x.member`), so a lazy Proxy in its place changes when a built-in loads, not what it does.
  let out = code.replace(/(?<![\w$.])require\("(?:node:)?([a-z_/]+)"\)/g, (call, id) => {
    // Exact ids: `fs` is eager, `fs/promises` is not (it loads readline, streams and file watchers).
    if (EAGER_BUILTINS.has(id) || !isBuiltin(id)) return call;
    deferred++;
    return `__lazyBuiltin("node:${id}")`;
  });
  // esbuild turns `import x from "node:process"` and `import * as x from ...` into its
  // __toESM(require("node:process")), which copies every property of the module onto a new object
  // as a getter when the chunk loads: closures for every member, and the module itself loaded at
  // once even where deferred above. A namespace object whose prototype is the module reads the same
  // (`ns.default` is the module, `ns.name` its member) and copies nothing. Whatever names the
  // minifier gives the helper and its parameters: (e,t,r)=>(r=e!=null?...
  const toEsm = /var ([\w$]+)=\((\w),\w,(\w)\)=>\(\3=\2!=null\?/.exec(out)?.[1];
  if (toEsm) {
    const call = new RegExp(`(?<![\\w$.])${toEsm.replaceAll("$", "\\$")}\\(((?:require|__lazyBuiltin)\\("(?:node:)?([a-z_/]+)"\\))(?:,1)?\\)`, "g");
    out = out.replace(call, (whole, module, id) => (isBuiltin(id) ? (namespaces++, `__builtinNamespace(${module})`) : whole));
  }
  // Any other call wrapped around a built-in would be a helper this rewrite does not know.
  const unknown = /(?<![\w$.])(?!__builtinNamespace\()[\w$]+\((?:require|__lazyBuiltin)\("node:[a-z_/]+"\)(?:,1)?\)/.exec(out);
  if (unknown) process.stderr.write(`bundle: a built-in is wrapped in a helper the namespace rewrite does not know (${unknown[0]}); it is copied at start-up (scripts/bundle.mjs)\n`);
  return out;
}

const BANNER = [
  `const __readinessBundleUrl = require("node:url").pathToFileURL(__filename).href;`,
  `const __readinessModuleUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", rel)).href;`,
  `const __builtinNamespace = (m) => ({ __proto__: m, default: m });`,
  // A chunk's exports, as esbuild writes them for CommonJS, are getters (two deep: its __export
  // table, then __toCommonJS's copy; a re-export adds the other chunk's pair), so each call of a
  // function from another chunk ran two to four getters, in the interpreter. Once the chunk has run,
  // its exports are replaced by a plain object holding their values, which every later require()
  // gets. Our modules export no \`let\` that changes later (test/e2e/bundle.test.ts checks), so
  // nothing live is lost. A chunk in an import cycle that required this one while it was still
  // running keeps the getters, and so does an export not yet initialised.
  `const __settleExports = (module) => { const e = module.exports; const o = {}; for (const k of Object.keys(e)) { let v; try { v = e[k]; } catch { v = undefined; } if (v === undefined) Object.defineProperty(o, k, { get: () => e[k], enumerable: true }); else o[k] = v; } Object.defineProperty(o, "__esModule", { value: true }); module.exports = o; };`,
  `const __lazyBuiltin = (id) => { let m; const load = () => (m ??= require(id)); return new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); if (d) d.configurable = true; return d; } }); };`,
].join("\n");

// Pure ASCII, so bin/start.js can read it as latin1: a third of the time of decoding UTF-8, and a
// one-byte string for V8 (a non-ASCII character anywhere makes the whole source two bytes a
// character). esbuild escapes most non-ASCII text itself but not in regular expression and some
// template literals; \uXXXX means the same character in every string, template and regular
// expression literal (and in identifiers and comments). String.raw would be the exception: the
// bundle's raw templates only build regular expression sources, where the escape reads the same.
for (const part of PARTS) {
  const table = bodies.get(part.name).join(",\n");
  // The first part also says which part holds each chunk.
  const where = part === PARTS[0] ? `partOf:${JSON.stringify(Object.fromEntries(partOf))},` : "";
  // Written as the function CommonJS would wrap it in, so bin/start.js compiles the text as read:
  // wrapping it there (Module.wrap) makes V8 flatten a second copy of the whole part.
  const text = `(function(exports,require,module,__filename,__dirname){${BANNER}\nmodule.exports={${where}chunks:{${table}}};\n})`;
  const rawNonAscii = /String\.raw`[^`]*[^\0-\x7f]/.exec(text);
  if (rawNonAscii) {
    process.stderr.write(`bundle: a String.raw template holds non-ASCII text, which escaping would change: ${rawNonAscii[0].slice(0, 120)}\n`);
    process.exit(1);
  }
  writeFileSync(join(DIST, part.file), text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

function isBuiltin(id) {
  return builtinModules.includes(id);
}

// Train the code caches: run the commands whose start-up matters once, in one process, from the new
// bundle, then save everything V8 compiled. Twice: as every command but audit runs (`<part>.cache`),
// and as an audit runs, under its own V8 flags (`<part>.audit.cache`; bin/start.js, AUDIT_V8_FLAGS),
// which V8 checks a cache against. A small checklist whose probes touch nothing outside
// this machine: an HTTP server the training process starts on loopback answers the http and tcp
// probes (the probe types a large audit is made of), and one probe runs this node, so the rest part,
// with execa, is trained too. One audit writes every report format, as `-o` does. A function left
// out of the cache is compiled on its first call in every run: for the report formats, the http and
// the tcp probe, some 10 ms of an audit of thousands of them (README, "Benchmarks"). The runs'
// output is discarded.
const scratch = mkdtempSync(join(tmpdir(), "readiness-bundle-"));
const checklist = join(scratch, "readiness.yaml");
// The server's port is known only in the training process: it replaces PORT there.
const checklistText = `version: 1
name: Code cache training
sections:
  - id: main
    title: Main
    items:
      - { id: env, title: Env, severity: critical, probes: [{ env: PATH }] }
      - { id: file, title: File, probes: [{ file: ${JSON.stringify(checklist)}, contains: "version" }] }
      - { id: manual, title: Manual, status: done, attested_by: Ana, attested_at: 2026-10-01 }
      - { id: missing, title: Missing, status: missing, owner: Bo }
      - { id: http, title: HTTP, probes: [{ http: "http://127.0.0.1:PORT/health" }] }
      - { id: tcp, title: TCP, probes: [{ tcp: "127.0.0.1:PORT" }] }
      - { id: command, title: Command, probes: [{ command: [${JSON.stringify(process.execPath)}, -e, "0"] }] }
`;
const out = (format, ext) => ["-o", `${format}=${join(scratch, `report.${ext}`)}`];
const audits = [
  ["audit", checklist],
  ["audit", checklist, "-f", "json"],
  ["audit", checklist, ...out("markdown", "md"), ...out("json", "json"), ...out("junit", "xml"), ...out("html", "html"), ...out("badge", "svg")],
];
// The plain caches of the first two parts learn `--version` and `validate` alone: every command but
// audit reads them, and a cache holding the probes' and the HTTP reader's compiled code (which an
// audit's training adds to the validate part) costs each of those starts its deserialising (~39 KiB,
// `validate` −3 ms in 40 paired runs). The plain caches of the last two parts learn the audits, as
// before: other commands that load them (execa, tinyglobby, the other commands) read those.
const trainings = [
  { tuned: false, runs: [["--version"], ["validate", checklist]], parts: ["core", "validate"] },
  { tuned: false, runs: audits, parts: ["audit", "rest"] },
  { tuned: true, runs: audits },
];
const train = ({ tuned, runs, parts }) => `
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import { loadBundle, tuneForAudit, writeCodeCache } from ${JSON.stringify(join(ROOT, "bin", "start.js"))};
${tuned ? "tuneForAudit();" : ""}
const server = createServer((_req, res) => res.end("ok"));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = server.address().port;
writeFileSync(${JSON.stringify(checklist)}, ${JSON.stringify(checklistText)}.replaceAll("PORT", String(port)));
const bundle = loadBundle({ tuned: ${tuned} });
for (const args of ${JSON.stringify(runs)}) await bundle.main([process.execPath, "readiness", ...args]);
server.close();
process.exitCode = 0;
writeCodeCache(bundle, ${JSON.stringify(parts)});
`;
for (const training of trainings) {
  const trained = spawnSync(process.execPath, ["--input-type=module", "-e", train(training)], { cwd: scratch, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  if (trained.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    process.stderr.write(`bundle: training the ${training.tuned ? "audit " : ""}code caches${training.parts ? ` of ${training.parts.join(", ")}` : ""} failed (exit ${trained.status}):\n${trained.stderr}`);
    process.exit(1);
  }
}
rmSync(scratch, { recursive: true, force: true });
const sizes = PARTS.map((p) => `${p.file} ${kib(join(DIST, p.file))} KiB (${bodies.get(p.name).length} chunks, code caches ${kib(join(DIST, `${p.file}.cache`))} + ${kib(join(DIST, `${p.file}.audit.cache`))} KiB)`);
process.stdout.write(`bundle: ${sizes.join(", ")}; ${deferred} deferred built-in imports, ${namespaces} built-in namespaces\n`);

function kib(file) {
  return Math.round(readFileSync(file).length / 1024);
}
