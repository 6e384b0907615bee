import type { Issue } from "./types.js";

/**
 * An error the user can fix (bad checklist, bad option, missing file): exit code 2, no stack trace.
 * Carries every positioned issue found, not just the first.
 */
export class ReadinessError extends Error {
  readonly code: string;
  readonly issues: Issue[];
  constructor(message: string, options: { code?: string; issues?: Issue[] } = {}) {
    super(message);
    this.name = "ReadinessError";
    this.code = options.code ?? "EINPUT";
    this.issues = options.issues ?? [];
  }
}

/** Formats one issue as a single line: `file:line:column: message (at /path)`. */
export function formatIssue(issue: Issue): string {
  const where = issue.file
    ? `${sanitize(issue.file)}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ""}: `
    : "";
  const path = issue.path ? ` (at ${sanitize(issue.path)})` : "";
  const level = issue.level === "warning" ? "warning: " : "";
  return `${where}${level}${oneLine(issue.message)}${path}`;
}

/** The characters `sanitize` shows escaped: C0 except tab and LF, DEL, C1. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");
/** Any character `oneLine` changes besides surrounding whitespace: C0 (tab and line breaks too), DEL and C1. */
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f]/;

/** Collapses a message to one line and strips terminal control sequences. */
export function oneLine(text: string): string {
  // Most text has no control character and no line break: then only the trim applies.
  if (!CONTROL_OR_BREAK.test(text)) return text.trim();
  return sanitize(text).replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/**
 * Makes untrusted text safe for a terminal or a report: C0/C1 control characters (ESC, BEL, CSI...)
 * are shown escaped (`\x1b`), so no escape sequence from probe output can reach the terminal.
 * Newlines and tabs are kept.
 */
export function sanitize(text: string): string {
  // Tested first: clean text, the common case, is returned without building a new string.
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

