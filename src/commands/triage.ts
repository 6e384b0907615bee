/**
 * `readiness triage [checklist]`: walks the items still `missing` (no probe, no attestation, no
 * waiver, not n/a) one by one on a terminal and records a decision for each (attest, waive, n/a,
 * a probe from the import's suggestions, skip), written to the file at once, comments kept.
 * `--json PLAN` applies a plan of decisions without a terminal, all or nothing; `--list --json`
 * prints the missing items with their suggestions so that a script can build one.
 */
import { createInterface } from "node:readline/promises";
import { resolve } from "node:path";
import { parseDocument, isSeq, LineCounter } from "yaml";
import { openForEdit, saveEdit, type EditableChecklist } from "../governance/checklist-file.js";
import {
  checkExpiresAfter,
  checkWaiverDates,
  cleanValue,
  findItem,
  probeSuggestions,
  recordAttestation,
  recordNotApplicable,
  recordSuggestedProbes,
  recordTarget,
  recordWaiver,
  type Attestation,
} from "../governance/record.js";
import { DEFAULT_MAX_WAIVER_DAYS } from "../engine/governance.js";
import { plan } from "../engine/plan.js";
import { evaluateItem } from "../engine/score.js";
import { ReadinessError, sanitize } from "../errors.js";
import type { Checklist, Issue, Item } from "../types.js";
import { isoDate } from "../util/duration.js";
import { escapeJsonControls } from "../util/escape.js";
import { readInputFile, withLock } from "../util/fs.js";
import { createMasker, maskDeep } from "../util/mask.js";
import { clockFor, displayPath, requireChecklist, type GlobalOptions, type Io } from "./io.js";

export interface TriageOptions extends GlobalOptions {
  /** A plan file (`-` for stdin) to apply; with `--list`, `true`: print the items as JSON. */
  json?: string | boolean;
  list?: boolean;
  file?: string;
}

/** The actions of a decision. */
export const TRIAGE_ACTIONS = ["attest", "waive", "na", "probe", "skip"] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** One decision, as a plan states it. */
export interface Decision {
  id: string;
  action: TriageAction;
  by?: string;
  evidence?: string;
  note?: string;
  expires_after?: string;
  reason?: string;
  until?: string;
}

/** The fields each action takes (required first), besides `id` and `action`. */
const FIELDS: Record<TriageAction, { required: (keyof Decision)[]; optional: (keyof Decision)[] }> = {
  attest: { required: ["by"], optional: ["evidence", "note", "expires_after"] },
  waive: { required: ["reason", "until", "by"], optional: [] },
  na: { required: ["reason"], optional: [] },
  probe: { required: [], optional: [] },
  skip: { required: [], optional: [] },
};

/** A plan is read whole: at most this many bytes. */
const MAX_PLAN_BYTES = 4 * 1024 * 1024;

/** The items whose result would be `missing`, in checklist order: what `list` and `audit` show as no probes and no attestation. */
export function missingItems(checklist: Checklist, now: Date): Item[] {
  return plan(checklist, { now: () => now })
    .items.filter((p) => !p.skip && !p.waived && p.item.probes.length === 0 && evaluateItem(p, [], { now }).result === "missing")
    .map((p) => p.item);
}

/** The item's suggestions, when it is written in this file and has some. */
function suggestionsOf(target: EditableChecklist, item: Item): ReturnType<typeof probeSuggestions> {
  try {
    return probeSuggestions(target.text, recordTarget(item, target.shown));
  } catch {
    return undefined;
  }
}

