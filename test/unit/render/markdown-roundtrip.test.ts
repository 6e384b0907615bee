/**
 * Every text the Markdown escaper writes reads back as the same text in a CommonMark/GFM renderer
 * (markdown-it): no backslash, entity or markup left over, in each place the reports put user text.
 */
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { oneLine } from "../../../src/errors.js";
import { escapeMarkdown } from "../../../src/util/escape.js";
import { renderMarkdown } from "../../../src/render/markdown.js";
import { hostileReport, noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";

const renderer = new MarkdownIt({ html: true });

/** The text of rendered HTML: tags dropped, the entities markdown-it writes decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e] ?? "")
    .trim();
}

/** What the reader should see: the text on one line, controls shown escaped, `@` kept from mentioning. */
function expected(text: string): string {
  return oneLine(text)
    .replace(/\t/g, " ")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

const special = fc.constantFrom(..."aZ09 .)#+-=!:@_*[]()~\\|`&<>\"'/{}".split(""), "1. ", "- ", "# ", "> ", "http://x.y/z", "&amp;", "&#124;", "0.1.0", "**b**", "<b>", "データ", "🚀", "  ");
const text = fc.oneof(fc.array(special, { minLength: 1, maxLength: 20 }).map((p) => p.join("")), fc.string({ minLength: 1, maxLength: 40 }));

describe("Markdown escaping round-trips through a renderer", () => {
  it("as a paragraph, after a bullet, after other text, and in a table cell", () => {
    fc.assert(
      fc.property(text, (t) => {
        const want = expected(t);
        fc.pre(want.trim() === want && want.length > 0);
        expect(textOf(renderer.render(escapeMarkdown(t)))).toBe(want);
        expect(textOf(renderer.render(`- ${escapeMarkdown(t)}`))).toBe(want);
        expect(textOf(renderer.render(`x ${escapeMarkdown(t, false)}`))).toBe(`x ${want}`);
        expect(textOf(renderer.render(`<sub>v ${escapeMarkdown(t, false)}</sub>`))).toBe(`v ${want}`);
        const table = renderer.render(`| a | b |\n| --- | --- |\n| ${escapeMarkdown(t)} | end |\n`);
        expect(table.match(/<td>/g)).toHaveLength(2);
        expect(textOf(/<tbody>[\s\S]*?<td>([\s\S]*?)<\/td>/.exec(table)![1]!)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  it("the footer's version reads 0.1.0, not 0\\.1.0", () => {
    const md = renderMarkdown(noGoReport(), PLAIN);
    expect(md).toContain("<sub>readiness 0.1.0 · ");
    expect(textOf(renderer.render(md))).toContain("readiness 0.1.0 · ");
  });

  it("the verdict and its reasons are the first three lines; hostile text renders as text", () => {
    const md = renderMarkdown(noGoReport(), PLAIN);
    const [first, second, third] = md.split("\n");
    expect(first).toBe("## 🔴 NO-GO — Payments API");
    expect(second).toMatch(/^\*\*Score 31\/100\*\* · verified 24\/100/);
    expect(third).toMatch(/^\*\*Why not GO:\*\* critical item <code>gateway-health<\/code> .* · required sign-off missing: Security Lead$/);
    const html = renderer.render(renderMarkdown(hostileReport(), PLAIN));
    const tags = new Set([...html.matchAll(/<([a-z0-9]+)/g)].map((m) => m[1]));
    for (const tag of tags) expect(["h2", "h3", "h4", "p", "br", "strong", "em", "code", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "details", "summary", "sub", "blockquote"]).toContain(tag);
  });
});
