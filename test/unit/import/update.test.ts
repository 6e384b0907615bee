/**
 * `updateChecklist`: a fresh import merged into the YAML imported earlier, as text. New sections
 * and subsections, items moved into them, line endings, idempotence, hand-written items, the last
 * item of a section, and the variables new suggestions need.
 */
import { describe, expect, it } from "vitest";
import { checkChecklistText } from "../../../src/checklist/load.js";
import { importMarkdown } from "../../../src/import/index.js";
import { updateChecklist } from "../../../src/import/update.js";

const V1 = `# C

## Ops
- [ ] Backups tested
- [ ] Alerts routed

### Storage
- [ ] Disk alerts
`;

const V2 = `# C

## Ops
- [ ] Alerts routed

### Storage
- [ ] Disk alerts
- [ ] Snapshots kept

### Network
- [ ] Firewall rules reviewed

## Data
- [ ] Backups tested
- [ ] Listens on port 5432
`;

const yaml = (md: string): string => importMarkdown(md, { file: "c.md" }).yaml;
const OPTS = { source: "c.md", today: "2026-12-07" };

function valid(text: string): void {
  const errors = checkChecklistText(text, "c.yaml", { env: {} }).issues.filter((i) => i.level !== "warning");
  expect(errors).toEqual([]);
}

describe("updateChecklist", () => {
  it("adds sections and subsections, moves an item into a new section, declares the variables it needs; a fresh import of the new Markdown reads the same", () => {
    const { text, report } = updateChecklist(yaml(V1), yaml(V2), OPTS);
    valid(text);
    // Nothing was recorded on V1's items: the merge is what a fresh import of V2 writes.
    expect(text).toBe(yaml(V2));
    expect(report.sections).toEqual(["data", "network"]);
    expect(report.added.map((a) => a.id)).toEqual(["snapshots-kept", "listens-on-port-5432", "firewall-rules-reviewed"]);
    expect(report.moved).toEqual([{ id: "backups-tested", from: "ops", to: "data" }]);
    expect(updateChecklist(text, yaml(V2), { ...OPTS, today: "2026-12-08" }).text).toBe(text);
  });

  it("keeps CRLF line endings", () => {
    const crlf = yaml(V1).replace(/\n/g, "\r\n");
    const { text } = updateChecklist(crlf, yaml(V2), OPTS);
    expect(text).toBe(yaml(V2).replace(/\n/g, "\r\n"));
  });

  it("leaves hand-written items alone and keeps the last item of a section where it is", () => {
    const before = `${yaml("# C\n\n## Ops\n- [ ] Backups tested\n\n## Sec\n- [ ] Keys rotated\n")}      - id: own-item\n        title: Written by hand\n`;
    valid(before);
    const { text, report } = updateChecklist(before, yaml("# C\n\n## Ops\n\n## Data\n- [ ] Backups tested\n\n## Sec\n- [ ] Keys rotated\n"), OPTS);
    valid(text);
    expect(report.own).toBe(1);
    expect(report.moved).toEqual([{ id: "backups-tested", from: "ops", to: "data", kept: "the last item of section ops: left there" }]);
    expect(text).toContain("      - id: own-item\n        title: Written by hand\n");
    expect(text).toContain("  - id: ops  # line 3\n    title: Ops\n    items:\n      - id: backups-tested");
    expect(text).not.toContain("removed from");
  });

  it("a flow-style item is updated in its style; items not on their own line are refused with one clear message", () => {
    const flow = yaml(V1).replace(/ {6}- id: alerts-routed {2}# line 5\n {8}title: Alerts routed\n {8}status: missing\n/, "      - { id: alerts-routed, title: Alerts routed }  # line 5\n");
    valid(flow);
    const { text } = updateChecklist(flow, yaml(V1.replace("Alerts routed", "Alerts routed, paged")), OPTS);
    expect(text).toContain('      - { id: alerts-routed, title: "Alerts routed, paged" }  # line 5\n');
    valid(text);
    const inline = yaml(V1).replace(/ {4}items:\n {6}- id: backups-tested {2}# line 4\n {8}title: Backups tested\n {8}status: missing\n {6}- id: alerts-routed {2}# line 5\n {8}title: Alerts routed\n {8}status: missing\n/, "    items: [{ id: backups-tested, title: Backups tested }]\n");
    valid(inline);
    expect(() => updateChecklist(inline, yaml(V2), OPTS)).toThrow(/cannot update item "backups-tested": it is not written as a block mapping entry/);
  });
});

describe("updateChecklist with text that looks like a reference", () => {
  it("a reworded title with ${…} is written once escaped, as the import writes it", () => {
    const before = yaml("# C\n\n## Ops\n- [ ] Token rotated\n");
    const fresh = yaml("# C\n\n## Ops\n- [ ] Token ${env.API_TOKEN} rotated\n");
    const { text, report } = updateChecklist(before, fresh, OPTS);
    expect(report.renamed).toHaveLength(1);
    expect(text).toBe(fresh.replace(/- id: [a-z0-9-]+ {2}# line 4/, "- id: token-rotated  # line 4"));
    valid(text);
  });
});

describe("updateChecklist with ids the import numbered", () => {
  it("an id made from a line number is matched by title, and a new item never takes an id the file uses", () => {
    const before = yaml("# C\n\n## Ops\n- [ ] バックアップを確認する\n- [ ] 監視を設定する\n").replace("status: missing\n", "status: missing\n        owner: 佐藤\n");
    valid(before);
    const { text, report } = updateChecklist(before, yaml("# C\n\n## Ops\n- [ ] 監視を設定する\n- [ ] ログを集約する\n"), OPTS);
    valid(text);
    expect(report.renamed).toEqual([]);
    expect(report.added).toEqual([{ id: "item-5-2", section: "ops" }]);
    expect(report.removed.map((r) => r.id)).toEqual(["item-4"]);
    expect(text).toContain("      - id: item-5  # line 4\n        title: 監視を設定する\n");
    expect(text).toContain("      # removed from c.md on 2026-12-07\n      - id: item-4  # line 4\n        title: バックアップを確認する\n        status: missing\n        owner: 佐藤\n");
  });

  it("twins with one title in two sections each stay in their own", () => {
    const before = yaml("# C\n\n## Ops\n- [ ] Health check\n- [ ] Backups\n\n## Web\n- [ ] Health check\n");
    const { text, report } = updateChecklist(before, yaml("# C\n\n## Ops\n- [ ] Backups\n\n## Web\n- [ ] Health check\n"), OPTS);
    valid(text);
    expect(report.moved).toEqual([]);
    expect(report.removed.map((r) => r.id)).toEqual(["health-check"]);
    expect(text).toContain("  - id: web  # line 6\n    title: Web\n    items:\n      - id: health-check-2  # line 7\n");
  });
});