/** The text after one decision. */
function applyDecision(text: string, item: Item, d: Decision, shown: string, today: string): string {
  if (d.action === "skip") return text;
  const at = recordTarget(item, shown);
  switch (d.action) {
    case "attest": {
      const a: Attestation = { by: d.by ?? "", at: today };
      if (d.evidence !== undefined) a.evidence = d.evidence;
      if (d.note !== undefined) a.note = d.note;
      if (d.expires_after !== undefined) a.expires_after = d.expires_after;
      return recordAttestation(text, at, a);
    }
    case "waive":
      return recordWaiver(text, at, { reason: d.reason ?? "", until: d.until ?? "", by: d.by ?? "" });
    case "na":
      return recordNotApplicable(text, at, d.reason ?? "");
    case "probe":
      return recordSuggestedProbes(text, at, item.id);
  }
}

/** Why `checklist` (after the edits) does not hold decision `d`, or undefined when it does. */
function readsBack(checklist: Checklist, d: Decision, today: string): string | undefined {
  const after = findItem(checklist, d.id).item;
  const ok =
    d.action === "attest"
      ? after.status === "done" && after.attested_by === d.by && after.attested_at === today && (d.evidence === undefined || after.evidence === d.evidence)
      : d.action === "waive"
        ? after.waiver?.reason === d.reason && after.waiver?.until === d.until && after.waiver?.by === d.by
        : d.action === "na"
          ? after.status === "n/a" && after.reason === d.reason
          : d.action === "probe"
            ? after.probes.length > 0
            : true;
  return ok ? undefined : `the ${d.action} decision on "${d.id}" does not read back`;
}

/** Checks a decision's values (cleaned in place). Throws a `ReadinessError` naming the field. */
function checkDecision(d: Decision, target: EditableChecklist, item: Item, now: Date): void {
  for (const k of ["by", "evidence", "note", "reason", "until", "expires_after"] as const) if (d[k] !== undefined) d[k] = cleanValue(d[k], k);
  if (d.expires_after !== undefined) checkExpiresAfter(d.expires_after, "expires_after");
  if (d.action === "waive") checkWaiverDates(d.until ?? "", now, target.checklist.gate.max_waiver_days ?? DEFAULT_MAX_WAIVER_DAYS);
  if (d.action !== "skip") recordTarget(item, target.shown);
  if (d.action === "probe" && item.probes.length > 0) throw new ReadinessError(`item "${item.id}" already has probes: add more by hand`, { code: "EPROBES" });
  if (d.action === "probe" && !suggestionsOf(target, item)) throw new ReadinessError(`item "${item.id}" has no probe suggestions to add`, { code: "ENOSUGGESTION" });
}

/** Edits the checklist file under its lock: applies `decisions` to the text as it is now, checks and writes it. */
async function record(file: string, io: Io, decisions: Decision[], today: string): Promise<EditableChecklist> {
  return withLock(file, displayPath(io, file), async () => {
    const target = await openForEdit(file, displayPath(io, file), io.env);
    // Each record is placed by line: from the bottom up, so the places above stay put.
    const placed = decisions
      .map((d) => {
        const item = findItem(target.checklist, d.id).item;
        return { d, item, line: d.action === "skip" ? 0 : recordTarget(item, target.shown).line };
      })
      .sort((x, y) => y.line - x.line);
    let text = target.text;
    for (const { d, item } of placed) text = applyDecision(text, item, d, target.shown, today);
    if (text !== target.text) {
      await saveEdit(target, text, io.env, (c) => {
        for (const d of decisions) {
          const problem = readsBack(c, d, today);
          if (problem) return problem;
        }
        return undefined;
      });
    }
    return target;
  });
}

function planIssue(file: string, at: { line: number; col: number } | undefined, message: string): Issue {
  return at ? { file, line: at.line, column: at.col, message } : { file, message };
}

