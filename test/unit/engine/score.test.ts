import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { plan } from "../../../src/engine/plan.js";
import { buildReport, creditOf, decide, weightedScore } from "../../../src/engine/score.js";
import type { ExecuteResults } from "../../../src/engine/execute.js";
import { DEFAULT_GATE, type ItemReport, type ItemResult, type ProbeResult, type Report } from "../../../src/types.js";

const NOW = new Date("2026-11-23T12:00:00Z");
const TOOL = { name: "readiness", version: "test" };

/** Builds a report from checklist YAML and one probe outcome per probe, in order. */
function score(yaml: string, outcomes: ("pass" | "fail" | "flaky")[] = [], opts: { strict?: boolean; minScore?: number; only?: string[] } = {}): Report {
  const c = parseChecklist(yaml, "c.yaml", { env: {} });
  const p = plan(c, { now: () => NOW, only: opts.only });
  let k = 0;
  const results: ExecuteResults = p.items.map((pi) =>
    pi.skip || pi.waived
      ? []
      : pi.item.probes.map((): ProbeResult => {
          const r = outcomes[k++] ?? "pass";
          if (r === "flaky") return { result: "pass", message: "ok", duration_ms: 1, attempts: 2, flaky: true, first_failure: "connection refused" };
          return { result: r, message: r === "fail" ? "connection refused" : "ok", duration_ms: 1, attempts: 1 };
        }),
  );
  return buildReport(p, results, { now: NOW, strict: opts.strict, minScore: opts.minScore }, { tool: TOOL, startedAt: NOW, durationMs: 5 });
}

const item = (title: string, severity: string, extra = ""): string => `      - title: ${title}\n        severity: ${severity}\n${extra}`;
const probe = "        probes: [{ tcp: \"localhost:1\" }]\n";
const doc = (items: string, gate = ""): string => `version: 1\n${gate}sections:\n  - title: S\n    items:\n${items}`;

describe("credit table", () => {
  it.each<[ItemResult, boolean, number | null]>([
    ["pass", false, 1],
    ["fail", false, 0],
    ["attested", false, 1],
    ["attested", true, 0],
    ["partial", false, 0.5],
    ["missing", false, 0],
    ["stale", false, 0],
    ["waived", false, null],
    ["skipped", false, null],
  ])("%s (strict %s) earns %s", (result, strict, credit) => {
    expect(creditOf(result, strict)).toBe(credit);
  });
});

describe("weighted score", () => {
  it("rounds 100 × Σ weight × credit / Σ weight over scored items only", () => {
    const items = [
      { weight: 10, credit: 1 },
      { weight: 5, credit: 0 },
      { weight: 3, credit: 0.5 },
      { weight: 1, credit: null },
    ];
    expect(weightedScore(items)).toBe(Math.round((100 * 11.5) / 18)); // 64
    expect(weightedScore([{ weight: 3, credit: null }])).toBeNull();
  });
});

describe("item results", () => {
  it("maps probes and claims to results, with contradicted claims", () => {
    const r = score(
      doc(
        item("passes", "low", probe) +
          item("fails", "low", probe) +
          item("contradicted", "low", `${probe}        status: done\n`) +
          item("attested", "low", "        status: done\n        attested_at: 2026-11-01\n        expires_after: 90d\n") +
          item("stale", "low", "        status: done\n        attested_at: 2026-01-01\n        expires_after: 30d\n") +
          item("partial", "low", "        status: partial\n") +
          item("in progress", "low", "        status: in-progress\n") +
          item("nothing", "low") +
          item("na", "low", "        status: n/a\n        reason: no database\n") +
          item("waived", "low", `${probe}        waiver: { reason: later, until: 2026-12-31, by: Sec }\n`) +
          item("expired waiver", "low", `${probe}        waiver: { reason: later, until: 2026-11-22, by: Sec }\n`),
      ),
      ["pass", "fail", "fail", "fail"],
    );
    const got = r.sections[0]!.items.map((i) => [i.id, i.result, i.contradicted]);
    expect(got).toEqual([
      ["passes", "pass", false],
      ["fails", "fail", false],
      ["contradicted", "fail", true],
      ["attested", "attested", false],
      ["stale", "stale", false],
      ["partial", "partial", false],
      ["in-progress", "missing", false],
      ["nothing", "missing", false],
      ["na", "skipped", false],
      ["waived", "waived", false],
      ["expired-waiver", "fail", false],
    ]);
    expect(r.counts).toEqual({ pass: 1, fail: 3, attested: 1, partial: 1, missing: 2, stale: 1, blocked: 0, waived: 1, skipped: 1 });
    expect(r.sections[0]!.items[4]!.message).toBe("attestation expired on 2026-01-31 (attested 2026-01-01)");
    expect(r.warnings).toContain('waiver of "expired-waiver" expired on 2026-11-22: it no longer applies');
    // 9 scored low items (weight 1): pass 1 + attested 1 + partial 0.5 = 2.5 / 9
    expect(r.score).toBe(28);
    expect(r.verified_score).toBe(11);
  });

  it("--strict gives attestations no credit", () => {
    const y = doc(item("a", "medium", probe) + item("b", "medium", "        status: done\n"));
    expect(score(y, ["pass"]).score).toBe(100);
    expect(score(y, ["pass"], { strict: true }).score).toBe(50);
  });
});

