/**
 * Recording attestations, waivers and sign-offs in checklist text: pure text → text functions on
 * top of `YamlEditor`, plus the rules of what may be recorded (waiver length, required roles).
 */
import { isMap, isSeq, parse, type YAMLMap } from "yaml";
import { ReadinessError } from "../errors.js";
import { resolve } from "node:path";
import { escapeRefs } from "../checklist/interpolate.js";
import type { Checklist, Item, Section, SourceLocation } from "../types.js";
import { nearest } from "../util/text.js";
import { parseDuration } from "../util/duration.js";
import { MAX_EXPIRES_AFTER_DAYS } from "../checklist/resolve.js";
import { DEFAULT_MAX_WAIVER_DAYS, daysUntil } from "../engine/governance.js";
import { applyEdits, UNPRINTABLE, YamlEditor, type EditValue, type Fields, type TextEdit } from "./yaml-edit.js";

/** Keys of an item's attestation, in the order they are written. */
export const ATTESTATION_KEYS = ["status", "evidence", "attested_by", "attested_at", "expires_after", "note"] as const;

/** What `readiness attest` records. */
export interface Attestation {
  by: string;
  /** ISO date. */
  at: string;
  evidence?: string;
  note?: string;
  /** Duration text, e.g. `90d`. */
  expires_after?: string;
}

/** What `readiness waive` records. */
export interface WaiverInput {
  reason: string;
  until: string;
  by: string;
}

/** A value given on the command line: trimmed, one line, not empty. */
export function cleanValue(value: string | undefined, option: string): string {
  const v = (value ?? "").trim();
  if (!v) throw new ReadinessError(`${option}: expected a value, got nothing`, { code: "EUSAGE" });
  if (UNPRINTABLE.test(v)) throw new ReadinessError(`${option}: must be one line of printable text (no newlines or control characters)`, { code: "EUSAGE" });
  return v;
}

/** An attestation's `expires_after` as given on the command line or in a plan: a positive duration, at most 100 years. */
export function checkExpiresAfter(value: string, option: string): string {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0 || !/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(value)) throw new ReadinessError(`${option} ${value}: expected a duration like 90d, 12h or 30d`, { code: "EUSAGE" });
  if (ms > MAX_EXPIRES_AFTER_DAYS * 86_400_000) throw new ReadinessError(`${option} ${value}: at most ${MAX_EXPIRES_AFTER_DAYS}d (100 years)`, { code: "EUSAGE" });
  return value;
}

/** Every item with its path in the document (`["sections", 0, "items", 2]`), in checklist order. */
export function itemPaths(checklist: Pick<Checklist, "sections">): { item: Item; path: (string | number)[] }[] {
  const out: { item: Item; path: (string | number)[] }[] = [];
  const walk = (s: Section, path: (string | number)[]): void => {
    s.items.forEach((item, i) => out.push({ item, path: [...path, "items", i] }));
    s.sections.forEach((sub, i) => walk(sub, [...path, "sections", i]));
  };
  checklist.sections.forEach((s, i) => walk(s, ["sections", i]));
  return out;
}

function sectionIds(sections: Section[]): string[] {
  return sections.flatMap((s) => [s.id, ...sectionIds(s.sections)]);
}

/** The item with this id and its document path; an unknown id is a `ReadinessError` suggesting the nearest. */
export function findItem(checklist: Pick<Checklist, "sections">, id: string): { item: Item; path: (string | number)[] } {
  const all = itemPaths(checklist);
  const found = all.find((e) => e.item.id === id);
  if (found) return found;
  if (sectionIds(checklist.sections).includes(id)) throw new ReadinessError(`"${id}" is a section, not an item: name one of its items`, { code: "EUNKNOWN" });
  const guess = nearest(id, all.map((e) => e.item.id));
  throw new ReadinessError(`no item "${id}" in the checklist${guess ? ` — did you mean "${guess}"?` : ""} (readiness list shows the ids)`, { code: "EUNKNOWN" });
}

/** Where an item is written: a document path, or the 1-based line and column its mapping starts at. */
export type Where = (string | number)[] | { line: number; column: number };

function mapAt(editor: YamlEditor, where: Where): YAMLMap {
  const node = Array.isArray(where) ? editor.nodeAt(where) : editor.mapStartingAt(where.line, where.column);
  if (!isMap(node)) throw new Error(`no mapping at ${Array.isArray(where) ? `/${where.join("/")}` : `${where.line}:${where.column}`}`);
  return node;
}

