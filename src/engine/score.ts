/**
 * Pure scoring: item results from probe results and claims, weighted scores, the verdict and every
 * reason that kept it from GO. No I/O, no clock of its own: `now` is passed in.
 *
 * Loops over every item are index loops: the CLI runs them once, cold, where V8's interpreter
 * takes a for-of step about four times as long as an indexed read (README, "Benchmarks").
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
  type Verdict,
  type FlakyPolicy,
  type FlakyProbe,
} from "../types.js";
import { isoDate, parseDate } from "../util/duration.js";
import { getProbe } from "../probes/index.js";
import type { Masker } from "../types.js";
import { createMasker, maskDeep } from "../util/mask.js";
import { waiverActive, type Plan, type PlannedItem } from "./plan.js";
import { blockedMessage, dependencyEvaluator, dependencyGraph } from "./depends.js";
import type { ExecuteResults } from "./execute.js";
import {
  applyItemGovernance,
  DEFAULT_WARN_DAYS,
  expiringSoon,
  governanceWarnings,
  levelsReport,
  openWork,
  outdatedReasons,
  outdatedSignoffs,
  type EvaluatedItem,
} from "./governance.js";
import type { OutdatedSignoff } from "../types.js";

export interface ScoreOptions {
  now: Date;
  /** Manual attestations earn no credit. */
  strict?: boolean;
  /** Overrides gate.go. */
  minScore?: number;
  /** gate.flaky: whether a probe that passed only after a failed attempt fails its item. */
  flaky?: FlakyPolicy;
}

/** Results that count as "not done" for the gates. A blocked item keeps its severity for the verdict. */
const FAILING: ReadonlySet<ItemResult> = new Set(["fail", "missing", "stale", "blocked"]);

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
    case "blocked":
      return 0;
    case "waived":
    case "skipped":
      return null;
  }
}

/** `round(100 × Σ weight × credit / Σ weight)` over items in the score; null when none are. */
export function weightedScore(items: Pick<ItemReport, "weight" | "credit">[], credit?: (i: Pick<ItemReport, "weight" | "credit">) => number): number | null {
  if (!credit) return plainScore(items);
  let total = 0;
  let earned = 0;
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as Pick<ItemReport, "weight" | "credit">;
    if (i.credit === null) continue;
    total += i.weight;
    earned += i.weight * credit(i);
  }
  if (total === 0) return null;
  return Math.round((100 * earned) / total);
}

/** `weightedScore` with each item's own credit: the same sums in the same order, without a call per item. */
function plainScore(items: Pick<ItemReport, "weight" | "credit">[]): number | null {
  let total = 0;
  let earned = 0;
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as Pick<ItemReport, "weight" | "credit">;
    if (i.credit === null) continue;
    total += i.weight;
    earned += i.weight * (i.credit ?? 0);
  }
  if (total === 0) return null;
  return Math.round((100 * earned) / total);
}

/** `weightedScore(items, verifiedCredit)`, without a call per item. */
function verifiedScore(items: Pick<ItemReport, "weight" | "credit" | "verified">[]): number | null {
  let total = 0;
  let earned = 0;
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as Pick<ItemReport, "weight" | "credit" | "verified">;
    if (i.credit === null) continue;
    total += i.weight;
    earned += i.weight * (i.verified ? (i.credit ?? 0) : 0);
  }
  if (total === 0) return null;
  return Math.round((100 * earned) / total);
}

/**
 * Evaluates one item from its plan entry and probe results. `blockedBy`: the root causes of the items
 * it depends on that do not pass (see depends.ts); an item they block is `blocked`, its probes not run.
 */
