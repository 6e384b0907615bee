/**
 * `readiness audit [FILE]`: load, plan, run, score, report, exit code.
 */
import { appendFile } from "node:fs/promises";
import { resolve } from "node:path";
import { runPlan, type AuditOptions } from "../audit.js";
import { auditUntilReady, DEFAULT_INTERVAL_MS, waitReporter } from "./wait.js";
import { builtinChecklist } from "../checklist/builtin.js";
import { loadChecklist } from "../checklist/load.js";
import { plan, type Plan } from "../engine/plan.js";
import { ReadinessError, sanitize } from "../errors.js";
import { summarize, type ReportSummary } from "../render/summary.js";
import { probeLabel, progressLine } from "../render/progress.js";
import { escapeJsonControls } from "../util/escape.js";
import { isReportFormat, reportStream, reporters, REPORT_FORMATS, type ReportFormat } from "../render/index.js";
import type { Checklist, Report, Verdict } from "../types.js";
import { formatDuration, MAX_WAIT_MS, monotonicMs, parseDuration } from "../util/duration.js";
import { sameFileAs, writeFileAtomic } from "../util/fs.js";
import { createMasker, maskDeep, maskParts } from "../util/mask.js";
import { displayUrl } from "../probes/driver.js";
import { annotateChanges, checkSignoffs } from "../governance/changes.js";
import { chalkFor, clockFor, colorLevel, displayPath, findChecklist, parseKeyValues, terminalWidth, untrustedOption, type GlobalOptions, type Io } from "./io.js";

export const FAIL_ON = ["no-go", "conditional", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface AuditCommandOptions extends GlobalOptions {
  format?: string;
  output?: string[];
  only?: string[];
  skip?: string[];
  var?: string[];
  concurrency?: string;
  timeout?: string;
  exec?: boolean;
  dryRun?: boolean;
  failOn?: string;
  minScore?: string;
  strict?: boolean;
  progress?: boolean;
  baseline?: string;
  /** `--env NAME`: apply `environments.NAME`. */
  env?: string;
  /** `--untrusted` (with `--allow-env NAME`...): see docs/security.md. */
  untrusted?: boolean;
  allowEnv?: string[];
  /** `--wait DURATION`: re-run failing probes until the gate passes or the time is up. */
  wait?: string;
  interval?: string;
  /** `--stable N`: passing full rounds in a row that `--wait` needs (default 1). */
  stable?: string;
}

/** Exit code for a verdict under a `--fail-on` policy. */
export function exitCodeFor(verdict: Verdict, failOn: FailOn): number {
  if (failOn === "never") return 0;
  if (verdict === "NO-GO") return 1;
  if (verdict === "CONDITIONAL" && failOn === "conditional") return 1;
  return 0;
}

function parseFormat(name: string, option: string): ReportFormat {
  if (!isReportFormat(name)) throw new ReadinessError(`${option} ${name}: unknown format (formats: ${REPORT_FORMATS.join(", ")})`, { code: "EUSAGE" });
  return name;
}

/** Parses `-o FORMAT=PATH` values. */
export function parseOutputs(values: string[]): { format: ReportFormat; path: string }[] {
  return values.map((v) => {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) throw new ReadinessError(`--output ${v}: expected FORMAT=PATH, e.g. json=reports/readiness.json`, { code: "EUSAGE" });
    return { format: parseFormat(v.slice(0, eq), "--output"), path: v.slice(eq + 1) };
  });
}

/** Two `-o` naming one file: the second would silently replace the first, so it is refused up front. */
function sameFileTwice(outputs: { format: ReportFormat; path: string }[], cwd: string): void {
  const seen = new Map<string, string>();
  for (const o of outputs) {
    const full = resolve(cwd, o.path);
    const first = seen.get(full);
    if (first !== undefined) throw new ReadinessError(`--output ${o.format}=${o.path}: ${first} is written to the same file; give each report its own path`, { code: "EUSAGE" });
    seen.set(full, `--output ${o.format}=${o.path}`);
  }
}

export function parseIntOption(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ReadinessError(`${option} ${value}: expected a whole number from ${min} to ${max}`, { code: "EUSAGE" });
  return n;
}

