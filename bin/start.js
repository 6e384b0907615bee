// Starts the command line from the bundle `npm run build` writes (scripts/bundle.mjs): four scripts
// in dist/ (PARTS), each compiled from V8's code cache beside it (`<part>.cache`; `<part>.audit.cache`
// in an audit, which runs under V8 flags of its own: AUDIT_V8_FLAGS) when a module in it is first
// needed. That skips parsing and compiling some 60 ES modules and halves the start-up, and
// `--version` reads only the first part (README, "Benchmarks"). A cache made by another Node version
// is rejected by V8 and the part compiles from source, a little slower and otherwise the same.
// Without the bundle (a bare `tsc` build), dist/main.js runs.
//
// CommonJS (bin/package.json), like bin/readiness.js: an ES module entry would start Node's ES
// module loader first, which loads fs/promises, readline and streams, some 15 ms of every start-up.
// ES modules import it all the same (scripts/bundle.mjs, the tests): `import { loadBundle } from`.
"use strict";
const { closeSync, fstatSync, openSync, readSync, statSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { join } = require("node:path");
const vm = require("node:vm");

const DIST = join(__dirname, "..", "dist");

/**
 * The bundle's parts in dist/, in the order a run needs them: the command line (commander, options,
 * help, `--version`); what reading and validating a checklist adds; what an audit adds (the probes,
 * the engine, the report formats); and the rest, which loads with its first module (command probes'
 * execa, file globs, the other commands, reports read back). The first part's `partOf` says which
 * part holds each chunk.
 */
const PARTS = [
  { name: "core", file: "readiness.cjs" },
  { name: "validate", file: "readiness.validate.cjs" },
  { name: "audit", file: "readiness.audit.cjs" },
  { name: "rest", file: "readiness.rest.cjs" },
];

/**
 * V8 flags for an audit, set before any part loads (`tuneForAudit`). V8 compiles a function with
 * TurboFan, on a background thread, once it has run enough bytecode (the interrupt budget, 66 KiB of
 * it by default). An audit of thousands of items crosses that for some hundred functions that
 * then have little left to do: at 2,000 TCP probes those compiles took ~230 ms of CPU on a second
 * thread, on a 2-core machine that the main thread and the probed servers need too. Sixteen times
 * the budget keeps TurboFan for the truly hot loops: in paired runs 2,000 TCP probes 554 → 467 ms,
 * 5,000 items 493 → 376 ms, 50,000 items equal within 2 % (README, "Benchmarks").
 *
 * And a young generation that stays at its first size (1 MiB semi-spaces), collected on the main
 * thread. V8 doubles the young generation whenever enough of it survives, which an audit's start
 * (the bundle's modules, the checklist) always does, and every doubling is fresh memory to touch:
 * on this VM a first touch costs ~11 µs a page (2.7 ms a MiB) and the kernel's tear-down at exit
 * more. A fixed small young generation reuses the same pages; with so little in it, helper threads
 * only add their wake-up to each collection. Both flags are read at each collection, so setting
 * them at run time is safe (`--single-threaded-gc`, which is not, crashed V8 and is not used). In
 * paired runs: 2,000 TCP probes −8 % (18 of 20 faster), 5,000 items −7 % (16 of 16) and peak
 * memory 82 → 72 MiB, 200 HTTP probes equal, 50,000 items +2 %.
 */
const AUDIT_V8_FLAGS = "--interrupt-budget=1081344 --semi-space-growth-factor=1 --no-parallel-scavenge";

/** The code caches beside each part: made as every other command runs, and as an audit runs. */
const CACHE_SUFFIXES = [".cache", ".audit.cache"];

/**
 * Whether a command line runs `audit`: its first argument that is not an option (the options before
 * a command are flags without values). Only an audit is tuned; other commands are short and their
 * start-up would pay for loading node:v8 (it loads Node's stream modules, ~4 ms).
 */
function isAudit(argv) {
  return argv.slice(2).find((a) => !a.startsWith("-")) === "audit";
}

/**
 * Sets AUDIT_V8_FLAGS. A code cache records the V8 flags it was made under and V8 rejects it under
 * others, so a tuned process reads the caches trained tuned (`<part>.audit.cache`, `loadBundle({
 * tuned: true })`); the flags change when V8 optimizes, never what the code does.
 */
function tuneForAudit() {
  require("node:v8").setFlagsFromString(AUDIT_V8_FLAGS);
}

/**
 * One buffer for every file a start reads (the parts and their caches, 1.4 MiB in an audit), grown
 * to the largest. readFileSync allocates a fresh buffer for each file, and on this VM touching new
 * memory costs more than reading into it: reading the three parts of an audit and their caches
 * took 7.3 ms that way and 4.8 ms into one buffer (median of 30 paired runs; README, "Benchmarks").
 * What is read lives only until the next read: a part's source is copied out as a string, and V8
 * has read a code cache by the time `new vm.Script` returns.
 */
let scratch = Buffer.alloc(0);

/** The bytes of `file`, in the shared buffer (valid until the next call). Throws as readFileSync does. */
function readShared(file) {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    // 1 MiB at once holds any part or cache of today's bundle; memory is touched only as it is read.
    if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 1 << 20));
    let n = 0;
    for (let got; n < size && (got = readSync(fd, scratch, n, size - n, n)) > 0; ) n += got;
    return scratch.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Compiles one part (from its code cache when V8 accepts it) and runs it: its table of chunks. */
