import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { oneLine, sanitize } from "../../../src/errors.js";
import { escapeHtml, escapeMarkdown, escapeXml } from "../../../src/util/escape.js";
import { displayWidth, terminalText, truncateWidth, wrapWidth } from "../../../src/util/width.js";

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

/**
 * The escapers take a fast path for text with nothing to escape and replace in one pass otherwise.
 * These are the straightforward chains they replaced, kept here as the reference: the output must
 * not change by a byte, with or without characters that need escaping.
 */
describe("escaping fast paths match the reference chains", () => {
  const referenceSanitize = (t: string): string =>
    t.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  const referenceOneLine = (t: string): string => referenceSanitize(t).replace(/\s*[\r\n]+\s*/g, " ").trim();
  const ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const referenceMarkup = (t: string, apos: string): string =>
    referenceSanitize(t).replace(ILLEGAL, "\ufffd").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, apos);
  const referenceHtml = (t: string): string => referenceMarkup(t, "&#39;");
  const referenceXml = (t: string): string => referenceMarkup(t, "&apos;").replace(/\r/g, "&#13;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
  const referenceMarkdown = (t: string): string =>
    referenceOneLine(t)
      .replace(/\t/g, " ")
      .replace(ILLEGAL, "\ufffd")
      .replace(/[\\*_[\]~]/g, (c) => `\\${c}`)
      .replace(/^[#+\-=]/, (c) => `\\${c}`)
      .replace(/^(\d+)([.)])/, "$1\\$2")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/\|/g, "&#124;")
      .replace(/`/g, "&#96;")
      .replace(/@(?=[A-Za-z0-9])/g, "@\u200b");

  // Characters every escaper treats specially, mixed with plain ones, so both paths are exercised.
  const special = fc.constantFrom(
    ..."aZ09 .)#+-=@_*[]~\\|`&<>\"'\t\r\n\u001b\u0000\u0007\u000b\u000c\u007f\u0085\u009b\u00a0\u2028\u200b\ufffe\uffff\ud800\udc00データ🚀\u0301".split(""),
    "🚀",
    "1. ",
    "@a",
    "  ",
  );
  const hostile = fc.array(special, { maxLength: 40 }).map((parts) => parts.join(""));
  const texts = fc.oneof(hostile, anyText, fc.string({ maxLength: 60 }));

  it("sanitize and oneLine", () => {
    fc.assert(
      fc.property(texts, (s) => {
        expect(sanitize(s)).toBe(referenceSanitize(s));
        expect(oneLine(s)).toBe(referenceOneLine(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("escapeHtml, escapeXml, escapeMarkdown", () => {
    fc.assert(
      fc.property(texts, (s) => {
        expect(escapeHtml(s)).toBe(referenceHtml(s));
        expect(escapeXml(s)).toBe(referenceXml(s));
        expect(escapeMarkdown(s)).toBe(referenceMarkdown(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("displayWidth is string-width's: emoji and wide characters two columns, ANSI codes and combining marks none", () => {
    expect(displayWidth("plain ASCII, Latin-1 é and ʯ")).toBe(28);
    expect(displayWidth("🤖 robot")).toBe(8);
    expect(displayWidth("✅ 🚀")).toBe(5);
    expect(displayWidth("👍🏽🏳️‍🌈")).toBe(4);
    expect(displayWidth("\u001b[31mred\u001b[39m")).toBe(3);
    expect(displayWidth("e\u0301 — データ")).toBe(10);
  });

  it("wrapWidth and truncateWidth never split an emoji and never go over the width", () => {
    const words = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("a", "word", "データベース", "🚀🚀", "✅", "👍🏽", "🏳️‍🌈", "x".repeat(30), "é\u0301")), { maxLength: 30 });
    fc.assert(
      fc.property(words, fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 6 }), (parts, w, max) => {
        const text = terminalText(parts.join(" "));
        for (const line of [...wrapWidth(text, w, max), truncateWidth(text, w)]) {
          expect(displayWidth(line)).toBeLessThanOrEqual(w);
          expect(line).not.toMatch(/\ud83d(?![\udc00-\udfff])/);
        }
      }),
      { numRuns: 500 },
    );
    expect(truncateWidth("ok 🚀🚀🚀", 6)).toBe("ok 🚀…");
  });

  it("clean text comes back as it was; text to escape does not", () => {
    for (const clean of ["Item 42 title", "GET http://127.0.0.1:9/health: 200 in 12ms"]) {
      expect(sanitize(clean)).toBe(clean);
      expect(oneLine(clean)).toBe(clean);
      expect(escapeHtml(clean)).toBe(clean);
      expect(escapeXml(clean)).toBe(clean);
    }
    expect(oneLine("  padded  ")).toBe("padded");
    expect(sanitize("a\u001b[31mb")).toBe("a\\x1b[31mb");
    expect(oneLine("a\n  b\n")).toBe("a b");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(escapeXml("a'\tb\nc\rd")).toBe("a&apos;&#9;b&#10;c\\x0dd");
    expect(escapeMarkdown("Item 42 title")).toBe("Item 42 title");
    expect(escapeMarkdown("42) a_b | c @d")).toBe("42\\) a\\_b &#124; c @\u200bd");
    expect(escapeMarkdown("- x")).toBe("\\- x");
    expect(wrapWidth("fits on one line", 20)).toEqual(["fits on one line"]);
    expect(wrapWidth(" loose  spacing\there ", 40)).toEqual(["loose spacing here"]);
    expect(wrapWidth("does not fit on one line", 12)).toEqual(["does not fit", "on one line"]);
  });
});
