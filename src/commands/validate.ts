/**
 * `readiness validate [FILE]`: every problem at once, nothing run.
 */
import { checkChecklistFile } from "../checklist/load.js";
import { yamlLib } from "../checklist/parse.js";
import { formatIssue, ReadinessError, sanitize } from "../errors.js";
import { escapeJsonControls, escapeYamlControls } from "../util/escape.js";
import { flattenItems } from "../checklist/items.js";
import type { Checklist, Item, ResolvedProbe, Section } from "../types.js";
import { createMasker, maskDeep } from "../util/mask.js";
import { SEVERITY_WEIGHT } from "../types.js";
import { displayPath, parseVars, requireChecklist, untrustedOption, type GlobalOptions, type Io } from "./io.js";

export interface ValidateOptions extends GlobalOptions {
  var?: string[];
  json?: boolean;
  /** `--env NAME`: apply `environments.NAME`. */
  env?: string;
  /** Print the resolved checklist (extends merged, matrices expanded, variables substituted) as YAML. */
  print?: boolean;
  /** `--untrusted` (with `--allow-env NAME`...): check the checklist as `audit --untrusted` would load it. */
  untrusted?: boolean;
  allowEnv?: string[];
}

export async function validateCommand(file: string | undefined, opts: ValidateOptions, io: Io): Promise<number> {
  const untrusted = untrustedOption(opts);
  const path = displayPath(io, requireChecklist(io.cwd, file));
  const { checklist, issues } = await checkChecklistFile(path, { env: io.env, vars: parseVars(opts.var), environment: opts.env, signal: io.signal, secrets: io.secrets, ...(untrusted ? { untrusted } : {}) });
  const errors = issues.filter((i) => i.level !== "warning");
  if (opts.print && checklist && errors.length === 0) {
    for (const i of issues) io.err(`${formatIssue(i)}\n`);
    io.out(printChecklist(checklist));
    return 0;
  }
  if (opts.json) {
    io.out(`${escapeJsonControls(JSON.stringify({ valid: errors.length === 0, file: path, issues }, null, 2))}\n`);
    return errors.length ? 2 : 0;
  }
  for (const i of issues) io.err(`${formatIssue(i)}\n`);
  if (errors.length) {
    io.err(`${path}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
    return 2;
  }
  if (!checklist) throw new ReadinessError(`${path}: could not be resolved`);
  const items = flattenItems(checklist.sections);
  const probes = items.reduce((n, i) => n + i.probes.length, 0);
  if (!opts.quiet) io.out(`${path}: valid — ${items.length} item${items.length === 1 ? "" : "s"}, ${probes} probe${probes === 1 ? "" : "s"}\n`);
  return 0;
}

/** `90d`, `5s`, `1500ms`: the largest unit that writes a duration exactly. */
function durationText(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Item keys that are internal or printed differently. */
const ITEM_INTERNAL = new Set(["id", "title", "severity", "weight", "sectionPath", "probes", "loc", "expiresAfterMs", "overrides", "changed_at"]);

function printProbe(p: ResolvedProbe): Record<string, unknown> {
  return { ...p.spec, timeout: durationText(p.timeoutMs), retries: p.retries, retry_delay: durationText(p.retryDelayMs) };
}

function printItem(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = { id: item.id, title: item.title, severity: item.severity };
  if (item.weight !== SEVERITY_WEIGHT[item.severity]) out.weight = item.weight;
  for (const [k, v] of Object.entries(item)) {
    if (ITEM_INTERNAL.has(k) || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  if (item.expiresAfterMs !== undefined) out.expires_after = durationText(item.expiresAfterMs);
  if (item.probes.length) out.probes = item.probes.map(printProbe);
  return out;
}

function printSection(s: Section): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id, title: s.title };
  for (const [k, v] of Object.entries(s)) if (!["id", "title", "items", "sections", "loc"].includes(k) && v !== undefined) out[k] = v;
  if (s.items.length) out.items = s.items.map(printItem);
  if (s.sections.length) out.sections = s.sections.map(printSection);
  return out;
}

/**
 * The resolved checklist as a standalone checklist YAML: extends merged, matrices expanded, the
 * environment and variables applied, defaults written into every probe, secrets masked. Each item
 * carries a comment naming the file and line it came from.
 */
export function printChecklist(checklist: Checklist): string {
  const mask = createMasker(checklist.secrets);
  const body: Record<string, unknown> = { version: 1, name: checklist.name };
  if (checklist.owner !== undefined) body.owner = checklist.owner;
  if (Object.keys(checklist.vars).length) body.vars = checklist.vars;
  body.gate = checklist.gate;
  if (checklist.levels?.length) body.levels = checklist.levels;
  if (checklist.signoffs.length) body.signoffs = checklist.signoffs;
  body.sections = checklist.sections.map(printSection);
  // Resolved text is final: any `${` left in it is literal, so it is written escaped (`$${`).
  const literal = (v: unknown): unknown =>
    typeof v === "string" ? v.replace(/\$\{/g, "$$${") : Array.isArray(v) ? v.map(literal) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)])) : v;
  const { Document, isMap } = yamlLib();
  const doc = new Document(literal(maskDeep(JSON.parse(JSON.stringify(body)) as unknown, mask)));
  const files = checklist.files ?? [checklist.path];
  doc.commentBefore = [
    ` Resolved from ${sanitize(files.join(", "))}${checklist.environment ? ` with environment ${checklist.environment}` : ""} by readiness validate --print.`,
    " Every default is written out; values from the environment are masked as ***.",
  ].join("\n");
  const walk = (sections: Section[], path: (string | number)[]): void => {
    sections.forEach((s, i) => {
      s.items.forEach((item, j) => {
        const node = doc.getIn([...path, i, "items", j], true);
        if (!isMap(node) || !item.loc) return;
        const over = item.overrides?.length ? `, changed at ${item.overrides.map((o) => `${o.file}:${o.line}`).join(", ")}` : "";
        node.commentBefore = mask.mask(sanitize(` from ${item.loc.file}:${item.loc.line}${over}`));
      });
      walk(s.sections, [...path, i, "sections"]);
    });
  };
  walk(checklist.sections, ["sections"]);
  return escapeYamlControls(doc.toString({ lineWidth: 0 }));
}
