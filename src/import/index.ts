/**
 * `readiness import`: a Markdown production-readiness checklist → a checklist YAML (format v1).
 * The pipeline is decode (bytes, BOM, UTF-16, binary/size checks) → repair (mojibake) → read
 * (Markdown blocks into a section tree) → build (claims, severities, probe suggestions, ids) →
 * write (YAML text with source-line comments). The CLI only reads the file, calls `importMarkdown`,
 * writes `yaml` and prints `formatImportSummary(summary)` (or the summary as JSON) to stderr.
 */
import { basename, extname } from "node:path";
import { ReadinessError } from "../errors.js";
import { MANUAL_STATUSES, SEVERITIES, type ManualStatus, type Severity } from "../types.js";
import { buildChecklist } from "./build.js";
import { decodeInput, type InputEncoding } from "./decode.js";
import { writeChecklist, type OutSection } from "./emit.js";
import { readMarkdown, type SkippedLine, type SkipReason } from "./markdown.js";
import { CODEC_NAMES, repairMojibake, type MojibakeCodec } from "./mojibake.js";

export { MAX_IMPORT_BYTES, type InputEncoding } from "./decode.js";
export type { SkippedLine, SkipReason } from "./markdown.js";
export type { MojibakeCodec } from "./mojibake.js";

/** Options of `importMarkdown`. */
export interface ImportOptions {
  /** The input's file name: used in messages, the header comment, and as the name when there is no H1. */
  file: string;
  /** Write suggested probes live instead of as comments. Items keep their claimed status either way. */
  withProbes?: boolean;
}

/** The machine-readable report of one import (stable keys; `--json` prints it). */
export interface ImportSummary {
  /** The file name as given. */
  file: string;
  /** The checklist's `name`. */
  name: string;
  /** How the bytes were read. */
  encoding: InputEncoding;
  /** Mojibake repairs applied, in order (empty when the text was clean). */
  mojibake: { codec: MojibakeCodec; sequences: number; lines: number[] }[];
  sections: number;
  items: number;
  /** Items by claimed status; `none` = the line made no claim (scored as missing). */
  claims: Record<ManualStatus | "none", number>;
  /** Items by severity; `unspecified` = none found (the checklist default, medium, applies). */
  severities: Record<Severity | "unspecified", number>;
  probes: {
    /** How many probes were suggested. */
    suggested: number;
    /** Written live (`withProbes`) or commented out. */
    live: boolean;
    /** Items that received at least one suggestion. */
    items: number;
    byType: Record<string, number>;
  };
  /** Non-blank lines that became neither a section nor an item. `lines` lists the first 200. */
  skipped: { total: number; byReason: Partial<Record<SkipReason, number>>; lines: SkippedLine[] };
  /** Required sign-off roles found in a sign-off table (suggested in a comment). */
  signoffs: string[];
  /** How priority words, badges and level columns were read as severities, in order of first use. */
  severityMapping: { word: string; severity: Severity }[];
  /** Structural decisions: tables read as items, answer options and goal bullets not counted. */
  decisions: string[];
}

/** What `importMarkdown` returns. */
export interface ImportResult {
  /** The checklist YAML text (ends with a newline). */
  yaml: string;
  summary: ImportSummary;
  /** One line each: repairs made, claims that contradicted each other, bullets not imported. */
  warnings: string[];
}

const SKIPPED_LINES_LISTED = 200;

function tally(sections: OutSection[], summary: ImportSummary): void {
  for (const s of sections) {
    summary.sections++;
    for (const item of s.items) {
      summary.items++;
      summary.claims[item.status ?? "none"]++;
      summary.severities[item.severity ?? "unspecified"]++;
      if (item.probes.length > 0) summary.probes.items++;
      for (const p of item.probes) {
        summary.probes.suggested++;
        summary.probes.byType[p.type] = (summary.probes.byType[p.type] ?? 0) + 1;
      }
    }
    tally(s.sections, summary);
  }
}

/**
 * Converts a Markdown checklist into checklist YAML (format v1), with a summary of what was found.
 * Throws `ReadinessError` (exit 2) for an empty, binary, oversized or undecodable input, or one
 * with no checklist items at all. Same input and options, same output bytes.
 */