function compilePart(part, cacheSuffix) {
  const file = join(DIST, part.file);
  // scripts/bundle.mjs writes it pure ASCII, which latin1 reads exactly and fastest.
  const source = readShared(file).latin1Slice();
  let cachedData;
  try {
    cachedData = readShared(`${file}${cacheSuffix}`);
  } catch {
    /* no cache: compile from source */
  }
  // The part is written as a CommonJS wrapper function already (scripts/bundle.mjs): no copy to make.
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    // The bundle has no import() of its own; a module it loads at run time might.
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, DIST);
  return { ...part, file, cacheFile: `${file}${cacheSuffix}`, script, cacheRejected: cachedData ? script.cachedDataRejected === true : undefined, exports: module.exports };
}

/**
 * Loads the bundle and returns its `main(argv)`, the parts compiled so far (`parts`, by name),
 * `load(name)` to compile another and `chunk(id)` to require a chunk (`./main.js`); undefined when there is no usable bundle: missing or incomplete,
 * older than dist/ (tsc run again without `npm run build`: stale code), or one that does not compile
 * or load (a damaged install), for all of which dist/main.js runs instead. With `tuned`, the code
 * caches made under AUDIT_V8_FLAGS are read (the caller has set them: `tuneForAudit`).
 */
function loadBundle({ tuned = false } = {}) {
  const cacheSuffix = CACHE_SUFFIXES[tuned ? 1 : 0];
  try {
    const cli = statSync(join(DIST, "cli.js")).mtimeMs;
    for (const part of PARTS) if (statSync(join(DIST, part.file)).mtimeMs < cli) return undefined;
  } catch {
    return undefined;
  }
  const parts = new Map();
  const load = (name) => {
    let part = parts.get(name);
    if (!part) {
      const spec = PARTS.find((p) => p.name === name);
      if (!spec) throw new Error(`no bundle part ${name}`);
      try {
        part = compilePart(spec, cacheSuffix);
      } catch (error) {
        // Found only now, mid-command (a missing part was caught at start): a damaged installation,
        // which the command line reports as such (code EBUNDLE), not as a bug.
        const cause = error instanceof Error ? error.message : String(error);
        throw Object.assign(new Error(`${join(DIST, spec.file)} cannot be loaded (${cause}): this installation of readiness is damaged; reinstall it (in a checkout: npm run build)`), { code: "EBUNDLE" });
      }
      parts.set(name, part);
    }
    return part;
  };
  // The chunks' module system: each chunk runs once, when first required, as a CommonJS module.
  const modules = new Map();
  const outside = Module.createRequire(join(DIST, PARTS[0].file));
  const chunkRequire = (id) => {
    if (!id.startsWith("./")) return outside(id);
    const name = id.slice(2);
    const done = modules.get(name);
    if (done) return done.exports;
    const partName = parts.get(PARTS[0].name).exports.partOf?.[name];
    // Not a chunk: a file beside the bundle, as a one-file bundle's require would have found it.
    if (partName === undefined) return outside(id);
    const chunk = load(partName).exports.chunks?.[name];
    if (typeof chunk !== "function") throw new Error(`the bundle has no chunk ${name}`);
    const module = { exports: {} };
    modules.set(name, module);
    try {
      chunk.call(module.exports, module.exports, chunkRequire, module);
    } catch (error) {
      modules.delete(name);
      throw error;
    }
    return module.exports;
  };
  try {
    load(PARTS[0].name);
    const { main } = chunkRequire("./main.js");
    if (typeof main !== "function") return undefined;
    return { main, parts, load, chunk: chunkRequire, cacheRejected: parts.get(PARTS[0].name).cacheRejected };
  } catch {
    return undefined;
  }
}

/**
 * Writes the code cache of every part loaded so far (or of those named): what V8 compiled of it,
 * lazily compiled functions included.
 */
function writeCodeCache(bundle, names) {
  for (const part of bundle.parts.values()) if (!names || names.includes(part.name)) writeFileSync(part.cacheFile, part.script.createCachedData());
}

/** Runs the command line on `process.argv`, then exits with the code it set. */
async function start() {
  const tuned = isAudit(process.argv);
  if (tuned) tuneForAudit();
  const bundle = loadBundle({ tuned });
  if (bundle) await bundle.main(process.argv);
  else await import("../dist/main.js");
  // By now the command is done and stdout and stderr are flushed (main waits for both). Exiting here
  // rather than when the event loop empties skips Node's tear-down of the heap (the kernel takes the
  // memory back at once: about 4 ms of a cold start and 10 ms at 5,000 items, in paired runs), and
  // nothing a probe left open can keep the process alive after its report.
  process.exit();
}

module.exports = { PARTS, CACHE_SUFFIXES, isAudit, tuneForAudit, loadBundle, writeCodeCache, start };