/** Reads and checks a whole plan against the checklist: every problem is one issue; nothing is written when there is one. */
async function readPlan(source: string, io: Io, target: EditableChecklist, now: Date): Promise<Decision[]> {
  const shown = source === "-" ? "<stdin>" : displayPath(io, source);
  const bytes = await readInputFile(source === "-" ? "/dev/stdin" : resolve(io.cwd, source), shown, "plan", MAX_PLAN_BYTES, io.signal);
  const text = bytes.toString("utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReadinessError(`${shown}: not JSON: ${e instanceof Error ? e.message : String(e)}`, { code: "EPLAN" });
  }
  if (!Array.isArray(raw)) throw new ReadinessError(`${shown}: expected a JSON array of decisions, e.g. [{ "id": "backups", "action": "attest", "by": "Ana Ruiz" }]`, { code: "EPLAN" });
  // Where each entry starts, for messages (JSON is YAML: the yaml parser gives the positions).
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, logLevel: "silent" });
  const starts = isSeq(doc.contents) ? doc.contents.items.map((n) => ((n as { range?: number[] }).range ? lc.linePos((n as { range: number[] }).range[0] ?? 0) : undefined)) : [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const decisions: Decision[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = starts[i];
    const fail = (message: string): void => void issues.push(planIssue(shown, at, `decision ${i + 1}: ${message}`));
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return fail("expected an object with id and action");
    const e = entry as Record<string, unknown>;
    if (typeof e.id !== "string" || !e.id) return fail('missing "id" (a string)');
    const action = e.action;
    if (typeof action !== "string" || !(TRIAGE_ACTIONS as readonly string[]).includes(action)) return fail(`"action" must be one of ${TRIAGE_ACTIONS.join(", ")}`);
    const fields = FIELDS[action as TriageAction];
    const allowed = new Set<string>(["id", "action", ...fields.required, ...fields.optional]);
    const unknown = Object.keys(e).filter((k) => !allowed.has(k));
    if (unknown.length) return fail(`${action} takes no ${unknown.map((k) => `"${k}"`).join(", ")} (it takes ${[...fields.required, ...fields.optional].join(", ") || "nothing else"})`);
    const absent = fields.required.filter((k) => e[k] === undefined);
    if (absent.length) return fail(`${action} of "${e.id}" needs ${absent.map((k) => `"${k}"`).join(", ")}`);
    const notString = Object.entries(e).filter(([, v]) => typeof v !== "string");
    if (notString.length) return fail(`${notString.map(([k]) => `"${k}"`).join(", ")} must be a string`);
    if (seen.has(e.id)) return fail(`"${e.id}" is decided twice`);
    seen.add(e.id);
    const d = e as unknown as Decision;
    try {
      checkDecision(d, target, findItem(target.checklist, d.id).item, now);
    } catch (err) {
      if (!(err instanceof ReadinessError)) throw err;
      return fail(err.message);
    }
    decisions.push(d);
  });
  if (issues.length) throw new ReadinessError(`${shown}: ${issues.length} problem${issues.length === 1 ? "" : "s"} in the plan: nothing written`, { code: "EPLAN", issues });
  return decisions;
}

/** What the decisions did, one line. */
function tallyLine(decisions: Decision[], left: number): string {
  const n = (a: TriageAction): number => decisions.filter((d) => d.action === a).length;
  return `${n("attest")} attested, ${n("waive")} waived, ${n("na")} n/a, ${n("probe")} with probes, ${n("skip")} skipped; ${left} still missing`;
}

