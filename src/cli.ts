/**
 * The command line: commander wiring, output routing, errors → exit codes. The only module that
 * touches argv, stdout, stderr, signals and the process exit code.
 */
import { Command, CommanderError, Option } from "commander";
import { formatIssue, oneLine, ReadinessError } from "./errors.js";
import type { Io } from "./commands/io.js";
import { DIFF_FORMATS, FAIL_ON, FLEET_FORMATS, REPORT_FORMATS } from "./cli-options.js";
import { TOOL } from "./version.js";
import { createMasker } from "./util/mask.js";
import { createOutput } from "./util/output.js";

/*
 * Commands load on first use: `readiness --version` or `--help` must not pay for ajv, yaml,
 * chalk and every probe and reporter. The choice lists in cli-options.ts are kept in step with the
 * registries by test/unit/cli-options.test.ts.
 */
const commands = {
  audit: () => import("./commands/audit.js"),
  validate: () => import("./commands/validate.js"),
  schema: () => import("./commands/schema.js"),
  init: () => import("./commands/init.js"),
  list: () => import("./commands/list.js"),
  attest: () => import("./commands/attest.js"),
  waive: () => import("./commands/waive.js"),
  triage: () => import("./commands/triage.js"),
  sign: () => import("./commands/sign.js"),
  import: () => import("./commands/import.js"),
  reports: () => import("./commands/reports.js"),
  serve: () => import("./commands/serve.js"),
  history: () => import("./commands/history.js"),
};

