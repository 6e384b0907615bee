/** The env probe: set and non-empty, optional pattern, and never the value in any output. */
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { checkEnv, envProbe } from "../../../src/probes/env.js";
import { probeSchema } from "../../../src/probes/index.js";
import { makeContext } from "../../helpers/context.js";

const SECRET = "ghp_s3cr3tT0k3nValue";
const NAME = "READINESS_TEST_API_TOKEN";

afterEach(() => {
  delete process.env[NAME];
});

/** Everything the probe returns, as one string: the value must appear nowhere in it. */
const everything = (o: unknown) => JSON.stringify(o);

describe("env probe", () => {
  it("passes when the variable is set in the process environment", async () => {
    process.env[NAME] = SECRET;
    const r = await envProbe.run({ env: NAME }, makeContext());
    expect(r).toEqual({ result: "pass", message: `${NAME} is set`, observed: { set: true, empty: false } });
    expect(everything(r)).not.toContain(SECRET);
  });

  it("fails when it is not set, or set but empty", async () => {
    expect(await envProbe.run({ env: NAME }, makeContext())).toEqual({ result: "fail", message: `${NAME} is not set`, observed: { set: false } });
    process.env[NAME] = "";
    expect(await envProbe.run({ env: NAME }, makeContext())).toMatchObject({ result: "fail", message: `${NAME} is set but empty` });
  });

  it("checks matches without ever showing the value", () => {
    const ok = checkEnv({ env: "API_TOKEN", matches: "^ghp_" }, { API_TOKEN: SECRET });
    expect(ok).toMatchObject({ result: "pass", message: "API_TOKEN is set and matches /^ghp_/" });
    const bad = checkEnv({ env: "API_TOKEN", matches: "^glpat-" }, { API_TOKEN: SECRET });
    expect(bad).toEqual({ result: "fail", message: "API_TOKEN does not match /^glpat-/", observed: { set: true, empty: false, matches: false } });
    for (const r of [ok, bad]) expect(everything(r)).not.toContain(SECRET);
  });

  it("reads names exactly (no case folding)", () => {
    expect(checkEnv({ env: "BASE_URL" }, { base_url: "http://x" })).toMatchObject({ result: "fail", message: "BASE_URL is not set" });
    expect(checkEnv({ env: "BASE_URL" }, { BASE_URL: "http://x" })).toMatchObject({ result: "pass", message: "BASE_URL is set" });
  });
});

describe("env probe validation", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(probeSchema("env"));

  it("accepts variable names and rejects others", () => {
    expect(validate({ env: "BASE_URL", matches: "^https://" })).toBe(true);
    expect(validate({ env: "_PRIVATE1" })).toBe(true);
    expect(validate({ env: "1BAD" })).toBe(false);
    expect(validate({ env: "WITH SPACE" })).toBe(false);
    expect(validate({ env: "X", matches: "" })).toBe(false);
  });

  it("rejects a regular expression that does not compile", () => {
    expect(envProbe.check?.({ env: "X", matches: "^(ghp_" })).toMatchObject([{ path: "/matches", message: expect.stringMatching(/^invalid regular expression \/\^\(ghp_\/: /) }]);
    expect(envProbe.check?.({ env: "X", matches: "^ghp_" })).toEqual([]);
    expect(envProbe.target({ env: "X" })).toBe("X");
    expect(envProbe.executes).toBeUndefined();
  });
});
