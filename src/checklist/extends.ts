/**
 * Composition: `extends`, item matrices, `drop`, environments and `--var`, applied to schema-valid
 * parsed files before `resolve` sees one merged document.
 *
 * - `extends: [./baseline.yaml, @acme/readiness-baseline]`: local files relative to the file naming
 *   them, npm packages resolved from node_modules the way ESLint shareable configs are. Each file is
 *   composed on its own (its own extends first), then the entries are merged in order and the file
 *   itself last: later wins.
 * - Sections and items merge by id, wherever they sit in the inherited tree (ids are unique across
 *   the whole checklist). A repeated item's keys replace the inherited ones, lists included (`probes`,
 *   `tags`); `drop: true` removes the inherited item or section.
 * - `vars`, `defaults`, `gate` and `environments` merge key by key; `name`, `owner` and
 *   `description` belong to the file that names them and are not inherited.
 *
 * Every node of the merged document remembers where it was written, so `locate(path)` points at the
 * defining file's line and every later issue, `Item.loc` and report line names the right file.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ReadinessError } from "../errors.js";
import type { Checklist, Issue, Section, SourceLocation } from "../types.js";
import { nearest, slugify } from "../util/text.js";
import { unknownEnvironmentMessage } from "./environments.js";
import { idSuffix, matrixEntries, substituteMatrix, titleSuffix, usesMatrix, validId, type MatrixEntry } from "./matrix.js";
import { parseYaml, pointer, type ParsedYaml, type Path } from "./parse.js";
import { decodeChecklist, MAX_CHECKLIST_BYTES } from "./read.js";
import { validateSchema } from "./validate.js";

/** Options that change how files compose. */
export interface ComposeOptions {
  /** `--env NAME`: apply `environments.NAME`. */
  environment?: string;
  /** `--var KEY=VALUE`: the highest-precedence variables (also seen by vars that use them). */
  vars?: Record<string, string>;
  /** `--untrusted`: extends only files inside the root checklist's directory, never a package. */
  untrusted?: { allowEnv?: string[] };
}

export interface ComposeResult {
  /** The merged document, as `resolve` consumes it; `locate` points into the defining files. */
  parsed: ParsedYaml;
  /** Errors and warnings of composing (and of parsing or validating the extended files). */
  issues: Issue[];
  /** Every file read, the root first, as shown in messages. */
  files: string[];
  /** Names of the environments the merged checklist defines. */
  environments: string[];
  /** Ids of the items `drop` removed (a `depends_on` naming one is not an unknown id). */
  dropped?: string[];
  /** Where inheriting files changed an item, by the item's path in the merged document. */
  overridesAt(path: Path): SourceLocation[];
  /** The same, by the item itself (a node of `parsed.value`). */
  overridesOf(node: unknown): SourceLocation[];
}

/** Deeper `extends` chains than this are refused (a chain that long is a mistake). */
export const MAX_EXTENDS_DEPTH = 32;

type Obj = Record<string, unknown>;
interface Origin {
  parsed: ParsedYaml;
  path: Path;
}
interface Entry {
  kind: "section" | "item";
  node: Obj;
  list: Obj[];
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Keys of the root that describe the file itself and are not inherited. */
const OWN_KEYS = new Set(["name", "owner", "description", "$schema", "extends", "environments"]);

/**
 * Remembers where every node of a merged document was written. Plain maps, not weak ones: they live
 * only as long as one load, and a weak map's entries cost the garbage collector far more.
 */
class Origins {
  private readonly nodes = new Map<object, Origin>();
  private readonly keys = new Map<object, Map<string, Origin>>();
  readonly overrides = new Map<object, Origin[]>();
  /** Entries without a title that override nothing yet: a later file may complete them. */
  readonly partial = new Set<object>();

