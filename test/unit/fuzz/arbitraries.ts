/**
 * fast-check generators for hostile checklists: a valid checklist mutated (keys dropped or renamed,
 * types changed, weird strings, unicode, huge numbers, deep nesting) and random YAML-ish text.
 * Shared by the in-process property tests and the CLI sample; `READINESS_FUZZ_RUNS` scales the
 * number of cases for long runs (`npm run fuzz`).
 */
import fc from "fast-check";
import { stringify } from "yaml";

/** Multiplier of every property's number of runs (1 in the test suite). */
export const FUZZ_SCALE = Math.max(1, Number(process.env.READINESS_FUZZ_RUNS ?? "1") || 1);

/** A valid checklist using most of the format: vars, env, defaults, gate, sign-offs, nested sections, every probe type, claims, waivers, matrix. */
export function validChecklist(): Record<string, unknown> {
  return {
    version: 1,
    name: "Fuzz API",
    owner: "team",
    vars: { base_url: "${env.BASE_URL:-http://127.0.0.1:9}", host: "localhost" },
    environments: { staging: { vars: { base_url: "http://127.0.0.1:8" } } },
    defaults: { timeout: "5s", retries: 1, retry_delay: "500ms", severity: "medium" },
    gate: { go: 90, conditional: 70, blocking: ["critical"], verified: 10, signoffs: ["Engineering Lead"] },
    signoffs: [{ role: "Engineering Lead", by: "Ana", at: "2026-11-20" }],
    sections: [
      {
        id: "availability",
        title: "Availability",
        items: [
          {
            id: "health",
            title: "Health",
            severity: "critical",
            tags: ["slo"],
            probes: [{ http: "${vars.base_url}/health", status: [200, "2xx"], json: { status: "ok" }, max_latency: "500ms", contains: "ok" }],
          },
          { id: "port", title: "Port", probes: [{ tcp: "${vars.host}:5432" }, { tcp: "[::1]:9229", open: false }] },
          { id: "cmd", title: "Command", probes: [{ command: ["node", "-e", "0"], exit_code: [0, 1], stdout: { matches: "^$" } }] },
          { id: "file", title: "File", probes: [{ file: "README*", contains: "x", min_size: "1KB", max_age: "90d" }] },
          {
            id: "matrixed-${matrix.region}",
            title: "Region ${matrix.region}",
            matrix: [{ region: "eu" }, { region: "us" }],
            probes: [{ dns: "${matrix.region}.example.com", type: "A" }],
          },
        ],
        sections: [
          {
            id: "evidence",
            title: "Evidence",
            items: [
              { id: "cov", title: "Coverage", probes: [{ coverage: "coverage/coverage-summary.json", min: { lines: 80, branches: 70 } }] },
              { id: "tests", title: "Tests", probes: [{ tests: "reports/*.xml", min_tests: 1, max_failures: 0 }] },
              { id: "tls", title: "TLS", probes: [{ tls: "example.com:443", min_days: 14, min_version: "TLSv1.2" }] },
              { id: "env", title: "Env", probes: [{ env: "HOME", matches: "^/" }] },
              { id: "metric", title: "Metric", probes: [{ metric: { json: { file: "m.json", path: "p99" } }, unit: "s", threshold: "< 10ms" }] },
            ],
          },
        ],
      },
      {
        id: "ops",
        title: "Operations",
        items: [
          { id: "runbooks", title: "Runbooks", status: "done", evidence: "https://wiki", attested_by: "Ana", attested_at: "2026-10-01", expires_after: "90d" },
          { id: "mfa", title: "MFA", severity: "high", waiver: { reason: "v2", until: "2026-12-31", by: "Sec" } },
          { id: "na", title: "N/A", status: "n/a", reason: "no UI" },
          { title: "Derived id from a title" },
        ],
      },
    ],
  };
}

