// Frozen copy of src/engine/score.ts as of commit ad1432c: the reference the faster code is compared with, byte for byte
// (test/unit/reports/differential.test.ts). Keep it as it is; only its import paths were changed.
/**
 * Pure scoring: item results from probe results and claims, weighted scores, the verdict and every
 * reason that kept it from GO. No I/O, no clock of its own: `now` is passed in.
 */
import {
  ITEM_RESULTS,
  type Checklist,
  type Counts,
  type Gate,
  type Item,
  type ItemReport,
  type ItemResult,
  type ProbeReport,
  type ProbeResult,
  type Report,
  type Section,
  type SectionReport,
} from "../../../../src/types.js";
import { isoDate, parseDate } from "../../../../src/util/duration.js";
import { getProbe } from "../../../../src/probes/index.js";
import type { Masker } from "../../../../src/types.js";
import { waiverActive, type Plan, type PlannedItem } from "../../../../src/engine/plan.js";
import type { ExecuteResults } from "../../../../src/engine/execute.js";
import {
  applyItemGovernance,
  DEFAULT_WARN_DAYS,
  expiringSoon,
  governanceWarnings,
  levelsReport,
  openWork,
  outdatedSignoffs,
  type EvaluatedItem,
} from "./governance-report.js";

export interface ScoreOptions {
  now: Date;
  /** Manual attestations earn no credit. */
  strict?: boolean;
  /** Overrides gate.go. */
  minScore?: number;
}

/** Credit an item result earns, or null when the item is not in the score. */
export function creditOf(result: ItemResult, strict: boolean): number | null {
  switch (result) {
    case "pass":
      return 1;
    case "attested":
      return strict ? 0 : 1;
    case "partial":
      return 0.5;
    case "fail":
    case "missing":
    case "stale":
      return 0;
    case "waived":
    case "skipped":
      return null;
  }
}

/** `round(100 × Σ weight × credit / Σ weight)` over items in the score; null when none are. */
export function weightedScore(items: Pick<ItemReport, "weight" | "credit">[], credit: (i: Pick<ItemReport, "weight" | "credit">) => number = (i) => i.credit ?? 0): number | null {
  let total = 0;
  let earned = 0;
  for (const i of items) {
    if (i.credit === null) continue;
    total += i.weight;
    earned += i.weight * credit(i);
  }
  if (total === 0) return null;
  return Math.round((100 * earned) / total);
}

const verifiedCredit = (i: Pick<ItemReport, "weight" | "credit"> & { verified?: boolean }): number => (i.verified ? (i.credit ?? 0) : 0);

/** Evaluates one item from its plan entry and probe results. */
export function evaluateItem(p: PlannedItem, probeResults: (ProbeResult | undefined)[], options: ScoreOptions, masker?: Masker): ItemReport {
  const item = p.item;
  const strict = Boolean(options.strict);
  const probes: ProbeReport[] = item.probes.map((rp, j) => {
    const r = probeResults[j];
    const def = getProbe(rp.type);
    let target = rp.type;
    try {
      target = def ? def.target(rp.spec) : rp.type;
    } catch {
      /* a probe's target() on odd input must not break scoring */
    }
    const report: ProbeReport = {
      type: rp.type,
      target: masker ? masker.mask(target) : target,
      result: r?.result ?? "skipped",
      message: r?.message ?? p.probes[j]?.skip ?? p.skip ?? (p.waived ? "not run: item waived" : "not run"),
      duration_ms: r?.duration_ms ?? 0,
    };
    if (rp.name) report.name = rp.name;
    if (r) report.attempts = r.attempts;
    return report;
  });

  let result: ItemResult;
  let message: string | undefined;
  let verified = false;
  const waiverExpired = Boolean(item.waiver && !waiverActive(item.waiver.until, options.now));
  let expiresAt: string | undefined;
  if (item.attested_at && item.expiresAfterMs !== undefined) {
    const at = parseDate(item.attested_at);
    if (at) expiresAt = isoDate(new Date(at.getTime() + item.expiresAfterMs));
  }

  if (p.skip) {
    result = "skipped";
    message = p.skip;
  } else if (p.waived && item.waiver) {
    result = "waived";
    message = `waived until ${item.waiver.until} by ${item.waiver.by}: ${item.waiver.reason}`;
  } else if (item.probes.length > 0) {
    const failed = probes.find((r) => r.result === "fail");
    const skipped = probes.find((r) => r.result === "skipped");
    if (failed) {
      result = "fail";
      message = failed.message;
    } else if (skipped) {
      result = "skipped";
      message = skipped.message;
    } else {
      result = "pass";
      verified = true;
    }
  } else if (item.status === "done") {
    const expired = expiresAt !== undefined && options.now.getTime() >= (parseDate(expiresAt)?.getTime() ?? Infinity);
    if (expired) {
      result = "stale";
      message = `attestation expired on ${expiresAt} (attested ${item.attested_at ?? "?"}${item.attested_by ? ` by ${item.attested_by}` : ""})`;
    } else {
      result = "attested";
      message = `claimed done${item.attested_by ? ` by ${item.attested_by}` : ""}${item.attested_at ? ` on ${item.attested_at}` : ""} (not verified)`;
    }
  } else if (item.status === "partial") {
    result = "partial";
    message = "claimed partial (not verified)";
  } else {
    result = "missing";
    message = item.status === "in-progress" ? "in progress" : item.status === "missing" ? "marked missing" : "no probes and no attestation";
  }

  const report: ItemReport = {
    id: item.id,
    title: item.title,
    severity: item.severity,
    weight: item.weight,
    result,
    contradicted: result === "fail" && item.status === "done",
    verified,
    credit: creditOf(result, strict),
    tags: item.tags,
    probes,
  };
  if (message !== undefined) report.message = message;
  if (item.owner) report.owner = item.owner;
  if (item.status) report.status = item.status;
  if (item.evidence) report.evidence = item.evidence;
  if (item.attested_by) report.attested_by = item.attested_by;
  if (item.attested_at) report.attested_at = item.attested_at;
  if (expiresAt) report.expires_at = expiresAt;
  if (item.waiver) report.waiver = { ...item.waiver, expired: waiverExpired };
  if (item.loc) {
    report.file = item.loc.file;
    report.line = item.loc.line;
  }
  applyItemGovernance(item, report, options.now);
  return report;
}

