import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { parseSelectors, plan } from "../../../src/engine/plan.js";

const checklist = parseChecklist(
  `version: 1
sections:
  - id: api
    title: API
    items:
      - { id: health, title: Health, severity: critical, tags: [web], probes: [{ tcp: "127.0.0.1:1" }] }
      - { id: docs, title: Docs, status: done, attested_by: Ana, attested_at: 2026-10-01 }
`,
  "c.yaml",
  { env: {} },
);

describe("plan selectors", () => {
  it("needs no walk of the checklist when there is no selector", () => {
    expect(parseSelectors([], checklist, "--only")).toEqual([]);
  });

  it("parses each kind and refuses one naming nothing, with a suggestion", () => {
    expect(parseSelectors(["health", "section:api", "tag:web", "severity:critical"], checklist, "--only").map((s) => s.kind)).toEqual(["id", "section", "tag", "severity"]);
    expect(() => parseSelectors(["helth"], checklist, "--only")).toThrow(/--only helth: no item or section "helth" in the checklist — did you mean "health"\?/);
  });

  it("marks items left out by --only and --skip", () => {
    expect(plan(checklist, { only: ["tag:web"] }).items.map((p) => p.skip)).toEqual([undefined, "not selected (--only)"]);
    expect(plan(checklist, { skip: ["health"] }).items.map((p) => p.skip)).toEqual(["skipped (--skip)", undefined]);
    expect(plan(checklist).items.map((p) => p.skip)).toEqual([undefined, undefined]);
  });
});