export async function triageCommand(file: string | undefined, opts: TriageOptions, io: Io, input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<number> {
  let checklistArg = file ?? opts.file;
  let planSource = typeof opts.json === "string" ? opts.json : undefined;
  if (opts.list && planSource !== undefined) {
    // `triage --list --json FILE`: the word after --json is the checklist, not a plan.
    if (checklistArg !== undefined) throw new ReadinessError("--list prints the missing items: it takes no plan (use --list --json to print them as JSON)", { code: "EUSAGE" });
    checklistArg = planSource;
    planSource = undefined;
  }
  const now = clockFor(io)();
  const today = isoDate(now);
  const path = resolve(io.cwd, requireChecklist(io.cwd, checklistArg));
  const opened = await openForEdit(path, displayPath(io, path), io.env);
  const mask = createMasker(opened.checklist.secrets);
  const show = (s: string): string => sanitize(mask.mask(s));

  if (opts.list) {
    const rows = missingItems(opened.checklist, now).map((item) => {
      const s = suggestionsOf(opened, item);
      return {
        id: item.id,
        title: item.title,
        section: item.sectionPath.join("/"),
        severity: item.severity,
        ...(item.status ? { status: item.status } : {}),
        ...(item.loc ? { where: `${item.loc.file}:${item.loc.line}` } : {}),
        suggestions: s ? s.probes : [],
      };
    });
    if (opts.json) io.out(`${escapeJsonControls(JSON.stringify(maskDeep(rows, mask), null, 2))}\n`);
    else {
      for (const r of rows) io.out(show(`${r.id}  [${r.severity}]  ${r.title}  — ${r.section}${r.suggestions.length ? `  (${r.suggestions.length} probe suggestion${r.suggestions.length === 1 ? "" : "s"})` : ""}`) + "\n");
      io.out(`${rows.length} item${rows.length === 1 ? "" : "s"} missing\n`);
    }
    return 0;
  }

  if (planSource !== undefined) {
    const decisions = await readPlan(planSource, io, opened, now);
    const after = await record(path, io, decisions, today);
    const left = missingItems((await openForEdit(path, after.shown, io.env)).checklist, now).length;
    io.out(`Triage plan applied to ${after.shown}: ${tallyLine(decisions, left)}.\n`);
    return 0;
  }
  if (opts.json === true) throw new ReadinessError("--json: name the plan to apply (--json plan.json, or --json - for stdin), or add --list to print the missing items as JSON", { code: "EUSAGE" });
  if (!input.isTTY) {
    throw new ReadinessError("triage asks its questions on a terminal, and stdin is not one: run it in a terminal, or apply a plan with --json plan.json (readiness triage --list --json prints the items to decide)", { code: "ENOTTY" });
  }
  return interactive(path, opened, io, input, now);
}

/** The terminal walk: one item at a time, each decision written at once. */
async function interactive(path: string, opened: EditableChecklist, io: Io, input: NodeJS.ReadableStream, now: Date): Promise<number> {
  const today = isoDate(now);
  const mask = createMasker(opened.checklist.secrets);
  const show = (s: string): string => sanitize(mask.mask(s));
  // No output stream: the terminal echoes what is typed, and prompts go through io.out like all text.
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  // Ctrl-C ends the questions like q: what was recorded stays recorded.
  const stop = (): void => rl.close();
  io.signal.addEventListener("abort", stop, { once: true });
  let ended = false;
  const ask = async (prompt: string): Promise<string | undefined> => {
    io.out(prompt);
    const next = ended ? undefined : await lines.next();
    if (!next || next.done) {
      ended = true;
      io.out("\n");
      return undefined;
    }
    return next.value.trim();
  };
  const askRequired = async (prompt: string, fallback?: string): Promise<string | undefined> => {
    for (;;) {
      const v = await ask(`  ${prompt}${fallback ? ` [${show(fallback)}]` : ""}: `);
      if (v === undefined) return undefined;
      if (v || fallback) return v || fallback;
      io.out("  (a value is needed)\n");
    }
  };
  const askOptional = async (prompt: string): Promise<string | undefined | null> => {
    const v = await ask(`  ${prompt} (optional, Enter for none): `);
    return v === undefined ? null : v || undefined;
  };

  const items = missingItems(opened.checklist, now);
  const done: Decision[] = [];
  let lastBy: string | undefined;
  try {
    if (items.length === 0) {
      io.out(`Nothing to triage: no item of ${opened.shown} is missing.\n`);
      return 0;
    }
    io.out(`${items.length} item${items.length === 1 ? "" : "s"} of ${opened.shown} still missing (no probe, no attestation, no waiver, not n/a).\n`);
    let quit = false;
    for (const [n, item] of items.entries()) {
      const current = await openForEdit(path, opened.shown, io.env);
      // Earlier decisions moved the lines: find the item again in the file as it is now.
      const suggestions = suggestionsOf(current, findItem(current.checklist, item.id).item);
      io.out(`\n[${n + 1}/${items.length}] ${show(item.id)}  (${item.severity})  section ${show(item.sectionPath.join(" / "))}\n  ${show(item.title)}\n`);
      if (item.description) io.out(`  ${show(item.description)}\n`);
      if (suggestions) {
        io.out(`  suggested probes (from line ${suggestions.from} of the source):\n`);
        for (const p of suggestions.probes) io.out(`    - ${show(JSON.stringify(p))}\n`);
      }
      const menu = `  [a]ttest  [w]aive  [n]/a${suggestions ? "  [p]robe" : ""}  [s]kip  [q]uit > `;
      for (;;) {
        const choice = (await ask(menu))?.toLowerCase();
        if (choice === undefined || choice === "q") {
          quit = true;
          break;
        }
        if (choice === "s" || choice === "") {
          done.push({ id: item.id, action: "skip" });
          break;
        }
        let d: Decision | undefined;
        if (choice === "a") {
          const by = await askRequired("attested by", lastBy);
          const evidence = by === undefined ? null : await askOptional("evidence (a link or reference)");
          const expires = evidence === null ? null : await askOptional("expires after (e.g. 90d)");
          if (by === undefined || evidence === null || expires === null) {
            quit = true;
            break;
          }
          d = { id: item.id, action: "attest", by, ...(evidence ? { evidence } : {}), ...(expires ? { expires_after: expires } : {}) };
        } else if (choice === "w") {
          const reason = await askRequired("reason");
          const until = reason === undefined ? undefined : await askRequired("until (YYYY-MM-DD)");
          const by = until === undefined ? undefined : await askRequired("approved by", lastBy);
          if (reason === undefined || until === undefined || by === undefined) {
            quit = true;
            break;
          }
          d = { id: item.id, action: "waive", reason, until, by };
        } else if (choice === "n") {
          const reason = await askRequired("why it does not apply");
          if (reason === undefined) {
            quit = true;
            break;
          }
          d = { id: item.id, action: "na", reason };
        } else if (choice === "p" && suggestions) {
          d = { id: item.id, action: "probe" };
        } else {
          io.out(`  answer a, w, n${suggestions ? ", p" : ""}, s or q\n`);
          continue;
        }
        try {
          const target = await openForEdit(path, opened.shown, io.env);
          checkDecision(d, target, findItem(target.checklist, item.id).item, now);
          await record(path, io, [d], today);
        } catch (e) {
          if (!(e instanceof ReadinessError)) throw e;
          io.out(`  not recorded: ${show(e.message)}\n`);
          continue;
        }
        if (d.by) lastBy = d.by;
        done.push(d);
        io.out(`  recorded: ${describe(d, show)}\n`);
        break;
      }
      if (quit) break;
    }
  } finally {
    io.signal.removeEventListener("abort", stop);
    rl.close();
  }
  const left = missingItems((await openForEdit(path, opened.shown, io.env)).checklist, now).length;
  io.out(`\nTriage of ${opened.shown}: ${tallyLine(done, left)}.\n`);
  return 0;
}

function describe(d: Decision, show: (s: string) => string): string {
  switch (d.action) {
    case "attest":
      return show(`${d.id} attested as done by ${d.by ?? ""}${d.expires_after ? `, valid for ${d.expires_after}` : ""}`);
    case "waive":
      return show(`${d.id} waived until ${d.until ?? ""}, approved by ${d.by ?? ""}`);
    case "na":
      return show(`${d.id} marked n/a: ${d.reason ?? ""}`);
    case "probe":
      return show(`${d.id} has the suggested probes: review their targets (vars at the top of the file) before trusting a verdict`);
    case "skip":
      return show(`${d.id} skipped`);
  }
}
