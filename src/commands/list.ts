/**
 * `readiness list [FILE]` and `readiness explain ID`: the resolved checklist, secrets masked.
 */
import { stringify } from "yaml";
import { flattenItems } from "../checklist/items.js";
import { plan } from "../engine/plan.js";
import { ReadinessError, sanitize } from "../errors.js";
import { getProbe } from "../probes/index.js";
import type { ProbeSpecBase } from "../types.js";
import { maskDeep, createMasker } from "../util/mask.js";
import { nearest } from "../util/text.js";
import { escapeJsonControls } from "../util/escape.js";
import { loadForAudit } from "./audit.js";
import { clockFor, parseVars, untrustedOption, type GlobalOptions, type Io } from "./io.js";

export interface ListOptions extends GlobalOptions {
  only?: string[];
  skip?: string[];
  var?: string[];
  json?: boolean;
  file?: string;
  /** `--env NAME`: apply `environments.NAME`. */
  env?: string;
  /** `--untrusted` (with `--allow-env NAME`...): load the checklist as `audit --untrusted` would. */
  untrusted?: boolean;
  allowEnv?: string[];
}

export async function listCommand(file: string | undefined, opts: ListOptions, io: Io): Promise<number> {
  const checklist = await loadForAudit(io, file ?? opts.file, parseVars(opts.var), opts.env, untrustedOption(opts));
  const mask = createMasker(checklist.secrets);
  const planned = plan(checklist, { only: opts.only, skip: opts.skip });
  const rows = planned.items
    .filter((p) => !p.skip?.startsWith("not selected") && !p.skip?.startsWith("skipped (--skip)"))
    .map((p) => ({
      id: p.item.id,
      title: p.item.title,
      severity: p.item.severity,
      section: p.item.sectionPath.join("/"),
      probes: p.item.probes.map((rp) => `${rp.type} ${safeTarget(rp.type, rp.spec)}`),
      status: p.item.status,
      depends_on: p.item.depends_on,
      waiver: p.item.waiver,
      where: p.item.loc ? `${p.item.loc.file}:${p.item.loc.line}` : undefined,
    }));
  if (opts.json) {
    io.out(`${escapeJsonControls(JSON.stringify(maskDeep(rows.map(({ waiver: _, ...r }) => r), mask), null, 2))}\n`);
    return 0;
  }
  const today = clockFor(io)().toISOString().slice(0, 10);
  for (const r of rows) {
    const checks = r.probes.length ? r.probes.join("; ") : `manual: ${r.status ?? "no status"}`;
    // A waiver decides the item's result while it lasts (through its `until` day); an expired one does not.
    const kind = !r.waiver ? checks : r.waiver.until >= today ? `waived until ${r.waiver.until} by ${r.waiver.by}` : `${checks} (waiver expired ${r.waiver.until})`;
    const deps = r.depends_on ? `  (depends on ${r.depends_on.join(", ")})` : "";
    io.out(sanitize(mask.mask(`${r.id}  [${r.severity}]  ${r.title}  — ${kind}${deps}${r.where ? `  (${r.where})` : ""}`)) + "\n");
  }
  const from = checklist.files && checklist.files.length > 1 ? ` from ${checklist.files.join(", ")}` : "";
  io.out(`${rows.length} item${rows.length === 1 ? "" : "s"}${from}${checklist.environment ? ` (environment ${checklist.environment})` : ""}\n`);
  return 0;
}

function safeTarget(type: string, spec: ProbeSpecBase): string {
  try {
    return getProbe(type)?.target(spec) ?? type;
  } catch {
    return type;
  }
}

export async function explainCommand(id: string, opts: ListOptions, io: Io): Promise<number> {
  const checklist = await loadForAudit(io, opts.file, parseVars(opts.var), opts.env, untrustedOption(opts));
  const mask = createMasker(checklist.secrets);
  const items = flattenItems(checklist.sections);
  const item = items.find((i) => i.id === id);
  if (!item) {
    const guess = nearest(id, items.map((i) => i.id));
    throw new ReadinessError(`explain ${id}: no item "${id}" in ${checklist.path}${guess ? ` — did you mean "${guess}"?` : ""}`, { code: "ENOITEM" });
  }
  const view = {
    id: item.id,
    title: item.title,
    section: item.sectionPath.join(" / "),
    defined_at: item.loc ? `${item.loc.file}:${item.loc.line}:${item.loc.column}` : undefined,
    overridden_at: item.overrides?.map((o) => `${o.file}:${o.line}:${o.column}`),
    environment: checklist.environment,
    severity: item.severity,
    weight: item.weight,
    tags: item.tags.length ? item.tags : undefined,
    owner: item.owner,
    status: item.status,
    evidence: item.evidence,
    attested_by: item.attested_by,
    attested_at: item.attested_at,
    waiver: item.waiver,
    depends_on: item.depends_on,
    probes: item.probes.map((p) => ({ ...p.spec, timeout: `${p.timeoutMs}ms`, retries: p.retries, retry_delay: `${p.retryDelayMs}ms` })),
  };
  // Masked before YAML quotes and escapes the values.
  const masked = maskDeep(JSON.parse(JSON.stringify(view)) as unknown, mask);
  if (opts.json) io.out(`${escapeJsonControls(JSON.stringify(masked, null, 2))}\n`);
  else io.out(sanitize(stringify(masked, { lineWidth: 0 })));
  return 0;
}
