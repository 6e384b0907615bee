/**
 * The `command` probe: runs a program and checks its exit code and output.
 *
 * No shell unless the checklist asks for one: a string is split into argv by a small quote-aware
 * splitter. The child leads its own process group, and the whole group is killed when the probe
 * times out, is aborted, or the child exits, so a probe never leaves processes behind.
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { hasTextAssertions, TEXT_ASSERTION_PROPERTIES, textAssertionIssues, type TextAssertions } from "./assert.js";

/** Spec of a `command` probe, as written in a checklist (already interpolated and schema-valid). */
export interface CommandSpec extends ProbeSpecBase {
  /** A command line (split into argv without a shell unless `shell: true`) or an argv list. */
  command: string | string[];
  /** Run through the system shell (`/bin/sh -c`), for pipes, redirections and variables (default false). */
  shell?: boolean;
  /** Working directory, relative to the checklist's directory. */
  cwd?: string;
  /** Environment variables, merged over the audit's own environment. */
  env?: Record<string, string | number | boolean>;
  /** Accepted exit code(s) (default 0). */
  exit_code?: number | number[];
  /** Assertions on standard output. */
  stdout?: TextAssertions;
  /** Assertions on standard error. */
  stderr?: TextAssertions;
}

/** A command line split into argv, and any unquoted shell syntax seen (kept literally in argv). */
export interface SplitCommand {
  argv: string[];
  shellSyntax: string[];
}

const SHELL_CHARS = "|&;<>$`";

/**
 * Splits a command line into argv as a POSIX shell would for plain words: whitespace separates,
 * '…' is literal, "…" allows \" \\ \$ \` escapes, a backslash escapes the next character. Nothing is
 * expanded. Returns the problem as a string for an unterminated quote or an empty command.
 */
export function splitCommand(text: string): SplitCommand | string {
  const argv: string[] = [];
  const shellSyntax = new Set<string>();
  let cur = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return "unterminated ' quote";
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text.charAt(i);
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < text.length && '"\\$`'.includes(text.charAt(i + 1))) {
          cur += text.charAt(i + 1);
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      if (!closed) return 'unterminated " quote';
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 < text.length) cur += text.charAt(i + 1);
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else {
      if (SHELL_CHARS.includes(c)) shellSyntax.add(c);
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(cur);
  if (argv.length === 0) return "empty command";
  return { argv, shellSyntax: [...shellSyntax] };
}

/** Quotes one argument for a POSIX shell when it needs it (for display and for `shell: true` with a list). */
export function shellQuote(arg: string): string {
  if (arg !== "" && /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Display form of the command: as written, or an argv list joined with shell quoting. */
export function commandLine(spec: CommandSpec): string {
  return typeof spec.command === "string" ? spec.command : spec.command.map(shellQuote).join(" ");
}

function check(spec: CommandSpec): Issue[] {
  const issues: Issue[] = [];
  if (Array.isArray(spec.command)) {
    if (spec.command.length === 0) issues.push({ path: "/command", level: "error", message: "empty command" });
    else if (spec.command[0] === "") issues.push({ path: "/command/0", level: "error", message: "empty program name" });
  } else if (typeof spec.command === "string") {
    if (spec.command.trim() === "") issues.push({ path: "/command", level: "error", message: "empty command" });
    else if (spec.shell !== true) {
      const split = splitCommand(spec.command);
      if (typeof split === "string") issues.push({ path: "/command", level: "error", message: `${split} (quote-aware splitting, no shell)` });
      else if (split.shellSyntax.length > 0) {
        issues.push({
          path: "/command",
          level: "warning",
          message: `shell syntax (${split.shellSyntax.join(" ")}) is passed literally because shell is false; set shell: true if a shell is meant`,
        });
      }
    }
  }
  if (Array.isArray(spec.exit_code) && spec.exit_code.length === 0) issues.push({ path: "/exit_code", level: "error", message: "exit_code is an empty list, so no run could pass" });
  for (const stream of ["stdout", "stderr"] as const) {
    const a = spec[stream];
    if (a === undefined || a === null || typeof a !== "object") continue;
    if (!hasTextAssertions(a)) issues.push({ path: `/${stream}`, level: "error", message: `${stream} has no assertion, so it checks nothing: add contains, not_contains or matches` });
    issues.push(...textAssertionIssues(a as Record<string, unknown>, `/${stream}`));
  }
  return issues;
}

const OUTPUT_ASSERTIONS = {
  type: "object",
  properties: TEXT_ASSERTION_PROPERTIES,
  additionalProperties: false,
} as const;

const EXIT_CODE = { type: "integer", minimum: 0, maximum: 255 } as const;

/** The `command` probe: see {@link CommandSpec}. It executes, so `--no-exec` skips it. */
export const commandProbe: Probe<CommandSpec> = {
  type: "command",
  description: "Runs a command and checks its exit code and output.",
  schema: {
    type: "object",
    required: ["command"],
    properties: {
      command: {
        oneOf: [
          { type: "string", minLength: 1 },
          { type: "array", items: { type: "string" }, minItems: 1 },
        ],
        description: "A command line (no shell unless shell: true) or an argv list.",
      },
      shell: { type: "boolean", description: "Run through /bin/sh -c (default false)." },
      cwd: { type: "string", minLength: 1, description: "Working directory, relative to the checklist." },
      env: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] }, description: "Extra environment variables." },
      exit_code: {
        oneOf: [EXIT_CODE, { type: "array", items: EXIT_CODE, minItems: 1 }],
        description: "Accepted exit code(s) (default 0).",
      },
      stdout: { ...OUTPUT_ASSERTIONS, description: "Assertions on standard output: contains, not_contains, matches." },
      stderr: { ...OUTPUT_ASSERTIONS, description: "Assertions on standard error: contains, not_contains, matches." },
    },
  },
  check,
  executes: true,
  target: commandLine,
  run: (spec, ctx) => import("./run/command.js").then((m) => m.run(spec, ctx)),
};