export function parseDurationOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new ReadinessError(`${option} ${value}: expected a duration like 500ms, 5s or 2m`, { code: "EUSAGE" });
  if (ms > MAX_WAIT_MS) throw new ReadinessError(`${option} ${value}: at most 24d`, { code: "EUSAGE" });
  return ms;
}

/** The options `audit` and `serve` share: the gate, the run, the variables. */
export function parseRunOptions(opts: Pick<AuditCommandOptions, "failOn" | "concurrency" | "minScore" | "timeout" | "var">): { failOn: FailOn; concurrency: number; minScore?: number; timeoutMs?: number; vars: Record<string, string> } {
  const failOn = (opts.failOn ?? "no-go") as FailOn;
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new ReadinessError(`--fail-on ${failOn}: expected one of ${FAIL_ON.join(", ")}`, { code: "EUSAGE" });
  return {
    failOn,
    concurrency: parseIntOption(opts.concurrency, "--concurrency", 1, 1000) ?? 16,
    minScore: parseIntOption(opts.minScore, "--min-score", 0, 100),
    timeoutMs: parseDurationOption(opts.timeout, "--timeout"),
    vars: parseKeyValues(opts.var ?? [], "--var"),
  };
}

/** Loads the checklist for audit-like commands: the given file, a default name, or the built-in baseline. */
export async function loadForAudit(io: Io, file: string | undefined, vars: Record<string, string>, environment?: string, untrusted?: { allowEnv?: string[] }): Promise<Checklist> {
  const found = findChecklist(io.cwd, file);
  if (!found) {
    if (environment !== undefined) throw new ReadinessError(`--env ${environment}: no checklist here, and the built-in baseline defines no environments`, { code: "EUSAGE" });
    return builtinChecklist(io.cwd);
  }
  return loadChecklist(displayPath(io, found), { env: io.env, vars, environment, signal: io.signal, secrets: io.secrets, ...(untrusted ? { untrusted } : {}) });
}

/** One probe of the `--dry-run` plan, as `-f json` prints it. */
export interface PlanProbeView {
  type: string;
  /** What the probe checks (a URL with a password shows it as ***). */
  target: unknown;
  /** The probe's other keys. */
  spec: Record<string, unknown>;
  timeout_ms: number;
  retries: number;
  /** Why the probe will not run, if it will not. */
  skip?: string;
}

/** One item of the `--dry-run` plan, as `-f json` prints it. */
export interface PlanItemView {
  id: string;
  title: string;
  severity: string;
  /** `run`, `manual` (no probes), `skip` (see `skip`) or `waived`. */
  status: "run" | "manual" | "skip" | "waived";
  skip?: string;
  /** Items whose failure blocks this one (`depends_on`). */
  depends_on?: string[];
  probes: PlanProbeView[];
}

/** The `--dry-run` plan as data, secrets masked: what `-f json` prints and the terminal plan shows. */
export function planView(p: Plan, timeoutOverride?: number): { checklist: { name: string; path: string }; items: PlanItemView[]; probes_to_run: number; env_names: string[] } {
  const mask = createMasker(p.checklist.secrets);
  let probes = 0;
  const items = p.items.map((pi): PlanItemView => {
    const status = pi.skip ? "skip" : pi.waived ? "waived" : pi.item.probes.length ? "run" : "manual";
    const view: PlanItemView = { id: pi.item.id, title: pi.item.title, severity: pi.item.severity, status, probes: [] };
    if (pi.skip) view.skip = pi.skip;
    if (pi.item.depends_on?.length) view.depends_on = [...pi.item.depends_on];
    if (pi.skip || pi.waived) return view;
    for (const pp of pi.probes) {
      // Masked before JSON.stringify escapes them (a secret may hold `"` or `\\`).
      const probeSpec = maskDeep(pp.probe.spec, mask);
      const spec = Object.fromEntries(Object.entries(probeSpec).filter(([k]) => k !== pp.probe.type && k !== "timeout" && k !== "retries" && k !== "retry_delay" && k !== "name"));
      // A URL written with a password (redis://:pw@host) shows it as ***, as the probe's own messages do.
      const raw = probeSpec[pp.probe.type];
      const timeout = timeoutOverride && pp.probe.spec.timeout === undefined ? timeoutOverride : pp.probe.timeoutMs;
      view.probes.push({ type: pp.probe.type, target: typeof raw === "string" ? displayUrl(raw) : raw, spec, timeout_ms: timeout, retries: pp.probe.retries, ...(pp.skip ? { skip: pp.skip } : {}) });
      if (!pp.skip) probes++;
    }
    return view;
  });
  return { checklist: { name: p.checklist.name, path: p.checklist.path }, items, probes_to_run: probes, env_names: p.checklist.envNames ?? [] };
}

