/**
 * Sections, items and probes resolved: ids assigned (from titles where none is written, unique
 * across the checklist), defaults applied, each item's semantic rules checked, and under
 * `--untrusted` every path a probe reads confined to the checklist's directory.
 */
import { isAbsolute } from "node:path";
import { getProbe } from "../../probes/index.js";
import { SEVERITY_WEIGHT, type Item, type Masker, type ProbeSpecBase, type ResolvedProbe, type Section, type Severity } from "../../types.js";
import { parseDate, parseDuration } from "../../util/duration.js";
import { nearest, slugify } from "../../util/text.js";
import type { ParsedYaml, Path } from "../parse.js";
import { checkProbeTypes } from "../validate.js";
import type { Dependent } from "./depends.js";
import type { IssueSink, PathOf } from "./issues.js";
import { checkWait, type ProbeDefaults } from "./settings.js";

/** The longest `expires_after` (100 years): beyond it an expiry date is past what a date can hold. */
export const MAX_EXPIRES_AFTER_DAYS = 36_500;
const MAX_EXPIRES_AFTER_MS = MAX_EXPIRES_AFTER_DAYS * 86_400_000;

/* The shapes below are what the schema guarantees; resolving is the one trust boundary. */
export type RawProbe = ProbeSpecBase;
/** Keys an item carries through resolution unchanged, as the model types them. */
type PassThrough = "description" | "owner" | "status" | "evidence" | "attested_by" | "attested_at" | "reason" | "waiver" | "note" | "due" | "enforce_from" | "level" | "why" | "fix" | "docs";
export interface RawItem extends Partial<Pick<Item, PassThrough>> {
  id?: string;
  title: string;
  severity?: Severity;
  weight?: number;
  tags?: string[];
  probes?: RawProbe[];
  expires_after?: string;
  depends_on?: string[];
}
export interface RawSection {
  id?: string;
  title: string;
  owner?: string;
  due?: string;
  items?: RawItem[];
  sections?: RawSection[];
}

/**
 * Ids of sections and items, unique across the checklist. Where each id was first used is located
 * only when it is used again (a scalar's position may need the reference YAML read, which a valid
 * checklist never pays for); paths are made only when an issue needs one (`PathOf`).
 */
export class IdRegistry {
  private readonly first = new Map<string, PathOf>();
  /** Ids first made from a title (no `id:`): their first use is placed at the title. */
  private readonly fromTitle = new Set<string>();

  /** `shownTitle` masks secrets in a title before an id is made from it: ids are printed everywhere. */
  constructor(
    private readonly issues: IssueSink,
    private readonly shownTitle?: Masker,
  ) {}

  /** The id written, or one made from the title; a second use of an id is an error naming the first. */
  assign(rawId: string | undefined, title: string, pathOf: PathOf): string {
    const id = rawId ?? slugify(this.shownTitle ? this.shownTitle.mask(title) : title);
    const first = this.first.get(id);
    if (!first) {
      this.first.set(id, pathOf);
      if (!rawId) this.fromTitle.add(id);
      return id;
    }
    const prev = this.issues.parsed.locate([...first(), this.fromTitle.has(id) ? "title" : "id"]);
    this.issues.error([...pathOf(), rawId ? "id" : "title"], `duplicate id "${id}": also used at ${prev.file}:${prev.line}:${prev.column} (ids are unique across sections and items)`);
    return id;
  }
}

/** What resolving sections, items and probes needs, handed down explicitly. */
export interface TreeContext {
  parsed: ParsedYaml;
  issues: IssueSink;
  defaults: ProbeDefaults;
  levels?: readonly string[];
  /** `--untrusted`: paths a probe reads must stay in the checklist's directory. */
  untrusted: boolean;
  ids: IdRegistry;
}

/** What the walk collects for the dependency check that follows it. */
export interface TreeCollected {
  /** Items with `depends_on`, checked once every id is known. */
  dependents: Dependent[];
  itemIds: Set<string>;
}

