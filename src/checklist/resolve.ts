/**
 * Validated YAML value → typed `Checklist`: interpolation, defaults, derived ids, semantic rules
 * (duplicate ids, unknown probe types, empty assertions, impossible dates) — every issue at once.
 */
import { dirname, isAbsolute } from "node:path";
import { getProbe } from "../probes/index.js";
import { confineReads } from "../probes/evidence/common.js";
import {
  DEFAULT_GATE,
  SEVERITY_WEIGHT,
  type Checklist,
  type Gate,
  type Issue,
  type Item,
  type Masker,
  type ProbeSpecBase,
  type ResolvedProbe,
  type Section,
  type Severity,
  type Signoff,
} from "../types.js";
import { MAX_WAIT_MS, parseDate, parseDuration } from "../util/duration.js";
import { createMasker, MIN_SECRET_LENGTH } from "../util/mask.js";
import { nearest, slugify } from "../util/text.js";
import { interpolate, type InterpolationResult, type InterpolationScope } from "./interpolate.js";
import { pointer, type ParsedYaml, type Path } from "./parse.js";

/** The longest `expires_after` (100 years): beyond it an expiry date is past what a date can hold. */
export const MAX_EXPIRES_AFTER_DAYS = 36_500;
const MAX_EXPIRES_AFTER_MS = MAX_EXPIRES_AFTER_DAYS * 86_400_000;
import { checkProbeTypes } from "./validate.js";

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

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_DELAY_MS = 1_000;

/* The shapes below are what the schema guarantees; this file is the one trust boundary. */
type RawProbe = ProbeSpecBase;
/** Keys an item carries through resolution unchanged, as the model types them. */
type PassThrough = "description" | "owner" | "status" | "evidence" | "attested_by" | "attested_at" | "reason" | "waiver" | "note" | "due" | "enforce_from" | "level" | "why" | "fix" | "docs";
interface RawItem extends Partial<Pick<Item, PassThrough>> {
  id?: string;
  title: string;
  severity?: Severity;
  weight?: number;
  tags?: string[];
  probes?: RawProbe[];
  expires_after?: string;
  depends_on?: string[];
}
interface RawSection {
  id?: string;
  title: string;
  owner?: string;
  due?: string;
  items?: RawItem[];
  sections?: RawSection[];
}
interface RawChecklist {
  name?: string;
  owner?: string;
  vars?: Record<string, string | number | boolean>;
  defaults?: { timeout?: string; retries?: number; retry_delay?: string; severity?: Severity };
  gate?: Partial<Gate>;
  signoffs?: Signoff[];
  levels?: string[];
  sections?: RawSection[];
}

/** A path made only when it is needed (an issue to place). */
type PathOf = () => Path;

