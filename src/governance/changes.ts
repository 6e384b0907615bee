/**
 * When each item last changed, from `git blame` of the checklist file: the newest line of the
 * item's YAML node. Used to tell outdated sign-offs. Outside a git repository, for an untracked
 * file, or without git, nothing is known and nothing is set: the audit goes on without it.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { LineCounter, parseDocument, type Node } from "yaml";
import type { Checklist } from "../types.js";
import { isoDate } from "../util/duration.js";
import { itemPaths } from "./record.js";

const UNCOMMITTED = /^0{40}$/;

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((done) => {
    execFile("git", args, { cwd, timeout: 10_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } }, (error, stdout) => done(error ? undefined : stdout));
  });
}

/**
 * Parses `git blame --line-porcelain` output: the ISO date (UTC) each line was last committed,
 * indexed by 1-based line; uncommitted lines get `today`.
 */
export function parseBlame(output: string, today: string): Map<number, string> {
  const lines = new Map<number, string>();
  let line = 0;
  let uncommitted = false;
  for (const l of output.split("\n")) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(l);
    if (header) {
      line = Number(header[2]);
      uncommitted = UNCOMMITTED.test(header[1] ?? "");
      if (uncommitted) lines.set(line, today);
      continue;
    }
    const time = /^committer-time (\d+)$/.exec(l);
    if (time && line && !uncommitted) lines.set(line, isoDate(new Date(Number(time[1]) * 1000)));
  }
  return lines;
}

/** Dates of the checklist file's lines from git, or undefined when git cannot tell. */
export async function blameDates(file: string, now: Date): Promise<Map<number, string> | undefined> {
  const out = await git(["blame", "-w", "--line-porcelain", "--", basename(file)], dirname(file));
  if (out === undefined) return undefined;
  const dates = parseBlame(out, isoDate(now));
  return dates.size ? dates : undefined;
}

/**
 * Sets `changed_at` on every item of a file-backed checklist: the newest git date among the lines
 * of the item's node (whitespace-only changes ignored; uncommitted edits count as today).
 */
export async function annotateChanges(checklist: Checklist, now: Date): Promise<void> {
  if (checklist.builtin) return;
  const file = resolve(checklist.path);
  const dates = await blameDates(file, now);
  if (!dates) return;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: "silent" });
  if (doc.errors.length) return;
  for (const { item, path } of itemPaths(checklist)) {
    const node = doc.getIn(path, true) as Node | undefined;
    const range = node?.range;
    if (!range) continue;
    const first = lineCounter.linePos(range[0]).line;
    const last = lineCounter.linePos(Math.max(range[0], range[1] - 1)).line;
    let newest: string | undefined;
    for (let l = first; l <= last; l++) {
      const d = dates.get(l);
      if (d && (!newest || d > newest)) newest = d;
    }
    if (newest) item.changed_at = newest;
  }
}
