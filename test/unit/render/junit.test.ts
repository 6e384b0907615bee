import { describe, expect, it } from "vitest";
import { renderJunit } from "../../../src/render/junit.js";
import { HOSTILE, hostileReport, largeReport, noGoReport, normalizeTimes } from "../../helpers/sample-report.js";
import { PLAIN, SAMPLES } from "./samples.js";
import { parseXml, type XmlNode } from "./xml.js";

interface Case extends XmlNode {
  "@_classname": string;
  "@_name": string;
  "@_time": string;
  failure?: XmlNode[];
  skipped?: XmlNode[];
  "system-out"?: string;
}
interface Suite extends XmlNode {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  "@_skipped": string;
  testcase: Case[];
}

function suites(xml: string): { root: XmlNode; suites: Suite[] } {
  const doc = parseXml(xml);
  const root = doc.testsuites as XmlNode;
  return { root, suites: (root.testsuite ?? []) as Suite[] };
}

describe("junit report", () => {
  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`${name}: is valid XML whose counts agree with the report`, () => {
      const r = make();
      const { root, suites: all } = suites(renderJunit(r, PLAIN));
      const cases = all.flatMap((s) => s.testcase);
      const itemCount = Object.values(r.counts).reduce((a, b) => a + b, 0);
      expect(cases).toHaveLength(itemCount);
      expect(Number(root["@_tests"])).toBe(itemCount);
      const failures = cases.filter((c) => c.failure).length;
      expect(failures).toBe(r.counts.fail + r.counts.missing + r.counts.stale);
      expect(Number(root["@_failures"])).toBe(failures);
      expect(cases.filter((c) => c.skipped).length).toBe(r.counts.skipped + r.counts.waived);
      for (const s of all) {
        expect(Number(s["@_tests"])).toBe(s.testcase.length);
        expect(Number(s["@_failures"])).toBe(s.testcase.filter((c) => c.failure).length);
        expect(Number(s["@_skipped"])).toBe(s.testcase.filter((c) => c.skipped).length);
      }
    });
  }

  it("has one suite per section with items, nested sections named by their path", () => {
    const { suites: all } = suites(renderJunit(noGoReport(), PLAIN));
    expect(all.map((s) => s["@_name"])).toEqual(["Infrastructure", "Infrastructure › Databases", "Operations", "Security"]);
    const db = all[1]!.testcase;
    expect(db.map((c) => c["@_classname"])).toEqual(["Infrastructure › Databases", "Infrastructure › Databases"]);
    expect(db.map((c) => c["@_name"])).toEqual([
      "Database backups restored in the last 30 days [db-backups]",
      "Replica lag under 1s [db-replica-lag]",
    ]);
  });

  it("puts the one-line cause in the failure message and probe detail in the body", () => {
    const { suites: all } = suites(renderJunit(noGoReport(), PLAIN));
    const gateway = all[0]!.testcase[0]!;
    const failure = gateway.failure![0]!;
    expect(failure["@_message"]).toBe("claimed done, but GET http://localhost:3001/health: connection refused after 3 attempts (5.0s)");
    expect(failure["@_type"]).toBe("fail");
    expect(String(failure["#text"])).toContain("contradicted claim");
    expect(gateway["@_time"]).toBe("5.004");
    const mfa = all[3]!.testcase[0]!;
    expect(mfa.skipped![0]!["@_message"]).toBe("waived until 2026-12-31 by Security Lead: planned for v2.1");
    const onCall = all[2]!.testcase[1]!;
    expect(onCall.failure).toBeUndefined();
    expect(onCall["system-out"]).toContain("attested: attested by Sam Okafor on 2026-11-02");
  });

  it("stays valid XML and keeps the text whatever the titles contain", () => {
    const xml = renderJunit(hostileReport(), PLAIN);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const { suites: all } = suites(xml);
    const names = all.flatMap((s) => s.testcase.map((c) => c["@_name"]));
    expect(names).toContain(`${HOSTILE.xml} [xml]`);
    expect(names).toContain(`${HOSTILE.script} [script]`);
    expect(names).toContain(`${HOSTILE.pipe} [pipe]`);
    // Newlines survive as character references in attributes; control characters are shown escaped.
    expect(names.find((n) => n.endsWith("[ansi]"))).toContain("\\x1b[31mred");
  });

  it("scales: 500 items in 20 suites", () => {
    const { suites: all } = suites(renderJunit(largeReport(500), PLAIN));
    expect(all).toHaveLength(20);
    expect(all.reduce((n, s) => n + s.testcase.length, 0)).toBe(500);
  });

  it("nogo: snapshot", () => {
    expect(normalizeTimes(renderJunit(noGoReport(), PLAIN))).toMatchSnapshot();
  });

  it("hostile: snapshot", () => {
    expect(normalizeTimes(renderJunit(hostileReport(), PLAIN))).toMatchSnapshot();
  });
});