/** Resolves a schema-valid parsed checklist. Returns the checklist and every issue found. */
export function resolveChecklist(parsed: ParsedYaml, options: ResolveOptions = {}): { checklist: Checklist; issues: Issue[] } {
  const issues: Issue[] = [];
  const file = parsed.file;
  const secrets = new Set<string>();
  const envNames = new Set<string>();
  const env = options.env ?? process.env;
  const allowEnv = options.untrusted ? new Set(options.untrusted.allowEnv ?? []) : undefined;
  if (options.untrusted) confineReads(dirname(file));
  const err = (path: Path, message: string, key = false): void => {
    issues.push({ ...parsed.locate(path, key), path: parsed.pointerOf?.(path) ?? pointer(path), message, level: "error" });
  };
  const warn = (path: Path, message: string): void => {
    issues.push({ ...parsed.locate(path), path: parsed.pointerOf?.(path) ?? pointer(path), message, level: "warning" });
  };

  const raw0 = parsed.value as RawChecklist;
  /** Records what an interpolation read from the environment: secrets, and short values to warn about once. */
  const unmasked = new Set<string>();
  const record = (r: InterpolationResult, path: () => Path): void => {
    for (const n of r.envNames) envNames.add(n);
    for (const s of r.secrets) {
      secrets.add(s);
      options.secrets?.add(s);
    }
    for (const name of r.unmasked) {
      if (unmasked.has(name)) continue;
      unmasked.add(name);
      warn(path(), `\${env.${name}} has fewer than ${MIN_SECRET_LENGTH} characters: not treated as a secret, so shown as it is`);
    }
  };

  // Variables first: each may use env and the vars defined above it.
  const vars: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw0.vars ?? {})) {
    const r = interpolate(String(v), { vars, env, allowEnv });
    record(r, () => ["vars", name]);
    r.errors.forEach((m) => err(["vars", name], m));
    vars[name] = r.value;
  }
  for (const [name, v] of Object.entries(options.vars ?? {})) vars[name] = v;

  // Then every other string in the document, once. Copy on write: a mapping or list in which
  // nothing changes is kept as it is (the same object), so a checklist without `${…}` is not copied
  // and its items are still the parsed nodes, which `locateNode` finds without walking a path.
  const scope: InterpolationScope = { vars, env, allowEnv };
  const at: Path = [];
  const substitute = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (!value.includes("${")) return value;
      const r = interpolate(value, scope);
      record(r, () => [...at]);
      if (r.errors.length) {
        const path = [...at];
        r.errors.forEach((m) => err(path, m));
      }
      return r.value;
    }
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        let w = v;
        if (typeof v === "string" ? v.includes("${") : typeof v === "object" && v !== null) {
          at.push(i);
          w = substitute(v);
          at.pop();
        }
        if (!Object.is(w, v)) out ??= value.slice(0, i);
        out?.push(w);
      }
      return out ?? value;
    }
    if (value && typeof value === "object") {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      let out: Record<string, unknown> | undefined;
      for (const k of keys) {
        const v = o[k];
        let w = v;
        // Only a string with `${` or a mapping or list can change (the top-level vars are done).
        if ((typeof v === "string" ? v.includes("${") : typeof v === "object" && v !== null) && (at.length !== 0 || k !== "vars")) {
          at.push(k);
          w = substitute(v);
          at.pop();
        }
        if (!out && !Object.is(w, v)) {
          out = {};
          for (const before of keys) {
            if (before === k) break;
            out[before] = o[before];
          }
        }
        if (out) out[k] = w;
      }
      // A copy drops a `__proto__` key (assigning it sets the prototype): keep doing so.
      if (!out && Object.prototype.hasOwnProperty.call(o, "__proto__")) {
        out = {};
        for (const k of keys) out[k] = o[k];
      }
      return out ?? value;
    }
    return value;
  };
  // A plain document (parse.ts, plainText) has no `${` to substitute and no `__proto__` to drop.
  const raw = (parsed.plain ? raw0 : substitute(raw0)) as RawChecklist;

  /** A timeout must be positive and a retry delay may be 0; neither over MAX_WAIT_MS, which no timer can wait. */
  const checkWait = (ms: number, path: Path, key: "timeout" | "retry_delay"): void => {
    if (key === "timeout" && ms <= 0) err(path, "timeout must be greater than 0");
    else if (ms > MAX_WAIT_MS) err(path, `${key} must be at most 24d`);
  };

  const defaults = {
    timeoutMs: raw.defaults?.timeout ? (parseDuration(raw.defaults.timeout) ?? DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS,
    retries: raw.defaults?.retries ?? 0,
    retryDelayMs: raw.defaults?.retry_delay ? (parseDuration(raw.defaults.retry_delay) ?? DEFAULT_RETRY_DELAY_MS) : DEFAULT_RETRY_DELAY_MS,
    severity: raw.defaults?.severity ?? "medium",
  };
  checkWait(defaults.timeoutMs, ["defaults", "timeout"], "timeout");
  checkWait(defaults.retryDelayMs, ["defaults", "retry_delay"], "retry_delay");

  const gate: Gate = { ...DEFAULT_GATE, ...raw.gate };
  // A role bound to people is written { role, signers, verify }: the gate keeps its name, and the rule.
  const bound = (gate.signoffs as (string | { role: string; signers: string[]; verify?: "git" | "signed" })[]).filter((s) => typeof s === "object");
  if (bound.length) {
    gate.signoffs = (gate.signoffs as (string | { role: string })[]).map((s) => (typeof s === "string" ? s : s.role));
    gate.signers = bound.map((s) => ({ role: s.role, signers: s.signers, verify: s.verify ?? "git" }));
  }
  if (gate.conditional > gate.go) err(["gate", "conditional"], `gate.conditional (${gate.conditional}) is above gate.go (${gate.go}): CONDITIONAL would need more than GO`);

  const signoffs = raw.signoffs ?? [];
  signoffs.forEach((s, i) => {
    if (!parseDate(s.at)) err(["signoffs", i, "at"], `not a real date: "${s.at}"`);
  });
  const levels = raw.levels;
  levels?.forEach((l, i) => {
    if (levels.indexOf(l) !== i) err(["levels", i], `level "${l}" is listed twice`);
  });
  // Where each id was first used, located only when it is used again (a scalar's position may need
  // the reference YAML read, which a valid checklist never pays for). Paths of items and probes are
  // made only when an issue needs one (`PathOf`): building three arrays an item for nothing was a
  // quarter of resolving 2,000 of them, cold.
  const ids = new Map<string, PathOf>();
  /** Ids first made from a title (no `id:`): their first use is placed at the title. */
  const fromTitle = new Set<string>();
  // An id made from a title is made from the title as shown, secrets masked: ids are printed everywhere.
  const shownTitle = secrets.size ? createMasker(secrets) : undefined;
  const idOf = (rawId: string | undefined, title: string, pathOf: PathOf): string => {
    const id = rawId ?? slugify(shownTitle ? shownTitle.mask(title) : title);
    const first = ids.get(id);
    if (!first) {
      ids.set(id, pathOf);
      if (!rawId) fromTitle.add(id);
      return id;
    }
    const prev = parsed.locate([...first(), fromTitle.has(id) ? "title" : "id"]);
    err([...pathOf(), rawId ? "id" : "title"], `duplicate id "${id}": also used at ${prev.file}:${prev.line}:${prev.column} (ids are unique across sections and items)`);
    return id;
  };

  const resolveProbe = (p: RawProbe, itemPath: PathOf, index: number): ResolvedProbe | undefined => {
    const pathOf = (): Path => [...itemPath(), "probes", index];
    const { type, issues: typeIssues } = checkProbeTypes(p, pathOf, parsed);
    if (typeIssues.length) issues.push(...typeIssues);
    if (!type) return undefined;
    const probe = getProbe(type);
    if (!probe) return undefined;
    const checked = probe.check?.(p);
    if (checked?.length) for (const i of checked) {
      const path = pathOf();
      const sub = (i.path ?? "").split("/").filter(Boolean);
      if (i.level === "warning") warn([...path, ...sub], i.message);
      else err([...path, ...sub], i.message, false);
    }
    if (options.untrusted) {
      for (const [key, path] of confinedPaths(type, p)) {
        const why = outsideDirectory(path);
        if (why) err([...pathOf(), ...key], `${why}: with --untrusted, ${key.join(".")} must name a path inside the checklist's directory`);
      }
    }
    const timeoutMs = p.timeout ? (parseDuration(p.timeout) ?? defaults.timeoutMs) : defaults.timeoutMs;
    const retryDelayMs = p.retry_delay ? (parseDuration(p.retry_delay) ?? defaults.retryDelayMs) : defaults.retryDelayMs;
    // Checked where written: an inherited default was checked (and reported) at defaults.
    if (p.timeout) checkWait(timeoutMs, [...pathOf(), "timeout"], "timeout");
    if (p.retry_delay) checkWait(retryDelayMs, [...pathOf(), "retry_delay"], "retry_delay");
    return {
      type,
      spec: p,
      name: p.name,
      timeoutMs,
      retries: p.retries ?? defaults.retries,
      retryDelayMs,
      loc: parsed.locateNode?.(p) ?? parsed.locate(pathOf()),
    };
  };

  /** Items with `depends_on`, checked once every id is known. */
  const dependents: Dependent[] = [];
  const itemIds = new Set<string>();
  const resolveItem = (r: RawItem, sectionAt: Path, index: number, sectionPath: string[], sectionDue?: string): Item => {
    const pathOf = (): Path => [...sectionAt, "items", index];
    const id = idOf(r.id, r.title, pathOf);
    itemIds.add(id);
    const severity = r.severity ?? defaults.severity;
    const probes: ResolvedProbe[] = [];
    const raws = r.probes ?? [];
    for (let i = 0; i < raws.length; i++) {
      const rp = resolveProbe(raws[i] as RawProbe, pathOf, i);
      if (rp) probes.push(rp);
    }
    if (r.attested_at && !parseDate(r.attested_at)) err([...pathOf(), "attested_at"], `not a real date: "${r.attested_at}"`);
    if (r.waiver && !parseDate(r.waiver.until)) err([...pathOf(), "waiver", "until"], `not a real date: "${r.waiver.until}"`);
    if (r.status === "n/a" && !r.reason) err([...pathOf(), "status"], `item "${id}" is n/a without a reason: add reason: to say why it does not apply`);
    if (r.due !== undefined && !parseDate(r.due)) err([...pathOf(), "due"], `not a real date: "${r.due}"`);
    if (r.enforce_from !== undefined && !parseDate(r.enforce_from)) err([...pathOf(), "enforce_from"], `not a real date: "${r.enforce_from}"`);
    if (r.level !== undefined && !levels) err([...pathOf(), "level"], `item "${id}" has level "${r.level}" but the checklist declares no levels: add levels: [...] at the top`);
    else if (r.level !== undefined && levels && !levels.includes(r.level)) {
      const guess = nearest(r.level, levels);
      err([...pathOf(), "level"], `unknown level "${r.level}"${guess ? ` — did you mean "${guess}"?` : ""} (levels: ${levels.join(", ")})`);
    }
    const expiresAfterMs = r.expires_after === undefined ? undefined : parseDuration(r.expires_after);
    if (expiresAfterMs !== undefined && !(expiresAfterMs <= MAX_EXPIRES_AFTER_MS)) err([...pathOf(), "expires_after"], `expires_after ${r.expires_after} is too long: at most ${MAX_EXPIRES_AFTER_DAYS}d (100 years)`);
    if (r.expires_after && !r.attested_at && r.status === "done") warn([...pathOf(), "expires_after"], `expires_after has no attested_at to count from: the attestation cannot expire`);
    const item: Item = {
      id,
      title: r.title,
      severity,
      weight: r.weight ?? SEVERITY_WEIGHT[severity],
      tags: r.tags ?? [],
      sectionPath,
      probes,
      loc: parsed.locateNode?.(r) ?? parsed.locate(pathOf()),
    };
    if (r.description !== undefined) item.description = r.description;
    if (r.owner !== undefined) item.owner = r.owner;
    if (r.status !== undefined) item.status = r.status;
    if (r.evidence !== undefined) item.evidence = r.evidence;
    if (r.attested_by !== undefined) item.attested_by = r.attested_by;
    if (r.attested_at !== undefined) item.attested_at = r.attested_at;
    if (expiresAfterMs !== undefined) item.expiresAfterMs = expiresAfterMs;
    if (r.waiver !== undefined) item.waiver = r.waiver;
    if (r.reason !== undefined) item.reason = r.reason;
    if (r.note !== undefined) item.note = r.note;
    if ((r.due ?? sectionDue) !== undefined) item.due = r.due ?? sectionDue;
    if (r.enforce_from !== undefined) item.enforce_from = r.enforce_from;
    if (r.level !== undefined) item.level = r.level;
    if (r.why !== undefined) item.why = r.why;
    if (r.fix !== undefined) item.fix = r.fix;
    if (r.docs !== undefined) item.docs = r.docs;
    if (r.depends_on?.length) {
      item.depends_on = r.depends_on;
      dependents.push({ item, pathOf });
    }
    return item;
  };

  const resolveSection = (r: RawSection, path: Path, parents: string[], parentDue?: string): Section => {
    const id = idOf(r.id, r.title, () => path);
    const here = parents.concat(id);
    if (r.due !== undefined && !parseDate(r.due)) err([...path, "due"], `not a real date: "${r.due}"`);
    const due = r.due ?? parentDue;
    const section: Section = {
      id,
      title: r.title,
      items: (r.items ?? []).map((it, i) => resolveItem(it, path, i, here, due)),
      sections: (r.sections ?? []).map((s, i) => resolveSection(s, path.concat("sections", i), here, due)),
      loc: parsed.locateNode?.(r) ?? parsed.locate(path),
    };
    if (r.owner !== undefined) section.owner = r.owner;
    if (r.due !== undefined) section.due = r.due;
    return section;
  };

  const sections = (raw.sections ?? []).map((s, i) => resolveSection(s, ["sections", i], []));
  if (dependents.length) checkDependencies(dependents, itemIds, new Set(options.dropped), err);

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
    secrets: [...secrets],
    envNames: [...envNames].sort(),
    ...(options.untrusted ? { untrusted: true } : {}),
    warnings: issues.filter((i) => i.level === "warning"),
  };
  if (raw.owner !== undefined) checklist.owner = raw.owner;
  // Messages quote values (`invalid URL "…"`), some of them read from the environment.
  if (secrets.size) {
    const masker = createMasker(secrets);
    for (const i of issues) i.message = masker.mask(i.message);
  }
  return { checklist, issues };
}

