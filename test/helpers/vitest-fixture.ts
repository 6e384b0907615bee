/**
 * Runs a real vitest on test/fixtures/evidence/vitest-project, writing its reports (coverage with
 * five reporters, and JUnit) into `dir`: the evidence the coverage and tests probes read.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const FIXTURE_PROJECT = join(root, "test", "fixtures", "evidence", "vitest-project");

export async function runVitestFixture(dir: string, options: { coverage: boolean }): Promise<void> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("VITEST") && k !== "TEST") env[k] = v;
  const vitest = join(root, "node_modules/vitest/vitest.mjs");
  const args = [vitest, "run", "--config", join(FIXTURE_PROJECT, "vitest.config.mjs"), ...(options.coverage ? [] : ["--coverage.enabled=false"])];
  const r = await execa(process.execPath, args, {
    cwd: FIXTURE_PROJECT,
    env: { ...env, EVIDENCE_OUT: dir, NO_COLOR: "1" },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  // One fixture test fails on purpose, so vitest exits 1; anything else is a broken set-up.
  if (r.exitCode !== 1) throw new Error(`vitest on the fixture project exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
}
