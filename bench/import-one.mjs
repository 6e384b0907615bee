// Child of bench/imports.mjs: imports one module in a fresh process and prints its cost.
// Run from the repository root; a "./dist/..." argument is resolved against it.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const spec = process.argv[2];
const url = spec.startsWith(".") ? pathToFileURL(resolve(spec)).href : spec;
const c0 = process.cpuUsage();
const t0 = performance.now();
await import(url);
const wall = performance.now() - t0;
const c = process.cpuUsage(c0);
process.stdout.write(`${JSON.stringify({ spec, wall, cpu: (c.user + c.system) / 1000 })}\n`);
