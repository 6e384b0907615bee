/**
 * read → parse → validate → resolve. The single entry point for turning a checklist file or text
 * into a typed `Checklist`, reporting every problem at once.
 */
import { resolve as resolvePath } from "node:path";
import { ReadinessError } from "../errors.js";
import type { Checklist, Issue } from "../types.js";
import { parseYaml, type ParsedYaml, type Path } from "./parse.js";
import { readChecklistFile } from "./read.js";
import { resolveChecklist, type ResolveOptions } from "./resolve.js";
import { checkProbeTypes, validateSchema } from "./validate.js";
import { annotateComposition, composeChecklist, type ComposeOptions } from "./extends.js";

/** How a checklist loads: environment and `--var` values for interpolation, `--env NAME`. */
export type LoadOptions = ResolveOptions &
  ComposeOptions & {
    /** Stops reading a checklist that comes from a pipe still being written (an interrupt). */
    signal?: AbortSignal;
  };

/** Result of checking a checklist without throwing: the checklist when it is valid, and every issue. */
export interface CheckResult {
  checklist?: Checklist;
  /** Errors and warnings, in document order. */
  issues: Issue[];
}

/** Parses, validates and resolves checklist text. Never throws for bad input: issues say what is wrong. */
export function checkChecklistText(text: string, file: string, options: LoadOptions = {}): CheckResult {
  const parsed = parseYaml(text, file);
  if (parsed.issues.length) return { issues: parsed.issues };
  const schemaIssues = validateSchema(parsed);
  // Resolving, which names a probe's unknown type key, runs only on a schema-valid document: a typo
  // like `htp:` is named with the schema's errors instead of in a second round.
  if (schemaIssues.length) return { issues: sortIssues([...schemaIssues, ...probeTypeIssues(parsed)]) };
  // extends, matrices, drops, --env and --var: one merged document whose positions stay per file.
  const composed = composeChecklist(parsed, options);
  if (composed.issues.some((i) => i.level !== "warning")) return { issues: sortIssues(composed.issues, composed.files) };
  const { checklist, issues } = resolveChecklist(composed.parsed, { ...options, dropped: composed.dropped });
  const sorted = sortIssues([...composed.issues, ...issues], composed.files);
  if (sorted.some((i) => i.level !== "warning")) return { issues: sorted };
  annotateComposition(checklist, composed, options.environment);
  checklist.warnings = sorted.filter((i) => i.level === "warning");
  return { checklist, issues: sorted };
}

/** Like `checkChecklistText`, but throws a `ReadinessError` carrying every error when the text is invalid. */
export function parseChecklist(text: string, file: string, options: LoadOptions = {}): Checklist {
  const { checklist, issues } = checkChecklistText(text, file, options);
  if (!checklist) throw invalid(file, issues);
  return checklist;
}

/** Reads and loads a checklist file. Throws a `ReadinessError` for anything the user must fix. */
export async function loadChecklist(file: string, options: LoadOptions = {}): Promise<Checklist> {
  const text = await readChecklistFile(file, options.signal);
  const checklist = parseChecklist(text, file, options);
  checklist.dir = resolvePath(checklist.dir);
  return checklist;
}

/** Reads and checks a checklist file without throwing for checklist errors (I/O refusals still throw). */
export async function checkChecklistFile(file: string, options: LoadOptions = {}): Promise<CheckResult> {
  const text = await readChecklistFile(file, options.signal);
  const result = checkChecklistText(text, file, options);
  if (result.checklist) result.checklist.dir = resolvePath(result.checklist.dir);
  return result;
}

function invalid(file: string, issues: Issue[]): ReadinessError {
  const errors = issues.filter((i) => i.level !== "warning");
  return new ReadinessError(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}`, { code: "EINVALID", issues });
}

/** The probe type issues (`checkProbeTypes`) of every probe the document holds where one is expected, whatever else is wrong with it. */
function probeTypeIssues(parsed: ParsedYaml): Issue[] {
  const out: Issue[] = [];
  const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const sections = (list: unknown, path: Path): void => {
    if (!Array.isArray(list)) return;
    list.forEach((section: unknown, i) => {
      if (!isMapping(section)) return;
      const at = [...path, i];
      if (Array.isArray(section.items)) {
        section.items.forEach((item: unknown, j) => {
          if (!isMapping(item) || !Array.isArray(item.probes)) return;
          item.probes.forEach((probe: unknown, k) => {
            // An empty mapping is the schema's "empty probe" already.
            if (isMapping(probe) && Object.keys(probe).length) out.push(...checkProbeTypes(probe, [...at, "items", j, "probes", k], parsed).issues);
          });
        });
      }
      sections(section.sections, [...at, "sections"]);
    });
  };
  if (isMapping(parsed.value)) sections(parsed.value.sections, ["sections"]);
  return out;
}

/** Issues by file (the root first, then extended files in the order read), then by position. */
function sortIssues(issues: Issue[], files: string[] = []): Issue[] {
  const rank = (i: Issue): number => (i.file === undefined ? 0 : files.indexOf(i.file) + 1);
  return [...issues].sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