function itemMapAt(editor: YamlEditor, where: Where): YAMLMap {
  const map = mapAt(editor, where);
  if (map.has("matrix")) {
    const template = map.get("id");
    throw new ReadinessError(
      `the item is one expansion of the matrix item${typeof template === "string" ? ` "${template}"` : ""}: a record there would apply to every expansion; give each its own item, or edit the YAML by hand`,
      { code: "EMATRIX" },
    );
  }
  return map;
}

/**
 * Where to record for an item of the checklist in `file`: the item's own mapping when it is written
 * there, else the last mapping in `file` that repeats it by id (an override, which wins). An item
 * only inherited through `extends` is refused: the record belongs in the file that owns the claim.
 */
export function recordTarget(item: Item, file: string): { line: number; column: number } {
  const here = (loc: SourceLocation | undefined): loc is SourceLocation => loc !== undefined && resolve(loc.file) === resolve(file);
  const override = [...(item.overrides ?? [])].reverse().find(here);
  const at = override ?? (here(item.loc) ? item.loc : undefined);
  if (at) return { line: at.line, column: at.column };
  const from = item.loc ? `${item.loc.file}:${item.loc.line}` : "another file";
  throw new ReadinessError(`item "${item.id}" is inherited (extends) from ${from} and not repeated in ${file}: repeat it there by id (- id: ${item.id}) to record it for this checklist, or pass --file to record it in the file that defines it`, {
    code: "EINHERITED",
  });
}

/** Sets the attestation keys of the item at `path`: status done, who, when, and what was given. */
export function recordAttestation(text: string, path: Where, a: Attestation): string {
  const editor = new YamlEditor(text);
  const entries: [string, EditValue][] = [
    ["status", "done"],
    ["attested_by", escapeRefs(a.by)],
    ["attested_at", a.at],
  ];
  if (a.evidence !== undefined) entries.splice(1, 0, ["evidence", escapeRefs(a.evidence)]);
  if (a.expires_after !== undefined) entries.push(["expires_after", a.expires_after]);
  if (a.note !== undefined) entries.push(["note", escapeRefs(a.note)]);
  editor.setEntries(itemMapAt(editor, path), entries, [...ATTESTATION_KEYS, "reason"]);
  return editor.result();
}

/** Sets the waiver of the item at `path` (an existing waiver is updated in place). */
export function recordWaiver(text: string, path: Where, w: WaiverInput): string {
  const editor = new YamlEditor(text);
  const fields: Fields = [
    ["reason", escapeRefs(w.reason)],
    ["until", w.until],
    ["by", escapeRefs(w.by)],
  ];
  editor.setEntries(itemMapAt(editor, path), [["waiver", fields]], [...ATTESTATION_KEYS, "reason", "waiver"]);
  return editor.result();
}

/** Marks the item at `path` not applicable: `status: n/a` with the reason the loader requires. */
export function recordNotApplicable(text: string, path: Where, reason: string): string {
  const editor = new YamlEditor(text);
  editor.setEntries(itemMapAt(editor, path), [
    ["status", "n/a"],
    ["reason", escapeRefs(reason)],
  ], [...ATTESTATION_KEYS, "reason"]);
  return editor.result();
}

/** The commented-out probe suggestions `readiness import` writes under an item (see import/emit.ts). */
export interface ProbeSuggestions {
  /** Source line of the Markdown the suggestions came from. */
  from: number;
  /** The suggested probes, as the checklist would read them once uncommented. */
  probes: Record<string, unknown>[];
  /** Text edits that uncomment them. */
  edits: TextEdit[];
}

const SUGGESTION_HEAD = /^( *)# probes: {2}\(suggested from line (\d+)\b[^\r]*(\r?)$/;

/**
 * The probe suggestions written as comments in the item whose mapping starts at `where`: the
 * `# probes:  (suggested from line N …)` line at the item's key indentation, and the `#   ` lines
 * below it. Undefined when the item has none.
 */
