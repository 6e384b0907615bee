import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { audit } from "../../../src/audit.js";
import { checkChecklistText, parseChecklist } from "../../../src/checklist/load.js";
import { plan } from "../../../src/engine/plan.js";
import { formatIssue } from "../../../src/errors.js";
import { importMarkdown } from "../../../src/import/index.js";
import { FIXTURES, fixture } from "./helpers.js";

const inputs = [
  ...readdirSync(`${FIXTURES}seeds`).map((f) => `seeds/${f}`),
  ...readdirSync(FIXTURES).filter((f) => f.endsWith(".md")),
].sort();

describe("every import loads with the checklist loader", () => {
  for (const name of inputs) {
    for (const withProbes of [false, true]) {
      it(`${name}${withProbes ? " (live probes)" : ""}`, () => {
        const { yaml, summary } = importMarkdown(fixture(name), { file: name, withProbes });
        const { checklist, issues } = checkChecklistText(yaml, "imported.yaml");
        expect(issues.filter((i) => i.level !== "warning").map(formatIssue)).toEqual([]);
        expect(checklist).toBeDefined();
        const items = (function count(sections: NonNullable<typeof checklist>["sections"]): number {
          return sections.reduce((n, s) => n + s.items.length + count(s.sections), 0);
        })(checklist!.sections);
        expect(items).toBe(summary.items);
      });
    }
  }
});

describe("claims survive the import into an audit", () => {
  for (const name of ["all-done.md", "seeds/004_ac40e9202933f9a5.md"]) {
    it(`${name}: every ✅ is an attested claim — score 100, verified score 0`, async () => {
      const { yaml } = importMarkdown(fixture(name), { file: name });
      const report = await audit(parseChecklist(yaml, "imported.yaml"), { now: () => new Date("2026-11-23T12:00:00Z") });
      expect(report.score).toBe(100);
      expect(report.verified_score).toBe(0);
      expect(report.counts.attested).toBeGreaterThan(0);
      expect(report.counts.attested).toBe(Object.values(report.counts).reduce((a, b) => a + b, 0));
    });
  }

  it("seed 000 with live probes: a done claim keeps its status next to the probe that can contradict it", () => {
    const { yaml } = importMarkdown(fixture("seeds/000_030909d900cd7d31.md"), { file: "000.md", withProbes: true });
    const planned = plan(parseChecklist(yaml, "imported.yaml"));
    const gateway = planned.items.find((p) => p.item.id === "api-gateway");
    expect(gateway?.item.status).toBe("done");
    expect(gateway?.item.probes.map((p) => p.type)).toEqual(["tcp"]);
  });
});
