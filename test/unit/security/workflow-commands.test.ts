/**
 * GitHub workflow commands (issue 24, item 8): the annotations readiness means are the only lines a
 * runner could execute, whatever a checklist or a target wrote into them.
 */
import { describe, expect, it } from "vitest";
import { githubAnnotations } from "../../../src/render/github.js";
import { item, report, section } from "../../helpers/sample-report.js";

describe("githubAnnotations", () => {
  it("writes each annotation on one line with no legacy ##[ command in it, whatever the title and message hold", () => {
    const hostile = item("x", "::error title=PWNED::x ##[error]legacy\n::warning::next line", "critical", "fail", { message: "got ##[set-output name=a;]b\r::notice::c" });
    const r = report("svc", "NO-GO", [], [section("s", "S", [hostile])]);
    const lines = githubAnnotations(r, "readiness.yaml");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error file=readiness\.yaml,title=readiness%3A critical item x fail::/);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[0]).not.toContain("##[");
  });
});
