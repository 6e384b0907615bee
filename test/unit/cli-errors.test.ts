import { join } from "node:path";
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

  it("an internal error in the minified bundle: --verbose also says how to get the source's names", () => {
    const e = new Error("boom");
    e.stack = "Error: boom\n    at Qw (/pkg/dist/readiness.cjs:217:4051)";
    const { code, text } = errOf(e, true);
    expect(code).toBe(3);
    expect(text).toContain(`run the same command as: node ${join(process.cwd(), "src", "main.js")} ...`);
    // ...from whichever part of the bundle the frame is in.
    e.stack = "Error: boom\n    at Qw (/pkg/dist/readiness.validate.cjs:3:12)";
    expect(errOf(e, true).text).toContain("run the same command as: node ");
  });

  it("a part of the bundle that cannot be loaded: one line naming the installation as damaged, exit 3, not a bug", () => {
    const e = Object.assign(new Error("/pkg/dist/readiness.rest.cjs cannot be loaded (Unexpected token ')'): this installation of readiness is damaged; reinstall it"), { code: "EBUNDLE" });
    for (const verbose of [false, true]) {
      const { code, text } = errOf(e, verbose);
      expect(code).toBe(3);
      expect(text).toBe("readiness: /pkg/dist/readiness.rest.cjs cannot be loaded (Unexpected token ')'): this installation of readiness is damaged; reinstall it\n");
    }
  });
});
