/**
 * Recording in YAML text: only the lines that must change differ, in the document's own style.
 */
import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { parseBlame } from "../../../src/governance/changes.js";
import { escapeRefs } from "../../../src/checklist/interpolate.js";
import { checkWaiverDates, findItem, recordAttestation, recordSignoff, recordWaiver, resolveRole } from "../../../src/governance/record.js";
import { applyEdits, plainSafe, renderScalar } from "../../../src/governance/yaml-edit.js";

/** Lines of `after` that are not in `before` and vice versa, as a unified-ish list. */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  return { removed: a.slice(start, endA + 1), added: b.slice(start, endB + 1) };
}

const pathOf = (text: string, id: string): (string | number)[] => findItem(parseChecklist(text, "c.yaml", { env: {} }), id).path;

describe("renderScalar / plainSafe", () => {
  it.each<[string, boolean, string | undefined, string]>([
    ["Ana Ruiz", false, undefined, "Ana Ruiz"],
    ["2026-11-23", false, undefined, "2026-11-23"],
    ["https://wiki.example.com/a#b", false, undefined, "https://wiki.example.com/a#b"],
    ["done: really", false, undefined, '"done: really"'],
    ["a # b", false, undefined, '"a # b"'],
    ["true", false, undefined, '"true"'],
    ["123", false, undefined, '"123"'],
    ["*alias", false, undefined, '"*alias"'],
    ["a, b", true, undefined, '"a, b"'],
    ["a, b", false, undefined, "a, b"],
    ["O'Brien", false, "QUOTE_SINGLE", "'O''Brien'"],
    ["Ana", false, "QUOTE_DOUBLE", '"Ana"'],
    ["Ana", false, "BLOCK_LITERAL", "Ana"],
    ['say "hi"', false, "QUOTE_DOUBLE", '"say \\"hi\\""'],
  ])("%j (flow %s, was %s) → %s", (value, flow, style, expected) => {
    expect(renderScalar(value, flow, style as never)).toBe(expected);
  });

  it.each([["", false], [" padded", false], ["ok", true], ["line\nbreak", false]])("plainSafe(%j) is %s", (v, ok) => {
    expect(plainSafe(v, false)).toBe(ok);
  });

  it("escapes references so a value reads back as given", () => {
    expect(escapeRefs("cost ${x} and $${y}")).toBe("cost $${x} and $$${y}");
  });

  it("refuses overlapping edits", () => {
    expect(() => applyEdits("abcdef", [{ start: 1, end: 4, text: "" }, { start: 2, end: 3, text: "x" }])).toThrow(/overlapping/);
  });
});

const BLOCK = `# top comment
version: 1
gate:
  signoffs: [Eng, Sec]   # who signs

sections:
  - id: ops   # ops section
    title: Ops
    items:
      # the runbooks item
      - id: runbooks
        title: 'Runbooks'   # quoted
        status: missing     # not yet
        owner: ops-team

      - id: dr
        title: "DR plan"
        probes:
          - file: DR.md
        # trailing comment of dr

      - { id: flow, title: "Flow item", severity: low }
`;

describe("recordAttestation", () => {
  it("replaces existing keys in place and adds the rest after them, nothing else changes", () => {
    const out = recordAttestation(BLOCK, pathOf(BLOCK, "runbooks"), { by: "Ana Ruiz", at: "2026-11-23", evidence: "https://wiki/rb", expires_after: "90d" });
    expect(lineDiff(BLOCK, out)).toEqual({
      removed: ["        status: missing     # not yet"],
      added: [
        "        status: done     # not yet",
        "        evidence: https://wiki/rb",
        "        attested_by: Ana Ruiz",
        "        attested_at: 2026-11-23",
        "        expires_after: 90d",
      ],
    });
  });

  it("appends after the last key (before trailing comments and blank lines) when none exist", () => {
    const out = recordAttestation(BLOCK, pathOf(BLOCK, "dr"), { by: "Bo", at: "2026-11-23", note: "see: the doc" });
    expect(lineDiff(BLOCK, out)).toEqual({
      removed: [],
      added: ["        status: done", "        attested_by: Bo", "        attested_at: 2026-11-23", '        note: "see: the doc"'],
    });
    expect(out).toContain("          - file: DR.md\n        status: done\n");
    expect(out).toContain('        note: "see: the doc"\n        # trailing comment of dr\n');
  });

  it("adds to a flow mapping inside its braces", () => {
    const out = recordAttestation(BLOCK, pathOf(BLOCK, "flow"), { by: "Cy", at: "2026-11-23" });
    expect(lineDiff(BLOCK, out)).toEqual({
      removed: ['      - { id: flow, title: "Flow item", severity: low }'],
      added: ['      - { id: flow, title: "Flow item", severity: low, status: done, attested_by: Cy, attested_at: 2026-11-23 }'],
    });
  });

  it("keeps CRLF line endings", () => {
    const crlf = BLOCK.replace(/\n/g, "\r\n");
    const out = recordAttestation(crlf, pathOf(crlf, "dr"), { by: "Bo", at: "2026-11-23" });
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
    expect(out).toContain("          - file: DR.md\r\n        status: done\r\n        attested_by: Bo\r\n");
  });

  it("works at the end of a file without a final newline", () => {
    const text = "version: 1\nsections:\n  - title: S\n    items:\n      - id: a\n        title: A";
    expect(recordAttestation(text, pathOf(text, "a"), { by: "Bo", at: "2026-11-23" })).toBe(`${text}\n        status: done\n        attested_by: Bo\n        attested_at: 2026-11-23`);
  });
});

