/**
 * The last steps of composing, on the merged tree: entries that never found what they override,
 * the chosen environment and `--var` applied, and the merged document as `resolve` reads it.
 */
import type { SourceLocation } from "../../types.js";
import { unknownEnvironmentMessage } from "../environments.js";
import { pointer, type ParsedYaml } from "../parse.js";
import { mergeMap } from "./merge.js";
import { isObj, locateIn, objects, type ComposeIssues, type Obj, type Origins } from "./origins.js";

/** An error for each section or item without a title that overrode nothing inherited. */
export function reportUnfinished(sections: unknown, sink: ComposeIssues): void {
  for (const s of objects(sections)) {
    if (sink.origins.partial.has(s)) sink.at(s, [], `section "${String(s.id)}" has no title and overrides nothing inherited: add title: (or check the id against the extended checklists)`);
    for (const it of objects(s.items)) {
      if (sink.origins.partial.has(it)) sink.at(it, [], `item "${String(it.id)}" has no title and overrides nothing inherited: add title: (or check the id against the extended checklists)`);
    }
    reportUnfinished(s.sections, sink);
  }
}

/**
 * `environments.NAME` (its vars, defaults and gate, key by key) and then `--var` applied over the
 * merged tree; a copy when there is anything to apply. An unknown environment is an error at the
 * root's `environments` key, listing the known ones.
 */
export function applyEnvironment(merged: Obj, root: ParsedYaml, options: { environment?: string; vars?: Record<string, string> }, sink: ComposeIssues): Obj {
  if (options.environment === undefined && !options.vars) return merged;
  const { origins } = sink;
  const envs = isObj(merged.environments) ? merged.environments : {};
  const out: Obj = { ...merged };
  origins.copy(merged, out);
  if (options.environment !== undefined) {
    const env = envs[options.environment];
    if (!isObj(env)) {
      const rootValue = root.value as Obj;
      const loc = "environments" in rootValue ? root.locate(["environments"], true) : { file: root.file, line: 1, column: 1 };
      sink.push({ ...loc, message: unknownEnvironmentMessage(options.environment, Object.keys(envs)), level: "error" });
    } else {
      for (const key of ["vars", "defaults", "gate"]) {
        if (env[key] === undefined) continue;
        out[key] = mergeMap(out[key], env[key], origins);
        origins.setKey(out, key, origins.ofKey(env, key));
      }
    }
  }
  if (options.vars && Object.keys(options.vars).length) {
    // --var values enter the document escaped (`${` as `$${`): literal, yet visible to vars that
    // use them. In a replacement `$$` is one `$`, so `$$$${` writes `$${`.
    const cli: Obj = {};
    for (const [k, v] of Object.entries(options.vars)) cli[k] = v.replace(/\$\{/g, "$$$${");
    const vars = mergeMap(out.vars ?? {}, cli, origins);
    if (isObj(vars) && !isObj(out.vars)) origins.copy(out, vars);
    out.vars = vars;
  }
  return out;
}

/** Where inheriting files changed a node of the merged document (an item). */
export function overridesOf(origins: Origins, node: unknown): SourceLocation[] {
  if (typeof node !== "object" || node === null) return [];
  return (origins.overrides.get(node) ?? []).map((o) => o.parsed.locate(o.path));
}

/** The merged tree as a parsed document: `locate` and `pointerOf` point into the files that wrote each node. */
export function mergedDocument(root: ParsedYaml, origins: Origins, value: Obj): ParsedYaml {
  return {
    file: root.file,
    // The root's `yaml` document, read only if someone asks for it (a fast read has none until then).
    get doc() {
      return root.doc;
    },
    value,
    issues: [],
    locate: (path, key = false) => locateIn(origins, value, path, key),
    // A node of the merged document that is a file's own node (not a copy made while merging) is
    // where that file wrote it: the file's reader may know its position without walking a path.
    locateNode: (node) => origins.of(node)?.parsed.locateNode?.(node),
    pointerOf: (path) => pointer(origins.resolve(value, path).path),
  };
}