/** Resolves the checklist's sections, in document order. */
export function resolveSections(raw: readonly RawSection[], ctx: TreeContext): { sections: Section[] } & TreeCollected {
  const collected: TreeCollected = { dependents: [], itemIds: new Set() };
  const sections = raw.map((s, i) => resolveSection(s, ["sections", i], [], undefined, ctx, collected));
  return { sections, ...collected };
}

function resolveSection(r: RawSection, path: Path, parents: string[], parentDue: string | undefined, ctx: TreeContext, collected: TreeCollected): Section {
  const id = ctx.ids.assign(r.id, r.title, () => path);
  const here = parents.concat(id);
  if (r.due !== undefined && !parseDate(r.due)) ctx.issues.error([...path, "due"], `not a real date: "${r.due}"`);
  const due = r.due ?? parentDue;
  const section: Section = {
    id,
    title: r.title,
    items: (r.items ?? []).map((it, i) => resolveItem(it, () => [...path, "items", i], here, due, ctx, collected)),
    sections: (r.sections ?? []).map((s, i) => resolveSection(s, path.concat("sections", i), here, due, ctx, collected)),
    loc: ctx.parsed.locateNode?.(r) ?? ctx.parsed.locate(path),
  };
  if (r.owner !== undefined) section.owner = r.owner;
  if (r.due !== undefined) section.due = r.due;
  return section;
}

function resolveItem(r: RawItem, pathOf: PathOf, sectionPath: string[], sectionDue: string | undefined, ctx: TreeContext, collected: TreeCollected): Item {
  const id = ctx.ids.assign(r.id, r.title, pathOf);
  collected.itemIds.add(id);
  const probes: ResolvedProbe[] = [];
  const raws = r.probes ?? [];
  for (let i = 0; i < raws.length; i++) {
    const rp = resolveProbe(raws[i] as RawProbe, () => [...pathOf(), "probes", i], ctx);
    if (rp) probes.push(rp);
  }
  checkItemRules(r, id, pathOf, ctx.levels, ctx.issues);
  const item = buildItem(r, { id, severity: r.severity ?? ctx.defaults.severity, sectionPath, probes, sectionDue, loc: ctx.parsed.locateNode?.(r) ?? ctx.parsed.locate(pathOf()) });
  if (item.depends_on) collected.dependents.push({ item, pathOf });
  return item;
}

/** A probe with its type found, its own checks run, its timing resolved; undefined when its type is unknown. */
export function resolveProbe(p: RawProbe, pathOf: PathOf, ctx: Pick<TreeContext, "parsed" | "issues" | "defaults" | "untrusted">): ResolvedProbe | undefined {
  const { issues, defaults } = ctx;
  const { type, issues: typeIssues } = checkProbeTypes(p, pathOf, ctx.parsed);
  if (typeIssues.length) issues.add(typeIssues);
  if (!type) return undefined;
  const probe = getProbe(type);
  if (!probe) return undefined;
  const checked = probe.check?.(p);
  if (checked?.length) for (const i of checked) {
    const path = pathOf();
    const sub = (i.path ?? "").split("/").filter(Boolean);
    if (i.level === "warning") issues.warning([...path, ...sub], i.message);
    else issues.error([...path, ...sub], i.message, false);
  }
  if (ctx.untrusted) {
    for (const [key, path] of confinedPaths(type, p)) {
      const why = outsideDirectory(path);
      if (why) issues.error([...pathOf(), ...key], `${why}: with --untrusted, ${key.join(".")} must name a path inside the checklist's directory`);
    }
  }
  const timeoutMs = p.timeout ? (parseDuration(p.timeout) ?? defaults.timeoutMs) : defaults.timeoutMs;
  const retryDelayMs = p.retry_delay ? (parseDuration(p.retry_delay) ?? defaults.retryDelayMs) : defaults.retryDelayMs;
  // Checked where written: an inherited default was checked (and reported) at defaults.
  if (p.timeout) checkWait(timeoutMs, [...pathOf(), "timeout"], "timeout", issues);
  if (p.retry_delay) checkWait(retryDelayMs, [...pathOf(), "retry_delay"], "retry_delay", issues);
  return {
    type,
    spec: p,
    name: p.name,
    timeoutMs,
    retries: p.retries ?? defaults.retries,
    retryDelayMs,
    loc: ctx.parsed.locateNode?.(p) ?? ctx.parsed.locate(pathOf()),
  };
}