  /** Records the origin of a parsed value and of everything in it. */
  annotate(value: object, parsed: ParsedYaml, path: Path): void {
    this.nodes.set(value, { parsed, path });
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === "object" && v !== null) this.annotate(v, parsed, [...path, i]);
      }
    } else {
      for (const k of Object.keys(value)) {
        const v = (value as Obj)[k];
        if (typeof v === "object" && v !== null) this.annotate(v, parsed, [...path, k]);
      }
    }
  }

  set(node: object, origin: Origin): void {
    this.nodes.set(node, origin);
  }

  of(node: object): Origin | undefined {
    return this.nodes.get(node);
  }

  /** Where the value of `key` in `node` was written: recorded per key, else the node's own origin. */
  ofKey(node: object, key: string): Origin | undefined {
    return this.keys.get(node)?.get(key) ?? this.nodes.get(node);
  }

  /** `to` was written where `from` was (node and per-key origins). */
  copy(from: object, to: object): void {
    const o = this.nodes.get(from);
    if (o) this.nodes.set(to, o);
    const k = this.keys.get(from);
    if (k) this.keys.set(to, new Map(k));
    const ov = this.overrides.get(from);
    if (ov) this.overrides.set(to, [...ov]);
    if (this.partial.has(from)) this.partial.add(to);
  }

  setKey(node: object, key: string, origin: Origin | undefined): void {
    if (!origin) return;
    let m = this.keys.get(node);
    if (!m) this.keys.set(node, (m = new Map<string, Origin>()));
    m.set(key, origin);
  }

  /** The file and path in it where the merged node at `path` was written. */
  resolve(root: Obj, path: Path): { origin: Origin; path: Path } {
    let node: unknown = root;
    let anchor = this.of(root) as Origin;
    let rest: Path = [];
    for (const seg of path) {
      if (typeof node === "object" && node !== null) {
        const ko = this.keys.get(node)?.get(String(seg));
        if (ko) {
          anchor = ko;
          rest = [];
        }
      }
      rest.push(seg);
      node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[seg] : undefined;
      const o = typeof node === "object" && node !== null ? this.of(node) : undefined;
      if (o) {
        anchor = o;
        rest = [];
      }
    }
    return { origin: anchor, path: [...anchor.path, ...rest] };
  }
}

/** How a file is named in messages: relative to the working directory when inside it. */
function displayer(rootFile: string): (abs: string) => string {
  if (isAbsolute(rootFile)) return (abs) => abs;
  return (abs) => {
    const rel = relative(process.cwd(), abs);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
  };
}

function realpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

const isLocalRef = (ref: string): boolean => ref.startsWith("./") || ref.startsWith("../") || ref === "." || ref === ".." || isAbsolute(ref) || /^[a-zA-Z]:[\\/]/.test(ref);
const isYaml = (file: string): boolean => /\.ya?ml$/i.test(file);

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Candidate package names for a reference, ESLint style: `foo` → `foo`, `readiness-config-foo`. */
function packageNames(ref: string): string[] {
  if (ref.startsWith("@")) {
    const parts = ref.split("/");
    return parts.length === 1 ? [ref, `${ref}/readiness-config`] : [ref];
  }
  return ref.includes("/") || ref.startsWith("readiness-config-") ? [ref] : [ref, `readiness-config-${ref}`];
}

