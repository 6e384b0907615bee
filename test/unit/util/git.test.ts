/**
 * The hardened git runner against a hostile repository made in the test: every program its config
 * and attributes name would touch a marker file; none may appear.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { blameDates } from "../../../src/governance/changes.js";
import { runGit } from "../../../src/util/git.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function hostileRepo(): { dir: string; markers: () => string[] } {
  const d = mkdtempSync(join(tmpdir(), "readiness-git-"));
  dir = d;
  const git = (...args: string[]): void => void execFileSync("git", args, { cwd: d, stdio: "ignore", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
  git("init", "-q");
  git("config", "user.email", "a@example.com");
  git("config", "user.name", "A");
  git("config", "commit.gpgsign", "false");
  writeFileSync(join(d, "readiness.yaml"), "version: 1\nname: x\n");
  git("add", "readiness.yaml");
  git("commit", "-qm", "init");
  // Programs the repository names, each touching its own marker.
  const touch = (name: string): string => `touch ${JSON.stringify(join(d, `MARK-${name}`))}; cat`;
  writeFileSync(join(d, ".gitattributes"), "* filter=evil diff=evil\n");
  git("config", "filter.evil.clean", touch("clean"));
  git("config", "filter.evil.smudge", touch("smudge"));
  git("config", "diff.evil.textconv", touch("textconv"));
  git("config", "diff.external", touch("external"));
  git("config", "core.fsmonitor", touch("fsmonitor"));
  git("config", "core.pager", touch("pager"));
  // An uncommitted edit: blame reads the working tree file, through the clean filter if it can.
  writeFileSync(join(d, "readiness.yaml"), "version: 1\nname: y\n");
  return { dir: d, markers: () => readdirSync(d).filter((f) => f.startsWith("MARK-")) };
}

describe("runGit", () => {
  it("blames a file of a hostile repository without running any program it names", async () => {
    const repo = hostileRepo();
    // The repository is hostile indeed: plain git runs its filter.
    execFileSync("git", ["blame", "--", "readiness.yaml"], { cwd: repo.dir, stdio: "ignore" });
    expect(repo.markers().length).toBeGreaterThan(0);
    for (const m of repo.markers()) rmSync(join(repo.dir, m));

    const dates = await blameDates(join(repo.dir, "readiness.yaml"), new Date("2026-11-23T00:00:00Z"));
    expect(dates?.get(2)).toBe("2026-11-23"); // the uncommitted line reads as today
    expect(await runGit(["log", "-p", "--format=%ae"], repo.dir, ["readiness.yaml"])).toContain("a@example.com");
    expect(repo.markers()).toEqual([]);
  });

  it("ignores git's variables in the environment (GIT_EXTERNAL_DIFF, GIT_CONFIG_*)", async () => {
    const repo = hostileRepo();
    const saved = { ...process.env };
    try {
      process.env.GIT_EXTERNAL_DIFF = join(repo.dir, "nope.sh");
      process.env.GIT_CONFIG_COUNT = "1";
      process.env.GIT_CONFIG_KEY_0 = "core.pager";
      process.env.GIT_CONFIG_VALUE_0 = `touch ${join(repo.dir, "MARK-env")}`;
      expect(await runGit(["diff"], repo.dir, ["readiness.yaml"])).toContain("name: y");
      expect(repo.markers()).toEqual([]);
      expect(existsSync(join(repo.dir, "MARK-env"))).toBe(false);
    } finally {
      process.env = saved;
    }
  });

  it("gives undefined where git cannot answer", async () => {
    dir = mkdtempSync(join(tmpdir(), "readiness-git-"));
    expect(await runGit(["log"], dir)).toBeUndefined();
  });
});
