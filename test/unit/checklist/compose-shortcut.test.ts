/**
 * composeChecklist's shortcut: a single file with nothing to compose (no extends, environments,
 * --env, --var, matrix, drop or untitled entry) is its own composition. Differentially: whenever the
 * shortcut is taken, the full composition gives the same issues, and resolving either gives the same
 * checklist, positions included; the shortcut is taken for most simple files (so this cannot pass
 * vacuously) and never for a file with something to compose.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { composeChecklist, type ComposeOptions } from "../../../src/checklist/extends.js";
import { parseYaml } from "../../../src/checklist/parse.js";
import { resolveChecklist } from "../../../src/checklist/resolve.js";
import { validateSchema } from "../../../src/checklist/validate.js";
import { templates } from "../../../src/templates/index.js";
import { FUZZ_SCALE, mutatedChecklist } from "../fuzz/arbitraries.js";

const FILE = "c.yaml";
const ROOT = join(import.meta.dirname, "..", "..", "..");

/** Compares both compositions of `text`; undefined when the text does not get as far as composing. */
function compare(text: string, options: ComposeOptions = {}): "shortcut" | "full" | undefined {
  const parsed = parseYaml(text, FILE);
  if (parsed.issues.length || validateSchema(parsed).some((i) => i.level !== "warning")) return undefined;
  const quick = composeChecklist(parsed, options);
  const full = composeChecklist(parsed, options, false);
  if (quick.parsed !== parsed) return "full";
  const context = `on ${JSON.stringify(text.slice(0, 400))}`;
  expect(quick.issues, context).toStrictEqual(full.issues);
  expect(quick.files, context).toStrictEqual(full.files);
  expect(quick.environments, context).toStrictEqual(full.environments);
  const env = { HOME: "/home/x" };
  const a = resolveChecklist(quick.parsed, { ...options, env });
  const b = resolveChecklist(full.parsed, { ...options, env });
  expect(a, context).toStrictEqual(b);
  return "shortcut";
}

/** A mutated valid checklist without what makes it compose (environments, the matrix item). */
const simpleChecklist: fc.Arbitrary<string> = mutatedChecklist.map((text) => {
  const doc = parse(text) as Record<string, unknown> | null;
  if (doc && typeof doc === "object") {
    delete doc.environments;
    const strip = (sections: unknown): void => {
      if (!Array.isArray(sections)) return;
      for (const s of sections as Record<string, unknown>[]) {
        if (!s || typeof s !== "object") continue;
        if (Array.isArray(s.items)) s.items = s.items.filter((i: unknown) => !(i && typeof i === "object" && "matrix" in i));
        strip(s.sections);
      }
    };
    strip(doc.sections);
  }
  return stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
});

describe("composing a file that has nothing to compose", () => {
  it("gives what the full composition gives, for mutated simple checklists", () => {
    const seen = { shortcut: 0, full: 0, none: 0 };
    fc.assert(
      fc.property(simpleChecklist, (text) => {
        seen[compare(text) ?? "none"]++;
      }),
      { numRuns: 500 * FUZZ_SCALE },
    );
    // Many survive validation and take the shortcut: the property above is not vacuous.
    // About one in four does (mean ~115 of 500, sd ~9): 50 is far below chance, far above zero.
    expect(seen.shortcut).toBeGreaterThan(50 * FUZZ_SCALE);
  });

  it("gives what the full composition gives, for the examples and the starter templates", () => {
    const texts = [
      ...readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => readFileSync(join(ROOT, "examples", f), "utf8")),
      ...Object.values(templates).map((t) => t.text),
    ];
    const outcomes = texts.map((t) => compare(t));
    expect(outcomes).not.toContain(undefined);
    expect(outcomes.filter((o) => o === "shortcut").length).toBeGreaterThanOrEqual(3);
  });

  it("is not taken when there is something to compose", () => {
    const base = `version: 1\nname: X\nsections:\n  - id: a\n    title: A\n    items:\n      - { id: i, title: I }\n`;
    expect(compare(base)).toBe("shortcut");
    expect(compare(base, { vars: {} })).toBe("shortcut");
    expect(compare(base, { vars: { x: "1" } })).toBe("full");
    expect(compare(base, { environment: "staging" })).toBe("full");
    expect(compare(`${base}environments: { staging: { vars: { a: b } } }\n`)).toBe("full");
    expect(compare(base.replace("name: X", "name: X\nextends: []"))).toBe("full");
    expect(compare(base.replace("{ id: i, title: I }", "{ id: i, title: I, drop: true }"))).toBe("full");
    expect(compare(base.replace("{ id: i, title: I }", "{ id: i, title: I, matrix: { r: [a, b] } }"))).toBe("full");
    expect(compare(base.replace("{ id: i, title: I }", "{ id: i }"))).toBe("full");
    expect(compare(base.replace("    title: A\n", ""))).toBe("full");
    expect(compare(`${base}      - { id: j, title: J }\n  - id: b\n    title: B\n    sections:\n      - { id: c, title: C, items: [{ title: Deep }] }\n`)).toBe("shortcut");
    expect(compare(`${base}  - id: b\n    title: B\n    sections:\n      - { id: c, items: [{ title: Deep }] }\n`)).toBe("full");
  });

  it("reports duplicate ids within the file as the full composition does", () => {
    const text = `version: 1\nsections:\n  - id: a\n    title: A\n    items:\n      - { id: a, title: I }\n      - { title: Same }\n      - { id: same, title: Other }\n`;
    expect(compare(text)).toBe("shortcut");
    const parsed = parseYaml(text, FILE);
    const { issues } = resolveChecklist(composeChecklist(parsed).parsed, { env: {} });
    expect(issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      expect.stringMatching(/^6:\d+ duplicate id "a": also used at c\.yaml:3:/),
      expect.stringMatching(/^8:\d+ duplicate id "same": also used at c\.yaml:7:/),
    ]);
  });
});
