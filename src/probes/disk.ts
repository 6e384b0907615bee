/**
 * `disk`: free space on the filesystem holding a path, as bytes (`10GiB`) or as a share of its size
 * (`5%`). Space counts what an unprivileged process can use (not the blocks reserved for root),
 * as `df` shows it in "Avail".
 *
 *   - disk: /var/lib/postgresql
 *     min_free: 10GiB
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { parseSize, SIZE_PATTERN } from "./file.js";

/** Spec of a `disk` probe. */
export interface DiskSpec extends ProbeSpecBase {
  /** A path on the filesystem to check, relative to the checklist. */
  disk: string;
  /** Least free space: bytes, a size (`10GiB`, `500MB`) or a percentage of the filesystem (`5%`). Default 1%. */
  min_free?: number | string;
}

const PERCENT = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/;

type Limit = { bytes: number } | { percent: number };

export function parseLimit(v: number | string | undefined): Limit | string {
  if (v === undefined) return { percent: 1 };
  if (typeof v === "string") {
    const p = PERCENT.exec(v);
    if (p) return Number(p[1]) <= 100 ? { percent: Number(p[1]) } : `min_free ${v} is over 100%`;
  }
  const bytes = parseSize(v);
  return bytes === undefined ? `min_free ${JSON.stringify(v)} is not a size (10GiB, 500MB) or a percentage (5%)` : { bytes };
}

function check(spec: DiskSpec): Issue[] {
  if (spec.min_free === undefined) return [];
  const l = parseLimit(spec.min_free);
  return typeof l === "string" ? [{ path: "/min_free", message: l }] : [];
}

/** The `disk` probe: see {@link DiskSpec}. */
export const diskProbe: Probe<DiskSpec> = {
  type: "disk",
  description: "The filesystem holding a path has enough free space (bytes or a percentage).",
  schema: {
    type: "object",
    required: ["disk"],
    properties: {
      disk: { type: "string", minLength: 1, description: "A path on the filesystem, relative to the checklist." },
      min_free: {
        description: "Least free space: bytes, a size (10GiB, 500MB) or a percentage (5%). Default 1%.",
        oneOf: [
          { type: "number", minimum: 0 },
          { type: "string", pattern: `${SIZE_PATTERN}|${PERCENT.source}` },
        ],
      },
    },
  },
  check,
  target: (spec) => spec.disk,
  run: (spec, ctx) => import("./run/disk.js").then((m) => m.run(spec, ctx)),
};
