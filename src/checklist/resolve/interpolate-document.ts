/**
 * Step 1 of resolving: `${vars.X}` and `${env.X}` substituted in every string of the document, the
 * variables first. What was read from the environment is recorded (`EnvReads`): its values are
 * secrets, masked wherever text about the checklist is printed.
 */
import type { Masker } from "../../types.js";
import { MIN_SECRET_LENGTH } from "../../util/mask.js";
import { interpolate, type InterpolationResult, type InterpolationScope } from "../interpolate.js";
import type { Path } from "../parse.js";
import type { IssueSink } from "./issues.js";

/** What interpolations read from the environment: names, values (secrets), short values warned about once. */
export class EnvReads {
  readonly secrets = new Set<string>();
  readonly names = new Set<string>();
  private readonly warned = new Set<string>();

  /** `learn` hears each secret as soon as it is read (the CLI's output masks it from then on). */
  constructor(private readonly learn?: Masker) {}

  record(r: InterpolationResult, path: () => Path, issues: IssueSink): void {
    for (const n of r.envNames) this.names.add(n);
    for (const s of r.secrets) {
      this.secrets.add(s);
      this.learn?.add(s);
    }
    for (const name of r.unmasked) {
      if (this.warned.has(name)) continue;
      this.warned.add(name);
      issues.warning(path(), `\${env.${name}} has fewer than ${MIN_SECRET_LENGTH} characters: not treated as a secret, so shown as it is`);
    }
  }
}

/** The checklist's `vars`, each of which may use env and the vars above it; then `--var` values, which win. */
export function resolveVars(
  declared: Record<string, string | number | boolean> | undefined,
  overrides: Record<string, string> | undefined,
  scope: Omit<InterpolationScope, "vars">,
  reads: EnvReads,
  issues: IssueSink,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, v] of Object.entries(declared ?? {})) {
    const r = interpolate(String(v), { ...scope, vars });
    reads.record(r, () => ["vars", name], issues);
    r.errors.forEach((m) => issues.error(["vars", name], m));
    vars[name] = r.value;
  }
  for (const [name, v] of Object.entries(overrides ?? {})) vars[name] = v;
  return vars;
}

/**
 * Every string of the document but the top-level `vars` (done by `resolveVars`), interpolated.
 * Copy on write: a mapping or list in which nothing changes is kept as it is (the same object), so
 * a checklist without `${…}` is not copied and its items are still the parsed nodes, which
 * `locateNode` finds without walking a path. A copied mapping drops a `__proto__` key, and so does
 * an unchanged one (assigning it would set the prototype).
 */
export function substituteDocument(document: unknown, scope: InterpolationScope, reads: EnvReads, issues: IssueSink): unknown {
  // The path of the value being substituted, pushed and popped as the walk goes (issues copy it).
  const at: Path = [];
  const substitute = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (!value.includes("${")) return value;
      const r = interpolate(value, scope);
      reads.record(r, () => [...at], issues);
      if (r.errors.length) {
        const path = [...at];
        r.errors.forEach((m) => issues.error(path, m));
      }
      return r.value;
    }
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        let w = v;
        if (typeof v === "string" ? v.includes("${") : typeof v === "object" && v !== null) {
          at.push(i);
          w = substitute(v);
          at.pop();
        }
        if (!Object.is(w, v)) out ??= value.slice(0, i);
        out?.push(w);
      }
      return out ?? value;
    }
    if (value && typeof value === "object") {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      let out: Record<string, unknown> | undefined;
      for (const k of keys) {
        const v = o[k];
        let w = v;
        // Only a string with `${` or a mapping or list can change (the top-level vars are done).
        if ((typeof v === "string" ? v.includes("${") : typeof v === "object" && v !== null) && (at.length !== 0 || k !== "vars")) {
          at.push(k);
          w = substitute(v);
          at.pop();
        }
        if (!out && !Object.is(w, v)) {
          out = {};
          for (const before of keys) {
            if (before === k) break;
            out[before] = o[before];
          }
        }
        if (out) out[k] = w;
      }
      if (!out && Object.prototype.hasOwnProperty.call(o, "__proto__")) {
        out = {};
        for (const k of keys) out[k] = o[k];
      }
      return out ?? value;
    }
    return value;
  };
  return substitute(document);
}
