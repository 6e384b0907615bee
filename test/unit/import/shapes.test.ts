import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../../src/import/index.js";
import { checkChecklist, fixture } from "./helpers.js";

const load = (md: string) => {
  const result = importMarkdown(md, { file: "shapes.md" });
  return { result, ...checkChecklist(result.yaml) };
};

describe("checklist shapes beyond lists and status tables", () => {
  it("a table whose first column is boxes (glyphs, entities, shortcodes) under an empty header: rows are items, boxes are claims", () => {
    const { items, result } = load(
      ["# Launch", "", "|  |  |  |", "|---|---|---|", "| &#9745; | **Backups** | nightly, tested |", "| ☐ | **Pen test** | booked |", "| :white_check_mark: | Runbooks | all alerts |", "| &#9744; | On-call | rota |", ""].join("\n"),
    );
    expect(items.map((i) => [i.title, i.status])).toEqual([
      ["Backups", "done"],
      ["Pen test", "missing"],
      ["Runbooks", "done"],
      ["On-call", "missing"],
    ]);
    expect(items[0]?.description).toBe("nightly, tested");
    expect(result.summary.decisions[0]).toMatch(/column of checkboxes/);
  });

  it("priority vocabularies in a column map to severities, and the report states the mapping", () => {
    const { items, result } = load(
      [
        "## Checklist",
        "",
        "| Recommendation | Priority | Details |",
        "|---|---|---|",
        "| Encrypt backups | Must | at rest |",
        "| Rotate keys | Should have 🟡 | yearly |",
        "| Chaos day | Nice to have 🟢 | |",
        "| Pager | P0 | |",
        "| Dashboards | Essential | |",
        "| Canary | Advanced | |",
        "| Rollback | Won't | |",
        "",
      ].join("\n"),
    );
    expect(items.map((i) => i.severity)).toEqual(["critical", "high", "low", "critical", "high", "low", "low"]);
    expect(result.summary.severityMapping).toContainEqual({ word: "Nice to have", severity: "low" });
    expect(result.summary.severityMapping).toContainEqual({ word: "Essential", severity: "high" });
  });

  it("<details><summary>: the summary is the title, the rest the description; a link in a title becomes docs", () => {
    const { items } = load(
      [
        "# Ops",
        "",
        "- [ ] <details><summary>Backups restore in under an hour</summary>",
        "  Restore the latest snapshot into staging and time it.",
        "  </details>",
        "- [x] [Auto scaling](https://example.com/hpa) is configured<br>for every deployment",
        "",
      ].join("\n"),
    );
    expect(items[0]).toMatchObject({ title: "Backups restore in under an hour", description: "Restore the latest snapshot into staging and time it.", status: "missing" });
    expect(items[1]).toMatchObject({ title: "Auto scaling is configured for every deployment", status: "done" });
    expect((items[1] as { docs?: string }).docs).toBe("https://example.com/hpa");
  });

  it("answer options and goal appendices are neither items nor claims, and each decision is reported", () => {
    const { items, result } = load(
      [
        "# Service",
        "",
        "- [ ] How does the service report its health?",
        "  - [ ] Events",
        "  - [ ] API .status",
        "  - [ ] Other",
        "- [ ] Alerts routed to on-call",
        "",
        "## Definition of done",
        "",
        "- ✅ All endpoints authenticated",
        "- ✅ p99 < 200ms",
        "",
      ].join("\n"),
    );
    expect(items.map((i) => i.title)).toEqual(["How does the service report its health?", "Alerts routed to on-call"]);
    expect(items[0]?.description).toBe("options: Events, API .status, Other");
    expect(result.summary.claims.done).toBe(0);
    expect(result.summary.skipped.byReason).toMatchObject({ "answer-option": 3, goal: 2 });
    expect(result.summary.decisions.join("\n")).toMatch(/answer options[\s\S]*Definition of done/);
  });

  it("entities decode to text, never to a tag that is then dropped or to a control character", () => {
    const { items, result } = load("# Web\n\n- [ ] Charset first in &lt;head&gt; &amp; body\n- [ ] Title &#27;[31mred\n");
    expect(items[0]?.title).toBe("Charset first in <head> & body");
    expect(result.yaml).not.toContain("\u001b");
    expect(items[1]?.title).toContain("\ufffd[31mred");
  });

  it("headings as items: the repeated deepest headings under a section are its items, their paragraphs the description", () => {
    const { items, sectionIds, result } = load(
      [
        "# Security best practices",
        "",
        "## Introduction",
        "",
        "Why this matters.",
        "",
        "## Transport",
        "",
        "### 1. Use TLS everywhere",
        "",
        "All traffic is encrypted, inside the cluster too.",
        "",
        "Status: done",
        "",
        "### 2. ✅ Rotate certificates",
        "",
        "Certificates renew automatically.",
        "",
        "### 3. Pin TLS 1.2 or later",
        "",
        "Older versions are disabled.",
        "- on the load balancer",
        "",
        "## Data",
        "",
        "### Encrypt backups",
        "",
        "Priority: High",
        "",
        "Backups are encrypted at rest.",
        "",
        "### Test restores",
        "",
        "⚠️ Only the database is covered so far.",
        "",
      ].join("\n"),
    );
    expect(sectionIds).toEqual(["transport", "data"]);
    expect(items.map((i) => [i.section, i.title, i.status ?? null, i.severity ?? null])).toEqual([
      ["transport", "Use TLS everywhere", "done", null],
      ["transport", "Rotate certificates", "done", null],
      ["transport", "Pin TLS 1.2 or later", null, null],
      ["data", "Encrypt backups", null, "high"],
      ["data", "Test restores", "partial", null],
    ]);
    expect(items[0]?.description).toBe("All traffic is encrypted, inside the cluster too.");
    expect(items[2]?.description).toBe("Older versions are disabled. on the load balancer");
    expect(result.summary.decisions).toEqual([
      'line 7: the 3 ### headings under "Transport" read as items, their paragraphs as descriptions (no checkboxes or item tables in the file)',
      'line 24: the 2 ### headings under "Data" read as items, their paragraphs as descriptions (no checkboxes or item tables in the file)',
    ]);
    // The paragraphs are read, not skipped; the introduction is prose.
    expect(result.summary.skipped.lines.map((l) => l.line)).toEqual([5]);
  });

  it("headings as items only where nothing else marks the items, and never a plain document's sections", () => {
    const boxes = load(["## Ops", "", "### Backups", "", "Nightly.", "", "### Alerts", "", "Paged.", "", "- [ ] Runbook written", ""].join("\n"));
    expect(boxes.items.map((i) => i.title)).toEqual(["Runbook written"]);
    expect(boxes.result.summary.decisions).toEqual([]);
    const bullets = load(["## Ops", "", "- Backups", "- Alerts", "- Runbooks", "", "## Notes on areas", "", "### Backups", "", "Nightly.", "", "### Alerts", "", "Paged.", ""].join("\n"));
    expect(bullets.items.map((i) => i.title)).toEqual(["Backups", "Alerts", "Runbooks"]);
    expect(bullets.result.summary.decisions).toEqual([]);
    expect(() => importMarkdown(["# My tool", "", "## Install", "", "Run npm i.", "", "## Usage", "", "Run it.", ""].join("\n"), { file: "README.md" })).toThrow(/no checklist items found/);
  });

  it("headings as items in the corpus: OWASP cheat sheets, one item per rule, code and examples not items", () => {
    const docker = load(fixture("corpus/owasp-docker-security-excerpt.md").toString());
    expect(docker.items.map((i) => i.title.slice(0, 9))).toEqual(["RULE #0 -", "RULE #1 -", "RULE #2 -", "RULE #3 -", "RULE #4 -", "RULE #5 -", "RULE #5a ", "RULE #6 -"]);
    expect(docker.items[7]?.description).toMatch(/^First of all, do not disable default security profile!.*Seccomp: Restrict syscalls/);
    const node = load(fixture("corpus/owasp-nodejs-security-excerpt.md").toString());
    expect(node.items.map((i) => [i.section, i.title])).toEqual([
      ["application-security", "Use flat Promise chains"],
      ["application-security", "Set request size limits"],
      ["application-security", "Do not block the event loop"],
      ["application-security", "Perform input validation"],
      ["application-security", "Perform output escaping"],
    ]);
    expect(node.result.summary.skipped.byReason).toMatchObject({ "unmarked-item": 4, table: 11 });
  });
});
