/**
 * What will run: items in checklist order, which are selected, which probes are skipped and why.
 * Pure: no I/O.
 */
import { flattenItems } from "../checklist/items.js";
import { ReadinessError } from "../errors.js";
import { getProbe } from "../probes/index.js";
import { SEVERITIES, type Checklist, type Item, type ResolvedProbe, type Section } from "../types.js";
import { parseDate } from "../util/duration.js";
import { nearest } from "../util/text.js";

/** `ID`, `section:ID`, `tag:NAME` or `severity:LEVEL`. */
export interface Selector {
  kind: "id" | "section" | "tag" | "severity";
  value: string;
  raw: string;
}

export interface PlanOptions {
  only?: string[];
  skip?: string[];
  /** Do not run probes that execute commands (always so for a checklist loaded with `untrusted`). */
  noExec?: boolean;
  now?: () => Date;
  /** Replaces the timeout of every probe that does not set its own. */
  timeoutMs?: number;
}

export interface PlannedProbe {
  probe: ResolvedProbe;
  /** Why the probe will not run, if it will not. */
  skip?: string;
}

export interface PlannedItem {
  item: Item;
  /** Why the item as a whole is not evaluated (filtered out, n/a), if so. */
  skip?: string;
  /** The item has an active waiver: its probes are not run. */
  waived: boolean;
  probes: PlannedProbe[];
}

export interface Plan {
  checklist: Checklist;
  items: PlannedItem[];
  only: string[];
  skip: string[];
  noExec: boolean;
}

function allIds(sections: Section[]): { items: Set<string>; sections: Set<string>; tags: Set<string> } {
  const items = new Set<string>();
  const secs = new Set<string>();
  const tags = new Set<string>();
  const walk = (s: Section): void => {
    secs.add(s.id);
    for (const i of s.items) {
      items.add(i.id);
      i.tags.forEach((t) => tags.add(t));
    }
    s.sections.forEach(walk);
  };
  sections.forEach(walk);
  return { items, sections: secs, tags };
}

/** Parses selectors and checks that each names something in the checklist. */
export function parseSelectors(raw: string[], checklist: Checklist, option: string): Selector[] {
  // Collecting every id walks the whole checklist (~20 ms at 2,000 items): only when there is a selector to check.
  if (raw.length === 0) return [];
  const known = allIds(checklist.sections);
  return raw.map((r) => {
    const m = /^(section|tag|severity):(.+)$/.exec(r);
    const kind = (m?.[1] ?? "id") as Selector["kind"];
    const value = m?.[2] ?? r;
    const fail = (what: string, pool: Iterable<string>): never => {
      const guess = nearest(value, pool);
      throw new ReadinessError(`${option} ${r}: no ${what} "${value}" in the checklist${guess ? ` — did you mean "${guess}"?` : ""}`, { code: "ESELECTOR" });
    };
    if (kind === "severity" && !(SEVERITIES as readonly string[]).includes(value)) fail("severity", SEVERITIES);
    if (kind === "section" && !known.sections.has(value)) fail("section", known.sections);
    if (kind === "tag" && !known.tags.has(value)) fail("tag", known.tags);
    if (kind === "id" && !known.items.has(value) && !known.sections.has(value)) {
      if (/^[a-z]+:/.test(r)) throw new ReadinessError(`${option} ${r}: unknown selector kind; use ID, section:ID, tag:NAME or severity:LEVEL`, { code: "ESELECTOR" });
      fail("item or section", [...known.items, ...known.sections]);
    }
    return { kind, value, raw: r };
  });
}

function matches(sel: Selector, item: Item): boolean {
  switch (sel.kind) {
    case "id":
      return item.id === sel.value || item.sectionPath.includes(sel.value);
    case "section":
      return item.sectionPath.includes(sel.value);
    case "tag":
      return item.tags.includes(sel.value);
    case "severity":
      return item.severity === sel.value;
  }
}

/** True when a waiver's last day (`until`, inclusive) has not passed. */
export function waiverActive(until: string, now: Date): boolean {
  const d = parseDate(until);
  return d !== undefined && now.getTime() < d.getTime() + 86_400_000;
}

/** Whether the probe spawns a process (a command probe, a metric read from a command). */
export function executes(p: ResolvedProbe): boolean {
  const probe = getProbe(p.type);
  const e = probe?.executes;
  return typeof e === "function" ? e(p.spec) : Boolean(e);
}

/** Builds the plan for a checklist. Throws a `ReadinessError` for a selector naming nothing. */
export function plan(checklist: Checklist, options: PlanOptions = {}): Plan {
  const now = (options.now ?? (() => new Date()))();
  const only = parseSelectors(options.only ?? [], checklist, "--only");
  const skip = parseSelectors(options.skip ?? [], checklist, "--skip");
  // A checklist loaded with --untrusted runs no program: its skips name that flag, the one the user gave.
  const noExec = Boolean(options.noExec) || checklist.untrusted === true;
  const noExecSkip = checklist.untrusted ? "not run: --untrusted (no program runs for an untrusted checklist)" : "not run: --no-exec (command probes are not executed)";
  const items = flattenItems(checklist.sections).map((item): PlannedItem => {
    const probes: PlannedProbe[] = item.probes.map((probe) => {
      const p = options.timeoutMs && probe.spec.timeout === undefined ? { ...probe, timeoutMs: options.timeoutMs } : probe;
      return noExec && executes(p) ? { probe: p, skip: noExecSkip } : { probe: p };
    });
    const planned: PlannedItem = { item, waived: false, probes };
    if (only.length && !only.some((s) => matches(s, item))) planned.skip = "not selected (--only)";
    else if (skip.some((s) => matches(s, item))) planned.skip = "skipped (--skip)";
    else if (item.status === "n/a") planned.skip = `n/a${item.reason ? `: ${item.reason}` : ""}`;
    else if (item.waiver && waiverActive(item.waiver.until, now)) planned.waived = true;
    return planned;
  });
  return { checklist, items, only: options.only ?? [], skip: options.skip ?? [], noExec };
}

/** Whether the planned item's probes will run. */
export function runsProbes(p: PlannedItem): boolean {
  return !p.skip && !p.waived && p.probes.some((pp) => !pp.skip);
}
