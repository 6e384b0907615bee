/**
 * Scoring and every reporter, compared byte for byte with their frozen copies (./reference, as of
 * commit ad1432c) over generated checklists, probe outcomes and render options: the faster code
 * must not change a single character of any report.
 */
import fc from "fast-check";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { plan } from "../../../src/engine/plan.js";
import { buildReport } from "../../../src/engine/score.js";
import { reporters, type ReportFormat } from "../../../src/reports/index.js";
import { summarize } from "../../../src/reports/summary.js";
import { applyBaseline } from "../../../src/report/baseline.js";
import type { ExecuteResults } from "../../../src/engine/execute.js";
import type { ProbeResult, Report } from "../../../src/types.js";
import type { RenderOptions } from "../../../src/reports/types.js";
import { referenceReporters } from "./reference/index.js";
import { buildReport as referenceBuildReport } from "./reference/score.js";
import { summarize as referenceSummarize } from "./reference/summary.js";
import { SAMPLES } from "./samples.js";

const NOW = new Date("2026-11-23T10:00:00Z");
const TOOL = { name: "readiness", version: "0.1.0" };
const FORMATS = Object.keys(reporters) as ReportFormat[];

/** Text that every escaper treats specially, mixed with plain words. */
const TEXT = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("Item", "plain title", "Database backups", "a", "x y  z", " padded ", "long " + "word ".repeat(30)) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.constantFrom(
          ..."aZ09 .)#+-=@_*[]~\\|`&<>\"'\t\n\r\u001b\u0007\u007f\u0085\u00a0\u2028\u200bデ🚀\u0301".split(""),
          "🚀",
          "1. ",
          "@org",
          "  ",
          "--",
          "`code`",
          "http://x.y/z",
          "漢字",
        ),
        { minLength: 1, maxLength: 25 },
      )
      .map((p) => p.join("")),
  },
  // `${` starts a variable reference in a checklist (an unknown one is an error): kept apart.
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map((t) => t.replaceAll("${", "$ {")) },
);
const DATE = fc.constantFrom("2026-01-05", "2026-09-30", "2026-11-01", "2026-11-23", "2026-11-30", "2026-12-07", "2026-12-24", "2027-02-01", "2027-06-30");
const SEVERITY = fc.constantFrom("critical", "high", "medium", "low");
const LEVELS = ["bronze", "silver", "gold"];
const ROLES = ["Eng Lead", "Security", "Ops <x>"];

const probeSpec = fc.record(
  { env: fc.constantFrom("HOME", "PATH", "NOPE"), name: TEXT },
  { requiredKeys: ["env"] },
);

const itemSpec = fc.record(
  {
    title: TEXT,
    severity: SEVERITY,
    status: fc.constantFrom("done", "partial", "missing", "in-progress", "n/a"),
    attested_by: TEXT,
    attested_at: DATE,
    expires_after: fc.constantFrom("7d", "30d", "90d", "400d"),
    evidence: TEXT,
    reason: TEXT,
    note: TEXT,
    owner: TEXT,
    waiver: fc.record({ until: DATE, by: TEXT, reason: TEXT }),
    due: DATE,
    enforce_from: DATE,
    level: fc.constantFrom(...LEVELS),
    why: TEXT,
    fix: TEXT,
    docs: fc.oneof(TEXT, fc.constantFrom("https://wiki.example.com/a?b=1&c=<2>", "http://x.y/z w")),
    tags: fc.array(fc.constantFrom("a", "b", "slo"), { maxLength: 2 }),
    probes: fc.array(probeSpec, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ["title", "severity"] },
);

/** A claim, often expired by the run's date (a stale attestation), sometimes still fresh. */
const claimSpec = fc.record({ title: TEXT, severity: SEVERITY, status: fc.constant("done"), attested_by: TEXT, attested_at: DATE, expires_after: fc.constantFrom("7d", "30d", "90d", "400d") });

interface SectionSpec {
  title: string;
  owner?: string;
  due?: string;
  items: Record<string, unknown>[];
  sections: SectionSpec[];
}

const sectionSpec = fc.letrec<{ section: SectionSpec }>((tie) => ({
  section: fc.record(
    {
      title: TEXT,
      owner: TEXT,
      due: DATE,
      items: fc.array(fc.oneof({ weight: 4, arbitrary: itemSpec }, { weight: 1, arbitrary: claimSpec }), { maxLength: 8 }),
      sections: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant([]), fc.array(tie("section"), { maxLength: 2 })),
    },
    { requiredKeys: ["title", "items", "sections"] },
  ) as fc.Arbitrary<SectionSpec>,
})).section;

