/**
 * When each item last changed, from `git blame` of the checklist file: the newest line of the
 * item's YAML node. Used to tell outdated sign-offs. Outside a git repository, for an untracked
 * file, or without git, nothing is known and nothing is set: the audit goes on without it.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { yamlLib } from "../checklist/parse.js";
import { flattenItems } from "../checklist/items.js";
import type { Checklist, Item, SourceLocation } from "../types.js";
import { isoDate } from "../util/duration.js";
import { runGit } from "../util/git.js";

const UNCOMMITTED = /^0{40}$/;

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
  const out = await runGit(["blame", "-w", "--line-porcelain", "--", basename(file)], dirname(file), [basename(file)]);
  if (out === undefined) return undefined;
  const dates = parseBlame(out, isoDate(now));
  return dates.size ? dates : undefined;
}

/** Checklists already annotated: once per run is enough. */
const annotated = new WeakSet<Checklist>();

/** Line ranges (1-based) of every mapping of `text`, keyed by `line:column` of its start. */
function mappingLines(text: string): Map<string, [number, number]> {
  const { LineCounter, parseDocument, visit } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: "silent" });
  const out = new Map<string, [number, number]>();
  visit(doc, {
    Map: (_k, node) => {
      if (!node.range) return;
      const start = lineCounter.linePos(node.range[0]);
      out.set(`${start.line}:${start.col}`, [start.line, lineCounter.linePos(Math.max(node.range[0], node.range[1] - 1)).line]);
    },
  });
  return out;
}

/**
 * Sets `changed_at` on every item of a file-backed checklist: the newest git date among the lines
 * of the item's mapping, wherever it is written (its own file, and files that override it through
 * extends). Whitespace-only changes are ignored; uncommitted edits count as today.
 */
export async function annotateChanges(checklist: Checklist, now: Date): Promise<void> {
  if (checklist.builtin || annotated.has(checklist)) return;
  annotated.add(checklist);
  const byFile = new Map<string, { item: Item; loc: SourceLocation }[]>();
  for (const item of flattenItems(checklist.sections)) {
    for (const loc of [item.loc, ...(item.overrides ?? [])]) {
      if (!loc) continue;
      const file = resolve(loc.file);
      let entries = byFile.get(file);
      if (!entries) byFile.set(file, (entries = []));
      entries.push({ item, loc });
    }
  }
  for (const [file, entries] of byFile) {
    const dates = await blameDates(file, now);
    if (!dates) continue;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    const ranges = mappingLines(text);
    for (const { item, loc } of entries) {
      const lines = ranges.get(`${loc.line}:${loc.column}`);
      if (!lines) continue;
      for (let l = lines[0]; l <= lines[1]; l++) {
        const d = dates.get(l);
        if (d && (!item.changed_at || d > item.changed_at)) item.changed_at = d;
      }
    }
  }
}

/** Line ranges (1-based) of the top-level `signoffs` entries of `text`, by role. */
function signoffLines(text: string): Map<string, [number, number]> {
  const { LineCounter, parseDocument, isMap, isSeq, isScalar } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: "silent" });
  const out = new Map<string, [number, number]>();
  const seq = isMap(doc.contents) ? doc.contents.get("signoffs", true) : undefined;
  if (!isSeq(seq)) return out;
  for (const entry of seq.items) {
    if (!isMap(entry) || !entry.range) continue;
    const role = entry.get("role", true);
    if (!isScalar(role)) continue;
    const start = lineCounter.linePos(entry.range[0]).line;
    out.set(String(role.value), [start, lineCounter.linePos(Math.max(entry.range[0], entry.range[1] - 1)).line]);
  }
  return out;
}

/** The commit that last changed lines `from`–`to` of `file`: its hash and author email; `uncommitted` when a line is not committed. */
async function lastCommit(file: string, from: number, to: number): Promise<{ sha: string; mail: string } | "uncommitted" | undefined> {
  const out = await runGit(["blame", "--line-porcelain", "-L", `${from},${to}`, "--", basename(file)], dirname(file), [basename(file)]);
  if (out === undefined) return undefined;
  let best: { sha: string; mail: string; time: number } | undefined;
  let sha = "";
  let mail = "";
  for (const l of out.split("\n")) {
    const header = /^([0-9a-f]{40}) \d+ \d+/.exec(l);
    if (header) {
      sha = header[1] ?? "";
      if (UNCOMMITTED.test(sha)) return "uncommitted";
      continue;
    }
    const m = /^author-mail <(.*)>$/.exec(l);
    if (m) mail = m[1] ?? "";
    const t = /^committer-time (\d+)$/.exec(l);
    if (t && (!best || Number(t[1]) > best.time)) best = { sha, mail, time: Number(t[1]) };
  }
  return best && { sha: best.sha, mail: best.mail };
}

/**
 * Checks the sign-offs of roles bound to people (`gate.signoffs: [{ role, signers, verify }]`): the
 * commit that last changed the sign-off's entry in the checklist file must be authored by one of the
 * role's signers and, with `verify: signed`, carry a signature `git verify-commit` accepts. Sets
 * `checklist.signoffChecks`: null for a sign-off that counts, else why it does not.
 */
export async function checkSignoffs(checklist: Checklist): Promise<void> {
  const rules = checklist.gate.signers ?? [];
  if (checklist.builtin || rules.length === 0 || checklist.signoffChecks) return;
  const checks: Record<string, string | null> = {};
  checklist.signoffChecks = checks;
  let text: string | undefined;
  try {
    text = await readFile(resolve(checklist.path), "utf8");
  } catch {
    /* no file to read: every bound sign-off reads as unchecked */
  }
  const entries = text === undefined ? new Map<string, [number, number]>() : signoffLines(text);
  for (const rule of rules) {
    if (!checklist.signoffs.some((s) => s.role === rule.role)) continue;
    const lines = entries.get(rule.role);
    const commit = lines ? await lastCommit(resolve(checklist.path), lines[0], lines[1]) : undefined;
    if (commit === undefined) checks[rule.role] = `sign-off ${rule.role} cannot be checked: git does not know who committed it`;
    else if (commit === "uncommitted") checks[rule.role] = `sign-off ${rule.role} is not committed: it counts once one of its signers commits it`;
    else if (!rule.signers.some((s) => s.toLowerCase() === commit.mail.toLowerCase())) checks[rule.role] = `sign-off ${rule.role} was committed by ${commit.mail}, not one of its signers`;
    else if (rule.verify === "signed" && (await runGit(["verify-commit", commit.sha], dirname(resolve(checklist.path)))) === undefined) {
      checks[rule.role] = `sign-off ${rule.role} was committed by ${commit.mail} without a signature git verify-commit accepts (verify: signed)`;
    } else checks[rule.role] = null;
  }
}
