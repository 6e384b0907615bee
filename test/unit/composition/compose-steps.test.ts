/**
 * The steps of `composeChecklist`, each alone: a matrix item expanded, a file merged onto what it
 * extends (maps key by key, sign-offs by role, sections and items by id, drops), entries that
 * override nothing, `--env` and `--var`, the extends tree (a cycle, a file that is no checklist).
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expandItem } from "../../../src/checklist/compose/expand.js";
import { FileComposer } from "../../../src/checklist/compose/files.js";
import { applyEnvironment, mergedDocument, reportUnfinished } from "../../../src/checklist/compose/finish.js";
import { merge, mergeSignoffs } from "../../../src/checklist/compose/merge.js";
import { ComposeIssues, Origins, type Obj } from "../../../src/checklist/compose/origins.js";
import { parseYaml, type ParsedYaml } from "../../../src/checklist/parse.js";

/** A parsed file whose nodes are annotated with their origin, and the collector for its issues. */
function annotated(text: string, file = "c.yaml"): { parsed: ParsedYaml; value: Obj; sink: ComposeIssues } {
  const parsed = parseYaml(text, file);
  const origins = new Origins();
  origins.annotate(parsed.value as object, parsed, []);
  return { parsed, value: parsed.value as Obj, sink: new ComposeIssues(origins, file) };
}
const placed = (sink: ComposeIssues): string[] => sink.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.level} ${i.message}`);

describe("expandItem", () => {
  it("gives one item per entry, ids and titles suffixed, ${matrix.KEY} substituted, each copy located at the template", () => {
    const { parsed, value, sink } = annotated("id: api\ntitle: API\nmatrix: { region: [eu, us] }\nprobes:\n  - http: https://${matrix.region}.example/health\n");
    const items = expandItem(value, sink);
    expect(items.map((i) => [i.id, i.title, (i.probes as { http: string }[])[0]!.http])).toEqual([
      ["api-eu", "API (eu)", "https://eu.example/health"],
      ["api-us", "API (us)", "https://us.example/health"],
    ]);
    expect(sink.origins.of(items[1]!)?.parsed).toBe(parsed);
    expect(sink.issues).toEqual([]);
  });

  it("refuses entries that give the same id, once each, at the id", () => {
    const { value, sink } = annotated("id: api-${matrix.tier}\ntitle: API\nmatrix: [{ tier: a, n: 1 }, { tier: a, n: 2 }]\n");
    expect(expandItem(value, sink).map((i) => i.id)).toEqual(["api-a"]);
    expect(placed(sink)).toEqual(['c.yaml:1:5 error matrix entries 1 and 2 both give id "api-a": template the id with a key that differs between entries']);
  });
});

describe("merge", () => {
  const BASE = `vars: { a: "1", b: "2" }
signoffs: [{ role: qa, by: x, at: 2026-01-01 }, { role: sre, by: y, at: 2026-01-01 }]
sections:
  - id: s
    title: S
    items:
      - { id: one, title: One, severity: low, tags: [t] }
      - { id: two, title: Two }
  - id: gone
    title: Gone
    items: [{ id: three, title: Three }]
`;
  const TOP = `name: top
vars: { b: "3" }
signoffs: [{ role: qa, by: z, at: 2026-02-01 }]
sections:
  - id: s
    items:
      - { id: one, severity: high }
      - { id: two, drop: true }
  - { id: gone, drop: true }
  - { id: nothing, drop: true }
