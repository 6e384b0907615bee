/**
 * `env`: an environment variable is set and not empty, optionally matching a pattern.
 * The value is never put in a message or an observation: only whether it is set and matches.
 */
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { truncate } from "../util/text.js";
import { regexError, testPattern } from "./assert.js";
import { fail, pass } from "./evidence/common.js";

/** Spec of an `env` probe. */
export interface EnvSpec extends ProbeSpecBase {
  /** Name of the variable. */
  env: string;
  /** A regular expression (RE2 syntax) the value must match. */
  matches?: string;
}

/** Where the probe reads variables; the process environment unless a test passes another. */
export type EnvSource = Record<string, string | undefined>;

/** Runs an env probe against a given environment. */
export function checkEnv(spec: EnvSpec, env: EnvSource): ProbeOutcome {
  const name = spec.env;
  const value = env[name];
  if (value === undefined) return fail(`${name} is not set`, { set: false });
  if (value === "") return fail(`${name} is set but empty`, { set: true, empty: true });
  if (spec.matches !== undefined) {
    const matches = testPattern(spec.matches, value);
    const observed = { set: true, empty: false, matches };
    if (!matches) return fail(`${name} does not match /${truncate(spec.matches, 80)}/`, observed);
    return pass(`${name} is set and matches /${truncate(spec.matches, 80)}/`, observed);
  }
  return pass(`${name} is set`, { set: true, empty: false });
}

function check(spec: EnvSpec): Issue[] {
  if (typeof spec.matches !== "string") return [];
  const err = regexError(spec.matches);
  return err ? [{ path: "/matches", message: err }] : [];
}

/** The `env` probe: a variable is set, not empty, optionally matching; never shown. */
export const envProbe: Probe<EnvSpec> = {
  type: "env",
  description: "An environment variable is set and not empty (optionally matching a pattern); its value is never shown.",
  schema: {
    type: "object",
    required: ["env"],
    properties: {
      env: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$", description: "Variable name." },
      matches: { type: "string", minLength: 1, description: "Regular expression (RE2 syntax) the value must match." },
    },
  },
  check,
  target: (spec) => spec.env,
  run: (spec: EnvSpec, _ctx: ProbeContext) => Promise.resolve(checkEnv(spec, process.env)),
};