/** The package's folder, found by walking up node_modules from `dir`. */
function packageRoot(name: string, dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    const candidate = join(d, "node_modules", name);
    if (isFile(join(candidate, "package.json"))) return candidate;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/**
 * Resolves an `extends` entry to an absolute file. Local paths are relative to the naming file's
 * folder; anything else is an npm package: its main/exports when they name a YAML file, else
 * `readiness.yaml` at its root; a subpath (`pkg/strict.yaml`) names a file in the package.
 */
export function resolveExtends(ref: string, fromFile: string): string {
  const dir = dirname(resolve(fromFile));
  if (isLocalRef(ref)) {
    const abs = resolve(dir, ref);
    if (isFile(abs)) return abs;
    // A folder stands for the checklist in it.
    for (const name of ["readiness.yaml", "readiness.yml"]) if (isFile(join(abs, name))) return join(abs, name);
    throw new ReadinessError(`extends ${ref}: no such file (looked for ${abs})`, { code: "ENOENT" });
  }
  const require = createRequire(join(dir, "noop.js"));
  const found: string[] = [];
  for (const name of packageNames(ref)) {
    try {
      const main = require.resolve(name);
      if (isYaml(main)) return main;
      found.push(`${name} (its main ${main} is not a YAML file)`);
    } catch {
      // not resolvable as a module (no main, exports without "."): look at the package folder.
    }
    const scoped = name.startsWith("@");
    const parts = name.split("/");
    const pkgName = parts.slice(0, scoped ? 2 : 1).join("/");
    const subpath = parts.slice(scoped ? 2 : 1).join("/");
    const root = packageRoot(pkgName, dir);
    if (!root) continue;
    if (subpath) {
      const file = join(root, subpath);
      if (isFile(file)) return file;
      found.push(`${pkgName} (no file ${subpath} in ${root})`);
      continue;
    }
    for (const f of ["readiness.yaml", "readiness.yml"]) if (isFile(join(root, f))) return join(root, f);
    if (!found.some((x) => x.startsWith(`${name} `))) found.push(`${name} (no readiness.yaml at ${root}, and its package.json main/exports name no YAML file)`);
  }
  const local = isFile(resolve(dir, ref)) ? ` — to extend the local file, write ./${ref}` : "";
  if (found.length) throw new ReadinessError(`extends ${ref}: package found but no checklist in it: ${found.join("; ")}${local}`, { code: "ENOCHECKLIST" });
  throw new ReadinessError(
    `extends ${ref}: cannot find package "${ref}"${packageNames(ref).length > 1 ? ` (nor ${packageNames(ref).slice(1).join(", ")})` : ""} from ${dir} (install it, e.g. npm install --save-dev ${ref})${local}`,
    { code: "ENOPACKAGE" },
  );
}

/** Reads an extended file synchronously, refusing what cannot be a checklist (as `readChecklistFile`). */
function readSync(abs: string, shown: string): string {
  let size: number;
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw new ReadinessError(`${shown}: is a directory, expected a checklist file`, { code: "ENOTFILE" });
    // A FIFO or a device would block this synchronous read (and the process) forever.
    if (!st.isFile()) throw new ReadinessError(`${shown}: not a regular file, expected a checklist file`, { code: "ENOTFILE" });
    size = st.size;
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EREAD" });
  }
  if (size > MAX_CHECKLIST_BYTES) throw new ReadinessError(`${shown}: file is too large for a checklist`, { code: "ETOOLARGE" });
  try {
    return decodeChecklist(readFileSync(abs), shown);
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EREAD" });
  }
}

/**
 * Composes a schema-valid root file with everything it extends, expands matrices, applies drops,
 * the chosen environment and `--var`. Never throws for bad input: issues say what is wrong.
 */