export function probeSuggestions(text: string, where: { line: number; column: number }): ProbeSuggestions | undefined {
  const keyIndent = where.column - 1;
  const lines = text.split("\n");
  const offsets: number[] = [];
  let at = 0;
  for (const l of lines) {
    offsets.push(at);
    at += l.length + 1;
  }
  // The item's lines: after its first, until a line of content indented less than its keys.
  for (let i = where.line; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const trimmed = line.trimStart();
    if (trimmed !== "" && trimmed !== "\r" && !trimmed.startsWith("#") && line.length - trimmed.length < keyIndent) return undefined;
    const head = SUGGESTION_HEAD.exec(line);
    if (!head || (head[1] ?? "").length !== keyIndent) continue;
    const pad = head[1] ?? "";
    const body: string[] = [];
    const edits: TextEdit[] = [{ start: offsets[i] ?? 0, end: (offsets[i] ?? 0) + line.length - (head[3] ?? "").length, text: `${pad}probes:  # suggested from line ${head[2] ?? "?"} (added by readiness triage): review them` }];
    for (let j = i + 1; j < lines.length && (lines[j] ?? "").startsWith(`${pad}#   `); j++) {
      body.push(`  ${(lines[j] ?? "").slice(pad.length + 4).replace(/\r$/, "")}`);
      const start = (offsets[j] ?? 0) + pad.length;
      edits.push({ start, end: start + 4, text: "  " });
    }
    let probes: unknown;
    try {
      probes = parse(`probes:\n${body.join("\n")}\n`, { logLevel: "silent" });
    } catch {
      return undefined;
    }
    const list = (probes as { probes?: unknown } | null)?.probes;
    if (!Array.isArray(list) || list.length === 0 || !list.every((p) => p !== null && typeof p === "object")) return undefined;
    return { from: Number(head[2]), probes: list as Record<string, unknown>[], edits };
  }
  return undefined;
}

/** Uncomments the probe suggestions of the item at `where` (see `probeSuggestions`). */
export function recordSuggestedProbes(text: string, where: { line: number; column: number }, id: string): string {
  const editor = new YamlEditor(text);
  if (itemMapAt(editor, where).has("probes")) throw new ReadinessError(`item "${id}" already has a probes key: add the suggested probes to it by hand`, { code: "EPROBES" });
  const found = probeSuggestions(text, where);
  if (!found) throw new ReadinessError(`item "${id}" has no probe suggestions (the commented "# probes:" lines readiness import writes)`, { code: "ENOSUGGESTION" });
  return applyEdits(text, found.edits);
}

/**
 * Records a sign-off under the top-level `signoffs`: an existing one of the same role is updated
 * (by, at); otherwise one is appended, and `signoffs:` is created after `gate:` when absent.
 */
export function recordSignoff(text: string, s: { role: string; by: string; at: string }): string {
  const editor = new YamlEditor(text);
  const root = mapAt(editor, []);
  const fields: Fields = [
    ["role", escapeRefs(s.role)],
    ["by", escapeRefs(s.by)],
    ["at", s.at],
  ];
  const seq = editor.nodeAt(["signoffs"]);
  const existing = isSeq(seq) ? seq.items.find((n): n is YAMLMap => isMap(n) && String(n.get("role")).trim() === escapeRefs(s.role)) : undefined;
  if (existing) {
    editor.setEntries(existing, fields.slice(1).map(([k, v]): [string, EditValue] => [k, v]));
    return editor.result();
  }
  if (isSeq(seq)) editor.appendToSeq(seq, fields);
  else editor.setEntries(root, [["signoffs", { list: [fields] }]], ["gate"]);
  return editor.result();
}

/** Checks a waiver's end date against today and `gate.max_waiver_days`. Throws a `ReadinessError`. */
export function checkWaiverDates(until: string, now: Date, maxDays: number = DEFAULT_MAX_WAIVER_DAYS): void {
  const left = daysUntil(until, now);
  if (left === undefined) throw new ReadinessError(`--until ${until}: expected a real date as YYYY-MM-DD`, { code: "EUSAGE" });
  if (left < 0) throw new ReadinessError(`--until ${until}: the date is in the past (today is ${new Date(now).toISOString().slice(0, 10)}); a waiver must end today or later`, { code: "EUSAGE" });
  if (left > maxDays) {
    throw new ReadinessError(`--until ${until}: ${left} days away, more than gate.max_waiver_days (${maxDays}) allows; choose an earlier date (or raise gate.max_waiver_days in the checklist)`, { code: "EUSAGE" });
  }
}

/**
 * The role to record: a required role (matched ignoring case and spacing, written as the checklist
 * spells it), or with `force` the role as given. Otherwise a `ReadinessError` listing the roles.
 */
export function resolveRole(role: string, required: string[], force: boolean): string {
  const norm = (s: string): string => s.trim().replace(/\s+/g, " ").toLowerCase();
  const match = required.find((r) => norm(r) === norm(role));
  if (match) return match;
  if (force) return role.trim().replace(/\s+/g, " ");
  if (!required.length) throw new ReadinessError(`the checklist requires no sign-offs (gate.signoffs is empty): add the role to gate.signoffs, or use --force to record "${role}" anyway`, { code: "EUNKNOWN" });
  const guess = nearest(role, required);
  throw new ReadinessError(
    `"${role}" is not a required sign-off role${guess ? ` — did you mean "${guess}"?` : ""} (gate.signoffs: ${required.join(", ")}); use --force to record it anyway`,
    { code: "EUNKNOWN" },
  );
}
