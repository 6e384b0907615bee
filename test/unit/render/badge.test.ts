import { describe, expect, it } from "vitest";
import { badgeSvg, BADGE_COLOUR, renderBadge } from "../../../src/render/badge.js";
import { conditionalReport, emptyReport, goReport, noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";
import { parseXml, type XmlNode } from "./xml.js";

function texts(svg: string): string[] {
  const root = parseXml(svg).svg as XmlNode;
  const groups = root.g as XmlNode[];
  return groups.flatMap((g) => ((g.text ?? []) as XmlNode[]).map((t) => String(t["#text"])));
}

describe("badge", () => {
  it.each([
    ["GO", goReport, "100 GO", "#4c1"],
    ["CONDITIONAL", conditionalReport, "71 CONDITIONAL", "#fe7d37"],
    ["NO-GO", noGoReport, "31 NO-GO", "#e05d44"],
    ["nothing scored", emptyReport, "— NO-GO", "#e05d44"],
  ])("%s: says 'readiness | score verdict' in the verdict's colour", (_, make, message, colour) => {
    const svg = renderBadge(make(), PLAIN);
    expect(texts(svg)).toEqual(["readiness", "readiness", message, message]);
    expect(svg).toContain(`fill="${colour}"`);
    expect(svg).toContain(`<title>readiness: ${message}</title>`);
    const root = parseXml(svg).svg as XmlNode;
    expect(root["@_height"]).toBe("20");
    expect(Number(root["@_width"])).toBeGreaterThan(60);
  });

  it("grows with its text", () => {
    const w = (m: string): number => Number((parseXml(badgeSvg("readiness", m, BADGE_COLOUR.GO)).svg as XmlNode)["@_width"]);
    expect(w("100 CONDITIONAL")).toBeGreaterThan(w("9 GO"));
  });

  it("escapes its text", () => {
    const svg = badgeSvg(`<script>&"'`, "]]> <b>", BADGE_COLOUR["NO-GO"]);
    expect(svg).not.toContain("<script>");
    expect(texts(svg)[0]).toBe(`<script>&"'`);
  });
});
