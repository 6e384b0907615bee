/**
 * read → parse → validate → resolve. The single entry point for turning a checklist file or text
 * into a typed `Checklist`, reporting every problem at once.
 */
import { resolve as resolvePath } from "node:path";
import { ReadinessError } from "../errors.js";
import type { Checklist, Issue } from "../types.js";
import { parseYaml } from "./parse.js";
import { readChecklistFile } from "./read.js";
import { resolveChecklist, type ResolveOptions } from "./resolve.js";
import { validateSchema } from "./validate.js";

export type LoadOptions = ResolveOptions;

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
  if (schemaIssues.length) return { issues: sortIssues(schemaIssues) };
  const { checklist, issues } = resolveChecklist(parsed, options);
  const sorted = sortIssues(issues);
  return sorted.some((i) => i.level !== "warning") ? { issues: sorted } : { checklist, issues: sorted };
}

/** Like `checkChecklistText`, but throws a `ReadinessError` carrying every error when the text is invalid. */
export function parseChecklist(text: string, file: string, options: LoadOptions = {}): Checklist {
  const { checklist, issues } = checkChecklistText(text, file, options);
  if (!checklist) throw invalid(file, issues);
  return checklist;
}

/** Reads and loads a checklist file. Throws a `ReadinessError` for anything the user must fix. */
export async function loadChecklist(file: string, options: LoadOptions = {}): Promise<Checklist> {
  const text = await readChecklistFile(file);
  const checklist = parseChecklist(text, file, options);
  checklist.dir = resolvePath(checklist.dir);
  return checklist;
}

/** Reads and checks a checklist file without throwing for checklist errors (I/O refusals still throw). */
export async function checkChecklistFile(file: string, options: LoadOptions = {}): Promise<CheckResult> {
  const text = await readChecklistFile(file);
  const result = checkChecklistText(text, file, options);
  if (result.checklist) result.checklist.dir = resolvePath(result.checklist.dir);
  return result;
}

function invalid(file: string, issues: Issue[]): ReadinessError {
  const errors = issues.filter((i) => i.level !== "warning");
  return new ReadinessError(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}`, { code: "EINVALID", issues });
}

function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
