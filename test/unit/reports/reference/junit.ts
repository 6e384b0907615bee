// Frozen copy of src/reports/junit.ts as of commit ad1432c: the reference the faster code is compared with, byte for byte
// (test/unit/reports/differential.test.ts). Keep it as it is; only its import paths were changed.
/**
 * The JUnit XML report, for CI test tabs (GitLab, Jenkins, Azure, GitHub test-report actions).
 * One `<testsuite>` per section that holds items (nested sections are flattened and named by their
 * path, `Infrastructure › Databases`), one `<testcase>` per item. fail / missing / stale →
 * `<failure>`; skipped and waived → `<skipped>`; attested and partial pass, with a note in
 * `<system-out>`. Every string goes through `escapeXml`, so the document is well-formed XML 1.0
 * whatever the titles hold. Times are in seconds.
 */
import { flattenSections, formatScore, isFailing, itemCause, itemDuration, pathLabel } from "./summary.js";
import { oneLine } from "../../../../src/errors.js";
import { escapeXml } from "./escape.js";
import type { ItemReport, Report } from "../../../../src/types.js";
import type { Reporter } from "../../../../src/reports/types.js";

/** Milliseconds as JUnit seconds, three decimals. */
export function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}

/** `name="value"` pairs, escaped. */
function attrs(pairs: Record<string, string | number>): string {
  let out = "";
  for (const k in pairs) out += `${out ? " " : ""}${k}="${escapeXml(oneLine(String(pairs[k])))}"`;
  return out;
}

/** Element text: each line escaped, lines joined by real newlines (readable in the raw file too). */
function text(lines: string[]): string {
  const out: string[] = [];
  for (const l of lines) {
    if (!l.includes("\n")) out.push(escapeXml(l));
    else for (const part of l.split(/\r?\n/)) out.push(escapeXml(part));
  }
  return out.join("\n");
}

function caseBody(item: ItemReport): string[] {
  const inner: string[] = [];
  const cause = itemCause(item);
  if (isFailing(item.result)) {
    const detail = [
      `${item.result} (${item.severity})${item.contradicted ? ": contradicted claim, marked done but the probes fail" : ""}`,
      ...item.probes.map((p) => `${p.result.toUpperCase()} ${p.type} ${p.target}: ${p.message}`),
      item.evidence ? `evidence: ${item.evidence}` : "",
      item.file && item.line ? `at ${item.file}:${item.line}` : "",
    ].filter(Boolean);
    inner.push(
      `      <failure ${attrs({ message: cause || item.result, type: item.result })}>${text(detail)}</failure>`,
    );
  } else if (item.result === "skipped" || item.result === "waived") {
    inner.push(`      <skipped ${attrs({ message: cause || item.result })}/>`);
  }
  const out: string[] = [];
  if (item.result === "attested" || item.result === "partial") out.push(`${item.result}: ${cause}`);
  if (item.evidence && !isFailing(item.result)) out.push(`evidence: ${item.evidence}`);
  if (item.result === "pass") out.push(...item.probes.map((p) => `${p.type} ${p.target}: ${p.message}`));
  if (out.length > 0) inner.push(`      <system-out>${text(out)}</system-out>`);
  return inner;
}

function suiteCounts(items: ItemReport[]): { tests: number; failures: number; skipped: number; ms: number } {
  let failures = 0;
  let skipped = 0;
  let ms = 0;
  for (const i of items) {
    if (isFailing(i.result)) failures++;
    else if (i.result === "skipped" || i.result === "waived") skipped++;
    ms += itemDuration(i);
  }
  return { tests: items.length, failures, skipped, ms };
}

/** The JUnit reporter. */
export const renderJunit: Reporter = (report: Report) => {
  // Only the sections in document order: JUnit lists no failing-first views, so no `summarize`.
  const sections = flattenSections(report.sections);
  const suites: string[] = [];
  const all = sections.flatMap(({ section }) => section.items);
  const total = suiteCounts(all);
  sections.forEach(({ section, path }, index) => {
    if (section.items.length === 0) return;
    const name = pathLabel(path);
    const c = suiteCounts(section.items);
    const lines = [
      `  <testsuite ${attrs({ name, id: index, tests: c.tests, failures: c.failures, errors: 0, skipped: c.skipped, time: seconds(c.ms), timestamp: report.started_at.replace(/Z$|\.\d+Z$/, "") })}>`,
      `    <properties>`,
      `      <property ${attrs({ name: "section.id", value: section.id })}/>`,
      `      <property ${attrs({ name: "score", value: formatScore(section.score) })}/>`,
      `      <property ${attrs({ name: "verified_score", value: formatScore(section.verified_score) })}/>`,
      `    </properties>`,
    ];
    for (const item of section.items) {
      const body = caseBody(item);
      const caseAttrs: Record<string, string | number> = { classname: name, name: `${item.title} [${item.id}]`, time: seconds(itemDuration(item)) };
      if (item.file) caseAttrs.file = item.file;
      if (item.line) caseAttrs.line = item.line;
      const open = `    <testcase ${attrs(caseAttrs)}`;
      lines.push(body.length ? `${open}>\n${body.join("\n")}\n    </testcase>` : `${open}/>`);
    }
    lines.push(`  </testsuite>`);
    suites.push(lines.join("\n"));
  });
  const summary = `verdict ${report.verdict}, score ${formatScore(report.score)}, verified ${formatScore(report.verified_score)}${report.interrupted ? ", INTERRUPTED (partial results)" : ""}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!-- readiness: ${escapeXml(summary).replace(/--/g, "- -")} -->`,
    `<testsuites ${attrs({ name: `readiness: ${report.checklist.name}`, tests: total.tests, failures: total.failures, errors: 0, skipped: total.skipped, time: seconds(report.duration_ms), timestamp: report.started_at.replace(/Z$|\.\d+Z$/, "") })}>`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
};