/** A command's `-h` text after its options: worked examples, one a line. */
const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}`;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** `--untrusted` of validate, list and explain: the checklist loads as `audit --untrusted` loads it. */
const UNTRUSTED_HELP = "load it as audit --untrusted does: ${env.X} only for --allow-env names, files and extends only inside its directory (docs/security.md)";
const ALLOW_ENV_HELP = "with --untrusted: an environment variable the checklist may read (repeatable)";
const selectors = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(",").filter(Boolean)];

/**
 * What became of stdout and stderr. A reader that goes away (`readiness audit | head -1`) ends what
 * that stream shows, not the run: `-o` files are still written and the exit code still gives the
 * verdict. Any other write error on stdout (a full disk behind `> report.json`) means the report
 * written there is incomplete: one line on stderr, and exit 2 as for an `-o` file that cannot be
 * written.
 */
interface Streams {
  outGone: boolean;
  errGone: boolean;
  outFailed?: string;
  /** process.stdout / process.stderr, once a write needed them (see `writer`). */
  out?: NodeJS.WriteStream;
  err?: NodeJS.WriteStream;
}

function gone(streams: Streams, fd: 1 | 2, code: string | undefined): void {
  if (fd === 2) {
    streams.errGone = true;
    return;
  }
  streams.outGone = true;
  if (code !== "EPIPE") streams.outFailed ??= code ?? "write error";
}

/**
 * Writes to stdout (fd 1) or stderr (fd 2) through `process.stdout` / `process.stderr`, made on the
 * first write with a listener that records a write error (see `Streams`) instead of crashing.
 */
function writer(streams: Streams, fd: 1 | 2): (text: string) => void {
  return (text) => {
    if (fd === 1 ? streams.outGone : streams.errGone) return;
    let stream = fd === 1 ? streams.out : streams.err;
    if (!stream) {
      stream = fd === 1 ? process.stdout : process.stderr;
      stream.on("error", (e: NodeJS.ErrnoException) => gone(streams, fd, e.code ?? e.message));
      if (fd === 1) streams.out = stream;
      else streams.err = stream;
    }
    stream.write(text);
  };
}

/**
 * The commands' Io over the real process. Everything written to stdout and stderr passes through an
 * Output (util/output.ts): every secret the run learns is masked, and on a GitHub Actions runner no
 * line but an annotation meant as one can be read as a workflow command. `end` writes what the
 * Outputs held back.
 */
function makeIo(controller: AbortController, interrupted: { by?: "SIGINT" | "SIGTERM" }, streams: Streams): Io & { end(): void } {
  const secrets = createMasker();
  const actions = process.env.GITHUB_ACTIONS === "true";
  const out = createOutput(writer(streams, 1), { secrets, actions });
  const err = createOutput(writer(streams, 2), { secrets, actions });
  return {
    out: (text) => out.write(text),
    err: (text) => err.write(text),
    command: (line, stream) => (stream === "out" ? out : err).command(line),
    secrets,
    end: () => {
      out.end();
      err.end();
    },
    env: process.env,
    cwd: process.cwd(),
    // Asked for only where colour or a progress display depends on it (it makes the stream).
    get stdoutIsTTY() {
      return Boolean(process.stdout.isTTY);
    },
    get stdoutColumns() {
      return process.stdout.columns;
    },
    get stderrIsTTY() {
      return Boolean(process.stderr.isTTY);
    },
    signal: controller.signal,
    interruptedBy: () => interrupted.by,
  };
}

/** Waits until what went to a stream is written (or failed: the error arrives after the write that caused it). */
function flushed(stream: NodeJS.WriteStream | undefined, isGone: () => boolean): Promise<void> {
  return new Promise<void>((done) => (!stream || isGone() ? done() : stream.write("", () => done())));
}

/** Every subcommand `program` defines (a test keeps the two in step). */
export const SUBCOMMANDS = ["audit", "validate", "schema", "init", "list", "explain", "attest", "waive", "triage", "sign", "import", "diff", "merge", "serve", "history"];

/** The command `argv` names: global options take no value, so the first word that is not an option. */
function commandWord(argv: string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith("-"));
}

/**
 * Which subcommands to define for `argv`: setting up all twelve with their options is a few ms of
 * every start, and a run needs one. All of them when help may list them or suggest one (no command
 * word, `help`, an unknown word); none for `--version` alone.
 */
export function commandsFor(argv: string[]): (name: string) => boolean {
  const args = argv.slice(2);
  const word = commandWord(argv);
  if (word !== undefined && SUBCOMMANDS.includes(word)) return (name) => name === word;
  if (word === undefined && (args.includes("-V") || args.includes("--version")) && !args.includes("-h") && !args.includes("--help")) return () => false;
  return () => true;
}

export function program(io: Io, setExit: (code: number) => void, wanted: (name: string) => boolean = () => true): Command {
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      setExit(await fn(...args));
    };

  const cli = new Command("readiness")
    .description("Audit production readiness from an executable checklist: probes, evidence, attestations → GO / CONDITIONAL / NO-GO.")
    .version(TOOL.version, "-V, --version")
    .option("--no-color", "disable colour (also NO_COLOR=1; FORCE_COLOR=1 forces it)")
    .option("-v, --verbose", "more detail; stack traces of internal errors")
    .option("-q, --quiet", "only the verdict line, errors and --wait round lines (no progress, no warnings)")
    .showSuggestionAfterError(true)
    // The command list: one line per command, its name, arguments and summary.
    .configureHelp({ subcommandTerm: (cmd) => [cmd.name(), ...cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}${a.variadic ? "..." : ""}]`))].join(" ") })
    .addHelpText(
      "after",
      `
Examples:
  readiness audit                      audit ./readiness.yaml (or the built-in repository baseline)
  readiness audit -f json > report.json
  readiness audit --only severity:critical --timeout 2s
  readiness validate checklist.yaml    check a checklist, run nothing
  readiness audit --env staging --wait 5m   post-deploy gate: retry failing probes for up to 5 minutes
  readiness validate --print           show the resolved checklist (extends, matrices, variables)
  readiness init                       write a commented starter readiness.yaml

Exit codes: 0 GO (or CONDITIONAL unless --fail-on conditional), 1 NO-GO, 2 bad input, 3 internal error, 130 interrupted.`,
    );

  const globals = (cmd: Command): { color?: boolean; verbose?: boolean; quiet?: boolean } => cmd.optsWithGlobals();

  if (wanted("audit"))
    cli
      .command("audit")
      .summary("run the probes, score, report the verdict")
      .addHelpText("after", examples("readiness audit                          ./readiness.yaml, or the built-in baseline", "readiness audit ops/readiness.yaml -f markdown -o json=out/report.json", "readiness audit --env staging --only severity:critical --timeout 2s", "readiness audit --no-exec --dry-run       look at an untrusted checklist first"))
      .description("load the checklist, run its probes, score it and report the verdict")
      .argument("[file]", "checklist (default: readiness.yaml, readiness.yml or .readiness.yaml here; else the built-in baseline)")
      .addOption(new Option("-f, --format <format>", "report written to stdout").choices(REPORT_FORMATS).default("terminal"))
      .option("-o, --output <format=path>", "also write a report to a file, atomically (repeatable), e.g. -o json=out/readiness.json", collect, [])
      .option("--only <selector...>", "run only these: an item id, section:ID, tag:NAME, severity:LEVEL (comma-separated or repeated)", selectors)
      .option("--skip <selector...>", "skip these (same selectors as --only)", selectors)
      .option("--var <key=value>", "set a checklist variable (repeatable); wins over --env and vars:", collect, [])
      .option("--env <name>", "apply environments.NAME from the checklist (vars, defaults, gate)")
      .option("--concurrency <n>", "probes in flight at once", "16")
      .option("--timeout <duration>", "timeout of every probe that sets none (e.g. 2s); overrides defaults.timeout")
      .option("--no-exec", "run no program: command probes and metric commands are skipped (this alone does not make a hostile checklist safe: see --untrusted)")
      .option("--untrusted", "audit a checklist you do not trust: no program runs, ${env.X} only for --allow-env names, files and extends only inside its directory (docs/security.md)")
      .option("--allow-env <name>", "with --untrusted: an environment variable the checklist may read (repeatable)", collect, [])
      .option("--dry-run", "print the plan (every probe resolved, secrets masked, the environment variables read) and run nothing")
      .addOption(new Option("--fail-on <level>", "which verdict exits 1").choices(FAIL_ON).default("no-go"))
      .option("--min-score <n>", "score needed for GO (overrides gate.go)")
      .option("--strict", "manual attestations earn no credit: only verified evidence counts")
      .option("--no-progress", "no progress display (it only ever shows on a terminal, never in CI)")
      .option("--baseline <report.json>", "compare with an earlier JSON report: score delta, newly failing and newly passing items")
      .option("--wait <duration>", "re-run failing probes until the verdict passes the gate (per --fail-on) or this much time has passed, e.g. 5m")
      .option("--interval <duration>", "pause between --wait rounds (default 5s)")
      .option("--stable <n>", "with --wait: full rounds of every probe that must pass in a row (default 1)")
      .action(run(async (file: string | undefined, _o: unknown, cmd: Command) => (await commands.audit()).auditCommand(file, cmd.optsWithGlobals(), io)));

  if (wanted("validate"))
    cli
      .command("validate")
      .summary("check a checklist; runs nothing")
      .addHelpText("after", examples("readiness validate                       ./readiness.yaml", "readiness validate ops/readiness.yaml --json", "readiness validate --print --env production   the resolved checklist as YAML"))
      .description("check a checklist's schema and semantics; runs nothing (exit 0 valid, 2 invalid)")
      .argument("[file]", "checklist (default: readiness.yaml here)")
      .option("--var <key=value>", "set a checklist variable (repeatable)", collect, [])
      .option("--env <name>", "apply environments.NAME from the checklist (vars, defaults, gate)")
      .option("--json", "print the issues as JSON")
      .option("--print", "print the resolved checklist as YAML (extends merged, matrices expanded, variables applied, secrets masked)")
      .option("--untrusted", UNTRUSTED_HELP)
      .option("--allow-env <name>", ALLOW_ENV_HELP, collect, [])
      .action(run(async (file: string | undefined, _o: unknown, cmd: Command) => (await commands.validate()).validateCommand(file, cmd.optsWithGlobals(), io)));

  if (wanted("schema"))
    cli
      .command("schema")
      .summary("print the checklist or report JSON Schema")
      .addHelpText("after", examples("readiness schema > checklist.schema.json", "readiness schema report"))
      .description("print a JSON Schema: checklist (for editors) or report (for consumers of -f json)")
      .argument("[name]", "checklist | report", "checklist")
      .action(run(async (name: string) => (await commands.schema()).schemaCommand(name, io)));

  if (wanted("init"))
    cli
      .command("init")
      .summary("write a starter readiness.yaml")
      .addHelpText("after", examples("readiness init", "readiness init --list", "readiness init --template worker -o ops/readiness.yaml"))
      .description("write a commented starter readiness.yaml (never overwrites without --force)")
      .option("-t, --template <name>", "starter template (see --list)")
      .option("--list", "list the templates")
      .option("--force", "overwrite an existing file")
      .option("-o, --output <path>", "where to write", "readiness.yaml")
      .action(run(async (_o: unknown, cmd: Command) => (await commands.init()).initCommand(cmd.opts(), io)));

  if (wanted("list"))
    cli
      .command("list")
      .summary("list the resolved items")
      .addHelpText("after", examples("readiness list", "readiness list --env staging --only tag:security --json"))
      .description("print the resolved items: id, severity, probes, where defined")
      .argument("[file]", "checklist (default: readiness.yaml here)")
      .option("--only <selector...>", "only these (see audit --only)", selectors)
      .option("--skip <selector...>", "not these", selectors)
      .option("--var <key=value>", "set a checklist variable (repeatable)", collect, [])
      .option("--env <name>", "apply environments.NAME from the checklist (vars, defaults, gate)")
      .option("--untrusted", UNTRUSTED_HELP)
      .option("--allow-env <name>", ALLOW_ENV_HELP, collect, [])
      .option("--json", "print as JSON")
      .action(run(async (file: string | undefined, _o: unknown, cmd: Command) => (await commands.list()).listCommand(file, cmd.optsWithGlobals(), io)));

  if (wanted("explain"))
    cli
      .command("explain")
      .summary("show one item fully resolved")
      .addHelpText("after", examples("readiness explain gateway-health", "readiness explain gateway-health --env production --json"))
      .description("show one item fully resolved (defaults applied, variables substituted, secrets masked)")
      .argument("<id>", "item id")
      .option("--file <file>", "checklist (default: readiness.yaml here)")
      .option("--var <key=value>", "set a checklist variable (repeatable)", collect, [])
      .option("--env <name>", "apply environments.NAME from the checklist (vars, defaults, gate)")
      .option("--untrusted", UNTRUSTED_HELP)
      .option("--allow-env <name>", ALLOW_ENV_HELP, collect, [])
      .option("--json", "print as JSON")
      .action(run(async (id: string, _o: unknown, cmd: Command) => (await commands.list()).explainCommand(id, cmd.optsWithGlobals(), io)));

  if (wanted("attest"))
    cli
      .command("attest")
      .summary("record a manual attestation")
      .description("record a manual attestation in the checklist: status done, who, today (comments and layout kept)")
      .argument("[ids...]", "item ids (readiness list shows them)")
      .option("--section <id>", "attest every item of this section (and of its subsections)")
      .option("--all-claimed", "attest every item whose status: done claim says nobody (as readiness import writes them)")
      .requiredOption("--by <name>", "who attests (recorded as attested_by)")
      .option("--evidence <ref>", "link or reference backing the claim (recorded as evidence)")
      .option("--note <text>", "free text kept with the attestation (recorded as note)")
      .option("--expires-after <duration>", "how long the attestation holds before it goes stale, e.g. 90d")
      .option("--file <file>", "checklist to edit (default: readiness.yaml here)")
      .addHelpText("after", "\nExamples:\n  readiness attest runbooks --by \"Ana Ruiz\" --evidence https://wiki.example.com/runbooks --expires-after 90d\n  readiness attest backups restore-drill --by \"Ana Ruiz\"\n  readiness attest --section security --by \"Ana Ruiz\" --evidence https://wiki.example.com/sec-review\n  readiness attest --all-claimed --by \"Ana Ruiz\"   # after readiness import: the claims become attestations\n\nThe date is today (READINESS_NOW pins it). Keys you do not pass are left as they are. All items are written at once, or none. Exit 0 recorded, 2 refused (file unchanged).")
      .action(run(async (ids: string[], _o: unknown, cmd: Command) => (await commands.attest()).attestCommand(ids, cmd.optsWithGlobals(), io)));

  if (wanted("waive"))
    cli
      .command("waive")
      .summary("record a waiver")
      .description("record a waiver in the checklist: the item leaves the score until a date (comments and layout kept)")
      .argument("<id>", "item id (readiness list shows them)")
      .requiredOption("--reason <text>", "why the item is waived")
      .requiredOption("--until <date>", "last day the waiver applies (YYYY-MM-DD): today or later, at most gate.max_waiver_days (default 90) away")
      .requiredOption("--by <name>", "who approved the waiver")
      .option("--file <file>", "checklist to edit (default: readiness.yaml here)")
      .addHelpText("after", "\nExample:\n  readiness waive mfa --reason \"planned for v2.1\" --until 2026-12-31 --by \"Security Lead\"\n\nAn existing waiver of the item is replaced. Exit 0 recorded, 2 refused (file unchanged).")
      .action(run(async (id: string, _o: unknown, cmd: Command) => (await commands.waive()).waiveCommand(id, cmd.optsWithGlobals(), io)));

  if (wanted("triage"))
    cli
      .command("triage")
      .summary("decide the missing items one by one")
      .description("walk the items still missing (no probe, no attestation, no waiver, not n/a) on a terminal: attest, waive, mark n/a, add a suggested probe or skip; each decision is written at once (comments and layout kept)")
      .argument("[checklist]", "checklist to edit (default: readiness.yaml here)")
      .option("--json [plan]", "apply a plan of decisions from this JSON file (- for stdin) without a terminal; with --list, print the items as JSON")
      .option("--list", "print the missing items and their probe suggestions instead of asking")
      .option("--file <file>", "checklist to edit (same as the argument)")
      .addHelpText(
        "after",
        `${examples("readiness triage", "readiness triage --list --json > missing.json", "readiness triage --json plan.json")}\n\nA plan is a JSON array: [{ "id": "backups", "action": "attest", "by": "Ana Ruiz", "evidence": "https://wiki/x" }, { "id": "pen-test", "action": "waive", "reason": "booked", "until": "2026-12-31", "by": "CISO" }, { "id": "gpu", "action": "na", "reason": "no GPUs" }, { "id": "health", "action": "probe" }, { "id": "docs", "action": "skip" }]. The whole plan is checked first: one problem a line, nothing written. Exit 0 done, 2 refused (file unchanged by the refused decision).`,
      )
      .action(run(async (file: string | undefined, _o: unknown, cmd: Command) => (await commands.triage()).triageCommand(file, cmd.optsWithGlobals(), io, process.stdin)));

  if (wanted("sign"))
    cli
      .command("sign")
      .summary("record a sign-off of a role")
      .description("record a sign-off of a role (gate.signoffs) in the checklist: who, today (comments and layout kept)")
      .argument("<role>", "a role of gate.signoffs, e.g. \"Security Lead\" (case and spacing are forgiven)")
      .requiredOption("--by <name>", "who signs")
      .option("--force", "record a role that gate.signoffs does not require")
      .option("--file <file>", "checklist to edit (default: readiness.yaml here)")
      .addHelpText("after", "\nExample:\n  readiness sign \"Engineering Lead\" --by \"Ana Ruiz\"\n\nAn earlier sign-off of the same role is replaced. A sign-off older than the last change (git) to a blocking item is reported as outdated by audit. Exit 0 recorded, 2 refused (file unchanged).")
      .action(run(async (role: string, _o: unknown, cmd: Command) => (await commands.sign()).signCommand(role, cmd.optsWithGlobals(), io)));

  if (wanted("import"))
    cli
      .command("import")
      .summary("convert a Markdown checklist to YAML")
      .addHelpText("after", examples("readiness import CHECKLIST.md -o readiness.yaml", "readiness import CHECKLIST.md --with-probes --json > readiness.yaml", "readiness import CHECKLIST.md --update readiness.yaml"))
      .description("convert a Markdown checklist into a checklist YAML (claims kept, probes suggested)")
      .argument("<file.md>", "Markdown checklist")
      .option("-o, --output <file>", "write the YAML here instead of stdout (never overwrites without --force)")
      .option("--with-probes", "write suggested probes live instead of as comments to review")
      .option("--json", "print the import summary as JSON (on stderr)")
      .option("--force", "overwrite --output if it exists")
      .option("--update <existing.yaml>", "merge into the checklist imported from this Markdown earlier: new items added, removed ones reported, everything recorded kept")
      .option("--prune", "with --update: remove items no longer in the Markdown when nothing is recorded on them (default: keep them, marked)")
      .action(run(async (file: string, _o: unknown, cmd: Command) => (await commands.import()).importCommand(file, cmd.optsWithGlobals(), io)));

  if (wanted("diff"))
    cli
      .command("diff")
      .summary("compare JSON reports")
      .addHelpText("after", examples("readiness diff last-release.json report.json", "readiness diff old.json new.json -f json", "readiness diff r1.json r2.json r3.json -f html -o trend.html"))
      .description("what got better or worse between the last two JSON reports (exit 1 if anything regressed), and the score over all of them, oldest first")
      .argument("<reports...>", "two or more reports (readiness audit -f json), oldest first")
      .addOption(new Option("-f, --format <format>", "output format").choices(DIFF_FORMATS).default("terminal"))
      .option("-o, --output <file>", "write to a file instead of stdout")
      .action(run(async (files: string[], _o: unknown, cmd: Command) => (await commands.reports()).diffCommand(files, cmd.optsWithGlobals(), io)));

  if (wanted("merge"))
    cli
      .command("merge")
      .summary("one fleet report from many JSON reports")
      .addHelpText("after", examples("readiness merge payments.json orders.json", "readiness merge reports/*.json -f markdown -o fleet.md"))
      .description("one fleet report from many JSON reports, worst first (exit 1 if any is NO-GO)")
      .argument("<report.json...>", "one JSON report per service")
      .addOption(new Option("-f, --format <format>", "output format").choices(FLEET_FORMATS).default("terminal"))
      .option("-o, --output <file>", "write to a file instead of stdout")
      .action(run(async (files: string[], _o: unknown, cmd: Command) => (await commands.reports()).mergeCommand(files, cmd.optsWithGlobals(), io)));

  if (wanted("serve"))
    cli
      .command("serve")
      .summary("audit on an interval; serve /verdict, /metrics")
      .addHelpText("after", examples("readiness serve                          ./readiness.yaml every 60s on http://127.0.0.1:9400", "readiness serve ops/readiness.yaml --listen 0.0.0.0:9400 --token-env READINESS_TOKEN", "curl -fsS http://127.0.0.1:9400/verdict     200 ready, 503 not (a load balancer check)") + "\n\nPages: / (dashboard), /verdict, /metrics (Prometheus), /report.json, /report.md; POST /run audits now. See docs/serve.md.")
      .description("audit the checklist on an interval and serve the last verdict: dashboard, /verdict, /metrics, reports; every run is recorded in the history")
      .argument("[file]", "checklist (default: readiness.yaml here; else the built-in baseline)")
      .option("--listen <host:port>", "where to listen (another host than 127.0.0.1 exposes it to the network)", "127.0.0.1:9400")
      .option("--interval <duration>", "pause between the end of one audit and the start of the next", "60s")
      .addOption(new Option("--fail-on <level>", "which verdict makes /verdict answer 503").choices(FAIL_ON).default("no-go"))
      .option("--token-env <name>", "require `Authorization: Bearer TOKEN` on every request, TOKEN read from this environment variable")
      .option("--history <path>", "history file (default: beside the checklist, NAME.history.jsonl)")
      .option("--no-history", "record no history")
      .option("--history-keep <n>", "most runs kept in the history (default 10000)")
      .option("--history-max-age <duration>", "runs older than this leave the history (default 90d)")
      .option("--only <selector...>", "audit only these (see audit --only)", selectors)
      .option("--skip <selector...>", "do not audit these", selectors)
      .option("--var <key=value>", "set a checklist variable (repeatable)", collect, [])
      .option("--env <name>", "apply environments.NAME from the checklist (vars, defaults, gate)")
      .option("--concurrency <n>", "probes in flight at once", "16")
      .option("--timeout <duration>", "timeout of every probe that sets none")
      .option("--no-exec", "do not run command probes (reported as skipped)")
      .option("--strict", "manual attestations earn no credit")
      .option("--min-score <n>", "score needed for GO (overrides gate.go)")
      .action(run(async (file: string | undefined, _o: unknown, cmd: Command) => (await commands.serve()).serveCommand(file, cmd.optsWithGlobals(), io)));

  if (wanted("history"))
    cli
      .command("history")
      .summary("the trend readiness serve recorded")
      .addHelpText("after", examples("readiness history", "readiness history ops/readiness.yaml --last 50", "readiness history -f json | jq '.runs[-1]'"))
      .description("print the runs `readiness serve` recorded for a checklist: verdicts, score and verified score over time")
      .argument("[file]", "checklist whose history to show (default: readiness.yaml here)")
      .addOption(new Option("-f, --format <format>", "output format").choices(["terminal", "json"]).default("terminal"))
      .option("--history <path>", "history file (default: beside the checklist, NAME.history.jsonl)")
      .option("--last <n>", "runs listed in the table (default 20)")
      .action(run(async (file: string | undefined, _o: unknown, cmd: Command) => (await commands.history()).historyCommand(file, cmd.optsWithGlobals(), io)));

  void globals;
  return cli;
}