export function evaluateItem(p: PlannedItem, probeResults: (ProbeResult | undefined)[], options: ScoreOptions, masker?: Masker, blockedBy: readonly ItemReport[] = []): ItemReport {
  const item = p.item;
  const blocked = !p.skip && !p.waived && blockedBy.length > 0;
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
      message: r?.message ?? p.probes[j]?.skip ?? p.skip ?? (p.waived ? "not run: item waived" : blocked ? `not run: blocked by ${blockedBy.map((b) => b.id).join(", ")}` : "not run"),
      duration_ms: r?.duration_ms ?? 0,
    };
    if (rp.name) report.name = rp.name;
    if (r) {
      report.attempts = r.attempts;
      if (r.flaky) {
        report.flaky = true;
        if (r.first_failure !== undefined) report.first_failure = r.first_failure;
      }
      if (r.measurements) report.measurements = r.measurements;
      if (r.remeasured) report.remeasured = r.remeasured;
    }
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
  } else if (blocked) {
    result = "blocked";
    message = blockedMessage(blockedBy);
  } else if (item.probes.length > 0) {
    const failed = probes.find((r) => r.result === "fail");
    const skipped = probes.find((r) => r.result === "skipped");
    const flaky = options.flaky === "fail" ? probes.find((r) => r.flaky) : undefined;
    if (failed) {
      result = "fail";
      message = failed.message;
    } else if (flaky) {
      result = "fail";
      message = `flaky (gate.flaky: fail): ${flaky.target} passed on attempt ${flaky.attempts ?? "?"} after: ${flaky.first_failure ?? "a failed attempt"}`;
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
  if (item.depends_on?.length) report.depends_on = item.depends_on;
  if (blocked) report.blocked_by = blockedBy.map((b) => b.id);
  applyItemGovernance(item, report, options.now);
  return report;
}

function emptyCounts(): Counts {
  return Object.fromEntries(ITEM_RESULTS.map((r) => [r, 0])) as Counts;
}

/** Section reports mirroring the checklist's tree, with scores over each subtree. */
function sectionReports(sections: Section[], byItem: Map<Item, ItemReport>): SectionReport[] {
  const out: SectionReport[] = [];
  for (const s of sections) {
    const items: ItemReport[] = [];
    for (let k = 0; k < s.items.length; k++) {
      const r = byItem.get(s.items[k] as Item);
      if (r !== undefined) items.push(r);
    }
    const subs = sectionReports(s.sections, byItem);
    // The section's items, then its subsections' in document order: the order the sums are taken in.
    const all = subs.length ? [...items, ...collect(subs)] : items;
    out.push({ id: s.id, title: s.title, score: plainScore(all), verified_score: verifiedScore(all), sections: subs, items });
  }
  return out;
}

function collect(sections: SectionReport[]): ItemReport[] {
  return sections.flatMap((s) => [...s.items, ...collect(s.sections)]);
}

/** Every item report of a report, in order. */
export function allItems(report: Pick<Report, "sections">): ItemReport[] {
  return collect(report.sections);
}

/** The verdict and every reason that kept it from GO. */
export function decide(
  items: ItemReport[],
  score: number | null,
  verifiedScore: number | null,
  gate: Gate,
  missingSignoffs: string[],
  outdated: OutdatedSignoff[] = [],
  rejectedSignoffs: string[] = [],
): { verdict: Verdict; reasons: string[] } {
  const noGo: string[] = [];
  const conditional: string[] = [];
  const quote = (i: ItemReport): string => `"${i.title}" (${i.id})`;
  // What an item's failure does to the verdict on its own: NO-GO (2), CONDITIONAL (1) or nothing (0).
  const weightOf = (i: ItemReport): number =>
    !FAILING.has(i.result) || i.enforced === false ? 0 : gate.blocking.includes(i.severity) ? 2 : i.severity === "high" ? 1 : 0;
  // Blocked items are named once, with their root cause, in one reason per root cause.
  const blockedBy = blockedByRoot(items);
  const grouped = new Set<ItemReport>();
  for (const [root, blocked] of blockedBy) {
    grouped.add(root);
    for (const b of blocked) grouped.add(b);
  }
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as ItemReport;
    if (grouped.has(i)) continue;
    if (gate.blocking.includes(i.severity) && FAILING.has(i.result) && i.enforced !== false) {
      noGo.push(`blocking ${i.severity} item ${quote(i)} is ${i.result}${i.message ? `: ${i.message}` : ""}`);
    }
  }
  for (const [root, blocked] of blockedBy) {
    const own = weightOf(root);
    const level = Math.max(own, ...blocked.map(weightOf));
    if (level === 0) continue;
    const what = own === 2 ? `blocking ${root.severity} item` : `${root.severity} item`;
    const list = blocked.map((b) => `${quote(b)} [${b.severity}]`).join(", ");
    const reason = `${what} ${quote(root)} is ${root.result}${root.message ? `: ${root.message}` : ""}; it blocks ${blocked.length} item${blocked.length === 1 ? "" : "s"}: ${list}`;
    (level === 2 ? noGo : conditional).push(reason);
  }
  if (score === null) noGo.push("nothing to score: every item is skipped or waived");
  else if (score < gate.conditional) noGo.push(`score ${score} is below the CONDITIONAL threshold ${gate.conditional}`);
  if (score !== null && score >= gate.conditional && score < gate.go) conditional.push(`score ${score} is below the GO threshold ${gate.go}`);
  if (score !== null && gate.verified > 0 && (verifiedScore ?? 0) < gate.verified) {
    conditional.push(`verified score ${verifiedScore ?? 0} is below the required ${gate.verified}: too little of the score comes from passing probes (add probes, or set gate.verified: 0 to accept claims)`);
  }
  const contradicted = gate.contradicted ?? "conditional";
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as ItemReport;
    const blocks = gate.blocking.includes(i.severity) && FAILING.has(i.result) && i.enforced !== false;
    if (i.severity === "high" && FAILING.has(i.result) && !blocks && !grouped.has(i) && i.enforced !== false && !(i.contradicted && contradicted === "block")) {
      conditional.push(`high item ${quote(i)} is ${i.result}${i.message ? `: ${i.message}` : ""}`);
    }
    if (i.severity === "critical" && i.result === "waived" && i.waiver) conditional.push(`critical item ${quote(i)} is waived until ${i.waiver.until}`);
    // A claim its probes contradict: named once, unless a blocking failure already names the item.
    if (i.contradicted && !blocks && i.enforced !== false && contradicted !== "ignore") {
      const reason = `claim ${quote(i)} is contradicted: marked done, but its probe says: ${i.message ?? "fail"}`;
      if (contradicted === "block") noGo.push(reason);
      else if (i.severity !== "high") conditional.push(reason);
    }
  }
  for (const role of missingSignoffs) conditional.push(`sign-off missing: ${role}`);
  for (const r of rejectedSignoffs) conditional.push(r);
  for (const r of outdatedReasons(outdated, gate.signoffs)) conditional.push(r);
  const verdict: Verdict = noGo.length ? "NO-GO" : conditional.length ? "CONDITIONAL" : "GO";
  return { verdict, reasons: [...noGo, ...conditional] };
}

