import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../../src/import/index.js";
import { frontMatter, readMarkdown, withoutComments, type MdListItem, type MdSection, type MdTable } from "../../../src/import/markdown.js";
import { checkChecklist } from "./helpers.js";

const lists = (s: MdSection): MdListItem[] => s.entries.filter((e): e is MdListItem => e.kind === "list");
const tables = (s: MdSection): MdTable[] => s.entries.filter((e): e is MdTable => e.kind === "table");

describe("readMarkdown (markdown-it blocks → section tree)", () => {
  it("nests headings, keeps list items with their lines, nesting and source lines", () => {
    const doc = readMarkdown(["# Title", "", "## Ops", "", "- [ ] Backups", "  tested monthly", "", "  restore drill too", "  - [x] nightly", "- [x] Alerts", "", "Setext", "------", "", "1. one"].join("\n"));
    const h1 = doc.root.sections[0];
    expect(h1?.title).toBe("Title");
    const [ops, setext] = h1?.sections ?? [];
    expect(ops?.title).toBe("Ops");
    expect(setext).toMatchObject({ title: "Setext", level: 2, line: 12 });
    const items = lists(ops as MdSection);
    expect(items.map((i) => [i.line, i.text, i.more])).toEqual([
      [5, "[ ] Backups", ["tested monthly", "restore drill too"]],
      [10, "[x] Alerts", []],
    ]);
    expect(items[0]?.children.map((c) => [c.line, c.text])).toEqual([[9, "[x] nightly"]]);
    expect(lists(setext as MdSection).map((i) => i.text)).toEqual(["one"]);
  });

  it("reads GFM tables with the line of each row, escaped pipes as text", () => {
    const doc = readMarkdown(["| Check | Status |", "|---|:-:|", "| Queue \\| Broker | ✅ |", "| TLS | ❌ |"].join("\n"));
    expect(tables(doc.root)).toEqual([{ kind: "table", line: 1, header: ["Check", "Status"], rows: [{ line: 3, cells: ["Queue | Broker", "✅"] }, { line: 4, cells: ["TLS", "❌"] }] }]);
  });

  it("skips code, HTML and prose with their line numbers, and keeps prose per section", () => {
    const doc = readMarkdown(["## A", "Priority: High", "", "```", "- [ ] code", "```", "", "<div>", "- [x] html", "</div>", "", "- [ ] real <!-- hidden --> item"].join("\n"));
    expect(doc.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, "paragraph"],
      [4, "code-block"],
      [5, "code-block"],
      [6, "code-block"],
      [8, "html"],
      [9, "html"],
      [10, "html"],
    ]);
    const a = doc.root.sections[0] as MdSection;
    expect(a.paragraphs).toEqual([{ line: 2, lines: [{ line: 2, text: "Priority: High" }] }]);
    expect(lists(a).map((i) => i.text)).toEqual(["[ ] real  item"]);
  });

  it("sections named Contents / Legend / Notes are skipped with that reason, items and all", () => {
    const doc = readMarkdown(["## Contents", "- [Ops](#ops)", "## Legend", "- ✅ done", "## Ops", "- [ ] x"].join("\n"));
    expect(doc.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, "table-of-contents"],
      [4, "legend"],
    ]);
    expect(lists(doc.root.sections[2] as MdSection)).toHaveLength(1);
  });

  it("front matter: its lines are skipped, positions after it stay those of the file, title read as YAML", () => {
    const doc = readMarkdown(["---", 'title: "Payments: API"', "tags: [a, b]", "---", "", "- [ ] item"].join("\n"));
    expect(doc.frontMatterTitle).toBe("Payments: API");
    expect(doc.skipped.map((s) => s.reason)).toEqual(["front-matter", "front-matter", "front-matter", "front-matter"]);
    expect(lists(doc.root)[0]?.line).toBe(6);
    // Not quite YAML (`key:"value"`, a flow sequence followed by text): the title is still read.
    expect(frontMatter(["---", "title: Head tags", 'category:"Front-End"', "---"])?.title).toBe("Head tags");
    expect(frontMatter(["+++", 'title = "Hugo page"', "+++"])).toEqual({ end: 2, title: "Hugo page" });
    expect(frontMatter(["---", "no end"])).toBeUndefined();
  });

  it("withoutComments removes closed comments and cuts an unclosed one", () => {
    expect(withoutComments("a <!-- x --> b <!-- y")).toBe("a  b ");
    expect(withoutComments("<!--<!--<!--")).toBe("");
  });

  it("lists nested deeper than the parser follows end there, every line accounted for as too deep", () => {
    const depth = 400;
    const text = `# T\n- [x] ok\n${Array.from({ length: depth }, (_, i) => `${"  ".repeat(i)}- [ ] level ${i}`).join("\n")}\n`;
    const result = importMarkdown(text, { file: "deep.md" });
    checkChecklist(result.yaml);
    const tooDeep = result.summary.skipped.byReason["too-deep"] ?? 0;
    expect(tooDeep).toBeGreaterThan(0);
    expect(result.summary.items + tooDeep).toBe(depth + 1);
  });
});
