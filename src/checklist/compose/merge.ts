/**
 * Merging a file (or a composed extended tree) onto what it extends: `vars`, `defaults`, `gate`
 * and `environments` key by key, sign-offs by role, sections and items by id wherever they sit in
 * the inherited tree, `drop: true` removing an inherited entry; later wins. Every merged node
 * keeps where it (and each of its keys) was written.
 */
import { nearest, slugify } from "../../util/text.js";
import { isObj, objects, type ComposeIssues, type Obj, type Origins } from "./origins.js";

/** Keys of the root that describe the file itself and are not inherited. */
const OWN_KEYS = new Set(["name", "owner", "description", "$schema", "extends", "environments"]);

/** Merges `top` onto `base`. Ids of the items a drop removes are added to `dropped`. */
export function merge(base: Obj, top: Obj, sink: ComposeIssues, dropped: string[]): Obj {
  const { origins } = sink;
  const out: Obj = {};
  const topOrigin = origins.of(top);
  if (topOrigin) origins.copy(top, out);
  const keys = [...new Set([...Object.keys(base), ...Object.keys(top)])];
  for (const key of keys) {
    if (key === "extends" || key === "environments") continue;
    const inBase = key in base && !OWN_KEYS.has(key);
    const inTop = key in top;
    if (!inBase && !inTop) continue;
    const from = inTop ? top : base;
    let value: unknown;
    switch (key) {
      case "vars":
      case "defaults":
      case "gate":
        value = inBase && inTop ? mergeMap(base[key], top[key], origins) : from[key];
        break;
      case "signoffs":
        value = inBase && inTop ? mergeSignoffs(base[key], top[key]) : from[key];
        break;
      case "sections":
        value = new SectionMerge(sink, dropped).run(inBase ? base[key] : [], inTop ? top[key] : []);
        break;
      default:
        value = from[key];
    }
    out[key] = value;
    origins.setKey(out, key, origins.ofKey(from, key));
  }
  // Environments are inherited (unlike the other own keys): merge them by name.
  if (isObj(base.environments) || isObj(top.environments)) {
    out.environments = mergeEnvironments(base.environments, top.environments, origins);
    origins.setKey(out, "environments", origins.ofKey(isObj(top.environments) ? top : base, "environments"));
  }
  return out;
}

/** Key-by-key merge of two mappings (vars, defaults, gate): `b` wins. */
export function mergeMap(a: unknown, b: unknown, origins: Origins): unknown {
  if (!isObj(a)) return b;
  if (!isObj(b)) return a;
  const out: Obj = { ...a };
  origins.copy(a, out);
  for (const [k, v] of Object.entries(b)) {
    out[k] = v;
    origins.setKey(out, k, origins.ofKey(b, k));
  }
  return out;
}

/** Environments merge by name, each one's vars, defaults and gate key by key; a description is replaced. */
export function mergeEnvironments(a: unknown, b: unknown, origins: Origins): unknown {
  if (!isObj(a)) return b;
  if (!isObj(b)) return a;
  const out: Obj = { ...a };
  origins.copy(a, out);
  for (const [name, env] of Object.entries(b)) {
    const prev = out[name];
    if (isObj(prev) && isObj(env)) {
      const merged: Obj = { ...prev };
      origins.copy(prev, merged);
      for (const [k, v] of Object.entries(env)) {
        merged[k] = k === "description" ? v : mergeMap(prev[k], v, origins);
        origins.setKey(merged, k, origins.ofKey(env, k));
      }
      out[name] = merged;
    } else out[name] = env;
    origins.setKey(out, name, origins.ofKey(b, name));
  }
  return out;
}

/** Sign-offs merge by role: a later file's sign-off of a role replaces an inherited one. */
export function mergeSignoffs(a: unknown, b: unknown): unknown {
  if (!Array.isArray(a)) return b;
  if (!Array.isArray(b)) return a;
  const mine = objects(b);
  const roles = new Set(mine.map((s) => s.role));
  return [...objects(a).filter((s) => !roles.has(s.role)), ...mine];
}

/** The id of a section or item: written, or made from its title. */
export const entryId = (o: Obj): string | undefined => (typeof o.id === "string" ? o.id : typeof o.title === "string" ? slugify(o.title) : undefined);

interface Entry {
  kind: "section" | "item";
  node: Obj;
  list: Obj[];
}

/**
 * One merge of a file's sections onto inherited ones. The inherited tree is copied (so merging
 * never changes a composed file another extends may share) and indexed by id; the file's
 * sections and items then override, add to or drop from it.
 */
class SectionMerge {
  /** Every inherited (and, as they are added, new) section and item by id. */
  private readonly index = new Map<string, Entry>();
  /** Ids this file has already written: a second one is a new entry (resolve reports the duplicate). */
  private readonly defined = new Set<string>();
  private readonly origins: Origins;

  constructor(
    private readonly sink: ComposeIssues,
    private readonly dropped: string[],
  ) {
    this.origins = sink.origins;
  }

  run(baseList: unknown, topList: unknown): Obj[] {
    const roots = this.register(objects(baseList));
    this.applySections(objects(topList), roots);
    return roots;
  }

  /** Copies the inherited sections (their item lists too) and indexes them and their items by id. */
  private register(list: Obj[]): Obj[] {
    const out: Obj[] = [];
    for (const s of list) {
      const c: Obj = { ...s };
      this.origins.copy(s, c);
      const items = [...objects(s.items)];
      c.items = items;
      c.sections = this.register(objects(s.sections));
      for (const it of items) {
        const id = entryId(it);
        if (id !== undefined && !this.index.has(id)) this.index.set(id, { kind: "item", node: it, list: items });
      }
      const id = entryId(c);
      if (id !== undefined && !this.index.has(id)) this.index.set(id, { kind: "section", node: c, list: out });
      out.push(c);
    }
    return out;
  }

