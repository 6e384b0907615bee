/**
 * Validated YAML value → typed `Checklist`: interpolation, defaults, derived ids, semantic rules
 * (duplicate ids, unknown probe types, empty assertions, impossible dates) — every issue at once.
 * Each step is a function of its own in `resolve/`, handed what it needs and the issues collector.
 */
import { dirname } from "node:path";
import { confineReads } from "../probes/evidence/common.js";
import type { Checklist, Gate, Issue, Masker, Signoff } from "../types.js";
import { createMasker } from "../util/mask.js";
import type { ParsedYaml } from "./parse.js";
import { checkDependencies } from "./resolve/depends.js";
import { EnvReads, resolveVars, substituteDocument } from "./resolve/interpolate-document.js";
import { IssueSink } from "./resolve/issues.js";
import { checkLevels, checkSignoffs, resolveDefaults, resolveGate, type RawDefaults } from "./resolve/settings.js";
import { IdRegistry, resolveSections, type RawSection } from "./resolve/tree.js";

export { DEFAULT_RETRY_DELAY_MS, DEFAULT_TIMEOUT_MS } from "./resolve/settings.js";
export { MAX_EXPIRES_AFTER_DAYS } from "./resolve/tree.js";

/** Options that change how a checklist resolves. */
export interface ResolveOptions {
  /** Environment for `${env.NAME}` (default: process.env). */
  env?: Record<string, string | undefined>;
  /** `--var KEY=VALUE` overrides: win over the checklist's vars. */
  vars?: Record<string, string>;
  /**
   * Learns each value taken from the environment as soon as it is read, so that whatever prints
   * text about this checklist, its errors included, can mask it (the CLI's output does).
   */
  secrets?: Masker;
  /**
   * `--untrusted`: the checklist may read only the environment variables in `allowEnv`, and its
   * file, coverage, tests and certificate paths must stay in its directory (see docs/security.md).
   */
  untrusted?: { allowEnv?: string[] };
  /** Ids of items composition dropped: a `depends_on` naming one is not an error (it blocks nothing). */
  dropped?: readonly string[];
}

/* The shape the schema guarantees for the top of the document. */
interface RawChecklist {
  name?: string;
  owner?: string;
  vars?: Record<string, string | number | boolean>;
  defaults?: RawDefaults;
  gate?: Partial<Gate>;
  signoffs?: Signoff[];
  levels?: string[];
  sections?: RawSection[];
}

/**
 * Resolves a schema-valid parsed checklist. Returns the checklist and every issue found.
 * Steps: interpolate (vars, then every string) → checklist-wide settings (defaults, gate,
 * sign-offs, levels) → sections, items and probes (ids, defaults, semantic rules) → dependencies
 * → mask what the messages quote from the environment.
 */
export function resolveChecklist(parsed: ParsedYaml, options: ResolveOptions = {}): { checklist: Checklist; issues: Issue[] } {
  const file = parsed.file;
  const issues = new IssueSink(parsed);
  if (options.untrusted) confineReads(dirname(file));

  // 1. Interpolation: the vars first (each may use env and the vars above it), then every other
  // string of the document once. A plain document (parse.ts, plainText) has no `${` to substitute.
  const raw0 = parsed.value as RawChecklist;
  const env = options.env ?? process.env;
  const allowEnv = options.untrusted ? new Set(options.untrusted.allowEnv ?? []) : undefined;
  const reads = new EnvReads(options.secrets);
  const vars = resolveVars(raw0.vars, options.vars, { env, allowEnv }, reads, issues);
  const raw = (parsed.plain ? raw0 : substituteDocument(raw0, { vars, env, allowEnv }, reads, issues)) as RawChecklist;

  // 2. Checklist-wide settings.
  const defaults = resolveDefaults(raw.defaults, issues);
  const gate = resolveGate(raw.gate, issues);
  const signoffs = raw.signoffs ?? [];
  checkSignoffs(signoffs, issues);
  const levels = raw.levels;
  checkLevels(levels, issues);

  // 3. The tree. An id made from a title is made from the title as shown, secrets masked.
  const ids = new IdRegistry(issues, reads.secrets.size ? createMasker(reads.secrets) : undefined);
  const { sections, dependents, itemIds } = resolveSections(raw.sections ?? [], { parsed, issues, defaults, levels, untrusted: Boolean(options.untrusted), ids });

  // 4. Dependencies, once every id is known.
  if (dependents.length) checkDependencies(dependents, itemIds, new Set(options.dropped), issues);

  const all = issues.issues;
  const checklist: Checklist = {
    version: 1,
    name: raw.name ?? defaultName(file),
    path: file,
    dir: dirname(file),
    vars,
    gate,
    signoffs,
    ...(levels ? { levels } : {}),
    sections,
    secrets: [...reads.secrets],
    envNames: [...reads.names].sort(),
    ...(options.untrusted ? { untrusted: true } : {}),
    warnings: all.filter((i) => i.level === "warning"),
  };
  if (raw.owner !== undefined) checklist.owner = raw.owner;
  // 5. Messages quote values (`invalid URL "…"`), some of them read from the environment.
  if (reads.secrets.size) {
    const masker = createMasker(reads.secrets);
    for (const i of all) i.message = masker.mask(i.message);
  }
  return { checklist, issues: all };
}

function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(ya?ml)$/i, "") || "checklist";
}
