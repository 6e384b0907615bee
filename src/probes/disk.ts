/**
 * `disk`: free space on the filesystem holding a path, as bytes (`10GiB`) or as a share of its size
 * (`5%`). Space counts what an unprivileged process can use (not the blocks reserved for root),
 * as `df` shows it in "Avail".
 *
 *   - disk: /var/lib/postgresql
 *     min_free: 10GiB
 */
import { statfs } from "node:fs/promises";
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { abortMessage, describeError, fail, pass, resolvePath } from "./evidence/common.js";
import { formatSize, parseSize, SIZE_PATTERN } from "./file.js";

/** Spec of a `disk` probe. */
export interface DiskSpec extends ProbeSpecBase {
  /** A path on the filesystem to check, relative to the checklist. */
  disk: string;
  /** Least free space: bytes, a size (`10GiB`, `500MB`) or a percentage of the filesystem (`5%`). Default 1%. */
  min_free?: number | string;
}

const PERCENT = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/;

type Limit = { bytes: number } | { percent: number };

function parseLimit(v: number | string | undefined): Limit | string {
  if (v === undefined) return { percent: 1 };
  if (typeof v === "string") {
    const p = PERCENT.exec(v);
    if (p) return Number(p[1]) <= 100 ? { percent: Number(p[1]) } : `min_free ${v} is over 100%`;
  }
  const bytes = parseSize(v);
  return bytes === undefined ? `min_free ${JSON.stringify(v)} is not a size (10GiB, 500MB) or a percentage (5%)` : { bytes };
}

function percent(n: number): string {
  return `${n >= 10 || n === 0 ? n.toFixed(0) : n.toFixed(1)}%`;
}

async function run(spec: DiskSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const file = resolvePath(ctx, spec.disk);
  const label = spec.disk;
  const limit = parseLimit(spec.min_free);
  if (typeof limit === "string") return fail(limit);
  if (ctx.signal.aborted) return fail(`${label}: ${abortMessage(ctx)}`);
  let st;
  try {
    st = await statfs(file);
  } catch (e) {
    return fail(`${label}: ${describeError(e)}`);
  }
  const total = st.blocks * st.bsize;
  const free = st.bavail * st.bsize;
  const freePct = total > 0 ? (free / total) * 100 : 0;
  const observed = { free_bytes: free, total_bytes: total, free_percent: Math.round(freePct * 10) / 10 };
  const shown = `${formatSize(free)} free of ${formatSize(total)} (${percent(freePct)})`;
  const ok = "bytes" in limit ? free >= limit.bytes : freePct >= limit.percent;
  const min = "bytes" in limit ? formatSize(limit.bytes) : `${limit.percent}%`;
  if (!ok) return fail(`${label}: ${shown}, below min ${min}`, observed);
  return pass(`${label}: ${shown}, min ${min}`, observed);
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
  run,
};