  /** A dropped section's items are dropped with it. */
  private forget(node: Obj): void {
    for (const it of objects(node.items)) {
      const id = entryId(it);
      if (id !== undefined) this.dropped.push(id);
      if (id !== undefined && this.index.get(id)?.node === it) this.index.delete(id);
    }
    for (const s of objects(node.sections)) {
      const id = entryId(s);
      if (id !== undefined && this.index.get(id)?.node === s) this.index.delete(id);
      this.forget(s);
    }
  }

  private drop(id: string, kind: Entry["kind"], entry: Obj): void {
    const e = this.index.get(id);
    if (!e) {
      const guess = nearest(id, this.index.keys());
      this.sink.at(entry, ["drop"], `drop: nothing inherited has id "${id}"${guess ? ` — did you mean "${guess}"?` : ""}; nothing was dropped`, "warning", true);
      return;
    }
    if (e.kind !== kind) {
      this.sink.at(entry, ["drop"], `drop: "${id}" is ${e.kind === "item" ? "an item" : "a section"} (${this.sink.where(e.node)}), but is dropped as ${kind === "item" ? "an item" : "a section"}: move the drop to the right place`);
      return;
    }
    const k = e.list.indexOf(e.node);
    if (k >= 0) e.list.splice(k, 1);
    this.index.delete(id);
    if (kind === "section") this.forget(e.node);
    else this.dropped.push(id);
  }

  private missingTitle(node: Obj, kind: "item" | "section"): void {
    const origin = this.origins.of(node);
    const last = origin?.path[origin.path.length - 1];
    this.sink.at(node, [], `missing required key "title" in ${last === undefined ? kind : `entry ${String(last)}`}`);
  }

  /**
   * A file's section or item, before it is applied: its id, and the inherited entry it overrides
   * (none for a new one, or for an id this file already wrote). Undefined when it is not applied: it
   * has no title nor id, it is a drop (done here), or its id is the other kind's.
   */
  private claim(entry: Obj, kind: Entry["kind"]): { id: string; existing?: Entry } | undefined {
    const id = entryId(entry);
    if (id === undefined) {
      this.missingTitle(entry, kind);
      return undefined;
    }
    if (entry.drop === true) {
      this.drop(id, kind, entry);
      return undefined;
    }
    const existing = this.defined.has(id) ? undefined : this.index.get(id);
    this.defined.add(id);
    if (existing && existing.kind !== kind) {
      const what = (k: Entry["kind"]): string => (k === "item" ? "an item" : "a section");
      this.sink.at(entry, typeof entry.id === "string" ? ["id"] : [], `"${id}" is ${what(existing.kind)} in ${this.sink.where(existing.node)}: ${what(kind)} cannot override it (ids are unique across sections and items)`);
      return undefined;
    }
    return { id, existing };
  }

  /** An inherited item with a later file's keys over it (lists replaced, not merged). */
  private mergeItem(a: Obj, b: Obj, id: string): Obj {
    const out: Obj = { ...a };
    this.origins.copy(a, out);
    for (const [k, v] of Object.entries(b)) {
      if (k === "drop") continue;
      out[k] = v;
      this.origins.setKey(out, k, this.origins.ofKey(b, k));
    }
    if (a.id === undefined && b.id === undefined && typeof b.title === "string" && slugify(b.title) !== id) out.id = id;
    const ob = this.origins.of(b);
    this.origins.overrides.set(out, [...(this.origins.overrides.get(a) ?? []), ...(ob ? [ob] : [])]);
    if (typeof out.title === "string") this.origins.partial.delete(out);
    return out;
  }

  private withoutDrop(o: Obj): Obj {
    const c: Obj = { ...o };
    delete c.drop;
    this.origins.copy(o, c);
    return c;
  }

  private applyItems(items: Obj[], host: Obj): void {
    const hostItems = host.items as Obj[];
    for (const it of items) {
      const claimed = this.claim(it, "item");
      if (!claimed) continue;
      const { id, existing } = claimed;
      if (existing) {
        const merged = this.mergeItem(existing.node, it, id);
        const k = existing.list.indexOf(existing.node);
        if (k >= 0) existing.list[k] = merged;
        existing.node = merged;
        continue;
      }
      const clean = it.drop === undefined ? it : this.withoutDrop(it);
      // No title and nothing to override yet: a later file may complete it, else it is an error.
      if (typeof it.title !== "string") this.origins.partial.add(clean);
      hostItems.push(clean);
      if (!this.index.has(id)) this.index.set(id, { kind: "item", node: clean, list: hostItems });
    }
  }

  private applySections(list: Obj[], target: Obj[]): void {
    for (const s of list) {
      const claimed = this.claim(s, "section");
      if (!claimed) continue;
      const { id, existing } = claimed;
      let host: Obj;
      if (existing) {
        host = existing.node;
        for (const [k, v] of Object.entries(s)) {
          if (k === "items" || k === "sections" || k === "drop") continue;
          host[k] = v;
          this.origins.setKey(host, k, this.origins.ofKey(s, k));
        }
        if (typeof host.title === "string") this.origins.partial.delete(host);
      } else {
        host = { ...s, items: [], sections: [] };
        delete host.drop;
        this.origins.copy(s, host);
        if (typeof s.title !== "string") this.origins.partial.add(host);
        target.push(host);
        if (!this.index.has(id)) this.index.set(id, { kind: "section", node: host, list: target });
      }
      this.applyItems(objects(s.items), host);
      this.applySections(objects(s.sections), host.sections as Obj[]);
    }
  }
}
