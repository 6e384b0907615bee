/**
 * Dependencies between items (`depends_on`): which items of a plan wait for which, and which are
 * blocked by a dependency that does not pass, traced to their root causes. Pure: the executor uses
 * it to decide whether an item's probes run, scoring to report the item as `blocked`, with the same
 * rule, so the two always agree.
 *
 * The rule: a dependency passes when it is `pass` or `attested` (its result, as the report gives it);
 * it is set aside, and blocks nothing, when it is `skipped` (filtered by --only/--skip, n/a, not run)
 * or `waived`; any other result (`fail`, `missing`, `stale`, `partial`, `blocked`) blocks.
 */
import type { ItemReport, ItemResult } from "../types.js";
import type { PlannedItem } from "./plan.js";

/** Results of a dependency that block the items depending on it. */
export const BLOCKING_DEPENDENCY: ReadonlySet<ItemResult> = new Set(["fail", "missing", "stale", "partial", "blocked"]);

/** The plan's dependencies as indices into its items; undefined when no item has `depends_on`. */
export interface DependencyGraph {
  /** Per item, the indices of the items it depends on. */
  deps: (number[] | undefined)[];
  /** Per item, the indices of the items that depend on it. */
  dependents: (number[] | undefined)[];
}

export function dependencyGraph(items: readonly PlannedItem[]): DependencyGraph | undefined {
  let any = false;
  for (let i = 0; i < items.length && !any; i++) any = Boolean((items[i] as PlannedItem).item.depends_on?.length);
  if (!any) return undefined;
  const index = new Map<string, number>();
  items.forEach((p, i) => {
    if (!index.has(p.item.id)) index.set(p.item.id, i);
  });
  const deps: (number[] | undefined)[] = [];
  const dependents: (number[] | undefined)[] = [];
  items.forEach((p, i) => {
    for (const id of p.item.depends_on ?? []) {
      const k = index.get(id);
      // An unknown id or a self-reference is a validation error; an item built through the API that has one waits for nothing.
      if (k === undefined || k === i || deps[i]?.includes(k)) continue;
      (deps[i] ??= []).push(k);
      (dependents[k] ??= []).push(i);
    }
  });
  return { deps, dependents };
}

/** How an item report reads once its root causes (empty when nothing blocks it) are known. */
export type EvaluateWithRoots = (index: number, roots: ItemReport[]) => ItemReport;

/**
 * Evaluates items on demand, each after the items it depends on, passing it the root causes that
 * block it: the failing items at the ends of its dependency chains (a → b → c with c failing: b and
 * a are blocked, both by c). A cycle (rejected when the checklist is validated) is cut where it closes.
 */
export function dependencyEvaluator(graph: DependencyGraph, evaluate: EvaluateWithRoots): { report: (index: number) => ItemReport; roots: (index: number) => ItemReport[] } {
  const reports: (ItemReport | undefined)[] = [];
  const found: (ItemReport[] | undefined)[] = [];
  const visiting = new Set<number>();
  const roots = (i: number): ItemReport[] => {
    const known = found[i];
    if (known) return known;
    visiting.add(i);
    const out: ItemReport[] = [];
    for (const k of graph.deps[i] ?? []) {
      if (visiting.has(k)) continue;
      const d = report(k);
      const causes = d.result === "blocked" ? roots(k) : BLOCKING_DEPENDENCY.has(d.result) ? [d] : [];
      for (const c of causes) if (!out.includes(c)) out.push(c);
    }
    visiting.delete(i);
    found[i] = out;
    return out;
  };
  const report = (i: number): ItemReport => (reports[i] ??= evaluate(i, roots(i)));
  return { report, roots };
}

/** How a root cause reads in a blocked item's message: `redis-up failed: 127.0.0.1:6380: connection refused`. */
export function rootCauseText(root: Pick<ItemReport, "id" | "result" | "message">): string {
  const what = root.result === "fail" ? "failed" : `is ${root.result}`;
  return `${root.id} ${what}${root.message ? `: ${root.message}` : ""}`;
}

/** The message of a blocked item: `blocked: redis-up failed: …`, each root cause once. */
export function blockedMessage(roots: readonly ItemReport[]): string {
  return `blocked: ${roots.map(rootCauseText).join("; ")}`;
}