const checklistSpec = fc.record(
  {
    name: TEXT,
    owner: TEXT,
    levels: fc.constant(LEVELS),
    gate: fc.record(
      {
        go: fc.integer({ min: 0, max: 100 }),
        conditional: fc.integer({ min: 0, max: 100 }),
        blocking: fc.subarray(["critical", "high", "medium", "low"]),
        verified: fc.integer({ min: 0, max: 100 }),
        signoffs: fc.subarray(ROLES),
        max_waiver_days: fc.integer({ min: 1, max: 400 }),
        warn_days: fc.integer({ min: 0, max: 60 }),
      },
      { requiredKeys: [] },
    ).map((g) => ((g.conditional ?? 70) > (g.go ?? 90) ? { ...g, conditional: g.go ?? 90 } : g)),
    signoffs: fc.subarray(ROLES).chain((roles) => fc.tuple(...roles.map((role) => fc.record({ role: fc.constant(role), by: TEXT, at: DATE })))),
    sections: fc.array(sectionSpec, { maxLength: 4 }),
  },
  { requiredKeys: ["name", "levels", "sections"] },
);

/** Gives every section and item a unique id, in document order. */
function withIds(spec: Record<string, unknown>): Record<string, unknown> {
  let n = 0;
  const section = (s: SectionSpec): Record<string, unknown> => ({
    id: `s${n++}`,
    ...s,
    items: s.items.map((i) => ({ id: `i${n++}`, ...(i.status === "n/a" && !i.reason ? { reason: "does not apply" } : {}), ...i })),
    sections: s.sections.map(section),
  });
  return { version: 1, ...spec, sections: (spec.sections as SectionSpec[]).map(section) };
}

const outcome = fc.option(
  fc.record({
    result: fc.constantFrom<ProbeResult["result"][]>("pass", "fail", "skipped"),
    message: fc.oneof(TEXT, fc.constant("")),
    duration_ms: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 100, noNaN: true })),
    attempts: fc.integer({ min: 1, max: 3 }),
  }),
  { freq: 8 },
);

const scoreOptions = fc.record({ strict: fc.boolean(), minScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), interrupted: fc.boolean() });
const renderOptions = fc.record({
  level: fc.constantFrom<(0 | 1 | 3)[]>(0, 1, 3),
  verbose: fc.boolean(),
  width: fc.option(fc.integer({ min: 20, max: 160 }), { nil: undefined }),
  maxChars: fc.option(fc.integer({ min: 200, max: 20_000 }), { nil: undefined }),
});

/** Builds the same report with the current and the reference scoring. */
function both(spec: Record<string, unknown>, outcomes: (ProbeResult | null)[], opts: { strict: boolean; minScore?: number; interrupted: boolean }, changed: string[]): [Report, Report] {
  const checklist = parseChecklist(JSON.stringify(withIds(spec)), "gen.yaml", { env: { HOME: "/root" } });
  const planned = plan(checklist, { now: () => NOW });
  // Some items changed after the sign-offs (git blame dates), so sign-offs can be outdated.
  let k = 0;
  for (const p of planned.items) if (changed.length) p.item.changed_at = changed[k++ % changed.length];
  let j = 0;
  const results: ExecuteResults = planned.items.map((p) => (p.skip || p.waived ? [] : p.item.probes.map(() => outcomes[j++ % Math.max(1, outcomes.length)] ?? undefined)));
  const meta = { tool: TOOL, startedAt: NOW, durationMs: 1234.5, interrupted: opts.interrupted };
  const score = { now: NOW, strict: opts.strict, minScore: opts.minScore };
  return [buildReport(planned, results, score, meta), referenceBuildReport(planned, results, score, meta)];
}

