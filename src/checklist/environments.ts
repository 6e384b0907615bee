/**
 * `environments.NAME` — the same checklist audited against staging and production. An environment
 * may override `vars`, `defaults` and `gate`, key by key; `--env NAME` picks one.
 * Precedence of a variable: `--var` > the environment > `vars` > the files named in `extends`.
 */
import { nearest } from "../util/text.js";

/** Names an environment may have (what `--env` accepts). */
export const ENVIRONMENT_NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9._-]*$";

/** The keys an environment may override. */
export const ENVIRONMENT_KEYS = ["vars", "defaults", "gate"] as const;

/**
 * JSON Schema of `environments`. The overridable keys refer to the top-level ones, so an
 * environment accepts exactly what the top level does (including keys added there later).
 */
export const ENVIRONMENTS_SCHEMA: Record<string, unknown> = {
  type: "object",
  description: "Named overrides of vars, defaults and gate, picked with --env NAME (e.g. staging, production).",
  propertyNames: { pattern: ENVIRONMENT_NAME_PATTERN },
  additionalProperties: {
    type: "object",
    description: "What this environment overrides: vars, defaults, gate (key by key).",
    properties: {
      description: { type: "string" },
      vars: { $ref: "#/properties/vars" },
      defaults: { $ref: "#/properties/defaults" },
      gate: { $ref: "#/properties/gate" },
    },
    additionalProperties: false,
  },
};

/** JSON Schema of `extends`. */
export const EXTENDS_SCHEMA: Record<string, unknown> = {
  description:
    "Checklists this one builds on: local files (./baseline.yaml, relative to this file) or npm packages (@acme/readiness-baseline). Later entries win; sections and items merge by id.",
  oneOf: [
    { type: "string", minLength: 1 },
    { type: "array", items: { type: "string", minLength: 1 } },
  ],
};

/** The message for an `--env` name the checklist does not define. */
export function unknownEnvironmentMessage(name: string, known: string[]): string {
  if (known.length === 0) return `--env ${name}: this checklist defines no environments (add environments: { ${name}: { vars: { ... } } })`;
  const guess = nearest(name, known);
  return `--env ${name}: unknown environment "${name}"${guess ? ` — did you mean "${guess}"?` : ""} (environments: ${known.join(", ")})`;
}