export function importMarkdown(input: Buffer | Uint8Array | string, options: ImportOptions): ImportResult {
  const file = options.file;
  const decoded = decodeInput(input, file);
  const repaired = repairMojibake(decoded.text);
  const md = readMarkdown(repaired.text);
  const fallbackName = basename(file, extname(file)) || "Imported checklist";
  const built = buildChecklist(md, fallbackName);
  const warnings: string[] = [];
  for (const r of repaired.repairs) {
    const lines = r.lines.slice(0, 8).join(", ") + (r.lines.length > 8 ? ", …" : "");
    warnings.push(`repaired mojibake: UTF-8 text that had been read as ${CODEC_NAMES[r.codec]} (${r.sequences} character${r.sequences === 1 ? "" : "s"} on ${r.lines.length} line${r.lines.length === 1 ? "" : "s"}: ${lines})`);
  }
  for (const w of built.warnings) warnings.push(w);

  const summary: ImportSummary = {
    file,
    name: built.name,
    encoding: decoded.encoding,
    mojibake: repaired.repairs.map((r) => ({ codec: r.codec, sequences: r.sequences, lines: r.lines })),
    sections: 0,
    items: 0,
    claims: Object.fromEntries([...MANUAL_STATUSES, "none"].map((k) => [k, 0])) as Record<ManualStatus | "none", number>,
    severities: Object.fromEntries([...SEVERITIES, "unspecified"].map((k) => [k, 0])) as Record<Severity | "unspecified", number>,
    probes: { suggested: 0, live: options.withProbes === true, items: 0, byType: {} },
    skipped: { total: built.skipped.length, byReason: {}, lines: built.skipped.slice(0, SKIPPED_LINES_LISTED) },
    signoffs: built.signoffs?.roles ?? [],
    severityMapping: built.mappings,
    decisions: built.decisions,
  };
  for (const s of built.skipped) summary.skipped.byReason[s.reason] = (summary.skipped.byReason[s.reason] ?? 0) + 1;
  tally(built.sections, summary);
  summary.probes.byType = Object.fromEntries(Object.entries(summary.probes.byType).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  if (summary.items === 0) {
    throw new ReadinessError(
      `${file}: no checklist items found (expected list items such as "- [ ] Backups tested", or a table with a Status column; ${summary.skipped.total} line${summary.skipped.total === 1 ? "" : "s"} read as notes)`,
      { code: "ENOITEMS" },
    );
  }

  const doc = { source: basename(file), name: built.name, sections: built.sections, withProbes: options.withProbes === true, ...(built.signoffs ? { signoffs: built.signoffs } : {}) };
  return { yaml: writeChecklist(doc), summary, warnings };
}

const REASON_TEXT: Record<SkipReason, string> = {
  "front-matter": "front matter",
  "code-block": "code",
  html: "HTML/comments",
  "table-of-contents": "table of contents",
  legend: "legend",
  notes: "notes",
  "link-list": "link lists",
  paragraph: "prose",
  table: "tables without a status column",
  "unmarked-item": "unmarked bullets",
  "empty-item": "empty bullets",
  goal: "goal descriptions (success criteria, definition of done)",
  "answer-option": "answer options of a question",
  "too-deep": "nested too deeply to read",
};

const STATUS_TEXT: Record<ManualStatus | "none", string> = {
  done: "done",
  partial: "partial",
  missing: "missing",
  "in-progress": "in progress",
  "n/a": "n/a",
  none: "no claim",
};

function counts<K extends string>(record: Record<K, number>, keys: readonly K[], label: (k: K) => string): string {
  const parts = keys.filter((k) => record[k] > 0).map((k) => `${record[k]} ${label(k)}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** The human report of an import, for stderr: several short lines, no colour, no trailing newline. */
export function formatImportSummary(summary: ImportSummary): string {
  const lines: string[] = [];
  const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  lines.push(`Imported ${summary.file}: ${plural(summary.items, "item")} in ${plural(summary.sections, "section")} — "${summary.name}"`);
  lines.push(`  claims:      ${counts(summary.claims, [...MANUAL_STATUSES, "none"], (k) => STATUS_TEXT[k])}`);
  lines.push(`  severities:  ${counts(summary.severities, [...SEVERITIES, "unspecified"], (k) => (k === "unspecified" ? "unspecified (medium by default)" : k))}`);
  const byType = Object.entries(summary.probes.byType)
    .map(([t, n]) => `${n} ${t}`)
    .join(", ");
  lines.push(
    summary.probes.suggested > 0
      ? `  probes:      ${plural(summary.probes.suggested, "suggestion")} on ${plural(summary.probes.items, "item")} (${byType}) — ${summary.probes.live ? "written live: review them" : "commented out: review, then uncomment, or import with --with-probes"}`
      : "  probes:      none suggested — add probes so that claims can be verified",
  );
  if (summary.encoding !== "utf-8" && summary.encoding !== "string") lines.push(`  encoding:    ${summary.encoding}`);
  for (const m of summary.mojibake) lines.push(`  repaired:    mojibake (UTF-8 read as ${CODEC_NAMES[m.codec]}): ${plural(m.sequences, "character")} on ${plural(m.lines.length, "line")}`);
  if (summary.skipped.total > 0) {
    const reasons = Object.entries(summary.skipped.byReason)
      .sort(([, a], [, b]) => b - a)
      .map(([r, n]) => `${n} ${REASON_TEXT[r as SkipReason]}`)
      .join(", ");
    lines.push(`  not items:   ${plural(summary.skipped.total, "line")} skipped (${reasons})`);
  }
  if (summary.severityMapping.length > 0) {
    const shown = summary.severityMapping.slice(0, 12).map((m) => `"${m.word}" → ${m.severity}`);
    lines.push(`  mapped:      ${shown.join(", ")}${summary.severityMapping.length > 12 ? ", …" : ""}`);
  }
  for (const d of summary.decisions.slice(0, 10)) lines.push(`  decided:     ${d}`);
  if (summary.decisions.length > 10) lines.push(`  decided:     … ${summary.decisions.length - 10} more (--json lists them all)`);
  if (summary.signoffs.length > 0) lines.push(`  sign-offs:   ${summary.signoffs.join(", ")} (suggested as gate.signoffs in a comment)`);
  return lines.join("\n");
}