/** The paths a probe reads files at, with their keys: file, coverage, tests, x509, goss, inspec, TLS material (ca, cert, key), a metric's json file. */
function confinedPaths(type: string, p: RawProbe): [key: string[], path: string][] {
  const spec = p as Record<string, unknown>;
  const out: [string[], string][] = [];
  if (["file", "coverage", "tests", "x509", "goss", "inspec"].includes(type) && typeof spec[type] === "string") out.push([[type], spec[type]]);
  if (type === "tls" || type === "grpc" || type === "http") {
    for (const key of ["ca", "cert", "key"]) if (typeof spec[key] === "string") out.push([[key], spec[key]]);
  }
  const json = (spec.metric as { json?: { file?: unknown } } | undefined)?.json;
  if (type === "metric" && typeof json?.file === "string") out.push([["metric", "json", "file"], json.file]);
  return out;
}

/** Why a path (or glob) written in a checklist leaves the checklist's directory, or undefined. */
function outsideDirectory(path: string): string | undefined {
  if (isAbsolute(path) || /^[a-zA-Z]:[\\/]|^~/.test(path)) return `${JSON.stringify(path)} is absolute`;
  if (path.split(/[\\/]+/).includes("..")) return `${JSON.stringify(path)} goes up with ..`;
  return undefined;
}

