#!/usr/bin/env node
// Starts the command line from dist/, which `npm run build` writes (tsc, then the precompiled
// checklist validator). A clone that was never built has no dist/: that is said in one line, with
// exit code 2 (a setup the user fixes, like bad input), rather than as a module-not-found stack trace.
import { existsSync } from "node:fs";
import module from "node:module";

const entry = new URL("../dist/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("readiness: not built yet (no dist/main.js): run `npm run build` first\n");
  process.exit(2);
}
// Node 22.1+ keeps compiled modules in an on-disk cache, which makes every later start faster.
// Older Node has no such function and compiles the modules each time, with the same result.
if (typeof module.enableCompileCache === "function") module.enableCompileCache();
await import(entry.href);
