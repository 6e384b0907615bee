import { describe, expect, it } from "vitest";
import { oneLine } from "../../../src/errors.js";
import { escapeHtml, escapeMarkdown, escapeXml } from "../../../src/util/escape.js";
import { terminalText } from "../../../src/util/width.js";
import { createMasker, maskDeep, maskParts, MIN_SECRET_LENGTH } from "../../../src/util/mask.js";
import { createOutput, neutraliseCommands } from "../../../src/util/output.js";
import { truncate } from "../../../src/util/text.js";

const SECRET = `p4ss"w\\o'rd %27 é-0123456789abcdef`;

describe("createMasker", () => {
  it("masks a secret whole, and a longer one that contains another whole", () => {
    const m = createMasker(["abcdefgh", "xx-abcdefgh-yy"]);
    expect(m.mask("a abcdefgh b xx-abcdefgh-yy c")).toBe("a *** b *** c");
  });

  it(`treats a value shorter than ${MIN_SECRET_LENGTH} characters as no secret`, () => {
    const m = createMasker(["1", "1234567", "éééééé"]);
    expect(m.empty).toBe(true);
    expect(m.mask("http://127.0.0.1:1234567/")).toBe("http://127.0.0.1:1234567/");
    // Characters, not UTF-16 units: four astral characters are eight units but four characters.
    expect(createMasker(["😀😀😀😀"]).empty).toBe(true);
    expect(createMasker(["12345678"]).mask("x12345678x")).toBe("x***x");
  });

  it("masks every encoding readiness prints: URL (each flavour, any hex case, mixed), JSON (once and twice), shell and YAML quoting, escapes", () => {
    const m = createMasker([SECRET]);
    const strict = encodeURIComponent(SECRET).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const json = JSON.stringify(SECRET).slice(1, -1);
    const forms = [
      SECRET,
      encodeURIComponent(SECRET),
      encodeURI(SECRET),
      strict,
      strict.toLowerCase(),
      new URL(`http://h/${SECRET}`).pathname.slice(1),
      new URL(`http://h/?t=${SECRET}`).search.slice(3),
      new URLSearchParams({ t: SECRET }).toString().slice(2),
      json,
      JSON.stringify(json).slice(1, -1),
      SECRET.replace(/'/g, `'\\''`),
      SECRET.replace(/'/g, "''"),
      escapeHtml(SECRET),
      escapeXml(SECRET),
      escapeMarkdown(SECRET),
    ];
    for (const f of forms) expect(m.mask(`before ${f} after`), f).toBe("before *** after");
  });

  it("masks each line of a secret split by a line break, and the secret trimmed", () => {
    const m = createMasker(["first-line-secret\r\nsecond-line-secret\r"]);
    expect(m.mask("got second-line-secret")).toBe("got ***");
    expect(m.mask(oneLine("x first-line-secret\r\nsecond-line-secret\r y"))).toBe("x *** y");
  });

  it("masks a piece of a secret that a cut leaves before or after the mark, but not a short one", () => {
    const long = `${"k".repeat(10)}-${"0123456789".repeat(12)}`;
    const m = createMasker([long]);
    expect(m.mask(`does not contain ${JSON.stringify(truncate(long, 80))}`)).toBe('does not contain "***…"');
    expect(m.mask(`${"x".repeat(134)}${long}`.slice(0, 159) + "…")).toBe(`${"x".repeat(134)}***…`);
    expect(m.mask(`…${long.slice(-30)} end`)).toBe("…*** end");
    expect(m.mask(terminalText(`title ${long}`, 40))).toBe("title ***…");
    // Three characters of a secret before a cut are ordinary text.
    expect(m.mask("the kkk…")).toBe("the kkk…");
  });

  it("learns secrets added later", () => {
    const m = createMasker();
    expect(m.mask("token-12345678")).toBe("token-12345678");
    m.add("token-12345678");
    expect(m.mask("token-12345678")).toBe("***");
  });
});

describe("maskParts", () => {
  it("masks a secret however the text is cut into parts", () => {
    const m = createMasker([SECRET, "second-secret"]);
    const text = `a ${SECRET} b ${encodeURIComponent(SECRET)} c second-secret d ${SECRET}`;
    for (let size = 1; size < text.length; size += 3) {
      const parts: string[] = [];
      for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
      expect([...maskParts(parts, m)].join(""), `parts of ${size}`).toBe("a *** b *** c *** d ***");
    }
  });
});

describe("maskDeep", () => {
  it("masks every string, returns what holds no secret as it is, and keeps shared objects shared", () => {
    const m = createMasker(["secret-value"]);
    const shared = { title: "x secret-value" };
    const clean = { title: "clean" };
    const value = { a: shared, b: [shared, clean], n: 3 };
    const out = maskDeep(value, m);
    expect(out.a).toEqual({ title: "x ***" });
    expect(out.b[0]).toBe(out.a);
    expect(out.b[1]).toBe(clean);
    expect(value.a.title).toBe("x secret-value");
    expect(maskDeep(value, createMasker())).toBe(value);
  });
});

describe("the output boundary", () => {
  it("neutralises a line that starts with :: (after any whitespace, CR or LF) and ##[ anywhere", () => {
    const text = "ok ::x\n::error::a\n  \t::warning::b\r::notice::c\nsee ##[error]d\n";
    const out = neutraliseCommands(text);
    for (const line of out.split(/\r|\n/)) {
      expect(line).not.toMatch(/^\s*::/);
      expect(line).not.toContain("##[");
    }
    expect(out.replace(/\u200b/g, "")).toBe(text);
  });

  it("on a runner, neutralises lines split across writes, and writes meant commands as they are", () => {
    const written: string[] = [];
    const out = createOutput((t) => written.push(t), { secrets: createMasker(["secret-value"]), actions: true });
    out.write("title\n  :");
    out.write(":error::x secret-value\n#");
    out.write("#[y]\npartial");
    out.command("::error title=t::ok secret-value ##[z]");
    out.end();
    const text = written.join("");
    expect(text.split("\n")).toEqual(["title", "  :\u200b:error::x ***", "##\u200b[y]", "partial", "::error title=t::ok *** ##\u200b[z]", ""]);
  });

  it("off a runner, writes each piece at once but what may start a secret", () => {
    const written: string[] = [];
    const out = createOutput((t) => written.push(t), { secrets: createMasker(["secret-value"]), actions: false });
    out.write("::a\nsecr");
    expect(written.join("")).toBe("::a\n");
    out.write("et-value!");
    out.end();
    expect(written.join("")).toBe("::a\n***!");
  });
});