export function composeChecklist(root: ParsedYaml, options: ComposeOptions = {}, shortcut = true): ComposeResult {
  if (shortcut && composesToItself(root.value, options)) return itself(root);
  const origins = new Origins();
  const issues: Issue[] = [];
  const show = displayer(root.file);
  const files: string[] = [root.file];
  const dropped: string[] = [];
  const loaded = new Map<string, ParsedYaml | undefined>();
  const composed = new Map<string, Obj | undefined>();

  const at = (node: object, sub: Path, message: string, level: "error" | "warning" = "error", key = false): void => {
    const origin = origins.of(node);
    if (!origin) {
      issues.push({ file: root.file, line: 1, column: 1, message, level });
      return;
    }
    const path = [...origin.path, ...sub];
    issues.push({ ...origin.parsed.locate(path, key), path: pointer(path), message, level });
  };
  const where = (node: object): string => {
    const o = origins.of(node);
    if (!o) return "an extended file";
    const loc = o.parsed.locate(o.path);
    return `${loc.file}:${loc.line}`;
  };

  // ---- loading --------------------------------------------------------------------------------

  const load = (abs: string): ParsedYaml | undefined => {
    const real = realpath(abs);
    if (loaded.has(real)) return loaded.get(real);
    const shown = show(abs);
    let parsed: ParsedYaml | undefined;
    try {
      parsed = parseYaml(readSync(abs, shown), shown);
    } catch (e) {
      if (!(e instanceof ReadinessError)) throw e;
      loaded.set(real, undefined);
      throw e;
    }
    files.push(shown);
    // A file that is not a checklist at all (`extends: [/etc/passwd]`) is said to be one line, in
    // which none of its content is quoted: validating it would echo its lines as unknown keys.
    const v = parsed.value;
    const notChecklist = parsed.issues.length === 0 && (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, "version"));
    const problems: Issue[] = parsed.issues.length
      ? parsed.issues
      : notChecklist
        ? [{ file: shown, line: 1, column: 1, message: "not a readiness checklist (no version key at the top level): extends names checklist files only", level: "error" }]
        : validateSchema(parsed);
    for (const p of problems) issues.push(p);
    const ok = problems.every((i) => i.level === "warning");
    loaded.set(real, ok ? parsed : undefined);
    return ok ? parsed : undefined;
  };

  const composeFile = (parsed: ParsedYaml, real: string, stack: { real: string; shown: string }[]): Obj | undefined => {
    if (composed.has(real)) return composed.get(real);
    const own = parsed.value as Obj;
    origins.annotate(own, parsed, []);
    const chain = [...stack, { real, shown: parsed.file }];
    let base: Obj | undefined;
    const refs = typeof own.extends === "string" ? [own.extends] : Array.isArray(own.extends) ? (own.extends as string[]) : [];
    refs.forEach((ref, i) => {
      const refPath: Path = typeof own.extends === "string" ? ["extends"] : ["extends", i];
      const fail = (message: string): void => void at(own, refPath, message);
      if (options.untrusted && !isLocalRef(ref)) return fail(`extends ${ref}: a package is not extended with --untrusted (only files in the checklist's directory)`);
      let abs: string;
      try {
        abs = resolveExtends(ref, parsed.file);
      } catch (e) {
        if (e instanceof ReadinessError) return fail(e.message);
        throw e;
      }
      const childReal = realpath(abs);
      if (options.untrusted) {
        const rel = relative(realpath(dirname(resolve(root.file))), childReal);
        if (rel.startsWith("..") || isAbsolute(rel)) return fail(`extends ${ref}: outside the checklist's directory (after following symbolic links), refused with --untrusted`);
      }
      const loop = chain.findIndex((c) => c.real === childReal);
      if (loop >= 0) return fail(`extends cycle: ${[...chain.slice(loop).map((c) => c.shown), show(abs)].join(" → ")}`);
      if (chain.length >= MAX_EXTENDS_DEPTH) return fail(`extends chain deeper than ${MAX_EXTENDS_DEPTH} files: ${chain.map((c) => c.shown).join(" → ")} → …`);
      let child: ParsedYaml | undefined;
      try {
        child = load(abs);
      } catch (e) {
        if (e instanceof ReadinessError) return fail(`extends ${ref}: ${e.message}`);
        throw e;
      }
      if (!child) return;
      const value = composeFile(child, childReal, chain);
      if (value) base = base ? merge(base, value) : value;
    });
    const mine = expandFile(own);
    const result = merge(base ?? {}, mine);
    composed.set(real, result);
    return result;
  };

  // ---- matrices ---------------------------------------------------------------------------------

  const substituteDeep = (value: unknown, entry: MatrixEntry, report: (sub: Path, message: string) => void, sub: Path): unknown => {
    if (typeof value === "string") {
      const errors: string[] = [];
      const out = substituteMatrix(value, entry, errors);
      errors.forEach((m) => report(sub, m));
      return out;
    }
    if (Array.isArray(value)) {
      const out = value.map((v, i) => substituteDeep(v, entry, report, [...sub, i]));
      origins.copy(value, out);
      return out;
    }
    if (isObj(value)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) out[k] = substituteDeep(v, entry, report, [...sub, k]);
      origins.copy(value, out);
      return out;
    }
    return value;
  };

  const expandItem = (item: Obj): Obj[] => {
    let entries: MatrixEntry[];
    try {
      entries = matrixEntries(item.matrix);
    } catch (e) {
      at(item, ["matrix"], (e as Error).message);
      return [];
    }
    const rawId = typeof item.id === "string" ? item.id : undefined;
    const rawTitle = typeof item.title === "string" ? item.title : undefined;
    const template: Obj = { ...item };
    delete template.matrix;
    origins.copy(item, template);
    const ids = new Map<string, number>();
    const seen = new Set<string>();
    const out: Obj[] = [];
    entries.forEach((entry, k) => {
      const entryPath: Path = Array.isArray(item.matrix) ? ["matrix", k] : ["matrix"];
      const report = (sub: Path, message: string): void => {
        const key = `${sub.join("/")}:${message}`;
        if (seen.has(key)) return;
        seen.add(key);
        at(item, sub, message);
      };
      const copy = substituteDeep(template, entry, report, []) as Obj;
      if (rawId !== undefined && !usesMatrix(rawId)) copy.id = `${rawId}-${idSuffix(entry)}`;
      if (rawTitle !== undefined && !usesMatrix(rawTitle)) copy.title = `${rawTitle}${titleSuffix(entry)}`;
      if (rawId === undefined && typeof copy.title === "string" && !copy.title.includes("${")) copy.id = slugify(copy.title);
      const id = typeof copy.id === "string" ? copy.id : undefined;
      if (id !== undefined) {
        const idPath: Path = rawId !== undefined ? ["id"] : entryPath;
        if (!validId(id)) {
          at(item, idPath, `matrix entry ${k + 1} (${Object.entries(entry).map(([a, b]) => `${a}=${b}`).join(", ")}) gives id "${id}", which is not a valid id (lowercase letters, digits, '-', '_', '.'): template the id from slug-safe values`);
          return;
        }
        const prev = ids.get(id);
        if (prev !== undefined) {
          at(item, idPath, `matrix entries ${prev + 1} and ${k + 1} both give id "${id}": template the id with a key that differs between entries`);
          return;
        }
        ids.set(id, k);
      }
      out.push(copy);
    });
    return out;
  };

  const expandSections = (list: unknown): unknown => {
    if (!Array.isArray(list)) return list;
    const out = (list as unknown[]).map((s): unknown => {
      if (!isObj(s)) return s;
      const c: Obj = { ...s };
      origins.copy(s, c);
      if (Array.isArray(s.items)) {
        const items = s.items.flatMap((it: unknown) => (isObj(it) && it.matrix !== undefined ? expandItem(it) : [it]));
        origins.copy(s.items, items);
        c.items = items;
      }
      if (Array.isArray(s.sections)) c.sections = expandSections(s.sections);
      return c;
    });
    origins.copy(list, out);
    return out;
  };

  const expandFile = (own: Obj): Obj => {
    if (!Array.isArray(own.sections)) return own;
    const c: Obj = { ...own, sections: expandSections(own.sections) };
    origins.copy(own, c);
    return c;
  };

  // ---- merging ----------------------------------------------------------------------------------

  /** Key-by-key merge of two mappings (vars, defaults, gate): `top` wins. */
  const mergeMap = (a: unknown, b: unknown): unknown => {
    if (!isObj(a)) return b;
    if (!isObj(b)) return a;
    const out: Obj = { ...a };
    origins.copy(a, out);
    for (const [k, v] of Object.entries(b)) {
      out[k] = v;
      origins.setKey(out, k, origins.ofKey(b, k));
    }
    return out;
  };

  const mergeEnvironments = (a: unknown, b: unknown): unknown => {
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
          merged[k] = k === "description" ? v : mergeMap(prev[k], v);
          origins.setKey(merged, k, origins.ofKey(env, k));
        }
        out[name] = merged;
      } else out[name] = env;
      origins.setKey(out, name, origins.ofKey(b, name));
    }
    return out;
  };

  /** Sign-offs merge by role: a later file's sign-off of a role replaces an inherited one. */
  const mergeSignoffs = (a: unknown, b: unknown): unknown => {
    if (!Array.isArray(a)) return b;
    if (!Array.isArray(b)) return a;
    const mine = objects(b);
    const roles = new Set(mine.map((s) => s.role));
    return [...objects(a).filter((s) => !roles.has(s.role)), ...mine];
  };

  const entryId = (o: Obj): string | undefined => (typeof o.id === "string" ? o.id : typeof o.title === "string" ? slugify(o.title) : undefined);

  const mergeSections = (baseList: unknown, topList: unknown): Obj[] => {
    const index = new Map<string, Entry>();
    const register = (list: Obj[]): Obj[] => {
      const out: Obj[] = [];
      for (const s of list) {
        const c: Obj = { ...s };
        origins.copy(s, c);
        const items = [...objects(s.items)];
        c.items = items;
        c.sections = register(objects(s.sections));
        for (const it of items) {
          const id = entryId(it);
          if (id !== undefined && !index.has(id)) index.set(id, { kind: "item", node: it, list: items });
        }
        const id = entryId(c);
        if (id !== undefined && !index.has(id)) index.set(id, { kind: "section", node: c, list: out });
        out.push(c);
      }
      return out;
    };
    const roots = register(objects(baseList));
    const defined = new Set<string>();

    const forget = (node: Obj): void => {
      for (const it of objects(node.items)) {
        const id = entryId(it);
        if (id !== undefined) dropped.push(id);
        if (id !== undefined && index.get(id)?.node === it) index.delete(id);
      }
      for (const s of objects(node.sections)) {
        const id = entryId(s);
        if (id !== undefined && index.get(id)?.node === s) index.delete(id);
        forget(s);
      }
    };

    const drop = (id: string, kind: Entry["kind"], entry: Obj): void => {
      const e = index.get(id);
      if (!e) {
        const guess = nearest(id, index.keys());
        at(entry, ["drop"], `drop: nothing inherited has id "${id}"${guess ? ` — did you mean "${guess}"?` : ""}; nothing was dropped`, "warning", true);
        return;
      }
      if (e.kind !== kind) {
        at(entry, ["drop"], `drop: "${id}" is ${e.kind === "item" ? "an item" : "a section"} (${where(e.node)}), but is dropped as ${kind === "item" ? "an item" : "a section"}: move the drop to the right place`);
        return;
      }
      const k = e.list.indexOf(e.node);
      if (k >= 0) e.list.splice(k, 1);
      index.delete(id);
      if (kind === "section") forget(e.node);
      else dropped.push(id);
    };

    const missingTitle = (node: Obj, kind: "item" | "section"): void => {
      const origin = origins.of(node);
      const last = origin?.path[origin.path.length - 1];
      at(node, [], `missing required key "title" in ${last === undefined ? kind : `entry ${String(last)}`}`);
    };

    const mergeItem = (a: Obj, b: Obj, id: string): Obj => {
      const out: Obj = { ...a };
      origins.copy(a, out);
      for (const [k, v] of Object.entries(b)) {
        if (k === "drop") continue;
        out[k] = v;
        origins.setKey(out, k, origins.ofKey(b, k));
      }
      if (a.id === undefined && b.id === undefined && typeof b.title === "string" && slugify(b.title) !== id) out.id = id;
      const ob = origins.of(b);
      origins.overrides.set(out, [...(origins.overrides.get(a) ?? []), ...(ob ? [ob] : [])]);
      if (typeof out.title === "string") origins.partial.delete(out);
      return out;
    };

    const applyItems = (items: Obj[], host: Obj): void => {
      const hostItems = host.items as Obj[];
      for (const it of items) {
        const id = entryId(it);
        if (id === undefined) {
          missingTitle(it, "item");
          continue;
        }
        if (it.drop === true) {
          drop(id, "item", it);
          continue;
        }
        const existing = defined.has(id) ? undefined : index.get(id);
        defined.add(id);
        if (existing?.kind === "section") {
          at(it, typeof it.id === "string" ? ["id"] : [], `"${id}" is a section in ${where(existing.node)}: an item cannot override it (ids are unique across sections and items)`);
          continue;
        }
        if (existing) {
          const merged = mergeItem(existing.node, it, id);
          const k = existing.list.indexOf(existing.node);
          if (k >= 0) existing.list[k] = merged;
          existing.node = merged;
          continue;
        }
        const clean = it.drop === undefined ? it : withoutDrop(it);
        // No title and nothing to override yet: a later file may complete it, else it is an error.
        if (typeof it.title !== "string") origins.partial.add(clean);
        hostItems.push(clean);
        if (!index.has(id)) index.set(id, { kind: "item", node: clean, list: hostItems });
      }
    };

    const withoutDrop = (o: Obj): Obj => {
      const c: Obj = { ...o };
      delete c.drop;
      origins.copy(o, c);
      return c;
    };

    const applySections = (list: Obj[], target: Obj[]): void => {
      for (const s of list) {
        const id = entryId(s);
        if (id === undefined) {
          missingTitle(s, "section");
          continue;
        }
        if (s.drop === true) {
          drop(id, "section", s);
          continue;
        }
        const existing = defined.has(id) ? undefined : index.get(id);
        defined.add(id);
        if (existing?.kind === "item") {
          at(s, typeof s.id === "string" ? ["id"] : [], `"${id}" is an item in ${where(existing.node)}: a section cannot override it (ids are unique across sections and items)`);
          continue;
        }
        let host: Obj;
        if (existing) {
          host = existing.node;
          for (const [k, v] of Object.entries(s)) {
            if (k === "items" || k === "sections" || k === "drop") continue;
            host[k] = v;
            origins.setKey(host, k, origins.ofKey(s, k));
          }
          if (typeof host.title === "string") origins.partial.delete(host);
        } else {
          host = { ...s, items: [], sections: [] };
          delete host.drop;
          origins.copy(s, host);
          if (typeof s.title !== "string") origins.partial.add(host);
          target.push(host);
          if (!index.has(id)) index.set(id, { kind: "section", node: host, list: target });
        }
        applyItems(objects(s.items), host);
        applySections(objects(s.sections), host.sections as Obj[]);
      }
    };

    applySections(objects(topList), roots);
    return roots;
  };

  /** Merges a file (or a composed extended tree) onto what it extends. */
  const merge = (base: Obj, top: Obj): Obj => {
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
          value = inBase && inTop ? mergeMap(base[key], top[key]) : from[key];
          break;
        case "signoffs":
          value = inBase && inTop ? mergeSignoffs(base[key], top[key]) : from[key];
          break;
        case "sections":
          value = mergeSections(inBase ? base[key] : [], inTop ? top[key] : []);
          break;
        default:
          value = from[key];
      }
      out[key] = value;
      origins.setKey(out, key, origins.ofKey(from, key));
    }
    // Environments are inherited (unlike the other own keys): merge them by name.
    if (isObj(base.environments) || isObj(top.environments)) {
      out.environments = mergeEnvironments(base.environments, top.environments);
      origins.setKey(out, "environments", origins.ofKey(isObj(top.environments) ? top : base, "environments"));
    }
    return out;
  };

  // ---- the root ---------------------------------------------------------------------------------

  const rootValue = root.value as Obj;
  let merged = composeFile(root, realpath(root.file), []) ?? {};
  const envs = isObj(merged.environments) ? merged.environments : {};
  const environments = Object.keys(envs);

  // Entries that never found what they override.
  const unfinished = (list: unknown): void => {
    for (const s of objects(list)) {
      if (origins.partial.has(s)) at(s, [], `section "${String(s.id)}" has no title and overrides nothing inherited: add title: (or check the id against the extended checklists)`);
      for (const it of objects(s.items)) {
        if (origins.partial.has(it)) at(it, [], `item "${String(it.id)}" has no title and overrides nothing inherited: add title: (or check the id against the extended checklists)`);
      }
      unfinished(s.sections);
    }
  };
  unfinished(merged.sections);

  if (!("sections" in rootValue) && rootValue.extends === undefined) {
    issues.push({ ...root.locate([]), path: "", message: 'missing required key "sections" in the checklist', level: "error" });
  }

  if (options.environment !== undefined || options.vars) {
    const out: Obj = { ...merged };
    origins.copy(merged, out);
    if (options.environment !== undefined) {
      const env = envs[options.environment];
      if (!isObj(env)) {
        const loc = "environments" in rootValue ? root.locate(["environments"], true) : { file: root.file, line: 1, column: 1 };
        issues.push({ ...loc, message: unknownEnvironmentMessage(options.environment, environments), level: "error" });
      } else {
        for (const key of ["vars", "defaults", "gate"]) {
          if (env[key] === undefined) continue;
          out[key] = mergeMap(out[key], env[key]);
          origins.setKey(out, key, origins.ofKey(env, key));
        }
      }
    }
    if (options.vars && Object.keys(options.vars).length) {
      // --var values enter the document escaped: literal, yet visible to vars that use them.
      const cli: Obj = {};
      for (const [k, v] of Object.entries(options.vars)) cli[k] = v.replace(/\$\{/g, "$${");
      const vars = mergeMap(out.vars ?? {}, cli);
      if (isObj(vars) && !isObj(out.vars)) origins.copy(out, vars);
      out.vars = vars;
    }
    merged = out;
  }
  delete merged.environments;
  delete merged.extends;
  if (!origins.of(merged)) origins.set(merged, { parsed: root, path: [] });

  const final = merged;
  const overridesOf = (node: unknown): SourceLocation[] => {
    if (typeof node !== "object" || node === null) return [];
    return (origins.overrides.get(node) ?? []).map((o) => o.parsed.locate(o.path));
  };
  const parsed: ParsedYaml = {
    file: root.file,
    // The root's `yaml` document, read only if someone asks for it (a fast read has none until then).
    get doc() {
      return root.doc;
    },
    value: final,
    issues: [],
    locate: (path, key = false) => locateIn(origins, final, path, key),
    // A node of the merged document that is a file's own node (not a copy made while merging) is
    // where that file wrote it: the file's reader may know its position without walking a path.
    locateNode: (node) => origins.of(node)?.parsed.locateNode?.(node),
    pointerOf: (path) => pointer(origins.resolve(final, path).path),
  };
  return {
    parsed,
    issues,
    files,
    environments,
    dropped,
    overridesAt: (path) => {
      let node: unknown = final;
      for (const seg of path) node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[seg] : undefined;
      return overridesOf(node);
    },
    overridesOf,
  };
}

