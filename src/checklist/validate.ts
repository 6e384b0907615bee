/**
 * Schema validation: ajv against the checklist schema, compiled once, every error mapped to a
 * positioned, human issue ("unknown key "timout" — did you mean "timeout"?").
 */
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from "ajv";
import { createRequire } from "node:module";
import { PROBE_TYPES, probeSchema } from "../probes/index.js";
import type { Issue } from "../types.js";
import { DATE_PATTERN, DURATION_PATTERN } from "../util/duration.js";
import { ID_PATTERN, nearest } from "../util/text.js";
import { fromPointer, pointer, type ParsedYaml, type Path } from "./parse.js";
import { ITEM_ID_PATTERN } from "./matrix.js";
import { buildChecklistSchema, typeKeyOwners } from "./schema.js";

/** Options of the checklist validator; scripts/build-validator.mjs precompiles with the same. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true } as const;

let compiled: ValidateFunction | undefined;
let schemaRoot: Record<string, unknown> | undefined;

/**
 * The checklist validator: the one precompiled at build time (dist/checklist/checklist-validator.cjs,
 * which saves compiling a large schema on every start), else compiled on first use. Reused after.
 */
export function checklistValidator(): ValidateFunction {
  if (compiled) return compiled;
  try {
    compiled = createRequire(import.meta.url)("./checklist-validator.cjs") as ValidateFunction;
  } catch {
    // ajv itself is only loaded when there is no precompiled validator (tests running from src/).
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: typeof AjvClass };
    compiled = new Ajv(AJV_OPTIONS).compile(checklistSchemaRoot());
  }
  return compiled;
}

function checklistSchemaRoot(): Record<string, unknown> {
  schemaRoot ??= buildChecklistSchema();
  return schemaRoot;
}

/** The schema node an ajv error's schemaPath points into (`#/definitions/item/additionalProperties` → the item schema). */
function parentSchemaOf(e: ErrorObject): Record<string, unknown> | undefined {
  const segments = e.schemaPath.replace(/^#\/?/, "").split("/").filter(Boolean).slice(0, -1);
  let node: unknown = checklistSchemaRoot();
  for (const seg of segments) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node && typeof node === "object" ? (node as Record<string, unknown>) : undefined;
}

/** The value at a path in the parsed document (what ajv's `verbose` would give as `data`). */
function valueAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const seg of path) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  return node;
}

type Schema = Record<string, unknown>;

/** Describes what a schema expects, for "expected …" messages. */
export function describeSchema(schema: unknown): string {
  if (!schema || typeof schema !== "object") return "a valid value";
  const s = schema as Schema;
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    const branches = (s.oneOf ?? s.anyOf) as unknown[];
    return [...new Set(branches.map(describeSchema))].join(" or ");
  }
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map(String).join(", ")}`;
  if (s.pattern === DURATION_PATTERN) return "a duration like 500ms, 5s, 2m, 1h or 90d";
  if (s.pattern === DATE_PATTERN) return "a date YYYY-MM-DD";
  if (s.pattern === ID_PATTERN) return "an id of lowercase letters, digits, '-', '_' or '.'";
  if (s.pattern === ITEM_ID_PATTERN) return "an id of lowercase letters, digits, '-', '_' or '.' (${matrix.KEY} in a matrix item)";
  const t = s.type;
  const one = (x: unknown): string => {
    switch (x) {
      case "string":
        return typeof s.pattern === "string" ? `a string matching ${s.pattern}` : "a string";
      case "array": {
        const items = s.items as Schema | undefined;
        const of = items?.type === "string" ? " of strings" : items?.type === "integer" || items?.type === "number" ? " of numbers" : "";
        return `a list${of}`;
      }
      case "object":
        return "a mapping";
      case "integer":
        return "a whole number";
      case "number":
        return "a number";
      case "boolean":
        return "true or false";
      case "null":
        return "nothing";
      default:
        return "a valid value";
    }
  };
  if (Array.isArray(t)) return t.map(one).join(" or ");
  return one(t);
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `"${v.length > 40 ? `${v.slice(0, 39)}…` : v}"`;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

function lastKey(path: Path): string {
  const k = path[path.length - 1];
  return k === undefined ? "document" : typeof k === "number" || /^\d+$/.test(k) ? `entry ${k}` : `"${k}"`;
}

/** Validates the parsed value against the schema and returns every issue, positioned. */
export function validateSchema(parsed: ParsedYaml): Issue[] {
  const value = parsed.value;
  if (value === null || value === undefined) {
    return [{ file: parsed.file, line: 1, column: 1, message: "the checklist is empty: expected a mapping with version and sections (run `readiness init` for a starter)", level: "error" }];
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return [{ file: parsed.file, line: 1, column: 1, message: `expected a mapping with version and sections at the top level, got ${Array.isArray(value) ? "a list" : `a ${typeof value} (${typeName(value)})`}`, level: "error" }];
  }
  const validate = checklistValidator();
  if (validate(value)) return [];
  return mapErrors(validate.errors ?? [], parsed);
}

function mapErrors(errors: ErrorObject[], parsed: ParsedYaml): Issue[] {
  // A failed oneOf/anyOf explains itself in one line: drop the branch errors beneath it.
  const unions = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const kept = errors.filter(
    (e) =>
      e.keyword !== "if" &&
      !unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath)),
  );
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const path = fromPointer(e.instancePath);
    const data = valueAt(parsed.value, path);
    const parentSchema = e.parentSchema ?? parentSchemaOf(e);
    let issuePath = path;
    let message: string;
    let atKey = false;
    switch (e.keyword) {
      case "additionalProperties": {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((parentSchema?.properties as Schema | undefined) ?? {});
        const guess = nearest(key, known);
        issuePath = [...path, key];
        atKey = true;
        message = `unknown key "${key}"${guess ? ` — did you mean "${guess}"?` : known.length ? ` (expected one of: ${known.join(", ")})` : ""}`;
        break;
      }
      case "required": {
        const key = String((e.params as { missingProperty: string }).missingProperty);
        message = `missing required key "${key}" in ${lastKey(path) === "document" ? "the checklist" : lastKey(path)}`;
        break;
      }
      case "enum": {
        const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
        const guess = typeof data === "string" ? nearest(data, allowed) : undefined;
        message = `expected one of ${allowed.join(", ")}; got ${typeName(data)}${guess ? ` — did you mean "${guess}"?` : ""}`;
        break;
      }
      case "const":
        message = `expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}; got ${typeName(data)}`;
        break;
      case "minProperties":
        message = path[path.length - 2] === "probes"
          ? `empty probe: expected one of the probe types ${PROBE_TYPES.join(", ")}`
          : `${lastKey(path)} is empty: it must set at least one key`;
        break;
      case "minItems":
        message = `${lastKey(path)} is an empty list: an assertion that can check nothing is not allowed`;
        break;
      case "minLength": {
        const limit = (e.params as { limit: number }).limit;
        message = limit <= 1 ? `${lastKey(path)} is empty: expected a non-empty string` : `${lastKey(path)} is too short: expected at least ${limit} characters`;
        break;
      }
      case "maxLength":
        message = `${lastKey(path)} is too long: at most ${(e.params as { limit: number }).limit} characters`;
        break;
      case "minimum":
      case "maximum":
        message = `${lastKey(path)} ${e.message ?? "is out of range"}; got ${typeName(data)}`;
        break;
      default:
        message = `expected ${describeSchema(parentSchema)} for ${lastKey(path)}; got ${typeName(data)}`;
    }
    const loc = parsed.locate(issuePath, atKey);
    const id = `${loc.line}:${loc.column}:${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push({ ...loc, path: pointer(issuePath), message, level: "error" });
  }
  return issues;
}

