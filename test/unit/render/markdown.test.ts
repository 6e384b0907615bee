import { describe, expect, it } from "vitest";
import { codeSpans, MARKDOWN_MAX_CHARS, renderMarkdown, truncateMarkdown } from "../../../src/render/markdown.js";
import { escapeMarkdown } from "../../../src/util/escape.js";
import { HOSTILE, hostileReport, item, largeReport, noGoReport, normalizeTimes, report, section } from "../../helpers/sample-report.js";
import { PLAIN, SAMPLES } from "./samples.js";

/** The GFM tables of a document: each a list of rows, each row its cells (split on unescaped pipes). */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of md.split("\n")) {
    if (line.startsWith("|")) {
      const cells = line.slice(1, -1).split(/(?<!\\)\|/);
      (current ??= []).push(cells);
    } else if (current) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Lines of a table that are not header or delimiter rows. */
const bodyRows = (t: string[][]): string[][] => t.slice(2);

describe("markdown report", () => {
  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`${name}: every table row has as many cells as its header`, () => {
      const md = renderMarkdown(make(), PLAIN);
      const ts = tables(md);
      expect(ts.length).toBeGreaterThan(0);
      for (const t of ts) {
        const width = t[0]!.length;
        for (const row of t) expect(row.length).toBe(width);
        expect(t[1]!.every((c) => /^\s*:?-{3,}:?\s*$/.test(c))).toBe(true);
      }
    });
  }

  it("puts the verdict, the scores and every reason in the first three lines", () => {
    const md = renderMarkdown(noGoReport(), PLAIN);
    const lines = md.split("\n");
    expect(lines[0]).toBe("## 🔴 NO-GO — Payments API");
    expect(lines[1]).toMatch(/^\*\*Score 31\/100\*\* · verified 24\/100.*\\$/);
    for (const reason of noGoReport().reasons) expect(lines[2]).toContain(codeSpans(escapeMarkdown(reason, false)));
    expect(renderMarkdown(SAMPLES.go!(), PLAIN).split("\n")[2]).toBe("Every gate passes.");
  });

  it("shows the ids that reasons quote as code, and nothing else as markup", () => {
    const md = renderMarkdown(noGoReport(), PLAIN);
    expect(md).toContain("**Why not GO:** critical item <code>gateway-health</code> (API gateway health endpoint responds) fails · ");
    expect(codeSpans("a &#96;x&#96; b &#96;open")).toBe("a <code>x</code> b &#96;open");
  });

  it("has each attention list under its own heading, with one row per item", () => {
    const md = renderMarkdown(noGoReport(), PLAIN);
    const headings = md.split("\n").filter((l) => l.startsWith("### "));
    expect(headings).toEqual([
      "### ❌ Failing items (5)",
      "### Sections",
      "### ⚠️ Contradicted claims (1)",
      "### ⌛ Stale attestations (1)",
      "### 🛡️ Waivers (2: 1 expired)",
      "### ✍️ Missing sign-offs (1)",
      "### Warnings (1)",
    ]);
    const ts = tables(md);
    // failing (5), folded: sections (4 incl. nested), counts; contradicted (1), stale (1), waivers (2); then 4 section detail tables
    expect(ts.map((t) => bodyRows(t).length)).toEqual([5, 4, 1, 1, 1, 2, 2, 2, 4, 2]);
    expect(md).toMatch(/<details><summary>All 10 items by section<\/summary>\n\n/);
    expect(md).toContain("\n</details>\n");
  });

  it("lists failing items most severe first with their one-line cause", () => {
    const failing = bodyRows(tables(renderMarkdown(noGoReport(), PLAIN))[0]!);
    expect(failing.map((r) => r[2]!.trim())).toEqual(["critical", "critical", "high", "medium", "low"]);
    expect(failing[0]![3]).toContain("connection refused after 3 attempts");
  });

  it("cannot be broken by hostile titles: same tables as a tame report, no raw HTML", () => {
    const hostile = renderMarkdown(hostileReport(), PLAIN);
    const ts = tables(hostile);
    // failing 5, sections 2, counts 1, contradicted 1, stale 1, waivers 1, detail tables 4 + 4
    expect(ts.map((t) => bodyRows(t).length)).toEqual([5, 2, 1, 1, 1, 1, 4, 4]);
    expect(hostile).not.toMatch(/<script/i);
    expect(hostile).not.toMatch(/<img/i);
    expect(hostile).not.toMatch(/<!--/);
    expect(hostile).not.toContain("\u001b");
    expect(hostile).not.toContain("\u0000");
    expect(hostile).not.toContain("`");
    expect(hostile).not.toMatch(/^# Heading injected/m);
    expect(hostile).not.toMatch(/\[link\]\(/);
    // The only raw tags are the report's own.
    const tags = new Set([...hostile.matchAll(/<\/?([a-z]+)/gi)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(["code", "details", "sub", "summary"]);
  });

  it("shows hostile text as text", () => {
    const md = renderMarkdown(hostileReport(), PLAIN);
    expect(md).toContain("Pipes &#124; in &#124; the &#124; title");
    expect(md).toContain("&lt;script&gt;alert(\"x\")&lt;/script&gt;");
    expect(md).toContain("\\\\x1b\\[31mred");
    expect(md).toContain(HOSTILE.cjk);
  });

  it("fits a GitHub comment however large the checklist, and says what was left out", () => {
    const md = renderMarkdown(largeReport(3000), PLAIN);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/\.\.\.|…and \d+ more|left out/);
    expect(md.startsWith("## 🔴 NO-GO — Large")).toBe(true);
    for (const t of tables(md)) for (const row of t) expect(row.length).toBe(t[0]!.length);
  });

  it("drops the folded detail before shortening lists", () => {
    const full = renderMarkdown(noGoReport(), PLAIN);
    const smaller = renderMarkdown(noGoReport(), { ...PLAIN, maxChars: full.indexOf("<details><summary>All ") + 300 });
    expect(smaller).not.toContain("<summary>All ");
    expect(smaller).toContain("### ❌ Failing items (5)");
    expect(smaller).toContain("left out to fit");
  });

  it("counts failing items per section with its subsections, sections matched by title path", () => {
    const fail = (id: string) => item(id, id, "medium", "fail");
    const r = report("Counts", "NO-GO", [], [
      section("a1", "A", [fail("x1"), fail("x2"), item("ok", "ok", "low", "pass")], [section("b", "B", [fail("y")]), section("c", "C", [])]),
      section("a2", "A", [fail("z")]),
      section("d", "D", [item("p", "p", "low", "pass")]),
    ]);
    const rows = renderMarkdown(r, PLAIN)
      .split("\n")
      .filter((l) => /^\| (&nbsp;)*(↳ )?[A-D] \|/.test(l))
      .map((l) => l.split(" | ").at(-1)!.replace(" |", ""));
    // Both sections titled "A" count every item under either (as the title-path match always has).
    expect(rows).toEqual(["❌ 4", "❌ 1", "0", "❌ 4", "0"]);
  });

  it("keeps the folded detail whenever it fits, and skips building it when the items alone cannot fit", () => {
    for (const n of [1, 12, 60]) {
      const report = largeReport(n, 3);
      const full = renderMarkdown(report, { ...PLAIN, maxChars: 10_000_000 });
      expect(full).toContain(`<summary>All ${n} items by section</summary>`);
      // The skip needs more than maxChars / 14 items, and a layout that fits has at most that many.
      expect(renderMarkdown(report, { ...PLAIN, maxChars: full.length })).toBe(full);
      const shorter = renderMarkdown(report, { ...PLAIN, maxChars: full.length - 1 });
      expect(shorter).not.toContain("items by section</summary>");
      expect(shorter.length).toBeLessThanOrEqual(full.length - 1);
    }
    // 60 items × 14 characters > 800: the detailed layout is skipped, the next one that fits is used.
    const small = renderMarkdown(largeReport(60, 3), { ...PLAIN, maxChars: 800 });
    expect(small.length).toBeLessThanOrEqual(800);
    expect(small).not.toContain("items by section</summary>");
  });

  it("honours a tiny limit by cutting at a line and closing <details>", () => {
    const cut = truncateMarkdown("a\n<details><summary>x</summary>\n\n" + "line\n".repeat(100), 120);
    expect(cut.length).toBeLessThanOrEqual(120);
    expect(cut).toContain("</details>");
    expect(cut).toContain("cut to fit");
  });

  it("marks an interrupted run", () => {
    expect(renderMarkdown(SAMPLES.interrupted!(), PLAIN)).toContain("**INTERRUPTED — partial results.**");
    expect(renderMarkdown(noGoReport(), PLAIN)).not.toContain("INTERRUPTED");
  });

  it("shows the baseline deltas", () => {
    const md = renderMarkdown(SAMPLES.baseline!(), PLAIN);
    expect(md).toContain("### 📉 Since the baseline");
    expect(md).toContain("Score **-69**");
    expect(md).toContain("**Newly failing (");
  });

  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`${name}: snapshot`, () => {
      expect(normalizeTimes(renderMarkdown(make(), PLAIN))).toMatchSnapshot();
    });
  }

  it("escapes a severity or result outside the known ones (a Report made through the library API)", () => {
    const r = noGoReport();
    const it0 = r.sections[0]!.items[0]!;
    Object.assign(it0, { severity: '<img src=x onerror="alert(1)"> | x', result: "<u>odd</u>" });
    const out = renderMarkdown(r, PLAIN);
    expect(out).not.toMatch(/<img|<u>/i);
    expect(out).not.toContain("undefined");
    // Still one cell: the pipe is escaped, so every row keeps its header's cell count.
    for (const t of tables(out)) for (const row of bodyRows(t)) expect(row.length).toBe(t[0]!.length);
  });
});
