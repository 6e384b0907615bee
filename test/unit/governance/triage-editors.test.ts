/**
 * The editors `readiness triage` adds: marking an item n/a, and uncommenting the probe suggestions
 * `readiness import` writes. Only the item's own lines change; CRLF and comments are kept.
 */
import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { findItem, probeSuggestions, recordNotApplicable, recordSuggestedProbes, recordTarget } from "../../../src/governance/record.js";
import { importMarkdown } from "../../../src/import/index.js";

const MD = "# C\n\n## Ops\n- [ ] Health endpoint /healthz answers, port 8080 open\n- [ ] On-call rotation\n";
const imported = importMarkdown(MD, { file: "c.md" }).yaml;
const where = (text: string, id: string): { line: number; column: number } => recordTarget(findItem(parseChecklist(text, "c.yaml", { env: {} }), id).item, "c.yaml");

describe("probe suggestions", () => {
  it("reads the commented suggestions of an item, and only of that item", () => {
    const s = probeSuggestions(imported, where(imported, "health-endpoint-healthz-answers-port-8080-open"));
    expect(s?.from).toBe(4);
    expect(s?.probes.length).toBeGreaterThanOrEqual(2);
    expect(s?.probes).toContainEqual({ tcp: "${vars.host}:8080" });
    expect(probeSuggestions(imported, where(imported, "on-call-rotation"))).toBeUndefined();
  });

  it("uncomments them in place, CRLF kept, and the item then has those probes", () => {
    const crlf = imported.replace(/\n/g, "\r\n");
    const at = where(crlf, "health-endpoint-healthz-answers-port-8080-open");
    const n = probeSuggestions(crlf, at)?.probes.length ?? 0;
    const after = recordSuggestedProbes(crlf, at, "x");
    expect(after.split("\r\n").length).toBe(crlf.split("\r\n").length);
    expect(after).not.toMatch(/[^\r]\n/);
    expect(after).toContain("        probes:  # suggested from line 4 (added by readiness triage): review them\r\n          - ");
    const item = findItem(parseChecklist(after, "c.yaml", { env: {} }), "health-endpoint-healthz-answers-port-8080-open").item;
    expect(item.probes).toHaveLength(n);
    expect(() => recordSuggestedProbes(after, where(after, "health-endpoint-healthz-answers-port-8080-open"), "x")).toThrow(/already has a probes key/);
    expect(() => recordSuggestedProbes(after, where(after, "on-call-rotation"), "on-call-rotation")).toThrow(/has no probe suggestions/);
  });
});

describe("recordNotApplicable", () => {
  it("sets status n/a and the reason, the rest of the file unchanged", () => {
    const after = recordNotApplicable(imported, where(imported, "on-call-rotation"), "no pager: ${env.X} is not used");
    expect(after).toBe(imported.replace("title: On-call rotation\n        status: missing\n", () => 'title: On-call rotation\n        status: n/a\n        reason: "no pager: $${env.X} is not used"\n'));
    const item = findItem(parseChecklist(after, "c.yaml", { env: {} }), "on-call-rotation").item;
    expect(item).toMatchObject({ status: "n/a", reason: "no pager: ${env.X} is not used" });
  });
});
