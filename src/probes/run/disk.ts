/** The run of the `disk` probe (its spec, schema and checks: ../disk.ts), loaded when a probe of the type first runs. */
import { statfs } from "node:fs/promises";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { abortMessage, describeError, fail, pass, resolvePath } from "../evidence/common.js";
import { formatSize } from "../file.js";
import { type DiskSpec, parseLimit } from "../disk.js";

function percent(n: number): string {
  return `${n >= 10 || n === 0 ? n.toFixed(0) : n.toFixed(1)}%`;
}

export async function run(spec: DiskSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
