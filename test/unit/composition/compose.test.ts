import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkChecklistText } from "../../../src/checklist/load.js";
import { matrixEntries, substituteMatrix } from "../../../src/checklist/matrix.js";
import { flattenItems } from "../../../src/checklist/items.js";
import { formatIssue } from "../../../src/errors.js";
import type { Checklist, LoadOptions } from "../../../src/index.js";
import { PROBE_TYPES } from "../../../src/probes/index.js";

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "readiness-compose-")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string): string => {
  const file = join(dir, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

/** Loads `readiness.yaml` written in the temp dir; returns the checklist or the formatted issues. */
function load(text: string, options: LoadOptions = {}): { checklist?: Checklist; issues: string[] } {
  const file = write("readiness.yaml", text);
  const r = checkChecklistText(text, file, { env: {}, ...options });
  return { checklist: r.checklist, issues: r.issues.map((i) => formatIssue(i).split(`${dir}/`).join("")) };
}

const BASE = `version: 1
name: Org baseline
vars:
  base_url: http://base.invalid
  host: 127.0.0.1
gate: { go: 95 }
environments:
  staging: { vars: { base_url: http://staging.invalid }, gate: { go: 80 } }
sections:
  - id: availability
    title: Availability
    items:
      - id: health
        title: Health endpoint
        severity: critical
        probes: [{ http: "\${vars.base_url}/health" }]
      - id: metrics
        title: Metrics exported
        probes: [{ http: "\${vars.base_url}/metrics" }]
  - id: docs
    title: Docs
    items:
      - id: readme
        title: README
        probes: [{ file: README.md }]
`;

describe("extends", () => {
  it("merges a local baseline: overrides by id, drops, additions, positions per file", () => {
    write("base/baseline.yaml", BASE);
    write("shared/readiness.yaml", "version: 1\nsections: []\n");
    const { checklist, issues } = load(`version: 1
name: Payments
extends: [./base/baseline.yaml, ./shared]
sections:
  - id: availability
    items:
      - id: health
        severity: high
        probes: [{ tcp: "\${vars.host}:1" }]
      - id: metrics
        drop: true
      - id: queue
        title: Queue reachable
        probes: [{ tcp: "\${vars.host}:2" }]
  - id: docs
    drop: true
`);
    expect(issues).toEqual([]);
    const c = checklist!;
    expect(c.name).toBe("Payments");
    expect(c.gate.go).toBe(95);
    const items = flattenItems(c.sections);
    expect(items.map((i) => i.id)).toEqual(["health", "queue"]);
    const health = items[0]!;
    expect(health.title).toBe("Health endpoint");
    expect(health.severity).toBe("high");
    expect(health.weight).toBe(5);
    // probes replace, they do not append
    expect(health.probes.map((p) => p.spec.tcp ?? p.spec.http)).toEqual(["127.0.0.1:1"]);
    expect(health.loc).toMatchObject({ file: join(dir, "base/baseline.yaml"), line: 13 });
    expect(health.overrides).toEqual([{ file: join(dir, "readiness.yaml"), line: 7, column: 9 }]);
    expect(health.probes[0]!.loc).toMatchObject({ file: join(dir, "readiness.yaml"), line: 9 });
    expect(items[1]!.loc).toMatchObject({ file: join(dir, "readiness.yaml"), line: 12 });
    expect(c.files).toEqual([join(dir, "readiness.yaml"), join(dir, "base/baseline.yaml"), join(dir, "shared/readiness.yaml")]);
  });

  it("points errors in an extended file at that file's line", () => {
    write("base.yaml", `version: 1
sections:
  - id: a
    title: A
    items:
      - id: x
        title: X
        probes: [{ tcp: "\${vars.nope}" }]
      - id: y
        title: Y
        probes: [{ htp: http://x }]
`);
    const { issues } = load(`version: 1\nextends: ./base.yaml\nsections: []\n`);
    expect(issues).toEqual([
      "base.yaml:8:25: undefined variable vars.nope (no vars are defined) (at /sections/0/items/0/probes/0/tcp)",
      `base.yaml:11:20: unknown probe type "htp" — did you mean "http"? (probe types: ${PROBE_TYPES.join(", ")}) (at /sections/0/items/1/probes/0/htp)`,
    ]);
  });

  it("reports schema errors of an extended file in that file, and a missing one at the extends entry", () => {
    write("bad.yaml", `version: 1\nsections:\n  - title: A\n    itms: []\n`);
    const { issues } = load(`version: 1\nextends:\n  - ./bad.yaml\n  - ./missing.yaml\nsections: []\n`);
    expect(issues[0]).toMatch(/^readiness\.yaml:4:5: extends \.\/missing\.yaml: no such file/);
    expect(issues[1]).toBe('bad.yaml:4:5: unknown key "itms" — did you mean "items"? (at /sections/0/itms)');
  });

  it("resolves an npm package from node_modules: main pointing at YAML, readiness.yaml at the root, readiness-config- prefix", () => {
    write("node_modules/@acme/baseline/package.json", JSON.stringify({ name: "@acme/baseline", version: "1.0.0", main: "checklists/base.yaml" }));
    write("node_modules/@acme/baseline/checklists/base.yaml", `version: 1\nsections:\n  - { id: pkg-a, title: From main, items: [{ id: a1, title: A1, status: done }] }\n`);
    write("node_modules/plain/package.json", JSON.stringify({ name: "plain", version: "1.0.0" }));
    write("node_modules/plain/readiness.yaml", `version: 1\nsections:\n  - { id: pkg-b, title: From root, items: [{ id: b1, title: B1, status: done }] }\n`);
    write("node_modules/readiness-config-short/package.json", JSON.stringify({ name: "readiness-config-short", version: "1.0.0", exports: { ".": "./r.yaml" } }));
    write("node_modules/readiness-config-short/r.yaml", `version: 1\nsections:\n  - { id: pkg-c, title: Prefixed, items: [{ id: c1, title: C1, status: done }] }\n`);
    const { checklist, issues } = load(`version: 1\nextends: ["@acme/baseline", plain, short]\nsections: []\n`);
    expect(issues).toEqual([]);
    expect(checklist!.sections.map((s) => s.id)).toEqual(["pkg-a", "pkg-b", "pkg-c"]);
    expect(flattenItems(checklist!.sections)[2]!.loc?.file).toBe(join(dir, "node_modules/readiness-config-short/r.yaml"));
  });

  it("names a package it cannot find and suggests ./ for a local file", () => {
    write("baseline.yaml", "version: 1\nsections: []\n");
    const { issues } = load(`version: 1\nextends: [baseline.yaml]\nsections: []\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^readiness\.yaml:2:11: extends baseline\.yaml: cannot find package "baseline\.yaml" .*to extend the local file, write \.\/baseline\.yaml/);
  });

  it("prints the chain of a cycle", () => {
    write("a.yaml", "version: 1\nextends: ./b.yaml\nsections: []\n");
    write("b.yaml", "version: 1\nextends: [./a.yaml]\nsections: []\n");
    const text = "version: 1\nextends: ./b.yaml\nsections: []\n";
    const r = checkChecklistText(text, join(dir, "a.yaml"), { env: {} });
    expect(r.issues.map(formatIssue)).toEqual([`${dir}/b.yaml:2:11: extends cycle: ${dir}/a.yaml → ${dir}/b.yaml → ${dir}/a.yaml (at /extends/0)`]);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const rel = checkChecklistText(text, "a.yaml", { env: {} });
      expect(rel.issues.map(formatIssue)).toEqual(["b.yaml:2:11: extends cycle: a.yaml → b.yaml → a.yaml (at /extends/0)"]);
    } finally {
      process.chdir(cwd);
    }
    expect(r.checklist).toBeUndefined();
  });

  it("merges later entries over earlier ones and the file over both; name is not inherited", () => {
    write("one.yaml", "version: 1\nname: One\nvars: { a: one, b: one }\ngate: { go: 80, conditional: 60 }\nsections: [{ id: s, title: S, items: [{ id: i, title: I, severity: low, status: done }] }]\n");
    write("two.yaml", "version: 1\nvars: { b: two, c: two }\ngate: { go: 85 }\nsections: [{ id: s, title: S2, items: [{ id: i, severity: high }] }]\n");
    const { checklist, issues } = load("version: 1\nextends: [./one.yaml, ./two.yaml]\nvars: { c: mine }\n");
    expect(issues).toEqual([]);
    expect(checklist!.name).toBe("readiness");
    expect(checklist!.vars).toEqual({ a: "one", b: "two", c: "mine" });
    expect(checklist!.gate).toMatchObject({ go: 85, conditional: 60 });
    expect(checklist!.sections[0]!.title).toBe("S2");
    expect(checklist!.sections[0]!.items[0]).toMatchObject({ id: "i", title: "I", severity: "high", status: "done" });
  });

  it("refuses a new item without a title, an item overriding a section, and warns on a drop of nothing", () => {
    write("base.yaml", BASE);
    const { issues } = load(`version: 1
extends: ./base.yaml
sections:
  - id: availability
    items:
      - id: helth
        severity: low
      - id: docs
        title: Not a section
      - id: metricz
        drop: true
`);
    expect(issues).toEqual([
      'readiness.yaml:6:9: item "helth" has no title and overrides nothing inherited: add title: (or check the id against the extended checklists) (at /sections/0/items/0)',
      'readiness.yaml:8:13: "docs" is a section in base.yaml:20: an item cannot override it (ids are unique across sections and items) (at /sections/0/items/1/id)',
      'readiness.yaml:11:9: warning: drop: nothing inherited has id "metricz" — did you mean "metrics"?; nothing was dropped (at /sections/0/items/2/drop)',
    ]);
  });
});

describe("environments and variables", () => {
  it("applies --env over vars and gate, and --var over everything", () => {
    write("base.yaml", BASE);
    const text = `version: 1\nextends: ./base.yaml\nvars: { base_url: http://mine.invalid, url2: "\${vars.host}/x" }\nsections: []\n`;
    expect(load(text).checklist!.vars.base_url).toBe("http://mine.invalid");
    const staging = load(text, { environment: "staging" }).checklist!;
    expect(staging.vars.base_url).toBe("http://staging.invalid");
    expect(staging.gate.go).toBe(80);
    expect(staging.environment).toBe("staging");
    const cli = load(text, { environment: "staging", vars: { base_url: "http://cli.invalid", host: "h" } }).checklist!;
    expect(cli.vars.base_url).toBe("http://cli.invalid");
    // a --var is visible to the vars that use it
    expect(cli.vars.url2).toBe("h/x");
    expect(flattenItems(cli.sections)[0]!.probes[0]!.spec.http).toBe("http://cli.invalid/health");
  });

  it("names the known environments for an unknown one", () => {
    write("base.yaml", BASE);
    const { issues } = load(`version: 1\nextends: ./base.yaml\nenvironments:\n  production: { vars: { base_url: http://prod.invalid } }\nsections: []\n`, { environment: "stagin" });
    expect(issues).toEqual(['readiness.yaml:3:1: --env stagin: unknown environment "stagin" — did you mean "staging"? (environments: staging, production)']);
    expect(load("version: 1\nsections: []\n", { environment: "x" }).issues[0]).toMatch(/--env x: this checklist defines no environments/);
  });

  it("rejects an unknown key inside an environment with a suggestion", () => {
    const { issues } = load(`version: 1\nenvironments:\n  staging: { varz: { a: b } }\nsections: []\n`);
    expect(issues).toEqual(['readiness.yaml:3:14: unknown key "varz" — did you mean "vars"? (at /environments/staging/varz)']);
  });
});

describe("matrices", () => {
  it("expands a list of maps and a cross product, templating ids, titles and strings", () => {
    const { checklist, issues } = load(`version: 1
vars: { host: 127.0.0.1 }
sections:
  - id: services
    title: Services
    items:
      - id: config-service-\${matrix.port}
        title: \${matrix.name} listening on \${matrix.port}
        severity: high
        matrix:
          - { name: Configuration service, port: 8012 }
          - { name: AI orchestrator, port: 8020 }
        probes: [{ tcp: "\${vars.host}:\${matrix.port}" }]
      - id: region
        title: Region up
        matrix: { region: [eu, us], tier: [web, api] }
        probes: [{ http: "http://\${matrix.tier}.\${matrix.region}.invalid" }]
`);
    expect(issues).toEqual([]);
    const items = flattenItems(checklist!.sections);
    expect(items.map((i) => i.id)).toEqual(["config-service-8012", "config-service-8020", "region-eu-web", "region-eu-api", "region-us-web", "region-us-api"]);
    expect(items[1]!.title).toBe("AI orchestrator listening on 8020");
    expect(items[1]!.probes[0]!.spec.tcp).toBe("127.0.0.1:8020");
    expect(items[2]!.title).toBe("Region up (eu, web)");
    expect(items[5]!.probes[0]!.spec.http).toBe("http://api.us.invalid");
    expect(items[1]!.loc).toMatchObject({ line: 7 });
  });

  it("refuses duplicate and invalid ids, unknown keys and too large products", () => {
    const { issues } = load(`version: 1
sections:
  - id: s
    title: S
    items:
      - id: a-\${matrix.x}
        title: A
        matrix: [{ x: "1", y: a }, { x: "1", y: b }]
      - id: b-\${matrix.x}
        title: B \${matrix.nope}
        matrix: [{ x: Big Value }]
      - id: c
        title: C
        matrix: { a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10], c: [1,2,3,4,5,6] }
`);
    expect(issues).toEqual([
      'readiness.yaml:6:13: matrix entries 1 and 2 both give id "a-1": template the id with a key that differs between entries (at /sections/0/items/0/id)',
      'readiness.yaml:9:13: matrix entry 1 (x=Big Value) gives id "b-Big Value", which is not a valid id (lowercase letters, digits, \'-\', \'_\', \'.\'): template the id from slug-safe values (at /sections/0/items/1/id)',
      "readiness.yaml:10:16: undefined matrix.nope (matrix keys: x) (at /sections/0/items/1/title)",
      "readiness.yaml:14:17: matrix cross product has 600 entries (a: 10 × b: 10 × c: 6); at most 500 are allowed (at /sections/0/items/2/matrix)",
    ]);
  });

  it("lets a service override or drop one expanded item of a baseline's matrix", () => {
    write("base.yaml", `version: 1
sections:
  - id: ports
    title: Ports
    items:
      - id: port-\${matrix.port}
        title: Port \${matrix.port}
        matrix: { port: [1, 2, 3] }
        probes: [{ tcp: "127.0.0.1:\${matrix.port}" }]
`);
    const { checklist, issues } = load(`version: 1\nextends: ./base.yaml\nsections:\n  - id: ports\n    items:\n      - { id: port-2, drop: true }\n      - { id: port-3, severity: critical }\n`);
    expect(issues).toEqual([]);
    const items = flattenItems(checklist!.sections);
    expect(items.map((i) => `${i.id}:${i.severity}`)).toEqual(["port-1:medium", "port-3:critical"]);
  });

  it("computes entries and substitutes with defaults and escapes", () => {
    expect(matrixEntries({ a: [1, 2], b: ["x"] })).toEqual([{ a: "1", b: "x" }, { a: "2", b: "x" }]);
    const errors: string[] = [];
    expect(substituteMatrix("${matrix.a}-$${matrix.a}-${matrix.z:-d}", { a: "1" }, errors)).toBe("1-$${matrix.a}-d");
    expect(errors).toEqual([]);
  });
});
