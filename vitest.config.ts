import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Test files that assert what readiness measures or how fast it reacts under a wall clock (latency
 * beside other probes, start-up time, a signal sent after a fixed delay, a hostile command ended on
 * time): they run after the others, one file at a time, so that the suite's own load is not in
 * their figures.
 */
const ALONE = [
  "test/e2e/hostile-checklists.test.ts",
  "test/e2e/package.test.ts",
  "test/e2e/robustness.test.ts",
  "test/e2e/unsized-input.test.ts",
  "test/e2e/verdict.test.ts",
  "test/unit/engine/execute.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { NO_COLOR: "1" },
    projects: [
      {
        extends: true,
        // Vitest's default is one worker fewer than the CPUs: one worker on a 2-core CI machine,
        // which then idles while a test waits for a server or a spawned CLI. One more worker
        // than CPUs keeps both cores busy.
        test: { name: "parallel", include: ["test/**/*.test.ts"], exclude: ALONE, maxWorkers: availableParallelism() + 1 },
      },
      {
        extends: true,
        test: { name: "alone", include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