/** An item with `depends_on`, and where it is. */
interface Dependent {
  item: Item;
  pathOf: PathOf;
}

/**
 * Checks every `depends_on` list: each entry names another item of the checklist, once, and no
 * chain of them comes back to where it started. Each error points at the offending entry.
 */
function checkDependencies(dependents: Dependent[], itemIds: ReadonlySet<string>, dropped: ReadonlySet<string>, err: (path: Path, message: string) => void): void {
  const byId = new Map<string, Dependent>();
  for (const d of dependents) if (!byId.has(d.item.id)) byId.set(d.item.id, d);
  const entry = (d: Dependent, k: number): Path => [...d.pathOf(), "depends_on", k];
  for (const d of dependents) {
    const list = d.item.depends_on ?? [];
    list.forEach((id, k) => {
      if (id === d.item.id) err(entry(d, k), `depends_on: item "${id}" cannot depend on itself`);
      else if (!itemIds.has(id) && !dropped.has(id)) {
        const guess = nearest(id, itemIds);
        err(entry(d, k), `depends_on: no item "${id}" in the checklist${guess ? ` — did you mean "${guess}"?` : ""}`);
      } else if (list.indexOf(id) !== k) err(entry(d, k), `depends_on: "${id}" is listed twice`);
    });
  }
  // Cycles: a depth-first walk; an entry leading back to an item still on the walk closes one.
  const state = new Map<string, "walking" | "done">();
  const stack: string[] = [];
  const walk = (d: Dependent): void => {
    state.set(d.item.id, "walking");
    stack.push(d.item.id);
    (d.item.depends_on ?? []).forEach((id, k) => {
      if (id === d.item.id) return;
      const next = byId.get(id);
      if (!next) return;
      const seen = state.get(id);
      if (seen === "walking") {
        const cycle = [...stack.slice(stack.indexOf(id)), id];
        err(entry(d, k), `depends_on: "${id}" makes a cycle: ${cycle.join(" → ")}`);
      } else if (seen === undefined) walk(next);
    });
    stack.pop();
    state.set(d.item.id, "done");
  };
  for (const d of dependents) if (!state.has(d.item.id)) walk(d);
}

function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(ya?ml)$/i, "") || "checklist";
}
