/** The run of the `process` probe (its spec, schema and checks: ../process.ts), loaded when a probe of the type first runs. */
import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { abortMessage, describeError, fail, pass } from "../evidence/common.js";
import type { ProcessSpec } from "../process.js";

/** Where the process table is read. */
const PROC_ROOT = "/proc";

interface Proc {
  pid: number;
  comm: string;
  cmdline: string[];
}

/** Every process visible in `root` (a /proc), except this one; a string result is why it cannot be read. */
export async function listProcesses(root: string, signal: AbortSignal): Promise<Proc[] | string> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    return `cannot read ${root} (${describeError(e)}): the process probe reads /proc, which only Linux provides`;
  }
  if (!entries.includes("self")) return `${root} is not a proc file system: the process probe reads /proc, which only Linux provides`;
  const out: Proc[] = [];
  for (const entry of entries) {
    if (signal.aborted) break;
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      // A process may exit between readdir and these reads: it is simply not counted.
      const [comm, cmdline] = await Promise.all([readFile(`${root}/${entry}/comm`, "utf8"), readFile(`${root}/${entry}/cmdline`, "utf8")]);
      out.push({ pid, comm: comm.trim(), cmdline: cmdline.split("\0").filter((a) => a.length > 0) });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

function matcher(spec: ProcessSpec): (p: Proc) => boolean {
  if (spec.pattern !== undefined) {
    const re = new RegExp(spec.pattern);
    return (p) => re.test(p.cmdline.join(" "));
  }
  const name = spec.process;
  // comm is cut at 15 characters: the executable's file name tells longer names apart.
  return (p) => p.comm === name || (p.cmdline[0] !== undefined && basename(p.cmdline[0]) === name);
}

/** Runs the probe against the proc file system at `root` (tests point it at a directory that is not one). */
export async function runProcess(spec: ProcessSpec, ctx: ProbeContext, root = PROC_ROOT): Promise<ProbeOutcome> {
  const label = spec.pattern !== undefined ? `${spec.process} (/${spec.pattern}/)` : spec.process;
  const procs = await listProcesses(root, ctx.signal);
  if (ctx.signal.aborted) return fail(`${label}: ${abortMessage(ctx)}`);
  if (typeof procs === "string") return fail(`${label}: ${procs}`);
  const found = procs.filter(matcher(spec));
  const min = spec.min ?? 1;
  const pids = found.map((p) => p.pid).sort((a, b) => a - b);
  const observed = { count: found.length, pids: pids.slice(0, 20) };
  const shownPids = pids.length === 0 ? "" : ` (pid${pids.length === 1 ? "" : "s"} ${pids.slice(0, 5).join(", ")}${pids.length > 5 ? ", …" : ""})`;
  const running = `${found.length} ${found.length === 1 ? "process" : "processes"} running${shownPids}`;
  if (found.length < min) return fail(`${label}: ${found.length === 0 ? "no process running" : running} (min ${min})`, observed);
  if (spec.max !== undefined && found.length > spec.max) return fail(`${label}: ${running} (max ${spec.max})`, observed);
  return pass(`${label}: ${running}`, observed);
}
