import { FILTER_SCRIPT } from "../../../src/render/html.js";
import { displayWidth } from "../../../src/util/width.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mergeReports, renderFleet } from "../../../src/compare/merge.js";
import { parseReport } from "../../../src/compare/parse.js";
import { conditionalReport, goReport, hostileReport, noGoReport } from "../../helpers/sample-report.js";
import type { Report } from "../../../src/types.js";
import { COLOUR, PLAIN } from "../render/samples.js";
import { parseXml, type XmlNode } from "../render/xml.js";

const named = (r: Report, name: string): Report => ({ ...r, checklist: { name, path: `${name.toLowerCase()}/readiness.yaml` } });

function fleet() {
  return mergeReports([named(goReport(), "Search"), named(noGoReport(), "Payments"), named(conditionalReport(), "Checkout"), named(goReport(), "Auth")]);
}

describe("mergeReports", () => {
  it("lists services worst first and takes the worst verdict", () => {
    const f = fleet();
    expect(f.services.map((s) => [s.name, s.verdict, s.score])).toEqual([
      ["Payments", "NO-GO", 31],
      ["Checkout", "CONDITIONAL", 71],
      ["Auth", "GO", 100],
      ["Search", "GO", 100],
    ]);
    expect(f.verdict).toBe("NO-GO");
    expect(f.reasons).toHaveLength(2);
    expect(f.reasons[0]).toMatch(/^Payments: NO-GO \(score 31\), critical item/);
    expect(f.lowest_score).toBe(31);
    expect(f.mean_score).toBe(Math.round((31 + 71 + 100 + 100) / 4));
    expect(f.counts.pass).toBe(2 + 2 + 2 + 2);
    expect(f.services[0]!.failing.map((x) => x.id)).toEqual(["gateway-health", "db-backups", "pentest", "runbooks", "chaos"]);
  });

  it("is GO when every service is", () => {
    expect(mergeReports([goReport(), named(goReport(), "Other")]).verdict).toBe("GO");
  });

  it("needs at least one report", () => {
    expect(() => mergeReports([])).toThrow(/at least one/);
  });

  it("merges the shipped fixtures", () => {
    const read = (n: string) => parseReport(readFileSync(new URL(`../../fixtures/reports/${n}`, import.meta.url), "utf8"), n);
    const f = mergeReports([read("orders.json"), read("release-2.json")]);
    expect(f.services.map((s) => s.name)).toEqual(["Payments API", "Orders Service"]);
  });

  it("renders in terminal, markdown, json, html and junit", () => {
    const f = fleet();
    const term = renderFleet(f, "terminal", PLAIN);
    expect(term.trimEnd().split("\n").slice(-5, -3).join("\n")).toMatch(/NO-GO {2}fleet verdict \(worst service\)/);
    expect(term.indexOf("Payments")).toBeLessThan(term.indexOf("Checkout"));
    const md = renderFleet(f, "markdown", PLAIN);
    expect(md.split("\n")[0]).toBe("## 🔴 Fleet NO-GO — 4 services");
    expect(md.split("\n").filter((l) => l.startsWith("| ")).length).toBe(2 + 4);
    expect(JSON.parse(renderFleet(f, "json", PLAIN))).toMatchObject({ kind: "fleet", verdict: "NO-GO" });
    const html = renderFleet(f, "html", PLAIN).replace(`<script>${FILTER_SCRIPT}</script>`, "");
    expect(html).toContain("Fleet of 4");
    expect(html).not.toMatch(/<script/i);
    const junit = parseXml(renderFleet(f, "junit", PLAIN)).testsuites as XmlNode;
    const cases = (junit.testsuite as XmlNode[])[0]!.testcase as XmlNode[];
    expect(cases).toHaveLength(4);
    expect(cases.filter((c) => c.failure)).toHaveLength(1);
    expect(term).toMatchSnapshot();
    expect(md).toMatchSnapshot();
  });

  it("draws one row per service, its failures under it, in colour, at every width, within the width, hostile names cut", () => {
    const f = mergeReports([hostileReport(), ...fleet().services.map((s) => named(s.name === "Payments" ? noGoReport() : goReport(), s.name))]);
    for (const width of [60, 100, 140]) {
      const out = renderFleet(f, "terminal", { ...COLOUR, width });
      expect(out.split("\n").filter((l) => displayWidth(l) > width)).toEqual([]);
      expect(out).toMatchSnapshot(`width ${width}`);
    }
  });

  it("escapes hostile service names in every format", () => {
    const f = mergeReports([hostileReport(), goReport()]);
    expect(renderFleet(f, "markdown", PLAIN)).not.toMatch(/<script|<img/i);
    expect(renderFleet(f, "html", PLAIN).replace(`<script>${FILTER_SCRIPT}</script>`, "")).not.toMatch(/<script|<img/i);
    expect(renderFleet(f, "terminal", PLAIN)).not.toContain("\u001b");
    parseXml(renderFleet(f, "junit", PLAIN));
  });
});