const PROBE_TYPE_SET: ReadonlySet<string> = new Set(PROBE_TYPES);
/** Type keys that are a key of other types (`env` of `command`), with those types. */
const OWNED_TYPE_KEYS: ReadonlyMap<string, string[]> = new Map(PROBE_TYPES.map((t) => [t, typeKeyOwners(t)] as const).filter(([, owners]) => owners.length > 0));
const NO_ISSUES: Issue[] = [];

/**
 * Checks the type key of every probe mapping: exactly one known type. Returns positioned issues.
 * The probe's path may be given as a function, called only when there is an issue to place.
 */
export function checkProbeTypes(probe: Record<string, unknown>, pathOf: Path | (() => Path), parsed: ParsedYaml): { type?: string; issues: Issue[] } {
  const keys = Object.keys(probe);
  const types: string[] = [];
  for (let i = 0; i < keys.length; i++) if (PROBE_TYPE_SET.has(keys[i] as string)) types.push(keys[i] as string);
  if (types.length === 1) return { type: types[0], issues: NO_ISSUES };
  if (types.length > 1) {
    const own = types.filter((t) => !OWNED_TYPE_KEYS.get(t)?.some((o) => Object.hasOwn(probe, o)));
    if (own.length === 1) return { type: own[0], issues: NO_ISSUES };
  }
  const path = typeof pathOf === "function" ? pathOf() : pathOf;
  if (types.length > 1) {
    return { issues: [{ ...parsed.locate(path), path: parsed.pointerOf?.(path) ?? pointer(path), message: `a probe has exactly one type key; found ${types.join(" and ")} (split them into separate probes)`, level: "error" }] };
  }
  const common = new Set(["name", "timeout", "retries", "retry_delay"]);
  const candidates = keys.filter((k) => !common.has(k));
  const first = candidates[0];
  const guess = first ? nearest(first, PROBE_TYPES) : undefined;
  const message = first
    ? `unknown probe type "${first}"${guess ? ` — did you mean "${guess}"?` : ""} (probe types: ${PROBE_TYPES.join(", ")})`
    : `probe has no type key: expected one of ${PROBE_TYPES.join(", ")}`;
  const at = first ? [...path, first] : path;
  return { issues: [{ ...parsed.locate(at, Boolean(first)), path: parsed.pointerOf?.(at) ?? pointer(at), message, level: "error" }] };
}

/** The merged schema of one probe type (exported for `readiness explain` and docs). */
export { probeSchema };