/** Strings a hostile or careless author writes: unicode, controls, interpolation, YAML syntax, numbers as text. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\x1b[2J",
    "\u202e\u200b\ufeff",
    "💥🚀",
    "${env.HOME}",
    "${env.NOPE}",
    "${vars.nope}",
    "${vars.base_url}${vars.base_url}",
    "$${env.X}",
    "${matrix.region}",
    "${",
    "${env.",
    "}",
    "~",
    "null",
    "true",
    "0x1F",
    "1e999",
    "-0",
    "NaN",
    ".inf",
    "2026-02-30",
    "9999999d",
    "0ms",
    "1.5s",
    "-5s",
    "2xx",
    "6xx",
    "[unclosed",
    "(?<x",
    "a".repeat(5000),
    "http://[::1",
    "localhost:99999",
    "__proto__",
    "constructor",
  ),
);

const hugeNumber = fc.oneof(
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e308, -1, 0, -0, 0.5, 2 ** 53 + 1),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any value a YAML document could hold, including deep nesting. */
export const weirdValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    weirdString,
    hugeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(weirdString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A value nested `depth` levels deep (lists or mappings). */
const deep = fc.tuple(fc.integer({ min: 50, max: 400 }), fc.boolean()).map(([depth, list]) => {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = list ? [v] : { k: v };
  return v;
});

type Mutation =
  | { kind: "drop"; at: number }
  | { kind: "rename"; at: number; key: string }
  | { kind: "replace"; at: number; value: unknown }
  | { kind: "insert"; at: number; key: string; value: unknown }
  | { kind: "duplicate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), key: weirdString }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: fc.oneof({ weight: 5, arbitrary: weirdValue }, { weight: 1, arbitrary: deep }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), key: fc.oneof(weirdString, fc.constantFrom("timout", "extends", "drop", "matrix", "status", "probes", "sections")), value: weirdValue }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
);

/** Every container (mapping or list) of a document, parents before children. */
function containers(v: unknown, out: (Record<string, unknown> | unknown[])[] = []): (Record<string, unknown> | unknown[])[] {
  if (v && typeof v === "object") {
    out.push(v as Record<string, unknown> | unknown[]);
    for (const c of Object.values(v)) containers(c, out);
  }
  return out;
}

function apply(doc: Record<string, unknown>, m: Mutation): void {
  const all = containers(doc);
  const target = all[m.at % all.length]!;
  const keys = Object.keys(target);
  const key = keys.length ? keys[m.at % keys.length]! : undefined;
  if (Array.isArray(target)) {
    const i = key === undefined ? 0 : Number(key);
    if (m.kind === "drop") target.splice(i, 1);
    else if (m.kind === "replace") target[i] = m.value;
    else if (m.kind === "insert") target.splice(i, 0, m.value);
    else if (m.kind === "duplicate" && key !== undefined) target.push(structuredClone(target[i]));
    return;
  }
  if (m.kind === "insert") return void (target[m.key] = m.value);
  if (key === undefined) return;
  if (m.kind === "drop") delete target[key];
  else if (m.kind === "replace") target[key] = m.value;
  else if (m.kind === "rename") {
    const v = target[key];
    delete target[key];
    target[m.key] = v;
  } else if (m.kind === "duplicate") target[`${key}`] = structuredClone(target[key]);
}

/** A valid checklist with 1–6 mutations, as YAML text. */
export const mutatedChecklist: fc.Arbitrary<string> = fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => {
  const doc = validChecklist();
  for (const m of ms) apply(doc, m);
  return stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
});

/** YAML text with a duplicate key, an anchor/alias or a merge key spliced into a valid document. */
const YAML_TOKENS = [
  "version: 1\n",
  "name: x\n",
  "sections:\n",
  "  - id: a\n",
  "    title: A\n",
  "    items:\n",
  "      - id: i\n",
  "        title: I\n",
  "        probes: [{ http: http://x }]\n",
  "- ",
  ": ",
  ":",
  "{",
  "}",
  "[",
  "]",
  ",",
  "&a ",
  "*a ",
  "*b ",
  "<<: *a\n",
  "!!binary ",
  "!!str ",
  "!tag ",
  "!!map ",
  "'",
  '"',
  "\n",
  "  ",
  "\t",
  "# c\n",
  "${env.X}",
  "${vars.y}",
  "|\n",
  ">-\n",
  "---\n",
  "...\n",
  "%YAML 1.2\n",
  "%TAG ! tag:x,2000:\n",
  "? ",
  "\u0000",
  "\ufeff",
  "\r",
  "1e999",
  "0o777",
  "2026-13-45",
];

/** Random YAML-ish text: tokens of YAML syntax and arbitrary strings, in any order. */
export const randomYaml: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...YAML_TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) }), { maxLength: 80 })
  .map((parts) => parts.join(""));

/** A valid document with a line of YAML-level trouble inserted (alias bombs, duplicate keys, tags). */
export const splicedYaml: fc.Arbitrary<string> = fc
  .tuple(
    fc.nat(),
    fc.constantFrom(
      "name: dup\n",
      "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n",
      "<<: { version: 2 }\n",
      "defaults: !!binary aGVsbG8=\n",
      "gate: !!set { a, b }\n",
      "vars: { x: &x { y: *x } }\n",
      "owner: !custom tag\n",
      "extends: [./nope.yaml, ../../../etc/passwd, some-npm-package-that-does-not-exist]\n",
    ),
  )
  .map(([at, insert]) => {
    const lines = stringify(validChecklist(), { lineWidth: 0 }).split("\n");
    const i = at % lines.length;
    // Only splice at top level, where the inserted keys make sense as keys.
    const top = lines.findIndex((l, j) => j >= i && /^[a-z]/.test(l));
    lines.splice(top < 0 ? lines.length : top, 0, insert.trimEnd());
    return lines.join("\n");
  });