/** The `--dry-run` plan: what would run, resolved, secrets masked; `json` gives `planView` as JSON. */
export function renderPlan(p: Plan, timeoutOverride?: number, format: "terminal" | "json" = "terminal"): string {
  const mask = createMasker(p.checklist.secrets);
  const view = planView(p, timeoutOverride);
  if (format === "json") return `${escapeJsonControls(JSON.stringify(maskDeep(view, mask), null, 2))}\n`;
  const lines = [`Plan for ${p.checklist.name} (${p.checklist.path}) — nothing is run:`];
  view.items.forEach((item, k) => {
    const n = item.probes.length;
    const status = item.skip ? `skip: ${item.skip}` : item.status === "waived" ? "waived" : n ? `${n} probe${n === 1 ? "" : "s"}` : `manual (${p.items[k]?.item.status ?? "no status"})`;
    const deps = item.depends_on ? `  (depends on ${item.depends_on.join(", ")})` : "";
    lines.push(`  ${item.id} [${item.severity}] ${sanitize(item.title)} — ${status}${deps}`);
    for (const pp of item.probes) {
      const spec = Object.entries(pp.spec)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ");
      const timing = `timeout ${formatDuration(pp.timeout_ms)}${pp.retries ? `, ${pp.retries} retr${pp.retries === 1 ? "y" : "ies"}` : ""}`;
      lines.push(`      ${pp.skip ? "skip " : "run  "}${pp.type} ${JSON.stringify(pp.target)}${spec ? ` ${spec}` : ""} (${timing})${pp.skip ? ` — ${pp.skip}` : ""}`);
    }
  });
  lines.push(`${view.probes_to_run} probe${view.probes_to_run === 1 ? "" : "s"} would run.`);
  lines.push(view.env_names.length ? `Environment variables read: ${view.env_names.join(", ")}` : "Environment variables read: none");
  return `${sanitize(mask.mask(lines.join("\n")))}\n`;
}

