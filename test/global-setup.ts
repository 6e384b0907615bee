/**
 * Builds dist/ once before the suite, so end-to-end tests always spawn the CLI of the current
 * source. Type errors do not stop the emit (typecheck is its own gate in `npm run check`).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "pipe" });
  } catch {
    /* emitted anyway; `npm run typecheck` reports the errors */
  }
  execFileSync(process.execPath, [join(root, "scripts", "build-validator.mjs")], { cwd: root, stdio: "pipe" });
}
