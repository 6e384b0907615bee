/**
 * The steps of `resolveChecklist`, each alone: interpolation of the document, the checklist-wide
 * settings, id assignment, an item's semantic rules, path confinement, the dependency check.
 */
import { describe, expect, it } from "vitest";
import { parseYaml } from "../../../src/checklist/parse.js";
import { checkDependencies } from "../../../src/checklist/resolve/depends.js";
import { EnvReads, resolveVars, substituteDocument } from "../../../src/checklist/resolve/interpolate-document.js";
import { IssueSink } from "../../../src/checklist/resolve/issues.js";
import { checkLevels, resolveDefaults, resolveGate } from "../../../src/checklist/resolve/settings.js";
import { buildItem, checkItemRules, IdRegistry, outsideDirectory } from "../../../src/checklist/resolve/tree.js";
import type { Item } from "../../../src/types.js";
import { createMasker } from "../../../src/util/mask.js";

const sinkFor = (text: string): IssueSink => new IssueSink(parseYaml(text, "c.yaml"));
const messages = (s: IssueSink): string[] => s.issues.map((i) => `${i.line}:${i.column} ${i.level} ${i.message}`);

describe("interpolation of the document", () => {
  it("resolves vars in order (each sees env and the vars above it), --var wins, and records what env gave", () => {
    const s = sinkFor("vars:\n  host: ${env.HOST}\n  url: https://${vars.host}/x\n  short: ${env.PIN}\n");
    const reads = new EnvReads();
    const vars = resolveVars({ host: "${env.HOST}", url: "https://${vars.host}/x", short: "${env.PIN}" }, { extra: "1" }, { env: { HOST: "db.internal.example", PIN: "12" } }, reads, s);
    expect(vars).toEqual({ host: "db.internal.example", url: "https://db.internal.example/x", short: "12", extra: "1" });
    expect([...reads.names].sort()).toEqual(["HOST", "PIN"]);
    expect([...reads.secrets]).toEqual(["db.internal.example"]);
    // A short value is not a secret: warned about once, at the var that read it.
    expect(messages(s)).toEqual(["4:10 warning ${env.PIN} has fewer than 8 characters: not treated as a secret, so shown as it is"]);
  });

  it("substitutes every string but the top-level vars, copies only what changes, and places errors at the string", () => {
    const doc = { vars: { a: "${vars.keep}" }, name: "n ${vars.v}", sections: [{ title: "plain", items: [{ title: "${vars.missing}" }] }], gate: { go: 90 } };
    const s = sinkFor("name: n\nsections:\n  - title: plain\n    items:\n      - title: x\n");
    const out = substituteDocument(doc, { vars: { v: "1" }, env: {} }, new EnvReads(), s) as typeof doc;
    expect(out.name).toBe("n 1");
    expect(out.vars).toBe(doc.vars); // untouched: resolveVars did them
    expect(out.gate).toBe(doc.gate); // nothing to substitute: the same object
    expect(out.sections[0]!.items[0]!.title).toBe("${vars.missing}");
    expect(s.issues).toHaveLength(1);
    expect(s.issues[0]).toMatchObject({ line: 5, path: "/sections/0/items/0/title", level: "error" });
    expect(s.issues[0]!.message).toMatch(/missing/);
  });
});

describe("checklist-wide settings", () => {
  it("defaults: built-in values for what is left out; a timeout of 0 or a delay over 24d is an error at its key", () => {
    const s = sinkFor("defaults:\n  timeout: 0s\n  retry_delay: 30d\n");
    expect(resolveDefaults({ timeout: "0s", retry_delay: "30d" }, s)).toMatchObject({ timeoutMs: 0, retryDelayMs: 30 * 86_400_000, retries: 0, severity: "medium" });
    expect(messages(s)).toEqual(["2:12 error timeout must be greater than 0", "3:16 error retry_delay must be at most 24d"]);
    const quiet = sinkFor("{}\n");
    expect(resolveDefaults(undefined, quiet)).toEqual({ timeoutMs: 10_000, retries: 0, retryDelayMs: 1_000, severity: "medium" });
    expect(quiet.issues).toEqual([]);
  });

  it("gate: bound roles keep their name and their rule; conditional above go is an error", () => {
    const s = sinkFor("gate:\n  go: 80\n  conditional: 90\n");
    const gate = resolveGate({ go: 80, conditional: 90, signoffs: ["qa", { role: "sre", signers: ["a@x"] }] as never }, s);
    expect(gate.signoffs).toEqual(["qa", "sre"]);
    expect(gate.signers).toEqual([{ role: "sre", signers: ["a@x"], verify: "git" }]);
    expect(messages(s)).toEqual(["3:16 error gate.conditional (90) is above gate.go (80): CONDITIONAL would need more than GO"]);
  });

  it("levels: one listed twice is an error at the second", () => {
    const s = sinkFor("levels: [a, b, a]\n");
    checkLevels(["a", "b", "a"], s);
    expect(messages(s)).toEqual(['1:16 error level "a" is listed twice']);
  });
});