function renderAll(report: Report, reference: Report, o: { level: 0 | 1 | 3; verbose: boolean; width?: number; maxChars?: number }): void {
  const options: RenderOptions = { chalk: new Chalk({ level: o.level }), verbose: o.verbose, width: o.width, maxChars: o.maxChars };
  for (const format of FORMATS) {
    const got = reporters[format](report, options);
    const want = referenceReporters[format](reference, options);
    if (got !== want) expect({ format, got }).toEqual({ format, got: want });
  }
}

describe("differential: scoring and reporters match the reference byte for byte", () => {
  it("buildReport, summarize and every format over generated checklists", () => {
    fc.assert(
      fc.property(
        checklistSpec,
        fc.array(outcome, { maxLength: 12 }),
        scoreOptions,
        fc.array(DATE, { maxLength: 3 }),
        renderOptions,
        (spec, outcomes, opts, changed, ro) => {
          const [report, reference] = both(spec, outcomes, opts, changed);
          expect(JSON.stringify(report)).toBe(JSON.stringify(reference));
          expect(summarize(report)).toEqual(referenceSummarize(reference));
          renderAll(report, reference, ro);
          // With a baseline: the report against itself shifted, and against a sample.
          const baseline = applyBaseline(report, SAMPLES.nogo?.() ?? reference, "last.json");
          const referenceBaseline = applyBaseline(reference, SAMPLES.nogo?.() ?? reference, "last.json");
          renderAll(baseline, referenceBaseline, ro);
        },
      ),
      { numRuns: Number(process.env.READINESS_DIFF_RUNS ?? 300) },
    );
  }, 120_000);

  it("every sample report, in every format and option set", () => {
    // Also each sample as a report read back from JSON whose items lost their file but kept their line.
    const fileless = (make: () => Report) => (): Report =>
      JSON.parse(JSON.stringify(make()), (key, value: unknown) => {
        if (value && typeof value === "object" && "file" in value && "severity" in value) {
          const { file: _file, ...rest } = value as Record<string, unknown>;
          return { ...rest, line: 7 };
        }
        return value;
      }) as Report;
    for (const make of [...Object.values(SAMPLES), ...Object.values(SAMPLES).map(fileless)]) {
      for (const level of [0, 3] as const) {
        for (const verbose of [false, true]) {
          for (const width of [undefined, 40, 100, 200]) renderAll(make(), make(), { level, verbose, width, maxChars: width === 40 ? 3000 : undefined });
        }
      }
    }
  });

  it("large reports: sections over the table limit, markdown past its size limit", () => {
    const spec = {
      name: "Large",
      sections: [0, 1].map((s) => ({
        title: `Section ${s}`,
        items: Array.from({ length: 700 }, (_, i) => ({
          title: `Item ${i} <&> | ${"x".repeat(i % 50)}`,
          severity: ["critical", "high", "medium", "low"][i % 4],
          ...(i % 3 ? { status: ["done", "partial", "missing", "in-progress"][i % 4], attested_by: "Ana", attested_at: "2026-10-01", expires_after: "60d" } : { probes: [{ env: "HOME" }] }),
          ...(i % 17 === 0 ? { waiver: { until: "2026-12-01", by: "Bob", reason: "later" } } : {}),
          ...(i % 5 === 0 ? { owner: `owner ${i % 3}`, due: "2026-11-01", why: "because", fix: "do it", docs: "https://x.y/z" } : {}),
        })),
        sections: [],
      })),
    };
    const outcomes: ProbeResult[] = [
      { result: "pass", message: "ok", duration_ms: 3, attempts: 1 },
      { result: "fail", message: "HOME is not set", duration_ms: 7.5, attempts: 2 },
    ];
    const [report, reference] = both(spec, outcomes, { strict: false, interrupted: false }, []);
    expect(JSON.stringify(report)).toBe(JSON.stringify(reference));
    for (const maxChars of [undefined, 1e9, 10_000]) renderAll(report, reference, { level: 0, verbose: false, width: 100, maxChars });
    renderAll(report, reference, { level: 3, verbose: true, width: 70 });
  });
});