describe("verdict", () => {
  const gate = "gate: { go: 90, conditional: 70, blocking: [critical] }\n";
  it("GO with no reasons when everything passes", () => {
    const r = score(doc(item("a", "critical", probe) + item("b", "high", probe), gate), ["pass", "pass"]);
    expect([r.verdict, r.reasons, r.score, r.verified_score]).toEqual(["GO", [], 100, 100]);
  });

  it("NO-GO for a failing blocking item whatever the score, listing every reason", () => {
    const items = item("crit", "critical", probe) + Array.from({ length: 30 }, (_, i) => item(`ok${i}`, "high", probe)).join("");
    const r = score(doc(items, gate), ["fail"]);
    expect(r.score).toBe(94);
    expect(r.verdict).toBe("NO-GO");
    expect(r.reasons).toEqual(['blocking critical item "crit" (crit) is fail: connection refused']);
  });

  it("CONDITIONAL for a failing high item, a score under go, a waived critical item or a missing sign-off", () => {
    const high = score(doc(item("c", "critical", probe) + item("h", "high", probe), gate), ["pass", "fail"]);
    expect(high.verdict).toBe("NO-GO"); // 10/15 = 67 < 70
    const many = item("c", "critical", probe) + item("c2", "critical", probe) + item("c3", "critical", probe) + item("h", "high", probe);
    const r = score(doc(many, gate), ["pass", "pass", "pass", "fail"]);
    expect(r.score).toBe(86);
    expect(r.verdict).toBe("CONDITIONAL");
    expect(r.reasons).toEqual(["score 86 is below the GO threshold 90", 'high item "h" (h) is fail: connection refused']);
    const waived = score(doc(item("c", "critical", `${probe}        waiver: { reason: r, until: 2026-12-01, by: x }\n`) + item("d", "low", probe), gate), ["pass"]);
    expect([waived.verdict, waived.reasons]).toEqual(["CONDITIONAL", ['critical item "c" (c) is waived until 2026-12-01']]);
    const signoff = score(doc(item("a", "low", probe), "gate: { signoffs: [Security Lead, Engineering Lead] }\nsignoffs: [{ role: Engineering Lead, by: Ana, at: 2026-11-20 }]\n"), ["pass"]);
    expect([signoff.verdict, signoff.reasons, signoff.signoffs.missing]).toEqual(["CONDITIONAL", ["sign-off missing: Security Lead"], ["Security Lead"]]);
  });

  it("NO-GO when nothing is left to score, and the verified gate keeps claims from GO", () => {
    const r = score(doc(item("a", "low", "        status: n/a\n        reason: none\n")));
    expect([r.verdict, r.score, r.reasons]).toEqual(["NO-GO", null, ["nothing to score: every item is skipped or waived"]]);
    const claims = score(doc(item("a", "low", "        status: done\n"), "gate: { verified: 50 }\n"));
    expect([claims.verdict, claims.score, claims.verified_score, claims.reasons]).toEqual(["CONDITIONAL", 100, 0, ["verified score 0 is below the required 50: too little of the score comes from passing probes (add probes, or set gate.verified: 0 to accept claims)"]]);
    // The default is 50: claims alone are CONDITIONAL at best unless the checklist opts out.
    const byDefault = score(doc(item("a", "low", "        status: done\n")));
    expect([byDefault.verdict, byDefault.gate.verified]).toEqual(["CONDITIONAL", 50]);
    const optedOut = score(doc(item("a", "low", "        status: done\n"), "gate: { verified: 0 }\n"));
    expect([optedOut.verdict, optedOut.reasons]).toEqual(["GO", []]);
  });

  it("--min-score overrides gate.go and section scores cover their subtree", () => {
    const y = `version: 1\nsections:\n  - title: Top\n    items:\n${item("a", "medium", probe)}    sections:\n      - title: Sub\n        items:\n          - { title: b, severity: medium, probes: [{ tcp: "localhost:1" }] }\n`;
    const r = score(y, ["pass", "fail"], { minScore: 40 });
    expect(r.gate.go).toBe(40);
    expect(r.sections[0]!.score).toBe(50);
    expect(r.sections[0]!.sections[0]!.score).toBe(0);
    // A GO threshold below gate.conditional pulls the CONDITIONAL threshold down with it.
    expect([r.gate.conditional, r.verdict]).toEqual([40, "GO"]);
  });

  it("decide() is pure over item reports", () => {
    const it1 = { id: "x", title: "X", severity: "medium", result: "pass", weight: 3, credit: 1 } as ItemReport;
    expect(decide([it1], 100, 100, DEFAULT_GATE, [])).toEqual({ verdict: "GO", reasons: [] });
  });

  it("decide() names a root cause once with what it blocks, at the severest level among them", () => {
    const gate = { ...DEFAULT_GATE, verified: 0 };
    const low = { id: "dns", title: "DNS", severity: "low", result: "fail", message: "no such host", weight: 1, credit: 0 } as ItemReport;
    const blocked = (id: string, severity: ItemReport["severity"]): ItemReport =>
      ({ id, title: id.toUpperCase(), severity, result: "blocked", message: "blocked: dns failed: no such host", blocked_by: ["dns"], weight: 10, credit: 0 }) as ItemReport;
    // A low root cause blocking a critical item: NO-GO, one reason, naming the root and the items.
    expect(decide([low, blocked("api", "critical"), blocked("web", "high")], 95, 95, gate, [])).toEqual({
      verdict: "NO-GO",
      reasons: ['low item "DNS" (dns) is fail: no such host; it blocks 2 items: "API" (api) [critical], "WEB" (web) [high]'],
    });
    // Blocking only a medium item: no reason of its own (the score carries it).
    expect(decide([low, blocked("docs", "medium")], 95, 95, gate, [])).toEqual({ verdict: "GO", reasons: [] });
  });

  it("--only leaves unselected items skipped and out of the score", () => {
    const r = score(doc(item("a", "critical", probe) + item("b", "low", probe)), ["pass"], { only: ["b"] });
    expect(r.sections[0]!.items.map((i) => i.result)).toEqual(["skipped", "pass"]);
    expect(r.score).toBe(100);
  });
});

