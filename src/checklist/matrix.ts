/**
 * Item matrices: an item with `matrix:` stands for one item per entry, with `${matrix.KEY}`
 * substituted in its id, title and every other string. A matrix is a list of maps, or a map of lists
 * whose cross product is taken (first key outermost). Expansion happens per file, before `extends`
 * merges files, so an expanded item can be overridden or dropped by its id like any other.
 *
 * A matrix value is checklist text like any other: it may itself use `${vars.NAME}` or
 * `${env.NAME}`, which the single vars/env pass substitutes after expansion (an item with a matrix
 * reads exactly as its expansions written out would). Values from vars or env are never rescanned.
 */
import { ID_PATTERN, slugify } from "../util/text.js";

/** More expanded items than this from one matrix is refused: no real checklist needs it. */
export const MAX_MATRIX_ENTRIES = 500;

const KEY_PATTERN = "^[a-zA-Z_][a-zA-Z0-9_]*$";
const SCALAR = { type: ["string", "number", "boolean"] };

/** JSON Schema of the `matrix` key of an item. */
export const MATRIX_SCHEMA: Record<string, unknown> = {
  description:
    "Expands the item into one item per entry: a list of maps ([{name: api, port: 3001}, ...]) or a map of lists ({port: [8012, 8020]}, cross product). Use ${matrix.KEY} in id, title and any string.",
  oneOf: [
    {
      type: "array",
      minItems: 1,
      items: { type: "object", minProperties: 1, propertyNames: { pattern: KEY_PATTERN }, additionalProperties: SCALAR },
    },
    {
      type: "object",
      minProperties: 1,
      propertyNames: { pattern: KEY_PATTERN },
      additionalProperties: { type: "array", minItems: 1, items: SCALAR },
    },
  ],
};

/** JSON Schema of the `drop` key of an item or section. */
export const DROP_SCHEMA: Record<string, unknown> = {
  type: "boolean",
  description: "With extends: true removes the inherited item or section of this id.",
};

/** One matrix entry: key → value, as strings. */
export type MatrixEntry = Record<string, string>;

type Scalar = string | number | boolean;

/** The entries of a schema-valid matrix, in order. Throws a message when the cross product is too large. */
export function matrixEntries(matrix: unknown): MatrixEntry[] {
  const str = (o: Record<string, Scalar>): MatrixEntry => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
  if (Array.isArray(matrix)) {
    if (matrix.length > MAX_MATRIX_ENTRIES) throw new Error(`matrix has ${matrix.length} entries; at most ${MAX_MATRIX_ENTRIES} are allowed`);
    return (matrix as Record<string, Scalar>[]).map(str);
  }
  const lists = Object.entries(matrix as Record<string, Scalar[]>);
  const size = lists.reduce((n, [, l]) => n * l.length, 1);
  if (size > MAX_MATRIX_ENTRIES) {
    throw new Error(`matrix cross product has ${size} entries (${lists.map(([k, l]) => `${k}: ${l.length}`).join(" × ")}); at most ${MAX_MATRIX_ENTRIES} are allowed`);
  }
  let out: MatrixEntry[] = [{}];
  for (const [key, list] of lists) out = out.flatMap((e) => list.map((v) => ({ ...e, [key]: String(v) })));
  return out;
}

// `${matrix.KEY}` or `${matrix.KEY:-default}`; `$${…}` is an escaped literal and left alone.
const REF = /\$(\$?)\{\s*matrix\.([a-zA-Z_][a-zA-Z0-9_]*)\s*(?::-([^{}]*))?\}/g;

/** Whether a string refers to the matrix. */
export function usesMatrix(text: string): boolean {
  REF.lastIndex = 0;
  for (const m of text.matchAll(REF)) if (!m[1]) return true;
  return false;
}

/** Substitutes `${matrix.KEY}` in one string. Unknown keys are reported through `errors`. */
export function substituteMatrix(text: string, entry: MatrixEntry, errors: string[]): string {
  if (!text.includes("matrix.")) return text;
  return text.replace(REF, (whole, escape: string, key: string, fallback: string | undefined) => {
    if (escape) return whole;
    const value = entry[key] ?? fallback;
    if (value === undefined) {
      errors.push(`undefined matrix.${key} (matrix keys: ${Object.keys(entry).join(", ") || "none"})`);
      return whole;
    }
    return value;
  });
}

/** The suffix for an item id that does not template the matrix: the entry's values, slugified. */
export function idSuffix(entry: MatrixEntry): string {
  return slugify(Object.values(entry).join("-"));
}

/** The suffix for a title that does not template the matrix: ` (v1, v2)`. */
export function titleSuffix(entry: MatrixEntry): string {
  return ` (${Object.values(entry).join(", ")})`;
}

const ID_RE = new RegExp(ID_PATTERN);

/** Whether an expanded id is a valid slug. */
export function validId(id: string): boolean {
  return ID_RE.test(id);
}

const MATRIX_REF = "\\$\\{matrix\\.[a-zA-Z_][a-zA-Z0-9_]*\\}";
/** An item id: a slug, in which a matrix item may write `${matrix.KEY}` (`config-service-${matrix.port}`). */
export const ITEM_ID_PATTERN = `^(?:[a-z0-9]|${MATRIX_REF})(?:[a-z0-9._-]|${MATRIX_REF})*$`;
