/**
 * The one way readiness runs git. A checklist's repository is not trusted: its `.git/config` and
 * `.gitattributes` can name programs git would run (an fsmonitor hook, filter and textconv drivers,
 * an external diff, hooks, a pager, a signing program), and the environment can add config too
 * (GIT_CONFIG_*, GIT_EXTERNAL_DIFF). Every call here turns those off, so reading a hostile
 * repository runs git and nothing else. A git that fails, is missing or takes too long gives
 * `undefined`: callers carry on without what git would have told them.
 */
import { execFile } from "node:child_process";

/** Config that keeps git from running any program a repository names. */
const SAFE_CONFIG = [
  "core.fsmonitor=false",
  "core.hooksPath=/dev/null",
  "core.pager=cat",
  "diff.external=",
  "protocol.allow=never",
  "gpg.program=gpg",
  "gpg.ssh.program=ssh-keygen",
  "gpg.x509.program=gpgsm",
];

/** The environment without git's own variables (GIT_CONFIG_*, GIT_EXTERNAL_DIFF, GIT_DIR...). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  env.GIT_OPTIONAL_LOCKS = "0";
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

function exec(args: string[], cwd: string): Promise<string | undefined> {
  const config = SAFE_CONFIG.flatMap((c) => ["-c", c]);
  return new Promise((done) => {
    execFile("git", [...config, ...args], { cwd, timeout: 10_000, maxBuffer: 64 * 1024 * 1024, env: cleanEnv() }, (error, stdout) => done(error ? undefined : stdout));
  });
}

/**
 * Config that empties the filter and diff drivers `.gitattributes` gives `paths` (read with
 * `git check-attr`, which runs none of them): their clean, smudge and process filters and their
 * textconv and diff commands.
 */
async function driverConfig(paths: string[], cwd: string): Promise<string[]> {
  if (paths.length === 0) return [];
  const out = await exec(["check-attr", "-z", "filter", "diff", "--", ...paths], cwd);
  if (!out) return [];
  const fields = out.split("\0");
  const config: string[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [attr, value] = [fields[i + 1], fields[i + 2] ?? ""];
    if (value === "unspecified" || value === "set" || value === "unset") continue;
    const keys = attr === "filter" ? ["clean", "smudge", "process"] : ["textconv", "command"];
    for (const k of keys) config.push("-c", `${attr}.${value}.${k}=`);
    if (attr === "filter") config.push("-c", `filter.${value}.required=false`);
  }
  return config;
}

/** Options of the commands that can show file content, so that no textconv or external diff runs. */
const NO_PROGRAMS: Record<string, string[]> = {
  blame: ["--no-textconv"],
  diff: ["--no-ext-diff", "--no-textconv"],
  log: ["--no-ext-diff", "--no-textconv"],
  show: ["--no-ext-diff", "--no-textconv"],
};

/**
 * Runs `git COMMAND ARGS` in `cwd` with every program a repository could name turned off, including
 * the filter and diff drivers of `paths` (the files the command reads from the working tree).
 * Resolves with stdout, or undefined when git fails.
 */
export async function runGit([command = "", ...args]: string[], cwd: string, paths: string[] = []): Promise<string | undefined> {
  return exec([...(await driverConfig(paths, cwd)), command, ...(NO_PROGRAMS[command] ?? []), ...args], cwd);
}