`;
  it("merges maps key by key, sign-offs by role, items by id (keys replaced, origin of each key kept), and drops", () => {
    const base = annotated(BASE, "base.yaml");
    const top = parseYaml(TOP, "top.yaml");
    base.sink.origins.annotate(top.value as object, top, []);
    const dropped: string[] = [];
    const out = merge(base.value, top.value as Obj, base.sink, dropped);
    expect(out.vars).toEqual({ a: "1", b: "3" });
    expect((out.signoffs as { role: string; by: string }[]).map((s) => `${s.role}:${s.by}`)).toEqual(["sre:y", "qa:z"]);
    const sections = out.sections as { id: string; items: Obj[] }[];
    expect(sections.map((s) => s.id)).toEqual(["s"]);
    expect(sections[0]!.items).toEqual([{ id: "one", title: "One", severity: "high", tags: ["t"] }]);
    expect(dropped.sort()).toEqual(["three", "two"]);
    // Where the merged item's severity was written: the top file; its title: the base.
    const doc = mergedDocument(top, base.sink.origins, out);
    expect(doc.locate(["sections", 0, "items", 0, "severity"])).toMatchObject({ file: "top.yaml", line: 7 });
    expect(doc.locate(["sections", 0, "items", 0, "title"])).toMatchObject({ file: "base.yaml", line: 7 });
    expect(placed(base.sink)).toEqual(['top.yaml:10:20 warning drop: nothing inherited has id "nothing"; nothing was dropped']);
    // The inherited tree is copied, never changed: another file may extend it too.
    expect((base.value.sections as unknown[]).length).toBe(2);
  });

  it("an item and a section cannot override each other, whichever comes later", () => {
    const base = annotated("sections:\n  - id: s\n    title: S\n    items: [{ id: x, title: X }]\n  - id: y\n    title: Y\n", "base.yaml");
    const top = parseYaml("sections:\n  - id: x\n    title: now a section\n  - id: s\n    items: [{ id: y, title: now an item }]\n", "top.yaml");
    base.sink.origins.annotate(top.value as object, top, []);
    merge(base.value, top.value as Obj, base.sink, []);
    expect(placed(base.sink)).toEqual([
      'top.yaml:2:9 error "x" is an item in base.yaml:4: a section cannot override it (ids are unique across sections and items)',
      'top.yaml:5:19 error "y" is a section in base.yaml:5: an item cannot override it (ids are unique across sections and items)',
    ]);
  });

  it("mergeSignoffs: a later file's role replaces the inherited one", () => {
    expect(mergeSignoffs([{ role: "a", by: 1 }, { role: "b", by: 1 }], [{ role: "a", by: 2 }])).toEqual([{ role: "b", by: 1 }, { role: "a", by: 2 }]);
    expect(mergeSignoffs(undefined, [{ role: "a" }])).toEqual([{ role: "a" }]);
  });
});

describe("finishing", () => {
  it("reportUnfinished names an untitled entry that overrode nothing", () => {
    const { value, sink } = annotated("sections:\n  - id: s\n    title: S\n    items:\n      - { id: lonely }\n");
    const item = (value.sections as { items: Obj[] }[])[0]!.items[0]!;
    sink.origins.partial.add(item);
    reportUnfinished(value.sections, sink);
    expect(placed(sink)).toEqual(['c.yaml:5:9 error item "lonely" has no title and overrides nothing inherited: add title: (or check the id against the extended checklists)']);
  });

  it("applyEnvironment: the environment's maps over the merged ones, then --var escaped; an unknown name is an error", () => {
    const { parsed, value, sink } = annotated("vars: { a: x, b: y }\ngate: { go: 90 }\nenvironments:\n  prod: { vars: { a: p }, gate: { go: 99 } }\n");
    const out = applyEnvironment(value, parsed, { environment: "prod", vars: { b: "${not}" } }, sink);
    expect(out.vars).toEqual({ a: "p", b: "$${not}" });
    expect(out.gate).toEqual({ go: 99 });
    expect(value.vars).toEqual({ a: "x", b: "y" }); // a copy
    expect(applyEnvironment(value, parsed, {}, sink)).toBe(value);
    applyEnvironment(value, parsed, { environment: "prd" }, sink);
    expect(placed(sink)).toHaveLength(1);
    expect(placed(sink)[0]).toMatch(/^c\.yaml:3:1 error .*prd.*prod/);
  });
});

describe("the extends tree", () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "readiness-compose-steps-")));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a cycle at the entry that closes it, and a file that is not a checklist without quoting it", () => {
    const a = join(dir, "a.yaml");
    writeFileSync(a, "version: 1\nextends: [./b.yaml, ./secret.txt]\nsections: []\n");
    writeFileSync(join(dir, "b.yaml"), "version: 1\nextends: ./a.yaml\nsections: []\n");
    writeFileSync(join(dir, "secret.txt"), "root:x:0:0:root\n");
    const root = parseYaml("version: 1\nextends: [./b.yaml, ./secret.txt]\nsections: []\n", a);
    const origins = new Origins();
    const sink = new ComposeIssues(origins, a);
    const files = new FileComposer(root, sink, (abs) => abs, false);
    files.composeRoot();
    const b = join(dir, "b.yaml");
    const secret = join(dir, "secret.txt");
    expect(files.files).toEqual([a, b, secret]);
    const messages = sink.issues.map((i) => `${i.file}:${i.line} ${i.message}`);
    expect(messages).toEqual([
      `${b}:2 extends cycle: ${a} → ${b} → ${a}`,
      `${secret}:1 not a readiness checklist (no version key at the top level): extends names checklist files only`,
    ]);
    expect(messages.join("\n")).not.toContain("root:x");
  });

  it("under --untrusted, refuses a package without looking for it", () => {
    const a = join(dir, "a.yaml");
    const root = parseYaml("version: 1\nextends: [left-pad]\nsections: []\n", a);
    const sink = new ComposeIssues(new Origins(), a);
    new FileComposer(root, sink, (abs) => abs, true).composeRoot();
    expect(sink.issues.map((i) => i.message)).toEqual(["extends left-pad: a package is not extended with --untrusted (only files in the checklist's directory)"]);
  });
});

describe("--var values are literal", () => {
  it("a `${…}` in a --var value is not interpolated, in the var itself nor in a var that uses it", async () => {
    const { checkChecklistText } = await import("../../../src/checklist/load.js");
    const text = 'version: 1\nname: v\nvars:\n  x: default\n  y: "see ${vars.x}"\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: a, title: "A ${vars.y}", status: done }\n';
    const r = checkChecklistText(text, "v.yaml", { env: { HOME: "/home/someone" }, vars: { x: "${env.HOME}" } });
    expect(r.issues).toEqual([]);
    expect(r.checklist!.vars).toMatchObject({ x: "${env.HOME}", y: "see ${env.HOME}" });
    expect(r.checklist!.sections[0]!.items[0]!.title).toBe("A see ${env.HOME}");
    expect(r.checklist!.envNames).toEqual([]);
  });
});
