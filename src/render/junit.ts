/**
 * The JUnit XML report, for CI test tabs (GitLab, Jenkins, Azure, GitHub test-report actions).
 * One `<testsuite>` per section that holds items (nested sections are flattened and named by their
 * path, `Infrastructure › Databases`), one `<testcase>` per item. fail / missing / stale →
 * `<failure>`; skipped and waived → `<skipped>`; attested and partial pass, with a note in
 * `<system-out>`. Every string goes through `escapeXml`, so the document is well-formed XML 1.0
 * whatever the titles hold. Times are in seconds.
 */
import { flattenSections, formatScore, isFailing, itemCause, itemDuration, pathLabel } from "./summary.js";
import { oneLine } from "../errors.js";
import { escapeXml } from "../util/escape.js";
import type { ItemReport, Report } from "../types.js";
import type { PartsReporter, Reporter, StreamReporter } from "./types.js";

/** Milliseconds as JUnit seconds, three decimals. */
export function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}

/** An attribute value: one line, escaped (numbers need neither). */
function attr(value: string): string {
  return escapeXml(oneLine(value));
}

/** `name="value"` pairs, escaped. */
function attrs(pairs: Record<string, string | number>): string {
  let out = "";
  for (const k in pairs) out += `${out ? " " : ""}${k}="${escapeXml(oneLine(String(pairs[k])))}"`;
  return out;
}

/** Element text: each line escaped, lines joined by real newlines (readable in the raw file too). */
function textLine(l: string): string {
  if (!l.includes("\n")) return escapeXml(l);
  const parts = l.split(/\r?\n/);
  let out = "";
  for (let i = 0; i < parts.length; i++) out += (i ? "\n" : "") + escapeXml(parts[i] as string);
  return out;
}

/** The elements inside an item's `<testcase>` (each on its own line), or "" when there are none. */
function caseBody(item: ItemReport): string {
  let inner = "";
  const result = item.result;
  const failing = isFailing(result);
  const cause = itemCause(item);
  if (failing) {
    let detail = textLine(`${result} (${item.severity})${item.contradicted ? ": contradicted claim, marked done but the probes fail" : ""}`);
    for (const p of item.probes) detail += `\n${textLine(`${p.result.toUpperCase()} ${p.type} ${p.target}: ${p.message}`)}`;
    if (item.evidence) detail += `\n${textLine(`evidence: ${item.evidence}`)}`;
    if (item.file && item.line) detail += `\n${textLine(`at ${item.file}:${item.line}`)}`;
    inner = `      <failure message="${attr(cause || result)}" type="${attr(result)}">${detail}</failure>`;
  } else if (result === "skipped" || result === "waived") {
    inner = `      <skipped message="${attr(cause || result)}"/>`;
  }
  // Every line of <system-out> is non-empty, so the element is there exactly when `out` is not empty.
  let out = "";
  if (result === "attested" || result === "partial") out = textLine(`${result}: ${cause}`);
  if (item.evidence && !failing) out += (out ? "\n" : "") + textLine(`evidence: ${item.evidence}`);
  if (result === "pass") for (const p of item.probes) out += (out ? "\n" : "") + textLine(`${p.type} ${p.target}: ${p.message}`);
  if (out) inner += `${inner ? "\n" : ""}      <system-out>${out}</system-out>`;
  return inner;
}

function suiteCounts(items: ItemReport[], durations?: number[]): { tests: number; failures: number; skipped: number; ms: number } {
  let failures = 0;
  let skipped = 0;
  let ms = 0;
  for (const i of items) {
    if (isFailing(i.result)) failures++;
    else if (i.result === "skipped" || i.result === "waived") skipped++;
    const d = itemDuration(i);
    durations?.push(d);
    ms += d;
  }
  return { tests: items.length, failures, skipped, ms };
}

/** The JUnit reporter. */
export const renderJunit: Reporter = (report, options) => junitParts(report, options).join("");

/** The JUnit report in parts: its head, each suite's opening, each test case, each suite's end, its end (see `PartsReporter`). */
export const junitParts: PartsReporter = (report, options) => [...junitStream(report, options)];

/** `junitParts`, made as they are read (see `StreamReporter`). */
export const junitStream: StreamReporter = function* (report: Report) {
  // Only the sections in document order: JUnit lists no failing-first views, so no `summarize`.
  const sections = flattenSections(report.sections);
  const all = sections.flatMap(({ section }) => section.items);
  const total = suiteCounts(all);
  const timestamp = attr(report.started_at.replace(/Z$|\.\d+Z$/, ""));
  const summary = `verdict ${report.verdict}, score ${formatScore(report.score)}, verified ${formatScore(report.verified_score)}${report.interrupted ? ", INTERRUPTED (partial results)" : ""}`;
  yield [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!-- readiness: ${escapeXml(summary).replace(/--/g, "- -")} -->`,
    `<testsuites ${attrs({ name: `readiness: ${report.checklist.name}`, tests: total.tests, failures: total.failures, errors: 0, skipped: total.skipped, time: seconds(report.duration_ms), timestamp: report.started_at.replace(/Z$|\.\d+Z$/, "") })}>`,
  ].join("\n");
  for (let index = 0; index < sections.length; index++) {
    const { section, path } = sections[index] as (typeof sections)[number];
    if (section.items.length === 0) continue;
    const name = pathLabel(path);
    const classname = attr(name);
    const durations: number[] = [];
    const c = suiteCounts(section.items, durations);
    yield `\n  <testsuite name="${classname}" id="${index}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${seconds(c.ms)}" timestamp="${timestamp}">\n` +
      `    <properties>\n` +
      `      <property name="section.id" value="${attr(section.id)}"/>\n` +
      `      <property name="score" value="${attr(formatScore(section.score))}"/>\n` +
      `      <property name="verified_score" value="${attr(formatScore(section.verified_score))}"/>\n` +
      `    </properties>`;
    const items = section.items;
    for (let k = 0; k < items.length; k++) {
      const item = items[k] as ItemReport;
      const body = caseBody(item);
      let open = `\n    <testcase classname="${classname}" name="${attr(`${item.title} [${item.id}]`)}" time="${seconds(durations[k] as number)}"`;
      if (item.file) open += ` file="${attr(item.file)}"`;
      if (item.line) open += ` line="${attr(String(item.line))}"`;
      yield body ? `${open}>\n${body}\n    </testcase>` : `${open}/>`;
    }
    yield "\n  </testsuite>";
  }
  yield "\n</testsuites>\n";
};