/** Runs the audit command. Returns the exit code. */
export async function auditCommand(file: string | undefined, opts: AuditCommandOptions, io: Io): Promise<number> {
  const format = parseFormat(opts.format ?? "terminal", "--format");
  const outputs = parseOutputs(opts.output ?? []);
  sameFileTwice(outputs, io.cwd);
  const { failOn, concurrency, minScore, timeoutMs, vars } = parseRunOptions(opts);
  const waitMs = parseDurationOption(opts.wait, "--wait");
  const intervalMs = parseDurationOption(opts.interval, "--interval") ?? DEFAULT_INTERVAL_MS;
  const stable = parseIntOption(opts.stable, "--stable", 1, 1000);
  if (opts.stable !== undefined && waitMs === undefined) throw new ReadinessError(`--stable ${opts.stable}: only means something with --wait (e.g. --wait 5m --stable ${opts.stable})`, { code: "EUSAGE" });
  if (opts.interval !== undefined && waitMs === undefined) throw new ReadinessError(`--interval ${opts.interval}: only means something with --wait (e.g. --wait 5m --interval ${opts.interval})`, { code: "EUSAGE" });

  const checklist = await loadForAudit(io, file, vars, opts.env, untrustedOption(opts));
  // Nothing has run yet: an interrupt while loading ends the command here.
  await signalsHandled();
  if (io.interruptedBy()) throw new ReadinessError("interrupted while loading the checklist: nothing was run", { code: "EINTERRUPTED" });
  if (checklist.builtin) {
    io.err(`No checklist here: auditing the built-in repository baseline. Run \`readiness init\` to write your own readiness.yaml.\n`);
  }
  for (const o of outputs) {
    const input = sameFileAs(resolve(io.cwd, o.path), checklist.files ?? [checklist.path]);
    if (input !== undefined) throw new ReadinessError(`--output ${o.format}=${o.path}: is ${input === checklist.path ? "the checklist being audited" : `${displayPath(io, input)}, which the checklist extends`}: not overwriting it`, { code: "EUSAGE" });
  }
  for (const w of checklist.warnings) if (!opts.quiet) io.err(`warning: ${w.file ? `${w.file}:${w.line}:${w.column}: ` : ""}${w.message}\n`);

  const now = clockFor(io);
  const planned = plan(checklist, { only: opts.only, skip: opts.skip, noExec: opts.exec === false || checklist.untrusted === true, timeoutMs, now });
  if (opts.dryRun) {
    io.out(renderPlan(planned, timeoutMs, format === "json" ? "json" : "terminal"));
    return 0;
  }

  const showProgress = opts.progress !== false && !opts.quiet && io.stdoutIsTTY && io.stderrIsTTY && !io.env.CI;
  const progress = showProgress ? liveProgress(io, planned, terminalWidth(io)) : undefined;
  const runOptions: AuditOptions = {
    concurrency,
    now,
    strict: opts.strict,
    minScore,
    signal: io.signal,
    onProbeStart: progress?.started,
    onProbeDone: progress?.done,
  };
  // Last change of each item (git), for outdated sign-offs; runPlan does it too, --wait does not.
  // Never with --no-exec: a repository's own git config can make git run other programs.
  if (!planned.noExec && planned.checklist.gate.signoffs.length > 0) {
    await annotateChanges(planned.checklist, now());
    await checkSignoffs(planned.checklist);
  }
  const report =
    waitMs === undefined
      ? await runPlan(planned, runOptions)
      : await auditUntilReady(planned, runOptions, {
          waitMs,
          intervalMs,
          stable,
          passes: (r) => exitCodeFor(r.verdict, failOn) === 0,
          ...waitReporter(io, { waitMs, quiet: opts.quiet, live: opts.progress !== false && io.stderrIsTTY && !io.env.CI }, progress?.clear),
        });
  // Before anything else is written: the report starts on a clean line.
  progress?.stop();
  await signalsHandled();

  let final = report;
  if (opts.baseline) {
    // Report reading (with its ajv schema) loads only when a baseline is given.
    const [{ applyBaseline }, { readReport }] = await Promise.all([import("../compare/baseline.js"), import("./reports.js")]);
    final = applyBaseline(report, await readReport(io, opts.baseline), opts.baseline);
  }

  writeReports(final, format, outputs, opts, io);
  if (io.env.GITHUB_ACTIONS === "true") await githubActions(final, checklist.builtin ? undefined : checklist.path, format, opts, io);

  await signalsHandled();
  const by = io.interruptedBy();
  if (by) return by === "SIGTERM" ? 143 : 130;
  return exitCodeFor(report.verdict, failOn);
}

/** How often the progress line may be redrawn at most: 10 times a second. */
const PROGRESS_INTERVAL_MS = 100;

/** A live progress line on stderr: the engine's start and done events update its state; a timer draws it. */
interface LiveProgress {
  started: NonNullable<AuditOptions["onProbeStart"]>;
  done: NonNullable<AuditOptions["onProbeDone"]>;
  /** Erases the line (until the next probe starts), so that other text starts on a clean line. */
  clear: () => void;
  /** Erases the line and draws no more. */
  stop: () => void;
}

/**
 * Draws the progress line (render/progress.ts) at most every PROGRESS_INTERVAL_MS, and only when it
 * changed: events only change the state, so a burst of fast probes costs no redraw each. An
 * interrupt stops it at once, and the line is erased before the report is written.
 */
