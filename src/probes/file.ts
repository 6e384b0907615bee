/**
 * The `file` probe: a path or glob, relative to the checklist, must exist (or not), and each match
 * may be checked for content, size and age.
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { DURATION_PATTERN } from "../util/duration.js";
import { TEXT_ASSERTION_PROPERTIES, textAssertionIssues, type TextAssertions } from "./assert.js";

/** Spec of a `file` probe, as written in a checklist (already interpolated and schema-valid). */
export interface FileSpec extends ProbeSpecBase, TextAssertions {
  /** A path or a glob (`docs/*.md`, `**\/*.log`), relative to the checklist; dotfiles included. */
  file: string;
  /** Expect at least one match (default true); false asserts that nothing matches. */
  exists?: boolean;
  /** Smallest acceptable size of each match: bytes, or `1KB`, `2MiB` (KB = 1000, KiB = 1024). */
  min_size?: number | string;
  /** Oldest acceptable modification time of each match, e.g. `1d`, compared to the audit clock. */
  max_age?: string;
}

/** JSON Schema pattern of a size written as text: `512`, `1KB`, `2MiB`, `1.5 GB`. */
export const SIZE_PATTERN = "^\\s*[0-9]+(\\.[0-9]+)?\\s*([kKmMgGtT]i?)?[bB]?\\s*$";
const SIZE_UNITS: Record<string, number> = { "": 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };

/** Parses a size: a number of bytes, or `512B`, `1KB` (1000), `2MiB` (2×1024²). Undefined when not one. */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]i?)?[bB]?\s*$/.exec(value);
  if (!m) return undefined;
  const unit = SIZE_UNITS[(m[2] ?? "").toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** `812 B`, `4.2 KB`, `3.1 MB` (decimal units, like the sizes users write). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = bytes;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u] ?? "TB"}`;
}

/** `3d`, `1.5d`, `5h`, `12m`, `40s`: ages in the largest whole-ish unit. */
export function formatAge(ms: number): string {
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  for (const [name, size] of units) {
    if (ms >= size) {
      const v = Math.floor((ms / size) * 10) / 10;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${name}`;
    }
  }
  return `${Math.max(0, Math.round(ms))}ms`;
}

function check(spec: FileSpec): Issue[] {
  const issues: Issue[] = [...textAssertionIssues(spec)];
  if (typeof spec.min_size === "string" && parseSize(spec.min_size) === undefined) {
    issues.push({ path: "/min_size", level: "error", message: `invalid size ${JSON.stringify(spec.min_size)} (expected e.g. 512, 1KB, 2MiB)` });
  }
  if (spec.exists === false) {
    for (const key of ["contains", "not_contains", "matches", "min_size", "max_age"] as const) {
      if (spec[key] !== undefined) issues.push({ path: `/${key}`, level: "error", message: `${key} cannot be checked with exists: false (no file to check it on)` });
    }
  }
  return issues;
}

/** The `file` probe: see {@link FileSpec}. */
export const fileProbe: Probe<FileSpec> = {
  type: "file",
  description: "Checks that a file (or glob) exists, and optionally its content, size and age.",
  schema: {
    type: "object",
    required: ["file"],
    properties: {
      file: { type: "string", minLength: 1, description: "Path or glob relative to the checklist (dotfiles included; node_modules and .git skipped unless named)." },
      exists: { type: "boolean", description: "Expect a match (default true) or none (false)." },
      ...TEXT_ASSERTION_PROPERTIES,
      min_size: {
        oneOf: [
          { type: "integer", minimum: 0 },
          { type: "string", pattern: SIZE_PATTERN },
        ],
        description: "Minimum size of each match: bytes, or 1KB, 2MiB.",
      },
      max_age: { type: "string", pattern: DURATION_PATTERN, description: "Maximum age of each match's modification time, e.g. 1d." },
    },
  },
  check,
  target: (spec) => spec.file,
  run: (spec, ctx) => import("./run/file.js").then((m) => m.run(spec, ctx)),
};
