/**
 * The view model every reporter shares: one walk over a `Report` that finds the failing items,
 * contradicted claims, stale attestations, waivers and missing sign-offs, so that every format
 * shows the same facts in the same order. Pure functions of the report; no wording beyond labels.
 */
import { SEVERITIES } from "../types.js";
import type { ItemReport, ItemResult, Report, SectionReport, Severity, Verdict } from "../types.js";

/** Results that count against readiness: the item is not done, or its evidence says it is not. */
export const FAILING_RESULTS: readonly ItemResult[] = ["fail", "missing", "stale", "blocked"];

/** A waiver ending within this many days of the run is flagged as expiring. */
export const EXPIRING_WAIVER_DAYS = 14;

/** Separator between the titles of nested sections: `Infrastructure › Databases`. */
export const PATH_SEPARATOR = " › ";

/** A section with where it sits: its titles from the outermost, and its depth (0 for top level). */
export interface FlatSection {
  section: SectionReport;
  path: string[];
  depth: number;
}

/** An item with the titles of its enclosing sections, outermost first. */
export interface LocatedItem {
  item: ItemReport;
  path: string[];
}

/** A waiver as reports show it: active, expiring soon, or expired (and therefore ignored). */
export interface WaiverView extends LocatedItem {
  waiver: NonNullable<ItemReport["waiver"]>;
  /** Whole days from the run's date to the waiver's `until` (negative once expired). */
  daysLeft: number | null;
  expiring: boolean;
}

/** Everything a reporter lists besides the per-section tables. */
export interface ReportSummary {
  sections: FlatSection[];
  items: LocatedItem[];
  /** fail / missing / stale items, most severe first, then in checklist order. */
  failing: LocatedItem[];
  contradicted: LocatedItem[];
  stale: LocatedItem[];
  waivers: WaiverView[];
  missingSignoffs: string[];
  /** Items by total probe time, slowest first (at most five, only those with probes). */
  slowest: { item: LocatedItem; ms: number }[];
}

/** Whether a result counts against readiness (fail, missing, stale, blocked by a dependency). */
export function isFailing(result: ItemResult): boolean {
  return result === "fail" || result === "missing" || result === "stale" || result === "blocked";
}

/** Sections in document order (pre-order), each with its title path. */
export function flattenSections(sections: readonly SectionReport[], parent: string[] = []): FlatSection[] {
  const out: FlatSection[] = [];
  flattenInto(sections, parent, out);
  return out;
}

function flattenInto(sections: readonly SectionReport[], parent: string[], out: FlatSection[]): void {
  for (const section of sections) {
    const path = [...parent, section.title];
    out.push({ section, path, depth: parent.length });
    flattenInto(section.sections, path, out);
  }
}

/** Every item in document order with its section path. */
export function allItems(sections: readonly SectionReport[]): LocatedItem[] {
  return locate(flattenSections(sections));
}

/** The items of flattened sections, in order, each with its section's path (shared by the section's items). */
function locate(sections: readonly FlatSection[]): LocatedItem[] {
  const out: LocatedItem[] = [];
  for (const { section, path } of sections) for (const item of section.items) out.push({ item, path });
  return out;
}