/** Runs the command line on `argv` (as `process.argv`); sets `process.exitCode`. Started by src/main.ts. */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  const interrupted: { by?: "SIGINT" | "SIGTERM" } = {};
  const streams: Streams = { outGone: false, errGone: false };
  const io = makeIo(controller, interrupted, streams);
  // Only an audit has probes to stop and a partial report to write.
  const isAudit = commandWord(argv) === "audit";
  const onSignal = (sig: "SIGINT" | "SIGTERM"): void => {
    if (interrupted.by) {
      // A second signal: stop now.
      io.err(`\nreadiness: ${sig} again, exiting immediately\n`);
      io.end();
      process.exit(sig === "SIGTERM" ? 143 : 130);
    }
    interrupted.by = sig;
    // On a terminal the message replaces a progress line (and the ^C echo) rather than leaving it above.
    io.err(`${process.stderr.isTTY ? "\r\x1b[2K" : "\n"}readiness: ${sig} received: ${isAudit ? "stopping probes, writing the partial report" : "stopping"} (again to force)\n`);
    controller.abort();
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  let code = 0;
  // Bare `readiness` shows the help on stdout, as --help does, and exits 0.
  if (argv.length <= 2) argv = [...argv, "--help"];
  const cli = program(io, (c) => (code = c), commandsFor(argv));
  cli.exitOverride();
  cli.configureOutput({
    writeOut: (s) => io.out(s),
    writeErr: (s) => io.err(s),
    outputError: (s, write) => write(`readiness: ${oneLine(s.replace(/^error: /, ""))}\n`),
  });
  for (const sub of cli.commands) {
    sub.exitOverride();
    sub.configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(`readiness: ${oneLine(s.replace(/^error: /, ""))}\n`),
    });
  }
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  try {
    await cli.parseAsync(argv);
  } catch (e) {
    code = handleError(e, io, verbose);
    // Stopped by the interrupt itself (reading a checklist from a pipe): the exit code of an interrupt.
    if (interrupted.by && e instanceof ReadinessError && e.code === "EINTERRUPTED") code = interrupted.by === "SIGTERM" ? 143 : 130;
  }
  // An interrupt during synchronous work (loading, rendering) is handled only now: it decides the exit
  // code. Not for `serve`, whose normal end is a SIGTERM or SIGINT (exit 0, which service managers
  // such as systemd read as a clean stop).
  await new Promise((resolve) => setImmediate(resolve));
  if (interrupted.by && code !== 2 && commandWord(argv) !== "serve") code = interrupted.by === "SIGTERM" ? 143 : 130;
  io.end();
  await flushed(streams.out, () => streams.outGone);
  if (streams.outFailed) {
    io.err(`readiness: cannot write to stdout (${streams.outFailed}): the report there is incomplete\n`);
    io.end();
    code = 2;
  }
  // stderr too (a stream may write a pipe asynchronously): src/main.ts exits right after.
  await flushed(streams.err, () => streams.errGone);
  process.exitCode = code;
}

/** Reports an error thrown by a command on stderr and gives the exit code (exported for its tests). */
export function handleError(e: unknown, io: Pick<Io, "err">, verbose: boolean): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    return 2;
  }
  if (e instanceof ReadinessError) {
    if (e.issues.length) {
      for (const i of e.issues) io.err(`${formatIssue(i)}\n`);
      io.err(`readiness: ${oneLine(e.message)}\n`);
    } else io.err(`readiness: ${oneLine(e.message)}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`readiness: internal error: ${oneLine(err.message)} — this is a bug; please report it with the command you ran${verbose ? "" : " (add --verbose for the stack trace)"}\n`);
  if (verbose && err.stack) io.err(`${err.stack}\n`);
  return 3;
}
