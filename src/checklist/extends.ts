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
 *
 * The steps live in `compose/`: `refs` (finding and reading an extended file), `files` (the
 * extends tree), `expand` (matrices), `merge` (a file onto what it extends), `finish` (entries
 * that override nothing, `--env` and `--var`, the merged document), `origins` (where each node was
 * written, and the issues collector every step is handed).
 */
import type { Checklist, Issue, Section, SourceLocation } from "../types.js";
import { FileComposer } from "./compose/files.js";
import { applyEnvironment, mergedDocument, overridesOf, reportUnfinished } from "./compose/finish.js";
import { ComposeIssues, isObj, Origins, type Obj } from "./compose/origins.js";
import { displayer } from "./compose/refs.js";
import type { ParsedYaml, Path } from "./parse.js";

export { MAX_EXTENDS_DEPTH } from "./compose/files.js";
export { resolveExtends } from "./compose/refs.js";

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

/**
 * Composes a schema-valid root file with everything it extends, expands matrices, applies drops,
 * the chosen environment and `--var`. Never throws for bad input: issues say what is wrong.
 * Steps: the extends tree composed file by file (each file's matrices expanded, then merged onto
 * what it extends) → entries that override nothing reported → `--env` and `--var` applied → the
 * merged document, located per file.
 */
export function composeChecklist(root: ParsedYaml, options: ComposeOptions = {}, shortcut = true): ComposeResult {
  if (shortcut && composesToItself(root.value, options)) return itself(root);
  const origins = new Origins();
  const sink = new ComposeIssues(origins, root.file);
  const files = new FileComposer(root, sink, displayer(root.file), Boolean(options.untrusted));

  let merged = files.composeRoot() ?? {};
  const environments = isObj(merged.environments) ? Object.keys(merged.environments) : [];
  reportUnfinished(merged.sections, sink);
  const rootValue = root.value as Obj;
  if (!("sections" in rootValue) && rootValue.extends === undefined) {
    sink.push({ ...root.locate([]), path: "", message: 'missing required key "sections" in the checklist', level: "error" });
  }
  merged = applyEnvironment(merged, root, options, sink);
  delete merged.environments;
  delete merged.extends;
  if (!origins.of(merged)) origins.set(merged, { parsed: root, path: [] });

  const parsed = mergedDocument(root, origins, merged);
  return {
    parsed,
    issues: sink.issues,
    files: files.files,
    environments,
    dropped: files.dropped,
    overridesAt: (path) => {
      let node: unknown = merged;
      for (const seg of path) node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[seg] : undefined;
      return overridesOf(origins, node);
    },
    overridesOf: (node) => overridesOf(origins, node),
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
