import { describe, expect, it } from "vitest";
import { checkChecklistText, parseChecklist } from "../../../src/checklist/load.js";
import { formatIssue } from "../../../src/errors.js";
import { parseYaml, plainText } from "../../../src/checklist/parse.js";
import { resolveChecklist } from "../../../src/checklist/resolve.js";
import { PROBE_TYPES } from "../../../src/probes/index.js";

const lines = (text: string, env: Record<string, string> = {}): string[] =>
  checkChecklistText(text, "c.yaml", { env }).issues.map(formatIssue);

/** A checklist of one section "A" with one item "B" whose remaining lines are `item` (from line 6). */
const oneItem = (item: string): string => `version: 1\nsections:\n  - title: A\n    items:\n      - title: B\n${item}`;

describe("loading", () => {
  it("resolves a valid checklist with derived ids, defaults and weights", () => {
    const c = parseChecklist(
      `version: 1
name: Payments
sections:
  - title: Infrastructure Basics
    items:
      - title: Gateway health
        severity: critical
        probes:
          - tcp: localhost:1
            timeout: 2s
      - id: runbooks
        title: Runbooks
        status: done
`,
      "c.yaml",
      { env: {} },
    );
    expect(c.name).toBe("Payments");
    const s = c.sections[0]!;
    expect(s.id).toBe("infrastructure-basics");
    expect(s.items.map((i) => i.id)).toEqual(["gateway-health", "runbooks"]);
    expect(s.items[0]!.weight).toBe(10);
    expect(s.items[0]!.probes[0]!.timeoutMs).toBe(2000);
    expect(s.items[1]!.severity).toBe("medium");
    expect(s.items[0]!.loc).toEqual({ file: "c.yaml", line: 6, column: 9 });
  });

  it("reports every error at once with positions and suggestions", () => {
    const out = lines(`version: 1
sections:
  - title: A
    itms: []
    items:
      - title: B
        severity: hgh
        probes:
          - htp: http://x
          - tcp: localhost:1
            timout: 5s
`);
    expect(out).toEqual([
      'c.yaml:4:5: unknown key "itms" — did you mean "items"? (at /sections/0/itms)',
      'c.yaml:7:19: expected one of critical, high, medium, low; got "hgh" — did you mean "high"? (at /sections/0/items/0/severity)',
      // Named with the schema's errors, though resolving (which names it otherwise) never runs here.
      `c.yaml:9:13: unknown probe type "htp" — did you mean "http"? (probe types: ${PROBE_TYPES.join(", ")}) (at /sections/0/items/0/probes/0/htp)`,
      'c.yaml:11:13: unknown key "timout" — did you mean "timeout"? (at /sections/0/items/0/probes/1/timout)',
    ]);
  });

  it("checks the keys every probe takes, whatever its type", () => {
    expect(lines(oneItem(`        probes:
          - { http: "http://x", timeout: 5 }
          - { tcp: "h:1", retries: -1, name: "" }
          - { env: A, retry_delay: soon, bogus: 2 }
`))).toEqual([
      'c.yaml:7:42: expected a duration like 500ms, 5s, 2m, 1h or 90d for "timeout"; got 5 (at /sections/0/items/0/probes/0/timeout)',
      'c.yaml:8:36: "retries" must be >= 0; got -1 (at /sections/0/items/0/probes/1/retries)',
      'c.yaml:8:46: "name" is empty: expected a non-empty string (at /sections/0/items/0/probes/1/name)',
      'c.yaml:9:36: expected a duration like 500ms, 5s, 2m, 1h or 90d for "retry_delay"; got "soon" (at /sections/0/items/0/probes/2/retry_delay)',
      'c.yaml:9:42: unknown key "bogus" (expected one of: env, matches, name, timeout, retries, retry_delay) (at /sections/0/items/0/probes/2/bogus)',
    ]);
  });

  it("refuses timeouts and retry delays no timer can wait (over 24 days), where they are written", () => {
    // Node fires a timer of more than 2^31 - 1 ms after 1 ms: a 30d timeout timed out at once.
    const text = `version: 1
defaults: { timeout: 25d, retry_delay: 30d }
sections:
  - title: A
    items:
      - title: B
        probes:
          - { env: A, timeout: 0s }
          - { env: A, timeout: 600h, retry_delay: 24d }
          - { env: A, timeout: 24d, retry_delay: 0s }
`;
    // The probes that inherit the defaults are not reported again; 24 days is allowed, 600h (25 days) is not.
    expect(lines(text)).toEqual([
      "c.yaml:2:22: timeout must be at most 24d (at /defaults/timeout)",
      "c.yaml:2:40: retry_delay must be at most 24d (at /defaults/retry_delay)",
      "c.yaml:8:32: timeout must be greater than 0 (at /sections/0/items/0/probes/0/timeout)",
      "c.yaml:9:32: timeout must be at most 24d (at /sections/0/items/0/probes/1/timeout)",
    ]);
    const ok = parseChecklist(oneItem("        probes: [{ env: A, timeout: 24d, retry_delay: 24d }]\n"), "c.yaml", { env: {} });
    expect(ok.sections[0]!.items[0]!.probes[0]).toMatchObject({ timeoutMs: 24 * 86_400_000, retryDelayMs: 24 * 86_400_000 });
  });

  it("places a probe's own issues at the probe, however deep", () => {
    expect(lines(`version: 1
sections:
  - id: a
    title: A
    items:
      - { id: one, title: One, probes: [{ tcp: "h:1" }] }
      - id: two
        title: Two
        probes: [{ tcp: "h:1" }, { tcp: "h:99999" }, { env: A, timeout: 25d }]
`)).toEqual([
      expect.stringMatching(/^c\.yaml:9:\d+: .*99999.* \(at \/sections\/0\/items\/1\/probes\/1\/tcp\)$/),
      expect.stringMatching(/^c\.yaml:9:\d+: timeout must be at most 24d \(at \/sections\/0\/items\/1\/probes\/2\/timeout\)$/),
    ]);
  });

  it("names unknown probe types when the schema passes too", () => {
    expect(lines(oneItem(`        probes: [{ htp: "http://x" }]\n`))).toEqual([`c.yaml:6:20: unknown probe type "htp" — did you mean "http"? (probe types: ${PROBE_TYPES.join(", ")}) (at /sections/0/items/0/probes/0/htp)`]);
  });

  it("rejects duplicate ids naming both places, and duplicate keys", () => {
    expect(lines(`version: 1
sections:
  - title: A
    items:
      - title: Same
      - title: same
`)).toEqual(['c.yaml:6:16: duplicate id "same": also used at c.yaml:5:16 (ids are unique across sections and items) (at /sections/0/items/1/title)']);
    // First by id, then by a title that slugs to it; a section and an item; each place is its own.
    expect(lines(`version: 1
sections:
  - id: ops
    title: Ops
    items:
      - id: same
        title: First
      - title: Same
      - { id: ops, title: Third }
`)).toEqual([
      'c.yaml:8:16: duplicate id "same": also used at c.yaml:6:13 (ids are unique across sections and items) (at /sections/0/items/1/title)',
      'c.yaml:9:15: duplicate id "ops": also used at c.yaml:3:9 (ids are unique across sections and items) (at /sections/0/items/2/id)',
    ]);
    const dup = lines(`version: 1\nversion: 1\nsections: []\n`);
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatch(/^c\.yaml:2:1: YAML duplicate key/);
  });

  it("refuses empty, scalar and list documents and alias bombs in one line each", () => {
    expect(lines("")).toEqual(["c.yaml:1:1: the checklist is empty: expected a mapping with version and sections (run `readiness init` for a starter)"]);
    expect(lines("hello")).toEqual(['c.yaml:1:1: expected a mapping with version and sections at the top level, got a string ("hello")']);
    expect(lines("- a\n- b\n")).toEqual(["c.yaml:1:1: expected a mapping with version and sections at the top level, got a list"]);
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x,x]"];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`);
    const out = lines(bomb.join("\n"));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/alias bomb/);
  });

  it("interpolates vars and env once, records env values as secrets, and names undefined variables", () => {
    const c = parseChecklist(
      `version: 1
vars:
  base: \${env.BASE:-http://localhost:1}
  token: \${env.TOKEN}
sections:
  - title: A
    items:
      - title: B
        probes:
          - http: \${vars.base}/health
            headers: { Authorization: "Bearer \${vars.token}" }
          - http: "$\${vars.base}"
`,
      "c.yaml",
      { env: { TOKEN: "s3cr3t-${vars.base}" } },
    );
    const probes = c.sections[0]!.items[0]!.probes;
    expect(probes[0]!.spec.http).toBe("http://localhost:1/health");
    expect((probes[0]!.spec.headers as Record<string, string>).Authorization).toBe("Bearer s3cr3t-${vars.base}");
    expect(probes[1]!.spec.http).toBe("${vars.base}");
    expect(c.secrets).toEqual(["s3cr3t-${vars.base}"]);
    expect(lines(oneItem(`        probes: [{ tcp: "\${vars.nope}" }]\n`))).toEqual([
      "c.yaml:6:25: undefined variable vars.nope (no vars are defined) (at /sections/0/items/0/probes/0/tcp)",
    ]);
  });

  it("interpolates what a double-quoted escape spells, though the text holds no `${`", () => {
    // \x24 is "$": the document's text has no "${", so only the backslash says there may be one.
    const text = oneItem(`        probes: [{ env: A, name: "\\x24{env.WHO}" }, { env: B, name: "$\\\n          {env.WHO}" }]\n`);
    expect(text).not.toContain("${");
    const c = parseChecklist(text, "c.yaml", { env: { WHO: "ana-maria" } });
    expect(c.sections[0]!.items[0]!.probes.map((p) => p.name)).toEqual(["ana-maria", "ana-maria"]);
    expect(c.secrets).toEqual(["ana-maria"]);
  });

  it("resolves a plain document (no `${`, backslash or __proto__ in its text) without the substitution walk, to the same checklist", () => {
    // parseYaml marks such a document plain and resolveChecklist skips substituting it; forcing the
    // walk must change nothing, for checklists with and without any of the three.
    const docs = [
      oneItem(`        probes: [{ http: "http://x/$", headers: { A: "{b}" } }]\n        tags: ["$", "{", "}"]\n`),
      oneItem(`        probes: [{ http: "http://x/\${env.H}" }]\n`),
      oneItem(`        description: "a\\tb"\n`),
      oneItem(`        description: 'it''s $ {x}'\n        owner: __proto__\n`),
      oneItem(`        probes: [{ http: "http://x", headers: { __proto__: "v" } }]\n`),
      `version: 1\nname: N\nvars: { a: "1" }\nsections:\n  - title: A\n    items:\n      - { title: B, status: done, attested_by: Ana, attested_at: 2026-10-01 }\n`,
    ];
    for (const text of docs) {
      const parsed = parseYaml(text, "c.yaml");
      expect(parsed.plain === true, text).toBe(plainText(text));
      const env = { H: "h" };
      const skipped = resolveChecklist(parsed, { env });
      const walked = resolveChecklist({ ...parsed, plain: false }, { env });
      expect(skipped, text).toEqual(walked);
    }
    expect(docs.map((t) => parseYaml(t, "c.yaml").plain === true)).toEqual([true, false, false, false, false, true]);
  });

  it("requires a reason for n/a and real dates", () => {
    expect(lines(`version: 1
sections:
  - title: A
    items:
      - { title: B, status: n/a }
      - { title: C, status: done, attested_at: 2026-02-30 }
`)).toEqual([
      'c.yaml:5:29: item "b" is n/a without a reason: add reason: to say why it does not apply (at /sections/0/items/0/status)',
      'c.yaml:6:48: not a real date: "2026-02-30" (at /sections/0/items/1/attested_at)',
    ]);
  });
});
