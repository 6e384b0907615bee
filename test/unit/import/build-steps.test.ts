import { describe, expect, it } from "vitest";
import { accountSkipped, analyzeItems, assignIds, itemTableRows, listItems, marksItems, newBuildLog, pruneEmpty, readHeading, tableItems, type Draft } from "../../../src/import/build.js";
import type { OutItem } from "../../../src/import/emit.js";
import { readMarkdown, type MdListItem, type MdSection, type MdTable } from "../../../src/import/markdown.js";

const section = (text: string): MdSection => readMarkdown(text).root.sections[0] as MdSection;
const item = (title: string, line: number): OutItem => ({ id: "", title, line, probes: [] });

describe("buildChecklist steps, each alone", () => {
  it("marksItems: a file marks its items when a quarter of its bullets (and item-table rows) carry a box or status emoji", () => {
    const marked = readMarkdown("- [x] a\n- b\n- c\n- d\n");
    const plain = readMarkdown("- a\n- b\n- c\n- d\n- ✅ e\n");
    const table = readMarkdown("- a\n- b\n\n| Check | Status |\n|---|---|\n| x | ✅ |\n");
    expect(marksItems(analyzeItems(marked.root), itemTableRows(marked.root))).toBe(true);
    expect(marksItems(analyzeItems(plain.root), itemTableRows(plain.root))).toBe(false);
    expect(itemTableRows(table.root)).toBe(1);
    expect(marksItems(analyzeItems(table.root), itemTableRows(table.root))).toBe(true);
  });

  it("listItems: claimed children become `Parent › child`, an unmarked bullet in a marking file is logged, not imported", () => {
    const doc = readMarkdown("- Alerting\n  - [x] rules written\n  - [ ] routing tested\n- just a note\n");
    const analyses = analyzeItems(doc.root);
    const log = newBuildLog();
    const out = listItems(doc.root.entries as MdListItem[], { analyses, fileMarksItems: true, prefix: "", inherited: "high" }, log);
    expect(out.map((i) => [i.title, i.status, i.severity])).toEqual([
      ["Alerting › rules written", "done", "high"],
      ["Alerting › routing tested", "missing", "high"],
    ]);
    expect(log.unmarkedLines).toEqual([4]);
    expect(log.skipped).toEqual([{ line: 4, reason: "unmarked-item", text: "just a note" }]);
  });

  it("tableItems: rows become items with severities mapped and logged; a table of figures is skipped line by line", () => {
    const log = newBuildLog();
    const items = tableItems(readMarkdown("| Item | Priority | Details |\n|---|---|---|\n| TLS | Must | everywhere |\n| Logs | Could | |\n").root.entries[0] as MdTable, undefined, false, log);
    expect(items.map((i) => [i.title, i.severity, i.description ?? null, i.line])).toEqual([
      ["TLS", "critical", "everywhere", 3],
      ["Logs", "low", null, 4],
    ]);
    expect(log.mappings).toEqual([
      { word: "Must", severity: "critical" },
      { word: "Could", severity: "low" },
    ]);
    expect(log.decisions).toEqual(['line 1: a table read as items ("item" column)']);
    const other = newBuildLog();
    expect(tableItems(readMarkdown("| Metric | Target |\n|---|---|\n| p99 | 200 ms |\n").root.entries[0] as MdTable, undefined, false, other)).toEqual([]);
    expect(other.skipped.map((s) => [s.line, s.reason])).toEqual([
      [1, "table"],
      [3, "table"],
    ]);
  });

  it("readHeading: title without claims or numbering noise, severity from the heading or a Priority line, status groups", () => {
    expect(readHeading(section("### 1.1 Database ✅ **COMPLETE**\n"), undefined)).toEqual({ title: "1.1 Database", note: "heading says ✅ COMPLETE" });
    expect(readHeading(section("## Ops\n\nPriority: High\n"), "low")).toEqual({ title: "Ops", severity: "high", priorityLine: 3 });
    expect(readHeading(section("## Ops\n"), "low")).toEqual({ title: "Ops", severity: "low" });
    expect(readHeading(section("### 🔄 In Progress\n"), undefined)).toMatchObject({ title: "In Progress", group: "in-progress" });
  });

  it("pruneEmpty and assignIds: empty sections dropped, ids unique across sections and items in output order", () => {
    const drafts: Draft[] = [
      { title: "1. Backups", line: 1, items: [item("Backups", 2), item("Backups", 3)], sections: [{ title: "Empty", line: 4, items: [], sections: [] }] },
      { title: "数据库", line: 5, items: [item("备份", 6)], sections: [] },
    ];
    const out = assignIds(pruneEmpty(drafts));
    expect(out.map((s) => [s.id, s.items.map((i) => i.id), s.sections.length])).toEqual([
      ["backups", ["backups-2", "backups-3"], 0],
      ["section-5", ["item-6"], 0],
    ]);
  });

  it("accountSkipped: priority lines that set a severity are not prose; lines in order; nested unmarked lines explained", () => {
    const log = newBuildLog();
    log.usedLines.add(3);
    log.skipped.push({ line: 9, reason: "unmarked-item", text: "" }, { line: 8, reason: "unmarked-item", text: "note" });
    const read = [
      { line: 3, reason: "paragraph" as const, text: "Priority: High" },
      { line: 5, reason: "paragraph" as const, text: "prose" },
    ];
    expect(accountSkipped(read, log)).toEqual([
      { line: 5, reason: "paragraph", text: "prose" },
      { line: 8, reason: "unmarked-item", text: "note" },
      { line: 9, reason: "unmarked-item", text: "(nested under an unmarked item)" },
    ]);
  });
});
