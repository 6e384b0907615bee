import { describe, expect, it } from "vitest";
import { handleError } from "../../src/cli.js";
import { ReadinessError } from "../../src/errors.js";

function errOf(e: unknown, verbose: boolean): { code: number; text: string } {
  let text = "";
  const code = handleError(e, { err: (s: string) => (text += s) }, verbose);
  return { code, text };
}

describe("handleError", () => {
  it("a user's error: one line, exit 2, no stack", () => {
    const { code, text } = errOf(new ReadinessError("x.yaml: no such file"), true);
    expect(code).toBe(2);
    expect(text).toBe("readiness: x.yaml: no such file\n");
  });

  it("an internal error: exit 3, the stack only with --verbose", () => {
    const e = new Error("boom");
    e.stack = "Error: boom\n    at f (/src/x.js:1:2)";
    expect(errOf(e, false)).toEqual({ code: 3, text: expect.stringMatching(/^readiness: internal error: boom — this is a bug; .*\(add --verbose for the stack trace\)\n$/) as unknown });
    const verbose = errOf(e, true).text;
    expect(verbose).toContain("at f (/src/x.js:1:2)");
    expect(verbose).not.toContain("dist/main.js");
  });
});
