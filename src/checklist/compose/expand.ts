/**
 * Item matrices expanded in one file's own sections, before the file is merged onto what it
 * extends: each entry of `matrix` gives a copy of the item with `${matrix.KEY}` substituted and
 * its id and title suffixed, unless they use the matrix themselves.
 */
import { slugify } from "../../util/text.js";
import { idSuffix, matrixEntries, substituteMatrix, titleSuffix, usesMatrix, validId, type MatrixEntry } from "../matrix.js";
import type { Path } from "../parse.js";
import { isObj, type ComposeIssues, type Obj } from "./origins.js";

/** A file's own document with every matrix of its sections expanded (the same object when it has no sections). */
export function expandFile(own: Obj, sink: ComposeIssues): Obj {
  if (!Array.isArray(own.sections)) return own;
  const c: Obj = { ...own, sections: expandSections(own.sections, sink) };
  sink.origins.copy(own, c);
  return c;
}

function expandSections(list: unknown, sink: ComposeIssues): unknown {
  if (!Array.isArray(list)) return list;
  const out = (list as unknown[]).map((s): unknown => {
    if (!isObj(s)) return s;
    const c: Obj = { ...s };
    sink.origins.copy(s, c);
    if (Array.isArray(s.items)) {
      const items = s.items.flatMap((it: unknown) => (isObj(it) && it.matrix !== undefined ? expandItem(it, sink) : [it]));
      sink.origins.copy(s.items, items);
      c.items = items;
    }
    if (Array.isArray(s.sections)) c.sections = expandSections(s.sections, sink);
    return c;
  });
  sink.origins.copy(list, out);
  return out;
}

/** The items one matrix item stands for; none when its matrix is invalid, entries that give a bad or repeated id left out (each an issue). */
export function expandItem(item: Obj, sink: ComposeIssues): Obj[] {
  let entries: MatrixEntry[];
  try {
    entries = matrixEntries(item.matrix);
  } catch (e) {
    sink.at(item, ["matrix"], (e as Error).message);
    return [];
  }
  const rawId = typeof item.id === "string" ? item.id : undefined;
  const rawTitle = typeof item.title === "string" ? item.title : undefined;
  const template: Obj = { ...item };
  delete template.matrix;
  sink.origins.copy(item, template);
  const ids = new Map<string, number>();
  const seen = new Set<string>();
  const out: Obj[] = [];
  entries.forEach((entry, k) => {
    const entryPath: Path = Array.isArray(item.matrix) ? ["matrix", k] : ["matrix"];
    // The same problem in every entry is said once.
    const report = (sub: Path, message: string): void => {
      const key = `${sub.join("/")}:${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      sink.at(item, sub, message);
    };
    const copy = substituteDeep(template, entry, report, [], sink) as Obj;
    if (rawId !== undefined && !usesMatrix(rawId)) copy.id = `${rawId}-${idSuffix(entry)}`;
    if (rawTitle !== undefined && !usesMatrix(rawTitle)) copy.title = `${rawTitle}${titleSuffix(entry)}`;
    if (rawId === undefined && typeof copy.title === "string" && !copy.title.includes("${")) copy.id = slugify(copy.title);
    const id = typeof copy.id === "string" ? copy.id : undefined;
    if (id !== undefined) {
      const idPath: Path = rawId !== undefined ? ["id"] : entryPath;
      if (!validId(id)) {
        sink.at(item, idPath, `matrix entry ${k + 1} (${Object.entries(entry).map(([a, b]) => `${a}=${b}`).join(", ")}) gives id "${id}", which is not a valid id (lowercase letters, digits, '-', '_', '.'): template the id from slug-safe values`);
        return;
      }
      const prev = ids.get(id);
      if (prev !== undefined) {
        sink.at(item, idPath, `matrix entries ${prev + 1} and ${k + 1} both give id "${id}": template the id with a key that differs between entries`);
        return;
      }
      ids.set(id, k);
    }
    out.push(copy);
  });
  return out;
}

/** A copy of `value` with `${matrix.KEY}` substituted in every string; copies remember where the originals were written. */
function substituteDeep(value: unknown, entry: MatrixEntry, report: (sub: Path, message: string) => void, sub: Path, sink: ComposeIssues): unknown {
  if (typeof value === "string") {
    const errors: string[] = [];
    const out = substituteMatrix(value, entry, errors);
    errors.forEach((m) => report(sub, m));
    return out;
  }
  if (Array.isArray(value)) {
    const out = value.map((v, i) => substituteDeep(v, entry, report, [...sub, i], sink));
    sink.origins.copy(value, out);
    return out;
  }
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteDeep(v, entry, report, [...sub, k], sink);
    sink.origins.copy(value, out);
    return out;
  }
  return value;
}
