import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../../src/import/index.js";
import { checkChecklist, FIXTURES } from "./helpers.js";

interface Expected {
  name?: string;
  items: number;
  claims: Record<string, number>;
  severities?: Record<string, number>;
}

const DIR = `${FIXTURES}corpus/`;
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, "utf8")) as Record<string, Expected>;
const nonZero = (r: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(r).filter(([k, n]) => n > 0 && k !== "none" && k !== "unspecified"));

/** Words only, lower case: what survives of a line of Markdown in a description. */
const words = (text: string): string =>
  text
    .replace(/\]\([^)\s]*\)/g, "]")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * Source lines the import neither turned into an item or a section nor listed as skipped with a
 * reason. What may legitimately remain: blank lines, thematic breaks, table header and delimiter
 * rows, continuation lines of the entry above, and prose whose words are in an item's description
 * (the paragraphs under a heading read as an item).
 */
function unaccounted(source: string, yaml: string, skipped: number[]): number[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const output = ` ${words(yaml)} `;
  const used = new Set<number>(skipped);
  for (const m of yaml.matchAll(/# line (\d+)/g)) used.add(Number(m[1]));
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] ?? "").trim();
    const n = i + 1;
    if (t === "" || used.has(n) || /^(?:[-*_]\s*){3,}$/.test(t) || /^#{1,6}\s/.test(t)) continue;
    if (/^\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?$/.test(t)) continue;
    if (t.includes("|") && /^\|?\s*:?-/.test((lines[i + 1] ?? "").trim())) continue;
    // A continuation: the line above is an item, a continuation or a table row that was used.
    if (used.has(n - 1) && (lines[i - 1] ?? "").trim() !== "") {
      used.add(n);
      continue;
    }
    const said = words(t.replace(/^(?:[-*+]|\d{1,9}[.)])\s+/, "")).split(" ").slice(0, 8).join(" ");
    if (said && output.includes(` ${said} `)) {
      used.add(n);
      continue;
    }
    out.push(n);
  }
  return out;
}

describe("the corpus of public checklists (test/fixtures/import/corpus, SOURCES.md)", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".md") && f !== "SOURCES.md").sort();

  it("has an expected count for every file and a source for each", () => {
    const sources = readFileSync(`${DIR}SOURCES.md`, "utf8");
    expect(files.sort()).toEqual(Object.keys(expected).filter((k) => !k.startsWith("_")).sort());
    for (const f of files) expect(sources).toContain(f);
  });

  for (const file of files) {
    it(`${file}: items within 3% of the count by reading, severities from its vocabulary, claims only where claimed, every line accounted for`, () => {
      const want = expected[file];
      expect(want).toBeDefined();
      if (!want) return;
      const source = readFileSync(`${DIR}${file}`);
      const result = importMarkdown(source, { file });
      const { name } = checkChecklist(result.yaml);
      if (want.name) expect(name).toBe(want.name);
      expect(Math.abs(result.summary.items - want.items)).toBeLessThanOrEqual(Math.max(1, Math.floor(want.items * 0.03)));
      expect(nonZero(result.summary.claims)).toEqual(want.claims);
      if (want.severities) expect(nonZero(result.summary.severities)).toEqual(want.severities);
      expect(result.summary.skipped.total).toBe(Object.values(result.summary.skipped.byReason).reduce((a, b) => a + (b ?? 0), 0));
      expect(unaccounted(source.toString("utf8"), result.yaml, result.summary.skipped.lines.map((l) => l.line))).toEqual([]);
    });
  }
});
