// Starts the command line from dist/readiness.cjs, the single-file bundle `npm run build` writes
// (scripts/bundle.mjs), compiled from V8's code cache beside it (dist/readiness.cjs.cache): that
// skips parsing and compiling some 60 ES modules and halves the start-up (README, "Benchmarks").
// A cache made by another Node version is rejected by V8 and the bundle compiles from source, a
// little slower and otherwise the same. Without the bundle (a bare `tsc` build), dist/main.js runs.
//
// CommonJS (bin/package.json), like bin/readiness.js: an ES module entry would start Node's ES
// module loader first, which loads fs/promises, readline and streams, some 15 ms of every start-up.
// ES modules import it all the same (scripts/bundle.mjs, the tests): `import { loadBundle } from`.
"use strict";
const { readFileSync, statSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");
const vm = require("node:vm");

const BUNDLE = join(__dirname, "..", "dist", "readiness.cjs");
const CODE_CACHE = `${BUNDLE}.cache`;

/**
 * Compiles the bundle (from the code cache when there is one V8 accepts) and returns it with its
 * `main(argv)`; undefined when there is no usable bundle.
 */
function loadBundle() {
  let source;
  try {
    // A bundle older than dist/ (tsc run again without `npm run build`) would run stale code.
    if (statSync(BUNDLE).mtimeMs < statSync(join(__dirname, "..", "dist", "cli.js")).mtimeMs) return undefined;
    // scripts/bundle.mjs writes it pure ASCII, which latin1 reads exactly and fastest.
    source = readFileSync(BUNDLE, "latin1");
  } catch {
    return undefined;
  }
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
  } catch {
    /* no cache: compile from source */
  }
  // A bundle that does not compile or load (a damaged install) is passed over for dist/main.js.
  try {
    const script = new vm.Script(Module.wrap(source), {
      filename: BUNDLE,
      cachedData,
      // The bundle has no import() of its own; a module it loads at run time might.
      importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const module = { exports: {} };
    script.runInThisContext().call(module.exports, module.exports, Module.createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
    if (typeof module.exports.main !== "function") return undefined;
    return { main: module.exports.main, script, cacheRejected: cachedData ? script.cachedDataRejected === true : undefined };
  } catch {
    return undefined;
  }
}

/** Writes the code cache of a loaded bundle: what V8 compiled so far, lazily compiled functions included. */
function writeCodeCache(bundle) {
  writeFileSync(CODE_CACHE, bundle.script.createCachedData());
}

/** Runs the command line on `process.argv`, then exits with the code it set. */
async function start() {
  const bundle = loadBundle();
  if (bundle) await bundle.main(process.argv);
  else await import("../dist/main.js");
  // By now the command is done and stdout and stderr are flushed (main waits for both). Exiting here
  // rather than when the event loop empties skips Node's tear-down of the heap (the kernel takes the
  // memory back at once: about 4 ms of a cold start and 10 ms at 5,000 items, in paired runs), and
  // nothing a probe left open can keep the process alive after its report.
  process.exit();
}

module.exports = { CODE_CACHE, loadBundle, writeCodeCache, start };
