import { describe, expect, it } from "vitest";
import { formatImportSummary, importMarkdown } from "../../../src/import/index.js";
import { countMojibake } from "../../../src/import/mojibake.js";
import { byStatus, checkChecklist, fixture } from "./helpers.js";

interface Expected {
  file: string;
  items: number;
  claims: Record<string, number>;
  severities: Record<string, number>;
  mojibake?: "windows-1252" | "macintosh";
}

const SEEDS: Expected[] = [
  {
    file: "000_030909d900cd7d31.md",
    items: 232,
    claims: { done: 132, partial: 6, missing: 94 },
    severities: { critical: 37, high: 14, low: 4, unspecified: 177 },
    mojibake: "macintosh",
  },
  { file: "001_6a1dad9d30d74d50.md", items: 212, claims: { missing: 212 }, severities: { unspecified: 212 } },
  { file: "002_2b7dae76dbc74dfc.md", items: 121, claims: { done: 121 }, severities: { unspecified: 121 } },
  {
    file: "003_05c8878a6245a6e7.md",
    items: 116,
    claims: { done: 12, missing: 97, "in-progress": 7 },
    severities: { critical: 6, high: 35, medium: 29, low: 13, unspecified: 33 },
    mojibake: "windows-1252",
  },
  { file: "004_ac40e9202933f9a5.md", items: 270, claims: { done: 270 }, severities: { unspecified: 270 } },
];

const nonZero = (r: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(r).filter(([, n]) => n > 0));
const DAMAGE = /‚úÖ|‚ö†|‚ùå|üîÑ|üéØ|âœ…|âš|âŒ|ðŸ/;

describe("importing the seed checklists", () => {
  for (const seed of SEEDS) {
    describe(seed.file, () => {
      const input = fixture(`seeds/${seed.file}`);
      const result = importMarkdown(input, { file: seed.file });

      it("writes a valid checklist with the items and claims of the file", () => {
        const { items } = checkChecklist(result.yaml);
        expect(items).toHaveLength(seed.items);
        expect(result.summary.items).toBe(seed.items);
        expect(byStatus(items)).toEqual({ ...seed.claims });
        expect(nonZero(result.summary.claims)).toEqual(seed.claims);
        expect(nonZero(result.summary.severities)).toEqual(seed.severities);
      });

      it("repairs mojibake when the file has it, and leaves none in the output", () => {
        expect(result.summary.mojibake.map((m) => m.codec)).toEqual(seed.mojibake ? [seed.mojibake] : []);
        expect(result.yaml).not.toMatch(DAMAGE);
        expect(countMojibake(result.yaml)).toBe(0);
        expect(result.summary.encoding).toBe("utf-8");
      });

      it("is deterministic and matches the snapshot", async () => {
        const again = importMarkdown(Buffer.from(input), { file: seed.file });
        expect(again.yaml).toBe(result.yaml);
        expect(JSON.stringify(again.summary)).toBe(JSON.stringify(result.summary));
        await expect(result.yaml).toMatchFileSnapshot(`./__snapshots__/${seed.file.slice(0, 3)}.yaml`);
      });

      it("writes live probes that still validate, keeping claimed statuses", () => {
        const live = importMarkdown(input, { file: seed.file, withProbes: true });
        const { items, vars } = checkChecklist(live.yaml);
        const plain = checkChecklist(result.yaml).items;
        expect(items.map((i) => [i.id, i.status])).toEqual(plain.map((i) => [i.id, i.status]));
        const withProbes = items.filter((i) => i.probes);
        expect(withProbes.length).toBe(live.summary.probes.items);
        expect(live.summary.probes.live).toBe(true);
        if (live.yaml.includes("${vars.base_url}")) expect(vars?.base_url).toBe("https://service.invalid");
      });

      it("has a JSON-serialisable summary and a readable report", () => {
        expect(JSON.parse(JSON.stringify(result.summary))).toEqual(result.summary);
        const text = formatImportSummary(result.summary);
        expect(text).toContain(`${seed.items} items`);
        expect(text).toContain("claims:");
        expect(text).toContain("severities:");
        expect(text).toContain("probes:");
      });
    });
  }

  it("000: statuses, severities and ports come out of the repaired MacRoman text", () => {
    const r = importMarkdown(fixture("seeds/000_030909d900cd7d31.md"), { file: "000.md" });
    const { items, sectionIds } = checkChecklist(r.yaml);
    const get = (id: string) => items.find((i) => i.id === id);
    expect(get("api-gateway")).toMatchObject({ status: "done", description: "Port: 3001; Infrastructure Ready: ✅ Complete" });
    expect(get("configuration-service")).toMatchObject({ status: "missing" });
    expect(get("database-service")).toMatchObject({ status: "partial" });
    expect(get("deploy-configuration-service-port-8012")).toMatchObject({ severity: "critical", status: "missing" });
    expect(get("service-availability")).toMatchObject({ severity: "critical", status: "missing" });
    expect(get("documentation")).toMatchObject({ severity: "high", status: "partial" });
    expect(get("advanced-analytics")).toMatchObject({ severity: "low", status: "missing" });
    expect(sectionIds).toContain("database-infrastructure");
    expect(sectionIds).not.toContain("status-legend");
    expect(r.yaml).toContain("# line 22 · heading says ✅ COMPLETE");
    expect(r.yaml).toContain("#   - tcp: ${vars.host}:8012");
    expect(r.summary.skipped.byReason.legend).toBe(4);
  });

  it("003: the Windows-1252 damage is undone: ✅ items are done, 🔄 items in progress, 🔴 notes skipped", () => {
    const r = importMarkdown(fixture("seeds/003_05c8878a6245a6e7.md"), { file: "003.md" });
    const { items, sectionIds } = checkChecklist(r.yaml);
    expect(sectionIds).toContain("completed");
    expect(sectionIds).toContain("in-progress");
    const inCompleted = items.filter((i) => i.section === "completed");
    expect(inCompleted.map((i) => i.status)).toEqual(Array(6).fill("done"));
    const critical = items.filter((i) => i.section === "phase-1-core-stability-this-session");
    expect(critical.map((i) => [i.title, i.status, i.severity])).toContainEqual(["Production .env.example", "done", "critical"]);
    expect(r.warnings[0]).toMatch(/^repaired mojibake: UTF-8 text that had been read as Windows-1252 \(19 characters on 19 lines/);
  });

  it("004: an all-✅ checklist imports every item as done (audits to 100, verified 0)", () => {
    const r = importMarkdown(fixture("seeds/004_ac40e9202933f9a5.md"), { file: "004.md" });
    const { items } = checkChecklist(r.yaml);
    expect(items.every((i) => i.status === "done")).toBe(true);
    expect(r.summary.skipped.byReason["code-block"]).toBeGreaterThan(0);
  });
});
