/**
 * `${vars.NAME}`, `${env.NAME}`, `${env.NAME:-default}` in string values. Applied once, never
 * recursively: a substituted value is never scanned again. `$${…}` writes a literal `${…}`.
 * Every value taken from the environment is recorded as a secret, unless it is too short to be one
 * (MIN_SECRET_LENGTH in util/mask.ts): then its variable's name is recorded, to warn about.
 */
import { isSecretLength } from "../util/mask.js";

export interface InterpolationScope {
  vars: Record<string, string>;
  env: Record<string, string | undefined>;
  /** Other namespaces (e.g. `matrix`). */
  extra?: Record<string, Record<string, string>>;
  /** `--untrusted`: the only environment variables a reference may name (`--allow-env`). */
  allowEnv?: ReadonlySet<string>;
}

export interface InterpolationResult {
  value: string;
  /** Values that came from the environment. */
  secrets: string[];
  /** Names of environment variables whose values are too short to be treated as secrets (shown as they are). */
  unmasked: string[];
  /** Problems, e.g. an undefined variable. */
  errors: string[];
  /** Whether any `${…}` was substituted. */
  changed: boolean;
  /** Names of the environment variables referred to. */
  envNames: string[];
}

// `${ns.NAME}` or `${ns.NAME:-default}`; the default runs to the closing brace (no nesting).
const REF = /\$(\$?)\{([^{}]*)\}/g;
const INNER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\.([a-zA-Z_][a-zA-Z0-9_.-]*)\s*(?::-([\s\S]*))?$/;

export function interpolate(text: string, scope: InterpolationScope): InterpolationResult {
  const secrets: string[] = [];
  const unmasked: string[] = [];
  const errors: string[] = [];
  const envNames: string[] = [];
  let changed = false;
  if (!text.includes("${")) return { value: text, secrets, unmasked, errors, changed, envNames };
  const value = text.replace(REF, (whole, escape: string, inner: string) => {
    if (escape) {
      changed = true;
      return whole.slice(1);
    }
    const m = INNER.exec(inner);
    if (!m) {
      errors.push(`invalid reference \${${inner}}: expected \${vars.NAME}, \${env.NAME} or \${env.NAME:-default}`);
      return whole;
    }
    const [, ns = "", name = "", fallback] = m;
    changed = true;
    if (ns === "env") {
      envNames.push(name);
      if (scope.allowEnv && !scope.allowEnv.has(name)) {
        errors.push(`environment variable ${name} is not allowed with --untrusted (allow it with --allow-env ${name} if the checklist may read it)`);
        return whole;
      }
      const v = scope.env[name];
      if (v !== undefined && v !== "") {
        if (isSecretLength(v)) secrets.push(v);
        else unmasked.push(name);
        return v;
      }
      if (fallback !== undefined) return fallback;
      errors.push(`environment variable ${name} is not set (write \${env.${name}:-default} to give a default)`);
      return whole;
    }
    if (ns === "vars") {
      const v = scope.vars[name];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      const known = Object.keys(scope.vars);
      errors.push(`undefined variable vars.${name}${known.length ? ` (defined: ${known.join(", ")})` : " (no vars are defined)"}`);
      return whole;
    }
    const space = scope.extra?.[ns];
    if (space) {
      const v = space[name];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      errors.push(`undefined ${ns}.${name} (defined: ${Object.keys(space).join(", ") || "none"})`);
      return whole;
    }
    errors.push(`unknown namespace in \${${inner}}: expected vars or env`);
    return whole;
  });
  return { value, secrets, unmasked, errors, changed, envNames };
}

/** `${` would be read as a reference: write it as the escape `$${`, so the value reads back as given. */
export function escapeRefs(value: string): string {
  return value.replace(/\$\{/g, () => "$${");
}