function liveProgress(io: Io, planned: Plan, width: number): LiveProgress {
  const t0 = monotonicMs();
  /** Probes in flight: "item.probe" → when it started. */
  const running = new Map<string, { label: string; since: number }>();
  let done = 0;
  let total = 0;
  let shown = "";
  let stopped = false;
  const draw = (text: string): void => {
    if (text === shown) return;
    shown = text;
    io.err(`\r\x1b[2K${text}`);
  };
  const timer = setInterval(() => {
    // Between rounds of --wait (and while a dependency wave is released) nothing runs: the line stays.
    if (stopped || running.size === 0) return;
    const t = monotonicMs();
    const probes = [...running.values()].map((p) => ({ label: p.label, elapsedMs: t - p.since }));
    draw(progressLine({ done, total, elapsedMs: t - t0, running: probes }, width));
  }, PROGRESS_INTERVAL_MS);
  // The line never keeps the process alive.
  timer.unref();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
    draw("");
    io.signal.removeEventListener("abort", stop);
  };
  io.signal.addEventListener("abort", stop, { once: true });
  return {
    started: (n, of, i, j) => {
      if (n === 1) done = 0;
      total = of;
      const item = planned.items[i];
      running.set(`${i}.${j}`, { label: item ? probeLabel(item, j) : `#${i}`, since: monotonicMs() });
    },
    done: (n, of, i, j) => {
      done = n;
      total = of;
      running.delete(`${i}.${j}`);
      // The round is over (--wait writes its round line next): no progress left on the screen.
      if (n === of && running.size === 0) draw("");
    },
    clear: () => draw(""),
    stop,
  };
}

/**
 * Lets a pending SIGINT or SIGTERM be handled. Loading, scoring and rendering are synchronous (and
 * with no probe to wait for, an audit may never return to the event loop in between), so without
 * this an interrupt during them would be noticed only after the exit code was decided.
 */
function signalsHandled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * In GitHub Actions: one annotation per failing item and the Markdown report appended to the step
 * summary. Annotations go to stdout, where GitHub documents workflow commands, unless stdout carries
 * a machine-readable report (`-f json`, `junit`, `html`, `badge`): then to stderr, which the runner
 * also scans, so the report stays clean.
 */
async function githubActions(report: Report, checklistFile: string | undefined, format: ReportFormat, opts: GlobalOptions, io: Io): Promise<void> {
  const { githubAnnotations, stepSummary } = await import("../render/github.js");
  const stream = format === "terminal" || format === "markdown" ? "out" : "err";
  for (const line of githubAnnotations(report, checklistFile, { workspace: io.env.GITHUB_WORKSPACE })) io.command(line, stream);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (!summaryFile) return;
  const markdown = reporters.markdown(report, { chalk: chalkFor(0), verbose: Boolean(opts.verbose) });
  try {
    await appendFile(summaryFile, io.secrets.mask(`${stepSummary(markdown)}\n`));
  } catch (e) {
    io.err(`warning: cannot append to GITHUB_STEP_SUMMARY (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
  }
}

/** Renders the stdout report and every `-o` file. Files are written atomically. */
export function writeReports(report: Report, format: ReportFormat, outputs: { format: ReportFormat; path: string }[], opts: GlobalOptions, io: Io): void {
  const plain = chalkFor(0);
  // One summary for every format of this report that reads it (terminal, Markdown, HTML), made once.
  let shared: ReportSummary | undefined;
  const summary = (f: ReportFormat): ReportSummary | undefined => (f === "terminal" || f === "markdown" || f === "html" ? (shared ??= summarize(report)) : undefined);
  // One after the other: an error stops before the next file.
  for (const o of outputs) {
    // Each part is written as it is made (reportStream), not joined into one string first.
    const parts = reportStream[o.format](report, { chalk: plain, verbose: Boolean(opts.verbose), summary: summary(o.format) });
    try {
      writeFileAtomic(resolve(io.cwd, o.path), maskParts(parts, io.secrets));
    } catch (e) {
      // The parts are rendered while the file is written: only a system error is the file's fault.
      if (e instanceof ReadinessError || !isSystemError(e)) throw e;
      throw new ReadinessError(`--output ${o.format}=${o.path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EWRITE" });
    }
  }
  if (opts.quiet && format === "terminal") {
    io.out(`${report.verdict} score ${report.score ?? "-"} verified ${report.verified_score ?? "-"}\n`);
    return;
  }
  const parts = reportStream[format](report, { chalk: format === "terminal" ? chalkFor(colorLevel(io, opts, io.stdoutIsTTY)) : plain, verbose: Boolean(opts.verbose), width: terminalWidth(io), summary: summary(format) });
  const joined = [...parts].join("");
  const text = format === "json" ? escapeJsonControls(joined) : joined;
  io.out(text.endsWith("\n") ? text : `${text}\n`);
}

/** An error from the file system (ENOENT, EACCES, ENOTDIR, ENOSPC...), as opposed to a bug. */
function isSystemError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}
