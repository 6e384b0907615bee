import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ReadinessError } from "../../../src/errors.js";
import { decodeInput, MAX_IMPORT_BYTES } from "../../../src/import/decode.js";
import { yamlString } from "../../../src/import/emit.js";
import { importMarkdown } from "../../../src/import/index.js";
import { countMojibake, repairMojibake } from "../../../src/import/mojibake.js";
import { checkChecklist } from "./helpers.js";

const SAMPLE = "# Ready\n\n## Ops\n\n- ✅ Backups tested\n- ⚠️ Runbooks half written\n- ❌ Pager rota\n- 🔄 Canary\n";

function errorOf(fn: () => unknown): ReadinessError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReadinessError);
    return e as ReadinessError;
  }
  throw new Error("expected a ReadinessError");
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, "utf16le");
  for (let i = 0; i < le.length; i += 2) {
    const a = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = a;
  }
  return le;
}

describe("decoding", () => {
  const expected = importMarkdown(Buffer.from(SAMPLE), { file: "s.md" }).yaml;

  it("reads UTF-8 with a BOM, UTF-16 LE/BE with a BOM, and UTF-16 LE without one, to the same checklist", () => {
    const cases: [Buffer, string][] = [
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]), "utf-8-bom"],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, "utf16le")]), "utf-16le"],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(SAMPLE)]), "utf-16be"],
      [Buffer.from(SAMPLE, "utf16le"), "utf-16le"],
      [Buffer.from(SAMPLE.replace(/\n/g, "\r\n")), "utf-8"],
    ];
    for (const [bytes, encoding] of cases) {
      const r = importMarkdown(bytes, { file: "s.md" });
      expect(r.summary.encoding).toBe(encoding);
      expect(r.yaml).toBe(expected);
    }
  });

  it("a string input is read as text", () => {
    expect(importMarkdown(SAMPLE, { file: "s.md" }).yaml).toBe(expected);
    expect(importMarkdown(`\ufeff${SAMPLE}`, { file: "s.md" }).summary.encoding).toBe("string");
  });

  it("invalid UTF-8 is a one-line error naming the byte, line and column", () => {
    const bytes = Buffer.concat([Buffer.from("# T\n- [x] caf"), Buffer.from([0xe9]), Buffer.from(" ok\n")]);
    const e = errorOf(() => importMarkdown(bytes, { file: "latin1.md" }));
    expect(e.code).toBe("EENCODING");
    expect(e.message).toBe("latin1.md: not valid UTF-8 (byte 0xE9 at line 2, column 10); save it as UTF-8 and import again");
  });

  it("empty and blank inputs are errors", () => {
    expect(errorOf(() => importMarkdown(Buffer.alloc(0), { file: "e.md" })).message).toBe("e.md: is empty; nothing to import");
    expect(errorOf(() => importMarkdown(Buffer.from(" \n\n\t\n"), { file: "e.md" })).code).toBe("EEMPTY");
    expect(errorOf(() => importMarkdown(Buffer.from([0xef, 0xbb, 0xbf]), { file: "e.md" })).code).toBe("EEMPTY");
  });

  it("binary input is an error", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 0xff, 0]);
    const e = errorOf(() => importMarkdown(png, { file: "logo.png" }));
    expect(e.code).toBe("EBINARY");
    expect(e.message).toMatch(/^logo\.png: looks like a binary file \(NUL byte at offset 8\), not Markdown$/);
    const controls = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(errorOf(() => importMarkdown(controls, { file: "c.bin" })).code).toBe("EBINARY");
  });

  it("input over the size cap is refused before it is read", () => {
    const big = Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x61);
    const e = errorOf(() => importMarkdown(big, { file: "big.md" }));
    expect(e.code).toBe("ETOOLARGE");
    expect(e.message).toBe("big.md: too large to import (20.0 MiB; the limit is 20 MiB)");
  });

  it("UTF-32 is named, not misread", () => {
    expect(errorOf(() => decodeInput(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), "u.md")).message).toMatch(/UTF-32/);
  });
});