/**
 * The items each root cause blocks (result `blocked`), keyed by the root cause's report, in
 * checklist order. A root cause absent from `items` (a report built by hand) is not listed.
 */
export function blockedByRoot(items: readonly ItemReport[]): Map<ItemReport, ItemReport[]> {
  const out = new Map<ItemReport, ItemReport[]>();
  let byId: Map<string, ItemReport> | undefined;
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as ItemReport;
    if (i.result !== "blocked" || !i.blocked_by) continue;
    byId ??= new Map(items.map((x) => [x.id, x]));
    for (const id of i.blocked_by) {
      const root = byId.get(id);
      if (!root) continue;
      const list = out.get(root);
      if (list) list.push(i);
      else out.set(root, [i]);
    }
  }
  return out;
}

/** Probes that passed only after a failed attempt, in checklist order. */
export function flakyProbes(items: ItemReport[]): FlakyProbe[] {
  const out: FlakyProbe[] = [];
  for (const i of items) {
    for (const p of i.probes) {
      if (!p.flaky) continue;
      const entry: FlakyProbe = { id: i.id, title: i.title, target: p.target, attempts: p.attempts ?? 0, first_failure: p.first_failure ?? "" };
      if (p.name) entry.probe = p.name;
      out.push(entry);
    }
  }
  return out;
}

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
  const itemOptions: ScoreOptions = { ...options, flaky: checklist.gate.flaky };
  const evaluate = (i: number, roots: ItemReport[] = []): ItemReport => evaluateItem(planned.items[i] as PlannedItem, results[i] ?? [], itemOptions, options.masker, roots);
  // With depends_on, each item after the items it depends on (whatever their order in the file).
  const graph = dependencyGraph(planned.items);
  const ordered = graph ? dependencyEvaluator(graph, evaluate).report : evaluate;
  for (let i = 0; i < planned.items.length; i++) byItem.set((planned.items[i] as PlannedItem).item, ordered(i));
  const items: ItemReport[] = [];
  byItem.forEach((r) => items.push(r));
  const gate: Gate = { ...checklist.gate, go: options.minScore ?? checklist.gate.go };
  if (gate.conditional > gate.go) gate.conditional = gate.go;
  const score = plainScore(items);
  const verified = verifiedScore(items);
  // A sign-off of a role bound to people counts only once checked (checkSignoffs); otherwise it says why not.
  const rejected: string[] = [];
  const bound = new Set((gate.signers ?? []).map((r) => r.role));
  const present = checklist.signoffs.filter((s) => {
    if (!gate.signoffs.includes(s.role)) return false;
    if (!bound.has(s.role)) return true;
    const problem = checklist.signoffChecks?.[s.role];
    if (problem === null) return true;
    rejected.push(problem ?? `sign-off ${s.role} was not checked (git was not run): it does not count`);
    return false;
  });
  const missing = gate.signoffs.filter((r) => !checklist.signoffs.some((s) => s.role === r));
  const outdated = checklist.signoffs.length > 0 ? outdatedSignoffs(checklist.signoffs, [...byItem.keys()], gate) : [];
  const { verdict, reasons } = decide(items, score, verified, gate, missing, outdated, rejected);
  if (meta.interrupted) reasons.unshift("the run was interrupted: results are partial");
  const counts = emptyCounts();
  const warnings = checklist.warnings.map((w) => w.message);
  for (let k = 0; k < items.length; k++) {
    const i = items[k] as ItemReport;
    counts[i.result]++;
    if (i.waiver?.expired) warnings.push(`waiver of "${i.id}" expired on ${i.waiver.until}: it no longer applies`);
  }
  const evaluated: EvaluatedItem[] = [];
  for (let i = 0; i < planned.items.length; i++) {
    const p = planned.items[i] as PlannedItem;
    const r = byItem.get(p.item);
    if (r) evaluated.push({ item: p.item, report: r, results: results[i] ?? [] });
  }
  for (const w of governanceWarnings(evaluated, gate, options.now)) warnings.push(w);
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
  const flaky = flakyProbes(items);
  if (flaky.length) report.flaky = flaky;
  report.expiring = expiringSoon(evaluated, options.now, gate.warn_days ?? DEFAULT_WARN_DAYS);
  report.open_work = openWork(checklist, byItem, options.now);
  // Every string of the report, whatever field holds it, with the checklist's secrets masked.
  return maskDeep(report, options.masker ?? createMasker(checklist.secrets));
}