/** An item's semantic rules: real dates, n/a with a reason, a declared level, an `expires_after` a date can hold and something to count it from. */
export function checkItemRules(r: RawItem, id: string, pathOf: PathOf, levels: readonly string[] | undefined, issues: IssueSink): void {
  if (r.attested_at && !parseDate(r.attested_at)) issues.error([...pathOf(), "attested_at"], `not a real date: "${r.attested_at}"`);
  if (r.waiver && !parseDate(r.waiver.until)) issues.error([...pathOf(), "waiver", "until"], `not a real date: "${r.waiver.until}"`);
  if (r.status === "n/a" && !r.reason) issues.error([...pathOf(), "status"], `item "${id}" is n/a without a reason: add reason: to say why it does not apply`);
  if (r.due !== undefined && !parseDate(r.due)) issues.error([...pathOf(), "due"], `not a real date: "${r.due}"`);
  if (r.enforce_from !== undefined && !parseDate(r.enforce_from)) issues.error([...pathOf(), "enforce_from"], `not a real date: "${r.enforce_from}"`);
  if (r.level !== undefined && !levels) issues.error([...pathOf(), "level"], `item "${id}" has level "${r.level}" but the checklist declares no levels: add levels: [...] at the top`);
  else if (r.level !== undefined && levels && !levels.includes(r.level)) {
    const guess = nearest(r.level, levels);
    issues.error([...pathOf(), "level"], `unknown level "${r.level}"${guess ? ` — did you mean "${guess}"?` : ""} (levels: ${levels.join(", ")})`);
  }
  const expiresAfterMs = r.expires_after === undefined ? undefined : parseDuration(r.expires_after);
  if (expiresAfterMs !== undefined && !(expiresAfterMs <= MAX_EXPIRES_AFTER_MS)) issues.error([...pathOf(), "expires_after"], `expires_after ${r.expires_after} is too long: at most ${MAX_EXPIRES_AFTER_DAYS}d (100 years)`);
  if (r.expires_after && !r.attested_at && r.status === "done") issues.warning([...pathOf(), "expires_after"], `expires_after has no attested_at to count from: the attestation cannot expire`);
}

/** The typed item: what resolving decided (id, severity, probes, where), the written keys carried over, the section's due date inherited. */
export function buildItem(r: RawItem, resolved: Pick<Item, "id" | "severity" | "sectionPath" | "probes" | "loc"> & { sectionDue?: string }): Item {
  const { id, severity, sectionPath, probes, loc, sectionDue } = resolved;
  const item: Item = { id, title: r.title, severity, weight: r.weight ?? SEVERITY_WEIGHT[severity], tags: r.tags ?? [], sectionPath, probes, loc };
  if (r.description !== undefined) item.description = r.description;
  if (r.owner !== undefined) item.owner = r.owner;
  if (r.status !== undefined) item.status = r.status;
  if (r.evidence !== undefined) item.evidence = r.evidence;
  if (r.attested_by !== undefined) item.attested_by = r.attested_by;
  if (r.attested_at !== undefined) item.attested_at = r.attested_at;
  const expiresAfterMs = r.expires_after === undefined ? undefined : parseDuration(r.expires_after);
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
  if (r.depends_on?.length) item.depends_on = r.depends_on;
  return item;
}

/** The paths a probe reads files at, with their keys: file, coverage, tests, x509, goss, inspec, TLS material (ca, cert, key), a metric's json file. */
export function confinedPaths(type: string, p: RawProbe): [key: string[], path: string][] {
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
export function outsideDirectory(path: string): string | undefined {
  if (isAbsolute(path) || /^[a-zA-Z]:[\\/]|^~/.test(path)) return `${JSON.stringify(path)} is absolute`;
  if (path.split(/[\\/]+/).includes("..")) return `${JSON.stringify(path)} goes up with ..`;
  return undefined;
}
