/**
 * The last step of resolving: every `depends_on` list checked once every item id is known.
 */
import type { Item } from "../../types.js";
import { nearest } from "../../util/text.js";
import type { Path } from "../parse.js";
import type { IssueSink, PathOf } from "./issues.js";

/** An item with `depends_on`, and where it is. */
export interface Dependent {
  item: Item;
  pathOf: PathOf;
}

/**
 * Checks every `depends_on` list: each entry names another item of the checklist (or one that
 * composition dropped, which blocks nothing), once, and no chain of them comes back to where it
 * started. Each error points at the offending entry.
 */
export function checkDependencies(dependents: readonly Dependent[], itemIds: ReadonlySet<string>, dropped: ReadonlySet<string>, issues: IssueSink): void {
  const byId = new Map<string, Dependent>();
  for (const d of dependents) if (!byId.has(d.item.id)) byId.set(d.item.id, d);
  const entry = (d: Dependent, k: number): Path => [...d.pathOf(), "depends_on", k];
  for (const d of dependents) {
    const list = d.item.depends_on ?? [];
    list.forEach((id, k) => {
      if (id === d.item.id) issues.error(entry(d, k), `depends_on: item "${id}" cannot depend on itself`);
      else if (!itemIds.has(id) && !dropped.has(id)) {
        const guess = nearest(id, itemIds);
        issues.error(entry(d, k), `depends_on: no item "${id}" in the checklist${guess ? ` — did you mean "${guess}"?` : ""}`);
      } else if (list.indexOf(id) !== k) issues.error(entry(d, k), `depends_on: "${id}" is listed twice`);
    });
  }
  // Cycles: a depth-first walk; an entry leading back to an item still on the walk closes one.
  const state = new Map<string, "walking" | "done">();
  const stack: string[] = [];
  const walk = (d: Dependent): void => {
    state.set(d.item.id, "walking");
    stack.push(d.item.id);
    (d.item.depends_on ?? []).forEach((id, k) => {
      if (id === d.item.id) return;
      const next = byId.get(id);
      if (!next) return;
      const seen = state.get(id);
      if (seen === "walking") {
        const cycle = [...stack.slice(stack.indexOf(id)), id];
        issues.error(entry(d, k), `depends_on: "${id}" makes a cycle: ${cycle.join(" → ")}`);
      } else if (seen === undefined) walk(next);
    });
    stack.pop();
    state.set(d.item.id, "done");
  };
  for (const d of dependents) if (!state.has(d.item.id)) walk(d);
}
