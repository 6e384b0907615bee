/**
 * Builds dist/ (tsc, then the precompiled validator) before the suite when the sources are newer
 * than the build, so end-to-end tests always spawn the CLI of the current source (after
 * `npm run build`, as in `npm run check`, it does nothing). Type errors do not stop the emit:
 * `npm run typecheck` is its own gate.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const built = Math.min(...["main.js", "checklist/checklist-validator.cjs"].map((f) => mtime(join(root, "dist", f))));
  if (built > newest(join(root, "src"))) return;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "pipe" });
  } catch {
    /* emitted anyway; `npm run typecheck` reports the errors */
  }
  try {
    execFileSync(process.execPath, [join(root, "scripts", "build-validator.mjs")], { cwd: root, stdio: "pipe" });
  } catch (e) {
    // Without the precompiled validator the CLI compiles the schema at start: slower, same results.
    process.stderr.write(`global setup: could not precompile the checklist validator: ${(e as Error).message.split("\n")[0]}\n`);
  }
}