describe("mojibake repair", () => {
  it("undoes UTF-8 read as Windows-1252", () => {
    const r = repairMojibake("- âœ… done\n- âš ï¸ partial\n- âŒ missing\n- ðŸ”„ moving");
    expect(r.text).toBe("- ✅ done\n- ⚠️ partial\n- ❌ missing\n- 🔄 moving");
    // ⚠️ and ❌ lost bytes (0xA0 became a space, 0x8F and 0x9D were dropped): still recognised.
    expect(r.repairs).toEqual([{ codec: "windows-1252", sequences: 4, lines: [1, 2, 3, 4] }]);
  });

  it("undoes intact Windows-1252 damage, undefined bytes kept as C1 controls", () => {
    expect(repairMojibake("- â\u009dŒ x, âš\u00a0ï¸\u008f y, âœ… z").text).toBe("- ❌ x, ⚠️ y, ✅ z");
  });

  it("undoes UTF-8 read as MacRoman, also when the Apple-logo lead byte was lost", () => {
    const r = repairMojibake("- ‚úÖ done\n- ‚ö†Ô∏è partial\n- ‚ùå missing\n- \uf8ffüîÑ moving\n- üîÑ moving");
    expect(r.text).toBe("- ✅ done\n- ⚠️ partial\n- ❌ missing\n- 🔄 moving\n- 🔄 moving");
    expect(r.repairs[0]?.codec).toBe("macintosh");
  });

  it("repairs damaged characters next to undamaged ones on the same line", () => {
    const r = repairMojibake("✅ fine, âœ… damaged, café, São Paulo, naïve — “quoted”");
    expect(r.text).toBe("✅ fine, ✅ damaged, café, São Paulo, naïve — “quoted”");
  });

  it("undoes double damage", () => {
    expect(repairMojibake("Ã¢Å“â€¦ twice").text).toBe("✅ twice");
  });

  it("leaves clean text alone, including accented Latin, CJK and French quotes that look like MacRoman pairs", () => {
    for (const text of ["São Paulo, Zürich, Kraków, façade", "上线检查清单 ✅", "“École” —élan", "Ã alone", "plain ASCII"]) {
      expect(repairMojibake(text)).toEqual({ text, repairs: [] });
    }
  });

  it("needs a long sequence or several accented letters before touching 2-byte pairs", () => {
    expect(repairMojibake("cafÃ© only").repairs).toEqual([]);
    expect(repairMojibake("cafÃ©, crÃ¨me, dÃ©jÃ\u00a0 vu").text).toBe("café, crème, déjà vu");
  });

  it("the importer reports the repair and the statuses come out right", () => {
    const damaged = "# T\n\n## S\n\n- âœ… Backups\n- âš ï¸ Runbooks\n- âŒ Pager\n";
    const r = importMarkdown(Buffer.from(damaged), { file: "d.md" });
    const { items } = checkChecklist(r.yaml);
    expect(items.map((i) => i.status)).toEqual(["done", "partial", "missing"]);
    expect(countMojibake(r.yaml)).toBe(0);
    expect(r.warnings[0]).toBe("repaired mojibake: UTF-8 text that had been read as Windows-1252 (3 characters on 3 lines: 5, 6, 7)");
  });
});

describe("YAML scalars", () => {
  it("every string round-trips through yamlString", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        expect(parse(`v: ${yamlString(s)}\n`)).toEqual({ v: s });
        expect(parse(`v: { k: ${yamlString(s, true)} }\n`)).toEqual({ v: { k: s } });
      }),
      { numRuns: 2000 },
    );
  });

  it("tricky strings round-trip", () => {
    for (const s of ["", " x", "x ", "a: b", "a #b", "#a", "yes", "No", "null", "~", "1e3", "0x1F", ".inf", "2026-01-01", "- a", "? a", "<< ", "a\u2028b", "\u0085", "\ufeffx", "@x", "`x`", "x:", "${vars.x}/h", "< 10ms", ">= 99.9%"]) {
      expect(parse(`v: ${yamlString(s)}\n`)).toEqual({ v: s });
    }
  });
});

describe("ids in YAML", () => {
  it("numeric-looking ids are quoted so they stay strings; ordinary slugs stay plain", () => {
    const r = importMarkdown("# T\n## S\n- [x] 1\n- [x] 1.5\n- [x] yes\n- [x] 2fa enabled\n- [x] 2024-01-01\n", { file: "ids.md" });
    expect(r.yaml).toContain('- id: "1"  # line 3');
    expect(r.yaml).toContain('- id: "1-5"  # line 4');
    expect(r.yaml).toContain('- id: "yes"  # line 5');
    expect(r.yaml).toContain("- id: 2fa-enabled  # line 6");
    expect(r.yaml).toContain('- id: "2024-01-01"  # line 7');
    const ids = checkChecklist(r.yaml).items.map((i) => i.id);
    expect(ids).toEqual(["1", "1-5", "yes", "2fa-enabled", "2024-01-01"]);
  });
});