describe("ids", () => {
  it("makes ids from titles (secrets masked), and a second use names where the first was", () => {
    const text = "sections:\n  - title: Alpha Beta\n  - id: alpha-beta\n    title: other\n  - title: token s3cr3t-value\n";
    const s = sinkFor(text);
    const ids = new IdRegistry(s, createMasker(["s3cr3t-value"]));
    expect(ids.assign(undefined, "Alpha Beta", () => ["sections", 0])).toBe("alpha-beta");
    expect(ids.assign("alpha-beta", "other", () => ["sections", 1])).toBe("alpha-beta");
    expect(ids.assign(undefined, "token s3cr3t-value", () => ["sections", 2])).not.toContain("s3cr3t");
    expect(messages(s)).toEqual(['3:9 error duplicate id "alpha-beta": also used at c.yaml:2:12 (ids are unique across sections and items)']);
  });
});

describe("an item's rules", () => {
  const text = "sections:\n  - title: s\n    items:\n      - title: t\n        status: n/a\n        level: gold\n        due: 2026-02-30\n";
  it("reports n/a without a reason, an unknown level (with a guess), a date that does not exist", () => {
    const s = sinkFor(text);
    checkItemRules({ title: "t", status: "n/a", level: "gold", due: "2026-02-30" }, "t", () => ["sections", 0, "items", 0], ["golden", "silver"], s);
    expect(messages(s)).toEqual([
      '5:17 error item "t" is n/a without a reason: add reason: to say why it does not apply',
      '7:14 error not a real date: "2026-02-30"',
      '6:16 error unknown level "gold" — did you mean "golden"? (levels: golden, silver)',
    ]);
    const none = sinkFor(text);
    checkItemRules({ title: "t", level: "gold" }, "t", () => ["sections", 0, "items", 0], undefined, none);
    expect(messages(none)).toEqual(['6:16 error item "t" has level "gold" but the checklist declares no levels: add levels: [...] at the top']);
  });

  it("buildItem carries written keys, inherits the section's due date and weighs by severity", () => {
    const item = buildItem({ title: "t", expires_after: "90d", depends_on: ["a"], note: "n" }, { id: "t", severity: "high", sectionPath: ["s"], probes: [], sectionDue: "2026-12-01", loc: { file: "c.yaml", line: 1, column: 1 } });
    expect(item).toMatchObject({ id: "t", weight: 5, tags: [], due: "2026-12-01", expiresAfterMs: 90 * 86_400_000, depends_on: ["a"], note: "n" });
  });

  it("under --untrusted, a path that is absolute or goes up is outside the directory", () => {
    expect(outsideDirectory("/etc/passwd")).toBe('"/etc/passwd" is absolute');
    expect(outsideDirectory("~/x")).toBe('"~/x" is absolute');
    expect(outsideDirectory("a/../../b")).toBe('"a/../../b" goes up with ..');
    expect(outsideDirectory("coverage/lcov.info")).toBeUndefined();
  });
});

describe("dependencies", () => {
  const text = "sections:\n  - title: s\n    items:\n      - { id: a, title: A, depends_on: [b] }\n      - { id: b, title: B, depends_on: [a, a, nope, gone] }\n      - { id: c, title: C, depends_on: [c] }\n";
  const dep = (id: string, depends_on: string[], i: number): { item: Item; pathOf: () => (string | number)[] } => ({
    item: { id, title: id, severity: "low", weight: 1, tags: [], sectionPath: ["s"], probes: [], depends_on },
    pathOf: () => ["sections", 0, "items", i],
  });
  it("names an unknown id with a guess, a repeat, a self-dependency and a cycle; a dropped id is fine", () => {
    const s = sinkFor(text);
    checkDependencies([dep("a", ["b"], 0), dep("b", ["a", "a", "nope", "gone"], 1), dep("c", ["c"], 2)], new Set(["a", "b", "c"]), new Set(["gone"]), s);
    expect(s.issues.map((i) => `${i.path} ${i.message}`)).toEqual([
      '/sections/0/items/1/depends_on/1 depends_on: "a" is listed twice',
      '/sections/0/items/1/depends_on/2 depends_on: no item "nope" in the checklist',
      '/sections/0/items/2/depends_on/0 depends_on: item "c" cannot depend on itself',
      '/sections/0/items/1/depends_on/0 depends_on: "a" makes a cycle: a → b → a',
      '/sections/0/items/1/depends_on/1 depends_on: "a" makes a cycle: a → b → a',
    ]);
  });
});
