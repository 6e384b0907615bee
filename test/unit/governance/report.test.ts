/**
 * The pure governance parts of scoring: enforcement dates, levels, expiring soon, open work,
 * outdated sign-offs — as tables of inputs and expected outputs.
 */
import { describe, expect, it } from "vitest";
import { buildReport, decide } from "../../../src/engine/score.js";
import { plan } from "../../../src/engine/plan.js";
import { parseChecklist } from "../../../src/checklist/load.js";
import {
  applyItemGovernance,
  daysUntil,
  expiringSoon,
  governanceWarnings,
  levelsReport,
  openWork,
  outdatedSignoffs,
  today,
} from "../../../src/engine/governance.js";
import { isoDate, parseDate } from "../../../src/util/duration.js";
import { DEFAULT_GATE, type Item, type ItemReport, type ItemResult, type ProbeResult, type Section } from "../../../src/types.js";

const NOW = new Date("2026-11-23T10:00:00Z");

function item(over: Partial<Item> = {}): Item {
  return { id: "x", title: "X", severity: "medium", weight: 3, tags: [], sectionPath: [], probes: [], ...over };
}

function rep(over: Partial<ItemReport> = {}): ItemReport {
  return { id: "x", title: "X", severity: "medium", weight: 3, result: "pass", contradicted: false, verified: true, credit: 1, tags: [], probes: [], ...over };
}

describe("daysUntil", () => {
  it.each([
    ["2026-11-23", 0],
    ["2026-11-24", 1],
    ["2026-11-22", -1],
    ["2026-12-07", 14],
    ["not-a-date", undefined],
  ])("%s is %s days from 2026-11-23", (date, days) => {
    expect(daysUntil(date, NOW)).toBe(days);
  });
});