function emptyCounts(): Counts {
  return Object.fromEntries(ITEM_RESULTS.map((r) => [r, 0])) as Counts;
}

/** Section reports mirroring the checklist's tree, with scores over each subtree. */
function sectionReports(sections: Section[], byItem: Map<Item, ItemReport>): SectionReport[] {
  return sections.map((s) => {
    const items = s.items.map((i) => byItem.get(i)).filter((r): r is ItemReport => r !== undefined);
    const subs = sectionReports(s.sections, byItem);
    const all = [...items, ...collect(subs)];
    return { id: s.id, title: s.title, score: weightedScore(all), verified_score: weightedScore(all, verifiedCredit), sections: subs, items };
  });
}

function collect(sections: SectionReport[]): ItemReport[] {
  return sections.flatMap((s) => [...s.items, ...collect(s.sections)]);
}

/** Every item report of a report, in order. */
export function allItems(report: Pick<Report, "sections">): ItemReport[] {
  return collect(report.sections);
}

/**
 * The verdict and every reason that kept it from GO: the verdict rules changed after the freeze
 * (evidence-first defaults, contradicted claims, flaky and blocked items), so the reference takes
 * the current rules; the comparison covers the rest of scoring and every reporter.
 */
import { decide } from "../../../../src/engine/score.js";
export { decide };

export interface ReportMeta {
  tool: { name: string; version: string };
  startedAt: Date;
  durationMs: number;
  interrupted?: boolean;
}

/** Builds the whole report from a plan and its execution results. Pure. */
export function buildReport(planned: Plan, results: ExecuteResults, options: ScoreOptions & { masker?: Masker }, meta: ReportMeta): Report {
  const checklist: Checklist = planned.checklist;
  const byItem = new Map<Item, ItemReport>();
  planned.items.forEach((p, i) => byItem.set(p.item, evaluateItem(p, results[i] ?? [], options, options.masker)));
  const items = [...byItem.values()];
  const gate: Gate = { ...checklist.gate, go: options.minScore ?? checklist.gate.go };
  if (gate.conditional > gate.go) gate.conditional = gate.go;
  const score = weightedScore(items);
  const verified = weightedScore(items, verifiedCredit);
  const present = checklist.signoffs.filter((s) => gate.signoffs.includes(s.role));
  const missing = gate.signoffs.filter((r) => !checklist.signoffs.some((s) => s.role === r));
  const outdated = outdatedSignoffs(checklist.signoffs, [...byItem.keys()], gate);
  const { verdict, reasons } = decide(items, score, verified, gate, missing, outdated);
  if (meta.interrupted) reasons.unshift("the run was interrupted: results are partial");
  const counts = emptyCounts();
  for (const i of items) counts[i.result]++;
  const warnings = checklist.warnings.map((w) => w.message);
  for (const i of items) if (i.waiver?.expired) warnings.push(`waiver of "${i.id}" expired on ${i.waiver.until}: it no longer applies`);
  const evaluated: EvaluatedItem[] = [];
  planned.items.forEach((p, i) => {
    const r = byItem.get(p.item);
    if (r) evaluated.push({ item: p.item, report: r, results: results[i] ?? [] });
  });
  warnings.push(...governanceWarnings(evaluated, gate, options.now));
  const report: Report = {
    schema_version: 1,
    tool: meta.tool,
    checklist: { name: checklist.name, path: checklist.path },
    started_at: meta.startedAt.toISOString(),
    duration_ms: Math.round(meta.durationMs),
    verdict: meta.interrupted && verdict === "GO" ? "CONDITIONAL" : verdict,
    reasons,
    score,
    verified_score: verified,
    counts,
    gate,
    sections: sectionReports(checklist.sections, byItem),
    signoffs: { required: gate.signoffs, present, missing, outdated },
    interrupted: Boolean(meta.interrupted),
    options: { strict: Boolean(options.strict), no_exec: planned.noExec, only: planned.only, skip: planned.skip },
    warnings,
  };
  if (checklist.builtin) report.checklist.builtin = true;
  if (checklist.environment) report.checklist.environment = checklist.environment;
  if (checklist.levels) report.levels = levelsReport(checklist.levels, items, Boolean(options.strict));
  report.expiring = expiringSoon(evaluated, options.now, gate.warn_days ?? DEFAULT_WARN_DAYS);
  report.open_work = openWork(checklist, byItem, options.now);
  return report;
}
