/**
 * Units of measured values and thresholds for the `metric` probe: `"< 10ms"`, `">= 99.9%"`, `"<= 512MiB"`.
 * Units of one dimension convert into each other; values compare in the dimension's base unit.
 */

/** The kinds of quantity a unit can measure. A value without a unit is a plain count. */
export type Dimension = "time" | "ratio" | "size";

/** A unit: its dimension and how many base units (seconds, ratio 1, bytes) one of it is. */
export interface Unit {
  name: string;
  dimension: Dimension;
  factor: number;
}

const UNIT_LIST: readonly Unit[] = [
  { name: "ns", dimension: "time", factor: 1e-9 },
  { name: "us", dimension: "time", factor: 1e-6 },
  { name: "µs", dimension: "time", factor: 1e-6 },
  { name: "ms", dimension: "time", factor: 1e-3 },
  { name: "s", dimension: "time", factor: 1 },
  { name: "m", dimension: "time", factor: 60 },
  { name: "h", dimension: "time", factor: 3600 },
  { name: "d", dimension: "time", factor: 86_400 },
  { name: "ratio", dimension: "ratio", factor: 1 },
  { name: "%", dimension: "ratio", factor: 0.01 },
  { name: "B", dimension: "size", factor: 1 },
  { name: "KB", dimension: "size", factor: 1e3 },
  { name: "MB", dimension: "size", factor: 1e6 },
  { name: "GB", dimension: "size", factor: 1e9 },
  { name: "TB", dimension: "size", factor: 1e12 },
  { name: "KiB", dimension: "size", factor: 1024 },
  { name: "MiB", dimension: "size", factor: 1024 ** 2 },
  { name: "GiB", dimension: "size", factor: 1024 ** 3 },
  { name: "TiB", dimension: "size", factor: 1024 ** 4 },
];

/** Every unit by name (case-sensitive: `m` is minutes, `MB` megabytes). */
export const UNITS: ReadonlyMap<string, Unit> = new Map(UNIT_LIST.map((u) => [u.name, u]));

/** Unit names accepted by `unit:` (for the JSON Schema enum). */
export const UNIT_NAMES: readonly string[] = UNIT_LIST.map((u) => u.name);

/** Comparison operators of a threshold. */
export const OPERATORS = ["<=", ">=", "==", "!=", "<", ">"] as const;
/** A threshold's comparison operator. */
export type Operator = (typeof OPERATORS)[number];

/** A parsed threshold such as `< 10ms`: the operator, the number and the unit as written. */
export interface Threshold {
  op: Operator;
  value: number;
  /** Unit name as written, or undefined for a bare number. */
  unit?: string;
  /** The threshold as written, trimmed. */
  text: string;
}

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
/**
 * Pattern of a threshold (for the JSON Schema); the unit is checked separately so errors can name it.
 */
export const THRESHOLD_PATTERN = String.raw`^\s*(<=|>=|==|!=|<|>)\s*(${NUMBER})\s*([A-Za-zµ%]*)\s*$`;
const THRESHOLD_RE = new RegExp(THRESHOLD_PATTERN);

/** Parses a threshold; a string describing the problem when it is not one. */
export function parseThreshold(text: string): Threshold | string {
  const m = THRESHOLD_RE.exec(text);
  if (!m) return `threshold ${JSON.stringify(text)} is not "<operator> <number>[unit]", e.g. "< 10ms" or ">= 99.9%"`;
  const [, op, num, unit] = m;
  if (unit && !UNITS.has(unit)) {
    return `threshold ${JSON.stringify(text)} has an unknown unit ${JSON.stringify(unit)} (known: ${UNIT_NAMES.join(", ")})`;
  }
  return { op: op as Operator, value: Number(num), ...(unit ? { unit } : {}), text: text.trim() };
}

/**
 * Why a threshold cannot apply to a value measured in `valueUnit`, or undefined when it can.
 * A threshold with a unit needs a value with a unit of the same dimension; a bare threshold
 * is read in the value's own unit.
 */
export function unitMismatch(threshold: Threshold, valueUnit: string | undefined): string | undefined {
  if (!threshold.unit) return undefined;
  const t = UNITS.get(threshold.unit);
  if (!t) return `unknown unit ${threshold.unit}`;
  if (valueUnit === undefined) {
    return `threshold "${threshold.text}" has a unit (${t.name}) but the value has none: set \`unit\` to the unit the value is measured in`;
  }
  const v = UNITS.get(valueUnit);
  if (!v) return `unknown unit ${valueUnit}`;
  if (v.dimension !== t.dimension) {
    return `threshold "${threshold.text}" is a ${t.dimension} (${t.name}) but the value is a ${v.dimension} (unit ${v.name})`;
  }
  return undefined;
}

/** Converts `value` from one unit to another of the same dimension (identity when either is absent). */
export function convert(value: number, from: string | undefined, to: string | undefined): number {
  if (!from || !to || from === to) return value;
  const f = UNITS.get(from);
  const t = UNITS.get(to);
  if (!f || !t || f.dimension !== t.dimension) return value;
  // Twelve significant digits drop binary noise (0.0082 s → 8.2 ms, not 8.200000000000001).
  return Number((value * (f.factor / t.factor)).toPrecision(12));
}

/** Relative tolerance for comparisons, so that unit conversion noise never flips a verdict. */
const EPSILON = 1e-9;

function approxEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= EPSILON * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Whether `a op b` holds, with a tiny relative tolerance for equality. NaN never satisfies anything. */
export function compare(a: number, op: Operator, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  const eq = approxEqual(a, b);
  switch (op) {
    case "<":
      return a < b && !eq;
    case "<=":
      return a < b || eq;
    case ">":
      return a > b && !eq;
    case ">=":
      return a > b || eq;
    case "==":
      return eq;
    case "!=":
      return !eq;
  }
}

/** The operator that holds when `op` does not: used to say how a value missed its threshold. */
export function negate(op: Operator): Operator {
  const map: Record<Operator, Operator> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" };
  return map[op];
}

/** Formats a number with a sensible precision: `8.2`, `99.95`, `0.35`, `1234.6`, `0.000012`. */
export function formatNumber(value: number, extraDigits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const a = Math.abs(value);
  const base = a >= 100 ? 1 : a >= 1 ? 2 : Math.min(15, 2 - Math.floor(Math.log10(a)));
  const digits = Math.min(20, base + extraDigits);
  const fixed = value.toFixed(digits);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** A number with its unit as people write it: `8.2ms`, `0.35%`, `12MiB`; `ratio` and no unit print bare. */
export function formatQuantity(value: number, unit: string | undefined, extraDigits = 0): string {
  const n = formatNumber(value, extraDigits);
  return unit && unit !== "ratio" ? `${n}${unit}` : n;
}