/** `Infrastructure › Databases`. */
export function pathLabel(path: readonly string[]): string {
  return path.join(PATH_SEPARATOR);
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const RESULT_RANK: Record<ItemResult, number> = {
  fail: 0,
  stale: 1,
  missing: 2,
  blocked: 3,
  partial: 3,
  waived: 4,
  attested: 5,
  skipped: 6,
  pass: 7,
};

/** Sort order: most severe first, contradicted claims before other failures, then result, then checklist order. */
export function bySeverity(a: LocatedItem, b: LocatedItem): number {
  return (
    SEVERITY_RANK[a.item.severity] - SEVERITY_RANK[b.item.severity] ||
    Number(b.item.contradicted) - Number(a.item.contradicted) ||
    RESULT_RANK[a.item.result] - RESULT_RANK[b.item.result]
  );
}

/** Severities, most severe first (re-exported for views). */
export const SEVERITY_ORDER = SEVERITIES;

/** Verdicts from best to worst; the index is how bad a verdict is. */
export const VERDICT_RANK: Record<Verdict, number> = { GO: 0, CONDITIONAL: 1, "NO-GO": 2 };

/** Whole days from `fromIso` (a timestamp or date) to the ISO date `toDate`, in UTC. */
export function daysBetween(fromIso: string, toDate: string): number | null {
  const from = Date.parse(fromIso.slice(0, 10) + "T00:00:00Z");
  const to = Date.parse(toDate.slice(0, 10) + "T00:00:00Z");
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.round((to - from) / 86_400_000);
}

/** Builds the shared view of a report. */
export function summarize(report: Report): ReportSummary {
  const sections = flattenSections(report.sections);
  const items = locate(sections);
  const failing: LocatedItem[] = [];
  const contradicted: LocatedItem[] = [];
  const stale: LocatedItem[] = [];
  const waivers: WaiverView[] = [];
  // The five slowest items with probes, slowest first, ties in checklist order (as a stable sort).
  const slowest: { item: LocatedItem; ms: number }[] = [];
  for (const l of items) {
    const item = l.item;
    const result = item.result;
    if (isFailing(result)) failing.push(l);
    if (item.contradicted) contradicted.push(l);
    if (result === "stale") stale.push(l);
    if (item.probes.length > 0) {
      const ms = itemDuration(item);
      if (slowest.length < 5 || ms > (slowest[4] as { ms: number }).ms) {
        let at = slowest.length;
        while (at > 0 && (slowest[at - 1] as { ms: number }).ms < ms) at--;
        slowest.splice(at, 0, { item: l, ms });
        if (slowest.length > 5) slowest.pop();
      }
    }
    const waiver = item.waiver;
    if (!waiver) continue;
    const daysLeft = daysBetween(report.started_at, waiver.until);
    const expiring = !waiver.expired && daysLeft !== null && daysLeft <= EXPIRING_WAIVER_DAYS;
    waivers.push({ ...l, waiver, daysLeft, expiring });
  }
  // Expired first (they no longer protect anything), then the soonest to expire.
  waivers.sort(
    (a, b) =>
      Number(b.waiver.expired) - Number(a.waiver.expired) ||
      (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) ||
      SEVERITY_RANK[a.item.severity] - SEVERITY_RANK[b.item.severity],
  );
  failing.sort(bySeverity);
  contradicted.sort(bySeverity);
  stale.sort(bySeverity);
  return {
    sections,
    items,
    failing,
    contradicted,
    stale,
    waivers,
    missingSignoffs: report.signoffs.missing,
    slowest,
  };
}

/** Total probe time of an item, in milliseconds. */
export function itemDuration(item: ItemReport): number {
  let sum = 0;
  for (const p of item.probes) sum += Number.isFinite(p.duration_ms) ? p.duration_ms : 0;
  return sum;
}

/**
 * The one-line cause shown next to an item: why it fails, what was claimed, why it is waived or
 * skipped. Not yet escaped: each view escapes it for its format.
 */
export function itemCause(item: ItemReport): string {
  switch (item.result) {
    case "fail": {
      const cause =
        item.message ??
        (item.probes
          .filter((p) => p.result === "fail")
          .map((p) => p.message)
          .join("; ") ||
          "a probe failed");
      return item.contradicted ? `claimed done, but ${cause}` : cause;
    }
    case "missing":
      return item.message ?? (item.status ? `status: ${item.status}` : "no probes and no attestation");
    case "stale":
      return (
        item.message ??
        `attestation${item.attested_by ? ` by ${item.attested_by}` : ""}${item.attested_at ? ` on ${item.attested_at}` : ""} expired${item.expires_at ? ` ${item.expires_at}` : ""}`
      );
    case "attested":
      return (
        item.message ??
        `attested${item.attested_by ? ` by ${item.attested_by}` : ""}${item.attested_at ? ` on ${item.attested_at}` : ""}${item.expires_at ? `, expires ${item.expires_at}` : ""}`
      );
    case "partial":
      return item.message ?? "partially done";
    case "blocked":
      return item.message ?? `blocked by ${item.blocked_by?.join(", ") ?? "a dependency"}`;
    case "waived":
      return item.waiver
        ? `waived until ${item.waiver.until} by ${item.waiver.by}: ${item.waiver.reason}`
        : (item.message ?? "waived");
    case "skipped":
      return item.message ?? "skipped";
    case "pass":
      return item.message ?? "";
    default:
      // A result outside the known ones (a Report built through the library API).
      return item.message ?? "";
  }
}

/** Score as text: `87`, or `—` when nothing is scored. */
/**
 * How much of the score is only claimed: `"72 of the 100 points rest on claims nobody verified
 * (3 attested, 1 partial)"`, or undefined when every point comes from probes. Every report says it.
 */
export function claimedNote(report: Pick<Report, "score" | "verified_score" | "counts">): string | undefined {
  if (report.score === null || report.verified_score === null) return undefined;
  const claimed = report.score - report.verified_score;
  if (claimed <= 0) return undefined;
  const parts = [report.counts.attested ? `${report.counts.attested} attested` : "", report.counts.partial ? `${report.counts.partial} partial` : ""].filter(Boolean);
  return `${claimed} of the ${report.score} points rest on claims nobody verified${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

export function formatScore(score: number | null): string {
  return score === null ? "—" : String(score);
}

/** A signed delta: `+5`, `-3`, `±0`, or `—`. */
export function formatDelta(delta: number | null): string {
  if (delta === null) return "—";
  if (delta === 0) return "±0";
  return delta > 0 ? `+${delta}` : String(delta);
}