describe("evidence first: contradicted claims and flaky probes", () => {
  const claimed = `${probe}        status: done\n`;
  const items = item("c", "critical", probe) + item("c2", "critical", probe) + item("m", "medium", claimed);
  it("a claim its probe contradicts caps the verdict at CONDITIONAL, naming the item and what the probe said", () => {
    const r = score(doc(items), ["pass", "pass", "fail"]);
    expect(r.score).toBe(87);
    expect(r.verdict).toBe("CONDITIONAL");
    expect(r.reasons).toContain('claim "m" (m) is contradicted: marked done, but its probe says: connection refused');
    const high = score(doc(items.replace("severity: medium", "severity: high"), "gate: { go: 50, conditional: 40 }\n"), ["pass", "pass", "fail"]);
    // A high item is named once: its failure already caps the verdict.
    expect(high.reasons).toEqual(['high item "m" (m) is fail: connection refused']);
  });

  it("gate.contradicted: block makes it NO-GO, ignore leaves the verdict to the score", () => {
    const block = score(doc(items, "gate: { go: 80, contradicted: block }\n"), ["pass", "pass", "fail"]);
    expect([block.verdict, block.reasons]).toEqual(["NO-GO", ['claim "m" (m) is contradicted: marked done, but its probe says: connection refused']]);
    const ignore = score(doc(items, "gate: { go: 80, contradicted: ignore }\n"), ["pass", "pass", "fail"]);
    expect([ignore.verdict, ignore.reasons]).toEqual(["GO", []]);
  });

  it("a flaky pass is listed and passes (gate.flaky: warn, the default), or fails its item (gate.flaky: fail)", () => {
    const warn = score(doc(item("a", "critical", probe)), ["flaky"]);
    expect(warn.verdict).toBe("GO");
    expect(warn.flaky).toEqual([{ id: "a", title: "a", target: "localhost:1", attempts: 2, first_failure: "connection refused" }]);
    expect(warn.sections[0]?.items[0]?.probes[0]).toMatchObject({ result: "pass", flaky: true, first_failure: "connection refused" });
    const fail = score(doc(item("a", "critical", probe), "gate: { flaky: fail }\n"), ["flaky"]);
    expect(fail.verdict).toBe("NO-GO");
    expect(fail.sections[0]?.items[0]).toMatchObject({ result: "fail", message: "flaky (gate.flaky: fail): localhost:1 passed on attempt 2 after: connection refused" });
    expect(score(doc(item("a", "critical", probe)), ["pass"]).flaky).toBeUndefined();
  });
});
