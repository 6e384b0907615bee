import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkChecklistText } from "../../../src/checklist/load.js";
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
