import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { displayWidth, escapeHtml, escapeMarkdown, escapeXml, terminalText, truncateWidth, wrapWidth } from "../../../src/reports/escape.js";

const anyText = fc.string({ unit: "binary", maxLength: 200 });

describe("escaping", () => {
  it("escapeXml: any string makes a well-formed attribute and element", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const e = escapeXml(s);
        expect(XMLValidator.validate(`<a b="${e}" c='${e}'>${e}</a>`)).toBe(true);
      }),
    );
  });

  it("escapeHtml: no tag, no quote, no control character survives", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      }),
    );
  });

  it("escapeMarkdown: one line, no pipe, backtick or raw tag", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const e = escapeMarkdown(s);
        expect(e).not.toMatch(/[|`<>\r\n\u0000-\u001f]/);
      }),
    );
    expect(escapeMarkdown("# x")).toBe("\\# x");
    expect(escapeMarkdown("1. x")).toBe("1\\. x");
    expect(escapeMarkdown("**a** [b](c) R&D")).toBe("\\*\\*a\\*\\* \\[b\\](c) R&amp;D");
  });

  it("escapeMarkdown: an @mention cannot notify anyone, an e-mail-like text keeps its shape", () => {
    expect(escapeMarkdown("ping @everyone and @acme/sre")).toBe("ping @\u200beveryone and @\u200bacme/sre");
    expect(escapeMarkdown("a @ b")).toBe("a @ b");
  });

  it("terminal text: never a control character, never wider than asked", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 80 }), (s, w) => {
        const t = terminalText(s, w);
        expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(displayWidth(t)).toBeLessThanOrEqual(w);
      }),
    );
  });

  it("wrapWidth: every line fits, at most maxLines, nothing lost when it fits", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 2, max: 60 }), (raw, w) => {
        const s = terminalText(raw);
        const lines = wrapWidth(s, w, 4);
        expect(lines.length).toBeLessThanOrEqual(4);
        for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(w);
        if (!lines.at(-1)!.endsWith("…")) expect(lines.join("").replace(/\s/g, "")).toBe(s.replace(/\s/g, ""));
      }),
    );
  });

  it("counts CJK as two columns", () => {
    expect(displayWidth("データ")).toBe(6);
    expect(truncateWidth("データベース", 7)).toBe("データ…");
  });
});