describe("today", () => {
  it("is midnight UTC of the day, as the ISO date of now parsed back (the way it was computed before)", () => {
    const reference = (now: Date): Date => parseDate(isoDate(now)) ?? now;
    const times = ["2026-11-23T10:00:00Z", "2026-11-23T00:00:00Z", "2026-11-23T23:59:59.999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "0000-01-01T12:00:00Z", "9999-12-31T23:00:00Z", "2024-02-29T05:00:00Z"];
    for (const t of times) expect(today(new Date(t)).getTime(), t).toBe(reference(new Date(t)).getTime());
    for (let ms = -5e12; ms < 5e12; ms += 7_777_777_777) expect(today(new Date(ms)).getTime()).toBe(reference(new Date(ms)).getTime());
    // Outside the years ISO dates are written with: now itself, as before.
    const far = new Date("+010000-06-01T12:00:00Z");
    expect(today(far)).toBe(far);
  });
});

describe("applyItemGovernance: enforce_from, due, remediation", () => {
  it.each<[string, ItemResult, string | undefined, { enforced?: boolean; credit: number | null }]>([
    ["failing before enforce_from: a warning, out of the score", "fail", "2026-12-01", { enforced: false, credit: null }],
    ["missing before enforce_from", "missing", "2026-12-01", { enforced: false, credit: null }],
    ["partial before enforce_from", "partial", "2026-12-01", { enforced: false, credit: null }],
    ["failing on the enforce_from day: enforced", "fail", "2026-11-23", { credit: 0 }],
    ["failing after enforce_from: enforced", "fail", "2026-11-01", { credit: 0 }],
    ["passing before enforce_from keeps its credit", "pass", "2026-12-01", { credit: 1 }],
    ["no enforce_from", "fail", undefined, { credit: 0 }],
  ])("%s", (_name, result, enforceFrom, expected) => {
    const r = rep({ result, credit: result === "pass" ? 1 : result === "partial" ? 0.5 : 0 });
    applyItemGovernance(item(enforceFrom ? { enforce_from: enforceFrom } : {}), r, NOW);
    expect(r.credit).toBe(expected.credit);
    expect(r.enforced).toBe(expected.enforced);
    if (enforceFrom) expect(r.enforce_from).toBe(enforceFrom);
  });

  it.each<[ItemResult, string, boolean]>([
    ["fail", "2026-11-22", true],
    ["missing", "2026-11-01", true],
    ["stale", "2026-11-22", true],
    ["fail", "2026-11-23", false],
    ["pass", "2026-11-01", false],
    ["attested", "2026-11-01", false],
    ["waived", "2026-11-01", false],
  ])("%s due %s → overdue %s", (result, due, overdue) => {
    const r = rep({ result });
    applyItemGovernance(item({ due }), r, NOW);
    expect(r.due).toBe(due);
    expect(r.overdue).toBe(overdue);
  });

  it("copies level, note and remediation", () => {
    const r = rep({ result: "fail" });
    applyItemGovernance(item({ level: "gold", note: "n", why: "w", fix: "f", docs: "https://d" }), r, NOW);
    expect(r).toMatchObject({ level: "gold", note: "n", why: "w", fix: "f", docs: "https://d" });
  });
});

describe("decide: items not yet enforced are neither blockers nor conditions", () => {
  const gate = { ...DEFAULT_GATE };
  it.each<[string, Partial<ItemReport>, string]>([
    ["critical fail, enforced", { severity: "critical", result: "fail" }, "NO-GO"],
    ["critical fail, not enforced", { severity: "critical", result: "fail", enforced: false, credit: null }, "GO"],
    ["high missing, enforced", { severity: "high", result: "missing" }, "CONDITIONAL"],
    ["high missing, not enforced", { severity: "high", result: "missing", enforced: false, credit: null }, "GO"],
  ])("%s → %s", (_n, over, verdict) => {
    const items = [rep({ id: "ok", severity: "low" }), rep({ id: "y", credit: 0, ...over })];
    // Score 100 so only the item rules decide.
    expect(decide(items, 100, 100, gate, []).verdict).toBe(verdict);
  });

  it("an outdated required sign-off keeps the verdict from GO, an outdated optional one does not", () => {
    const outdated = [{ role: "Security Lead", by: "Sam", at: "2026-11-01", changed_at: "2026-11-10", items: ["db"] }];
    const required = decide([rep()], 100, 100, { ...gate, signoffs: ["Security Lead"] }, [], outdated);
    expect(required.verdict).toBe("CONDITIONAL");
    expect(required.reasons).toEqual(["sign-off outdated: Security Lead signed on 2026-11-01 (Sam), but blocking item db changed on 2026-11-10: sign again"]);
    expect(decide([rep()], 100, 100, gate, [], outdated).verdict).toBe("GO");
  });
});

describe("levelsReport", () => {
  const L = ["bronze", "silver", "gold"];
  const at = (level: string, result: ItemResult, id = `${level}-${result}`): ItemReport => rep({ id, level, result });
  it.each<[string, ItemReport[], string | null, string | null, string[]]>([
    ["nothing passes", [at("bronze", "fail"), at("silver", "pass")], null, "bronze", ["bronze-fail"]],
    ["bronze only", [at("bronze", "pass"), at("silver", "missing"), at("gold", "pass")], "bronze", "silver", ["silver-missing"]],
    ["gold needs silver too (cumulative)", [at("bronze", "pass"), at("silver", "fail"), at("gold", "pass")], "bronze", "silver", ["silver-fail"]],
    ["all", [at("bronze", "pass"), at("silver", "attested"), at("gold", "pass")], "gold", null, []],
    ["waived and skipped neither help nor block", [at("bronze", "pass"), at("bronze", "waived"), at("silver", "skipped"), at("gold", "stale")], "silver", "gold", ["gold-stale"]],
    ["an empty level is achieved when the ones below are", [at("bronze", "pass"), at("gold", "partial")], "silver", "gold", ["gold-partial"]],
    ["items without a level do not count", [rep({ id: "free", result: "fail" }), at("bronze", "pass"), at("silver", "pass"), at("gold", "pass")], "gold", null, []],
  ])("%s", (_n, items, achieved, next, needs) => {
    const r = levelsReport(L, items);
    expect(r.achieved).toBe(achieved);
    expect(r.next).toBe(next);
    expect(r.needs.map((n) => n.id)).toEqual(needs);
  });

  it("with --strict an attestation does not satisfy a level", () => {
    const items = [rep({ id: "a", level: "bronze", result: "attested", credit: 0 })];
    expect(levelsReport(["bronze"], items, true).achieved).toBeNull();
    expect(levelsReport(["bronze"], items, false).achieved).toBe("bronze");
  });

  it("counts items and passing per level", () => {
    const r = levelsReport(["bronze", "silver"], [at("bronze", "pass", "a"), at("bronze", "fail", "b"), at("silver", "pass", "c")]);
    expect(r.levels).toEqual([
      { level: "bronze", items: 2, passing: 1, achieved: false },
      { level: "silver", items: 1, passing: 1, achieved: false },
    ]);
  });
});

describe("expiringSoon", () => {
  const tlsItem = item({ id: "cert", title: "Cert", probes: [{ type: "tls", spec: { tls: "api:443" }, timeoutMs: 1000, retries: 0, retryDelayMs: 0 }] });
  const tls = (days: number, validTo: string): ProbeResult => ({ result: "pass", message: "", duration_ms: 1, attempts: 1, observed: { days_left: days, valid_to: validTo } });
  it.each<[string, { item: Item; report: ItemReport; results: (ProbeResult | undefined)[] }, { kind: string; date: string; days_left: number } | undefined]>([
    ["attestation expiring in 10 days", { item: item(), report: rep({ result: "attested", expires_at: "2026-12-03" }), results: [] }, { kind: "attestation", date: "2026-12-03", days_left: 10 }],
    ["attestation expiring in 14 days (the edge)", { item: item(), report: rep({ result: "attested", expires_at: "2026-12-07" }), results: [] }, { kind: "attestation", date: "2026-12-07", days_left: 14 }],
    ["attestation expiring in 15 days", { item: item(), report: rep({ result: "attested", expires_at: "2026-12-08" }), results: [] }, undefined],
    ["stale attestation: not expiring, expired", { item: item(), report: rep({ result: "stale", expires_at: "2026-11-20" }), results: [] }, undefined],
    ["waiver ending today", { item: item(), report: rep({ result: "waived", waiver: { reason: "r", until: "2026-11-23", by: "b", expired: false } }), results: [] }, { kind: "waiver", date: "2026-11-23", days_left: 0 }],
    ["waiver ending in 30 days", { item: item(), report: rep({ result: "waived", waiver: { reason: "r", until: "2026-12-23", by: "b", expired: false } }), results: [] }, undefined],
    ["certificate with 5 days left", { item: tlsItem, report: rep({ id: "cert", probes: [{ type: "tls", target: "api:443", result: "pass", message: "", duration_ms: 1 }] }), results: [tls(5, "2026-11-28T12:00:00.000Z")] }, { kind: "certificate", date: "2026-11-28", days_left: 5 }],
    ["certificate with 60 days left", { item: tlsItem, report: rep({ id: "cert" }), results: [tls(60, "2027-01-22T12:00:00.000Z")] }, undefined],
    ["expired certificate: a failure, not expiring", { item: tlsItem, report: rep({ id: "cert" }), results: [tls(-2, "2026-11-21T12:00:00.000Z")] }, undefined],
  ])("%s", (_n, evaluated, expected) => {
    const out = expiringSoon([evaluated], NOW, 14);
    if (expected) expect(out).toEqual([expect.objectContaining(expected)]);
    else expect(out).toEqual([]);
  });

  it("sorts by date, then id as localeCompare orders ids (punctuation before digits before letters)", () => {
    const waived = (id: string, until: string): { item: Item; report: ItemReport; results: ProbeResult[] } => ({
      item: item({ id }),
      report: rep({ id, result: "waived", waiver: { reason: "r", until, by: "b", expired: false } }),
      results: [],
    });
    const out = expiringSoon(
      [waived("b1", "2026-11-30"), waived("a_b", "2026-11-25"), waived("a1", "2026-11-25"), waived("a-b", "2026-11-25"), waived("z", "2026-11-24"), waived("c", "2026-12-01")],
      NOW,
      14,
    );
    expect(out.map((e) => `${e.date} ${e.id}`)).toEqual(["2026-11-24 z", "2026-11-25 a_b", "2026-11-25 a-b", "2026-11-25 a1", "2026-11-30 b1", "2026-12-01 c"]);
    const byLocale = [...out].sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
    expect(out).toEqual(byLocale);
  });

  it("sorts soonest first and names the certificate's target", () => {
    const out = expiringSoon(
      [
        { item: item({ id: "a" }), report: rep({ id: "a", result: "attested", expires_at: "2026-12-01" }), results: [] },
        { item: tlsItem, report: rep({ id: "cert", probes: [{ type: "tls", target: "api:443", result: "pass", message: "", duration_ms: 1 }] }), results: [tls(2, "2026-11-25T12:00:00.000Z")] },
      ],
      NOW,
      14,
    );
    expect(out.map((e) => [e.kind, e.id, e.target])).toEqual([
      ["certificate", "cert", "api:443"],
      ["attestation", "a", undefined],
    ]);
  });
});

describe("openWork", () => {
  const section = (over: Partial<Section>, items: Item[], sections: Section[] = []): Section => ({ id: "s", title: "S", items, sections, ...over });
  it("groups by owner (item, else nearest section, else checklist), overdue groups and items first", () => {
    const a = item({ id: "a", owner: "alice", due: "2026-12-01" });
    const b = item({ id: "b", due: "2026-11-01" }); // section owner: platform, overdue 22 days
    const c = item({ id: "c", due: "2026-11-20" }); // platform, overdue 3 days
    const d = item({ id: "d", severity: "critical" }); // platform, no due
    const e = item({ id: "e" }); // nested section without owner → platform
    const f = item({ id: "f" }); // top section without owner → checklist owner
    const done = item({ id: "done", owner: "alice" });
    const checklist = {
      owner: "payments",
      sections: [section({ owner: "platform", title: "Infra" }, [b, c, d], [section({ title: "DB" }, [e])]), section({ title: "Other" }, [a, f, done])],
    };
    const reports = new Map<Item, ItemReport>([
      [b, rep({ id: "b", result: "fail", due: "2026-11-01" })],
      [c, rep({ id: "c", result: "missing", due: "2026-11-20" })],
      [d, rep({ id: "d", result: "fail", severity: "critical" })],
      [e, rep({ id: "e", result: "stale" })],
      [a, rep({ id: "a", result: "partial", due: "2026-12-01" })],
      [f, rep({ id: "f", result: "missing" })],
      [done, rep({ id: "done", result: "pass" })],
    ]);
    const groups = openWork(checklist, reports, NOW);
    expect(groups.map((g) => [g.owner, g.overdue, g.items.map((i) => i.id)])).toEqual([
      ["platform", 2, ["b", "c", "d", "e"]],
      ["alice", 0, ["a"]],
      ["payments", 0, ["f"]],
    ]);
    expect(groups[0]!.items[0]).toMatchObject({ overdue: true, days_overdue: 22, section: ["Infra"] });
    expect(groups[0]!.items[3]).toMatchObject({ overdue: false, section: ["Infra", "DB"] });
  });

  it("orders items exactly as the old comparator did (localeCompare on due dates, severity rank, checklist order)", () => {
    const dues = [undefined, "2026-10-01", "2026-11-20", "2026-11-25", "2027-02-01", "9999-12-31"];
    const severities = ["critical", "high", "medium", "low"] as const;
    const items = Array.from({ length: 60 }, (_, i) => item({ id: `i${i}`, severity: severities[(i * 7) % 4]!, due: dues[(i * 5) % dues.length] }));
    const reports = new Map(items.map((it) => [it, rep({ id: it.id, severity: it.severity, result: "missing", ...(it.due ? { due: it.due } : {}) })]));
    const [group] = openWork({ sections: [{ id: "s", title: "S", items, sections: [] }] }, reports, NOW);
    const order = new Map(items.map((it, i) => [it.id, i]));
    const reference = [...group!.items].sort(
      (a, b) =>
        (b.days_overdue ?? -1) - (a.days_overdue ?? -1) ||
        (a.due ?? "9999").localeCompare(b.due ?? "9999") ||
        severities.indexOf(a.severity) - severities.indexOf(b.severity) ||
        order.get(a.id)! - order.get(b.id)!,
    );
    expect(group!.items.map((i) => i.id)).toEqual(reference.map((i) => i.id));
  });

  it("puts unowned work last and marks items not yet enforced", () => {
    const x = item({ id: "x" });
    const y = item({ id: "y", owner: "zed" });
    const groups = openWork({ sections: [section({}, [x, y])] }, new Map([[x, rep({ id: "x", result: "fail" })], [y, rep({ id: "y", result: "fail", enforced: false, enforce_from: "2027-01-01" })]]), NOW);
    expect(groups.map((g) => g.owner)).toEqual(["zed", "(unowned)"]);
    expect(groups[0]!.items[0]!.enforce_from).toBe("2027-01-01");
  });
});

describe("outdatedSignoffs", () => {
  const gate = { blocking: ["critical" as const] };
  it.each<[string, string | undefined, string, boolean]>([
    ["blocking item changed after the sign-off", "2026-11-10", "2026-11-05", true],
    ["changed the same day: not outdated", "2026-11-05", "2026-11-05", false],
    ["changed before", "2026-11-01", "2026-11-05", false],
    ["change unknown (no git)", undefined, "2026-11-05", false],
  ])("%s", (_n, changedAt, signedAt, outdated) => {
    const items = [item({ id: "db", severity: "critical", ...(changedAt ? { changed_at: changedAt } : {}) })];
    const out = outdatedSignoffs([{ role: "Eng", by: "Ana", at: signedAt }], items, gate);
    expect(out.length > 0).toBe(outdated);
  });

  it("ignores changes to items that are not blocking and names the newest change", () => {
    const items = [
      item({ id: "low", severity: "low", changed_at: "2026-11-20" }),
      item({ id: "a", severity: "critical", changed_at: "2026-11-08" }),
      item({ id: "b", severity: "critical", changed_at: "2026-11-12" }),
    ];
    expect(outdatedSignoffs([{ role: "Eng", by: "Ana", at: "2026-11-05" }], items, gate)).toEqual([{ role: "Eng", by: "Ana", at: "2026-11-05", changed_at: "2026-11-12", items: ["a", "b"] }]);
  });
});

describe("governanceWarnings", () => {
  it("warns about items not yet enforced and waivers longer than max_waiver_days", () => {
    const out = governanceWarnings(
      [
        { report: rep({ id: "a", result: "fail", enforced: false, enforce_from: "2027-01-01" }) },
        { report: rep({ id: "b", result: "waived", waiver: { reason: "r", until: "2027-06-01", by: "x", expired: false } }) },
        { report: rep({ id: "c", result: "waived", waiver: { reason: "r", until: "2026-12-01", by: "x", expired: false } }) },
      ],
      { max_waiver_days: 90 },
      NOW,
    );
    expect(out).toEqual([
      '"a" is fail but not enforced until 2027-01-01: a warning for now, not in the score',
      'waiver of "b" runs until 2027-06-01, 190 days away: more than gate.max_waiver_days (90)',
    ]);
  });
});

describe("buildReport carries the governance fields", () => {
  it("levels, open work, expiring and enforcement end to end through resolve, plan and score", () => {
    const c = parseChecklist(
      `version: 1
levels: [bronze, silver]
gate: { warn_days: 10 }
sections:
  - title: S
    owner: team
    due: 2026-11-20
    items:
      - { id: a, title: A, level: bronze, status: done, attested_at: 2026-11-01, expires_after: 30d }
      - { id: b, title: B, level: silver, severity: critical, enforce_from: 2026-12-01, why: because, fix: do it, docs: https://d }
      - { id: c, title: C, status: missing, due: 2026-12-31 }
`,
      "c.yaml",
      { env: {} },
    );
    const p = plan(c, { now: () => NOW });
    const r = buildReport(p, p.items.map(() => []), { now: NOW }, { tool: { name: "readiness", version: "0" }, startedAt: NOW, durationMs: 1 });
    expect(r.levels).toMatchObject({ achieved: "bronze", next: "silver", needs: [{ id: "b", result: "missing" }] });
    expect(r.expiring).toEqual([{ kind: "attestation", id: "a", title: "A", date: "2026-12-01", days_left: 8 }]);
    expect(r.open_work).toEqual([
      {
        owner: "team",
        overdue: 1,
        items: [
          expect.objectContaining({ id: "b", overdue: true, days_overdue: 3, due: "2026-11-20", enforce_from: "2026-12-01" }),
          expect.objectContaining({ id: "c", overdue: false, due: "2026-12-31" }),
        ],
      },
    ]);
    const b = r.sections[0]!.items[1]!;
    expect(b).toMatchObject({ enforced: false, credit: null, why: "because", fix: "do it", docs: "https://d" });
    // b is critical and missing, but not enforced: no NO-GO for it; a (attested) and c (missing) are scored.
    expect(r.reasons.some((x) => x.includes('"B"'))).toBe(false);
    expect(r.score).toBe(50);
    expect(r.signoffs.outdated).toEqual([]);
  });
});
