import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildChecklistSchema } from "../../../src/checklist/schema.js";
import { PROBE_TYPES } from "../../../src/probes/index.js";
import { ROOT } from "../../helpers/cli.js";

describe("the shipped checklist schema", () => {
  it("is exactly what the code builds (regenerate: npm run schemas)", () => {
    const shipped: unknown = JSON.parse(readFileSync(join(ROOT, "schemas", "checklist.schema.json"), "utf8"));
    expect(shipped).toEqual(buildChecklistSchema());
  });

  it("defines every registered probe type", () => {
    const defs = (buildChecklistSchema().definitions ?? {}) as Record<string, unknown>;
    for (const t of PROBE_TYPES) expect(defs[`probe_${t}`], t).toBeDefined();
  });
});
