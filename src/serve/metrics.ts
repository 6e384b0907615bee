/**
 * The Prometheus text exposition (format 0.0.4) of a report: `readiness serve`'s `/metrics`.
 * Names follow the Prometheus conventions (a `readiness_` prefix, base units in the name, `_total`
 * for counters); every label value is escaped as the format asks (backslash, double quote, line
 * feed) and made valid UTF-8. Label values only come from the report, which is masked: no value
 * from the environment reaches a label.
 */
import { ITEM_RESULTS, VERDICTS, type ItemReport, type Report, type SectionReport } from "../types.js";

/** The content type of the text exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A label value as the exposition format wants it: `\`, `"` and line feeds escaped, valid UTF-8. */
export function escapeLabelValue(value: string): string {
  return value.replace(LONE_SURROGATE, "\ufffd").replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** `# HELP` text: backslash and line feed escaped. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

function labelText(labels: Labels | undefined): string {
  if (!labels) return "";
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** A number as the format writes it (`NaN`, `+Inf`, `-Inf` included). */
function value(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

/** One metric family: its HELP, TYPE and samples. */
export function family(name: string, type: "gauge" | "counter", help: string, samples: readonly (readonly [Labels | undefined, number])[]): string {
  let out = `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
  for (const [labels, n] of samples) out += `${name}${labelText(labels)} ${value(n)}\n`;
  return out;
}

/** Each item with the ids of its enclosing sections joined by `/`. */
function* itemsWithSection(sections: readonly SectionReport[], path = ""): Generator<[ItemReport, string]> {
  for (const s of sections) {
    const here = path ? `${path}/${s.id}` : s.id;
    for (const item of s.items) yield [item, here];
    yield* itemsWithSection(s.sections, here);
  }
}

/** How the served state reads besides the report itself. */
export interface MetricsState {
  /** The last completed report, if any. */
  report?: Report;
  /** When that report's run ended, in ms since the epoch. */
  finishedAtMs?: number;
  /** The checklist on disk failed to load on the last attempt (the last good one is still used). */
  loadError: boolean;
  /** Audits completed since the server started. */
  runs: number;
  /** An audit is running now. */
  running: boolean;
}

/**
 * The metric families that depend only on the report: made once per run, served to every scrape.
 * Empty without a report.
 */
export function reportMetrics(report: Report | undefined): string {
  if (!report) return "";
  const out: string[] = [];
  const gauge = (name: string, help: string, samples: readonly (readonly [Labels | undefined, number])[]): void => {
    if (samples.length) out.push(family(name, "gauge", help, samples));
  };
  gauge("readiness_score", "Readiness score of the last completed audit (0-100).", report.score === null ? [] : [[undefined, report.score]]);
  gauge("readiness_verified_score", "Score earned by probe-verified evidence alone (0-100).", report.verified_score === null ? [] : [[undefined, report.verified_score]]);
  gauge(
    "readiness_verdict",
    "The verdict of the last completed audit: 1 for the verdict it gave, 0 for the others.",
    VERDICTS.map((v) => [{ verdict: v }, report.verdict === v ? 1 : 0] as const),
  );
  gauge(
    "readiness_items",
    "Checklist items by result in the last completed audit.",
    ITEM_RESULTS.map((r) => [{ result: r }, report.counts[r] ?? 0] as const),
  );
  const items = [...itemsWithSection(report.sections)];
  gauge(
    "readiness_item_result",
    "One series per item, set to 1; its result label is the item's result in the last completed audit.",
    items.map(([item, section]) => [{ item: item.id, section, severity: item.severity, result: item.result }, 1] as const),
  );
  const probes: [Labels, number][] = [];
  for (const [item] of items)
    item.probes.forEach((p, i) => probes.push([{ item: item.id, probe: String(i + 1), type: p.type }, p.duration_ms / 1000]));
  gauge("readiness_probe_duration_seconds", "How long each probe took in the last completed audit, retries included; probe is its position in the item (1, 2...).", probes);
  gauge("readiness_run_duration_seconds", "How long the last completed audit took.", [[undefined, report.duration_ms / 1000]]);
  const expiring = report.expiring ?? [];
  gauge(
    "readiness_attestations_expiring",
    `Attestations, waivers and TLS certificates ending within gate.warn_days (default 14), by kind.`,
    (["attestation", "waiver", "certificate"] as const).map((k) => [{ kind: k }, expiring.filter((e) => e.kind === k).length] as const),
  );
  gauge(
    "readiness_expiry_timestamp_seconds",
    "When each attestation, waiver or certificate ending within gate.warn_days ends (Unix time).",
    expiring.map((e) => [{ kind: e.kind, item: e.id }, Date.parse(`${e.date.slice(0, 10)}T00:00:00Z`) / 1000] as const),
  );
  return out.join("");
}

/** The whole exposition: the report's families (made once per run) and those that change per scrape. */
export function renderMetrics(state: MetricsState, reportPart: string, nowMs: number): string {
  let out = reportPart;
  if (state.report && state.finishedAtMs !== undefined) {
    out += family("readiness_last_run_timestamp_seconds", "gauge", "When the last completed audit ended (Unix time).", [[undefined, state.finishedAtMs / 1000]]);
    out += family("readiness_last_run_age_seconds", "gauge", "Seconds since the last completed audit ended.", [[undefined, Math.max(0, nowMs - state.finishedAtMs) / 1000]]);
  }
  out += family("readiness_checklist_load_error", "gauge", "1 when the checklist on disk failed to load on the last attempt (the last good checklist is still audited).", [[undefined, state.loadError ? 1 : 0]]);
  out += family("readiness_audit_running", "gauge", "1 while an audit is running.", [[undefined, state.running ? 1 : 0]]);
  out += family("readiness_audits_total", "counter", "Audits completed since the server started.", [[undefined, state.runs]]);
  const mem = process.memoryUsage();
  out += family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [[undefined, mem.rss]]);
  out += family("nodejs_heap_used_bytes", "gauge", "V8 heap in use, in bytes.", [[undefined, mem.heapUsed]]);
  return out;
}
