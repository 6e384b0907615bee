import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyBaseline } from "../../../src/compare/baseline.js";
import { diffReports, renderDiff } from "../../../src/compare/diff.js";
import { parseReport } from "../../../src/compare/parse.js";
import { renderHtml } from "../../../src/render/html.js";
import { renderJson } from "../../../src/render/json.js";
import { renderMarkdown } from "../../../src/render/markdown.js";
import { renderTerminal } from "../../../src/render/terminal.js";
import type { Report } from "../../../src/types.js";
import { goReport, item, noGoReport, normalizeTimes, report, section } from "../../helpers/sample-report.js";
import { COLOUR, PLAIN } from "../render/samples.js";

const fixture = (name: string): Report =>
  parseReport(readFileSync(new URL(`../../fixtures/reports/${name}`, import.meta.url), "utf8"), name);

/** Two runs of one checklist that differ in known ways. */
function pair(): [Report, Report] {
  const before = report("Svc", "CONDITIONAL", ["score 80 is below gate.go 90"], [
    section("s", "S", [
      item("a", "A stays passing", "high", "pass"),
      item("b", "B breaks", "critical", "pass"),
      item("c", "C gets fixed", "medium", "fail", { message: "was broken" }),
      item("d", "D partial then done", "low", "partial"),
      item("e", "E waiver expires", "high", "waived"),
      item("gone", "Removed item", "low", "pass"),
      item("f", "F pass then attested", "low", "pass"),
    ]),
  ]);
  const after = report("Svc", "NO-GO", ["critical item `b` fails"], [
    section("s", "S", [
      item("a", "A stays passing", "high", "pass"),
      item("b", "B breaks", "critical", "fail", { message: "GET /b: 500" }),
      item("c", "C gets fixed", "medium", "pass"),
      item("d", "D partial then done", "low", "attested"),
      item("e", "E waiver expires", "high", "missing"),
      item("new", "New item", "medium", "fail"),
      item("f", "F pass then attested", "low", "attested"),
    ]),
  ]);
  return [before, after];
}

describe("diffReports", () => {
  it("finds newly failing, newly passing, added, removed and other changes by id", () => {
    const [before, after] = pair();
    const d = diffReports(before, after);
    expect(d.newly_failing.map((c) => [c.id, c.from, c.to])).toEqual([
      ["b", "pass", "fail"],
      ["e", "waived", "missing"],
    ]);
    expect(d.newly_failing[0]!.message).toBe("GET /b: 500");
    expect(d.newly_passing.map((c) => [c.id, c.from, c.to])).toEqual([
      ["c", "fail", "pass"],
      ["d", "partial", "attested"],
    ]);
    expect(d.added.map((c) => c.id)).toEqual(["new"]);
    expect(d.removed.map((c) => c.id)).toEqual(["gone"]);
    expect(d.changed.map((c) => [c.id, c.from, c.to])).toEqual([["f", "pass", "attested"]]);
    expect(d.verdict_change).toBe("worse");
    expect(d.score_delta).toBe((after.score ?? 0) - (before.score ?? 0));
    expect(d.regressed).toBe(true);
    expect(d.regressions[0]).toBe("verdict CONDITIONAL → NO-GO");
  });

  it("does not regress when nothing got worse", () => {
    const d = diffReports(noGoReport(), goReport());
    expect(d.verdict_change).toBe("better");
    expect(d.newly_failing).toEqual([]);
    expect(d.regressed).toBe(false);
    expect(d.regressions).toEqual([]);
    const same = diffReports(goReport(), goReport());
    expect(same).toMatchObject({ score_delta: 0, verified_delta: 0, verdict_change: "same", regressed: false });
  });

  it("regresses on a lower score alone", () => {
    const before = report("x", "GO", [], [section("s", "S", [item("a", "A", "high", "pass"), item("b", "B", "low", "pass")])]);
    const after = report("x", "GO", [], [section("s", "S", [item("a", "A", "high", "pass"), item("b", "B", "low", "partial")])]);
    const d = diffReports(before, after);
    expect(d.newly_failing).toEqual([]);
    expect(d.score_delta).toBeLessThan(0);
    expect(d.regressed).toBe(true);
  });

  it("regresses on one newly failing item even with a better score", () => {
    const before = report("x", "NO-GO", ["x"], [section("s", "S", [item("a", "A", "critical", "fail"), item("b", "B", "low", "pass")])]);
    const after = report("x", "NO-GO", ["x"], [section("s", "S", [item("a", "A", "critical", "pass"), item("b", "B", "low", "fail")])]);
    const d = diffReports(before, after);
    expect(d.score_delta).toBeGreaterThan(0);
    expect(d.regressed).toBe(true);
    expect(d.regressions).toEqual(["1 item newly failing: b"]);
  });

  it("compares the shipped fixtures read from disk", () => {
    const d = diffReports(fixture("release-1.json"), fixture("release-2.json"));
    expect(d.old.verdict).toBe("GO");
    expect(d.new.verdict).toBe("NO-GO");
    expect(d.newly_failing.map((c) => c.id)).toEqual(["gateway-health", "runbooks"]);
    expect(d.regressed).toBe(true);
  });

  it("renders for a terminal, markdown and JSON", () => {
    const d = diffReports(...pair());
    const term = renderDiff(d, "terminal", PLAIN);
    expect(term).toContain("Verdict: CONDITIONAL → NO-GO (worse)");
    expect(term).toContain("Newly failing (2)");
    expect(term.trimEnd().split("\n").at(-1)).toMatch(/^REGRESSED: verdict CONDITIONAL → NO-GO/);
    expect(renderDiff(d, "terminal", COLOUR)).toMatch(/\u001b\[/);
    const md = renderDiff(d, "markdown", PLAIN);
    expect(md.split("\n")[0]).toBe("## 📉 Regressed — Svc");
    expect(md).toContain("### Newly failing (2)");
    expect(JSON.parse(renderDiff(d, "json", PLAIN))).toEqual(JSON.parse(JSON.stringify(d)));
    expect(normalizeTimes(term)).toMatchSnapshot();
    expect(normalizeTimes(md)).toMatchSnapshot();
  });
});

describe("applyBaseline", () => {
  it("adds deltas and item changes to the report, and every report shows them", () => {
    const [before, after] = pair();
    const r = applyBaseline(after, before, "old.json");
    expect(r.baseline).toMatchObject({
      path: "old.json",
      verdict: "CONDITIONAL",
      score: before.score,
      score_delta: (after.score ?? 0) - (before.score ?? 0),
      regressed: true,
    });
    expect(r.baseline!.newly_failing.map((c) => c.id)).toEqual(["b", "e"]);
    expect(r.baseline!.newly_passing.map((c) => c.id)).toEqual(["c", "d"]);
    expect(after.baseline).toBeUndefined();
    expect(renderTerminal(r, PLAIN)).toContain("Newly failing (2):");
    expect(renderMarkdown(r, PLAIN)).toContain("**Newly failing (2)**");
    expect(renderHtml(r, PLAIN)).toContain("<h3>Newly failing (2)</h3>");
    expect(JSON.parse(renderJson(r, PLAIN))).toHaveProperty("baseline.newly_passing");
  });
});
