import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkChecklistText } from "../../../src/checklist/load.js";
import { formatIssue, ReadinessError } from "../../../src/errors.js";
import { importMarkdown } from "../../../src/import/index.js";
import { checkChecklist } from "./helpers.js";

/** Lines built from the fragments that matter to the reader: markers, fences, comments, claims. */
const fragment = fc.constantFrom(
  "- ", "* ", "1. ", "2) ", "  ", "    ", "\t", "# ", "## ", "### ", "[x] ", "[ ] ", "[-] ", "**", "__", "`", "```", "~~~",
  "<!--", "-->", "<details>", "|", "|---|---|", "---", "===", "✅", "⚠️", "❌", "🔄", "🔴", "âœ…", "‚úÖ", "ðŸ”„", "(Priority: HIGH)",
  "P0", "MUST", "Port 8012", "/health", "80% coverage", "p99 < 10ms", ": ", " - ", "#", "'", '"', "\\", "[a](#b)", "title: x",
  "Backups", "Deploy", "数据库", "Status", "Check", "Role", "Signature", "yes", "1.5", "...", "+++", "\u00a0", "\u2028",
);
const line = fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(""));
const doc = fc.array(line, { minLength: 1, maxLength: 40 }).map((lines) => lines.join("\n"));

describe("import on generated Markdown", () => {
  it("either refuses with a ReadinessError or writes a checklist that parses, validates and loads", () => {
    fc.assert(
      fc.property(doc, fc.boolean(), (text, withProbes) => {
        let yaml: string;
        try {
          yaml = importMarkdown(text, { file: "gen.md", withProbes }).yaml;
        } catch (e) {
          expect(e).toBeInstanceOf(ReadinessError);
          expect(["EEMPTY", "ENOITEMS", "EBINARY"]).toContain((e as ReadinessError).code);
          return;
        }
        checkChecklist(yaml);
        const { issues } = checkChecklistText(yaml, "gen.yaml");
        expect(issues.filter((i) => i.level !== "warning").map(formatIssue)).toEqual([]);
        expect(importMarkdown(text, { file: "gen.md", withProbes }).yaml).toBe(yaml);
      }),
      { numRuns: 400 },
    );
  });
});