describe("recordWaiver", () => {
  it("adds a block waiver, and updates an existing one key by key", () => {
    const once = recordWaiver(BLOCK, pathOf(BLOCK, "runbooks"), { reason: "planned for v2.1", until: "2026-12-31", by: "Sec Lead" });
    expect(lineDiff(BLOCK, once).added).toEqual(["        waiver:", "          reason: planned for v2.1", "          until: 2026-12-31", "          by: Sec Lead"]);
    const twice = recordWaiver(once, pathOf(once, "runbooks"), { reason: "planned for v2.2", until: "2027-01-15", by: "Sec Lead" });
    expect(lineDiff(once, twice)).toEqual({
      removed: ["          reason: planned for v2.1", "          until: 2026-12-31"],
      added: ["          reason: planned for v2.2", "          until: 2027-01-15"],
    });
  });

  it("writes a flow waiver into a flow item", () => {
    const out = recordWaiver(BLOCK, pathOf(BLOCK, "flow"), { reason: "later", until: "2026-12-31", by: "X" });
    expect(out).toContain('- { id: flow, title: "Flow item", severity: low, waiver: { reason: later, until: 2026-12-31, by: X } }');
  });
});

describe("recordSignoff", () => {
  it("creates signoffs after gate, then appends, then replaces the same role", () => {
    const one = recordSignoff(BLOCK, { role: "Eng", by: "Ana", at: "2026-11-20" });
    expect(lineDiff(BLOCK, one)).toEqual({ removed: [], added: ["signoffs:", "  - { role: Eng, by: Ana, at: 2026-11-20 }"] });
    expect(one).toContain("  signoffs: [Eng, Sec]   # who signs\nsignoffs:\n");
    const two = recordSignoff(one, { role: "Sec", by: "Sam", at: "2026-11-21" });
    expect(lineDiff(one, two)).toEqual({ removed: [], added: ["  - { role: Sec, by: Sam, at: 2026-11-21 }"] });
    const three = recordSignoff(two, { role: "Eng", by: "Bea", at: "2026-11-22" });
    expect(lineDiff(two, three)).toEqual({ removed: ["  - { role: Eng, by: Ana, at: 2026-11-20 }"], added: ["  - { role: Eng, by: Bea, at: 2026-11-22 }"] });
  });

  it("follows block-mapping items and flow lists", () => {
    const block = "version: 1\nsignoffs:\n  - role: Eng\n    by: Ana\n    at: 2026-11-20\nsections: []\n";
    expect(recordSignoff(block, { role: "Sec", by: "Sam", at: "2026-11-21" })).toBe(
      "version: 1\nsignoffs:\n  - role: Eng\n    by: Ana\n    at: 2026-11-20\n  - role: Sec\n    by: Sam\n    at: 2026-11-21\nsections: []\n",
    );
    const flow = "version: 1\nsignoffs: []\nsections: []\n";
    expect(recordSignoff(flow, { role: "Sec", by: "Sam", at: "2026-11-21" })).toBe("version: 1\nsignoffs: [{ role: Sec, by: Sam, at: 2026-11-21 }]\nsections: []\n");
  });
});

describe("rules", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  it.each<[string, number, RegExp | undefined]>([
    ["2026-11-23", 90, undefined],
    ["2027-02-21", 90, undefined],
    ["2027-02-22", 90, /91 days away, more than gate.max_waiver_days \(90\)/],
    ["2026-11-22", 90, /in the past/],
    ["2026-12-31", 30, /more than gate.max_waiver_days \(30\)/],
    ["2026-02-30", 90, /real date/],
  ])("waiver until %s with max %s days", (until, max, error) => {
    const check = (): void => checkWaiverDates(until, now, max);
    if (error) expect(check).toThrow(error);
    else expect(check).not.toThrow();
  });

  it.each<[string, string[], boolean, string | RegExp]>([
    ["Security Lead", ["Security Lead"], false, "Security Lead"],
    ["security  lead", ["Security Lead"], false, "Security Lead"],
    ["Security Leed", ["Security Lead", "CTO"], false, /did you mean "Security Lead"\?.*gate.signoffs: Security Lead, CTO/],
    ["CFO", ["Security Lead"], true, "CFO"],
    ["CFO", [], false, /requires no sign-offs/],
  ])("role %j of %j (force %s)", (role, required, force, expected) => {
    if (typeof expected === "string") expect(resolveRole(role, required, force)).toBe(expected);
    else expect(() => resolveRole(role, required, force)).toThrow(expected);
  });

  it("an unknown id suggests the nearest; a section id says so", () => {
    const c = parseChecklist(BLOCK, "c.yaml", { env: {} });
    expect(() => findItem(c, "runbook")).toThrow('no item "runbook" in the checklist — did you mean "runbooks"?');
    expect(() => findItem(c, "ops")).toThrow(/is a section, not an item/);
  });
});

describe("parseBlame", () => {
  it("dates each line by its commit (UTC), uncommitted lines today", () => {
    const sha = "a".repeat(40);
    const out = [
      `${sha} 1 1 2`,
      "author A",
      "committer-time 1762992000", // 2025-11-13T00:00:00Z
      "\tversion: 1",
      `${sha} 2 2`,
      "committer-time 1762992000",
      "\tname: x",
      `${"0".repeat(40)} 3 3 1`,
      "committer-time 1999999999",
      "\tsections: []",
    ].join("\n");
    expect([...parseBlame(out, "2026-11-23")]).toEqual([
      [1, "2025-11-13"],
      [2, "2025-11-13"],
      [3, "2026-11-23"],
    ]);
  });
});