/**
 * Whether composing `value` could only give `value` again, as far as `resolve` can tell: one file
 * (no `extends`), no environments and no `--env`, no `--var`, no matrix, no drop, and every section
 * and item titled (untitled entries are errors here, or overrides). Then the full composition
 * would copy every section and record the origin of every node, and change nothing a checklist
 * shows; test/unit/checklist/compose-shortcut.test.ts compares the two.
 */
function composesToItself(value: unknown, options: ComposeOptions): boolean {
  if (options.environment !== undefined || (options.vars && Object.keys(options.vars).length)) return false;
  if (!isObj(value) || "extends" in value || "environments" in value || !Array.isArray(value.sections)) return false;
  const entries = (list: unknown, sections: boolean): boolean => {
    if (list === undefined) return true;
    if (!Array.isArray(list)) return false;
    for (const e of list as unknown[]) {
      if (!isObj(e) || typeof e.title !== "string" || "drop" in e) return false;
      if (sections ? !entries(e.items, false) || !entries(e.sections, true) : "matrix" in e) return false;
    }
    return true;
  };
  return entries(value.sections, true);
}

/** The composition of a file that composes to itself (see `composesToItself`). */
function itself(root: ParsedYaml): ComposeResult {
  return { parsed: root, issues: [], files: [root.file], environments: [], overridesAt: () => [], overridesOf: () => [] };
}

function locateIn(origins: Origins, root: Obj, path: Path, key = false): SourceLocation {
  const { origin, path: inFile } = origins.resolve(root, path);
  return origin.parsed.locate(inFile, key);
}

/** Records composition facts on a resolved checklist: files, environment, where items were overridden. */
export function annotateComposition(checklist: Checklist, composed: ComposeResult, environment?: string): void {
  checklist.files = composed.files;
  if (composed.environments.length) checklist.environments = composed.environments;
  if (environment !== undefined) checklist.environment = environment;
  // The merged document alongside the resolved one (what `overridesAt` would walk to, path by path).
  const child = (node: unknown, key: string | number): unknown => (typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined);
  const walk = (sections: Section[], nodes: unknown): void => {
    sections.forEach((s, i) => {
      const node = child(nodes, i);
      const items = child(node, "items");
      s.items.forEach((item, j) => {
        const at = composed.overridesOf(child(items, j));
        if (at.length) item.overrides = at;
      });
      walk(s.sections, child(node, "sections"));
    });
  };
  walk(checklist.sections, child(composed.parsed.value, "sections"));
}
