/**
 * `readiness merge A.json B.json ...`: one fleet report from many service reports. Each service
 * (a checklist name) keeps its verdict, scores, counts and reasons; services are listed worst
 * first; the fleet's verdict is the worst of them (exit 1 when any is NO-GO).
 */
import { ReadinessError, oneLine } from "../errors.js";
import { escapeHtml, escapeMarkdown, escapeXml } from "../util/escape.js";
import { terminalText, wrapWidth } from "../util/width.js";
import { gauge, htmlDocument, VERDICT_COLOUR } from "../render/html.js";
import { mdTable, RESULT_EMOJI, VERDICT_EMOJI } from "../render/markdown.js";
import { colourResult, resultGlyph } from "../render/terminal.js";
import type { ChalkInstance } from "chalk";
import { isFailing, itemCause, summarize, VERDICT_RANK, formatScore } from "../render/summary.js";
import { seconds } from "../render/junit.js";
import type { RenderOptions } from "../render/types.js";
import { GAP, layoutColumns } from "../render/table.js";
import { ITEM_RESULTS } from "../types.js";
import { allItems, blockedByRoot } from "../engine/score.js";
import type { Counts, ItemResult, Report, Severity, Verdict } from "../types.js";

/** A failing item of a service, as the fleet report lists it. */
export interface FleetFailure {
  id: string;
  title: string;
  severity: Severity;
  result: ItemResult;
  /** The cause; a root cause's ends with the items it blocks. */
  message: string;
  /** For a root cause: ids of the items it blocks (depends_on), not listed on their own. */
  blocks?: string[];
}

/** One service in a fleet report. */
export interface FleetService {
  name: string;
  path: string;
  verdict: Verdict;
  score: number | null;
  verified_score: number | null;
  counts: Counts;
  reasons: string[];
  started_at: string;
  duration_ms: number;
  interrupted: boolean;
  /** fail / missing / stale / blocked items, most severe first; a blocked item only in its root cause's `blocks`. */
  failing: FleetFailure[];
  /** Every item's result, in checklist order: the service's row of cells. */
  cells: FleetCell[];
}

/** One item of a service, as a cell of its row. */
export interface FleetCell {
  id: string;
  result: ItemResult;
}

/** The fleet report: the input of `merge -f json`, and what every fleet renderer shows. */
export interface FleetReport {
  schema_version: 1;
  kind: "fleet";
  tool: { name: string; version: string };
  /** The worst verdict of any service. */
  verdict: Verdict;
  /** One line per service that is not GO. */
  reasons: string[];
  /** Lowest and mean score over services that have one; null when none has. */
  lowest_score: number | null;
  mean_score: number | null;
  /** Counts summed over services. */
  counts: Counts;
  /** Services, worst first: verdict, then score, then name. */
  services: FleetService[];
}

/** Formats `merge` can be rendered in. */
export const FLEET_FORMATS = ["terminal", "markdown", "json", "html", "junit"] as const;
export type FleetFormat = (typeof FLEET_FORMATS)[number];

function zeroCounts(): Counts {
  return Object.fromEntries(ITEM_RESULTS.map((r) => [r, 0])) as Counts;
}

/** A report's failing items, each blocked item named once in its root cause's entry. */
function fleetFailures(r: Report): FleetFailure[] {
  const summary = summarize(r);
  const blocks = blockedByRoot(summary.items.map((l) => l.item));
  // A root cause that is not failing itself (partial) is not listed: the items it blocks are, each.
  const roots = new Set([...blocks.keys()].filter((i) => isFailing(i.result)).map((i) => i.id));
  const out: FleetFailure[] = [];
  for (const { item } of summary.failing) {
    if (item.result === "blocked" && item.blocked_by?.some((id) => roots.has(id))) continue;
    const blocked = blocks.get(item)?.map((b) => b.id);
    const f: FleetFailure = { id: item.id, title: item.title, severity: item.severity, result: item.result, message: itemCause(item) };
    if (blocked) {
      f.blocks = blocked;
      f.message += ` — blocks: ${blocked.join(", ")}`;
    }
    out.push(f);
  }
  return out;
}

/** Builds a fleet report. Throws a `ReadinessError` when given no report. */
export function mergeReports(reports: readonly Report[]): FleetReport {
  if (reports.length === 0) throw new ReadinessError("merge needs at least one JSON report", { code: "EUSAGE" });
  const services: FleetService[] = reports.map((r) => ({
    name: r.checklist.name,
    path: r.checklist.path,
    verdict: r.verdict,
    score: r.score,
    verified_score: r.verified_score,
    counts: { ...zeroCounts(), ...r.counts },
    reasons: [...r.reasons],
    started_at: r.started_at,
    duration_ms: r.duration_ms,
    interrupted: r.interrupted,
    failing: fleetFailures(r),
    cells: allItems(r).map((i) => ({ id: i.id, result: i.result })),
  }));
  services.sort(
    (a, b) =>
      VERDICT_RANK[b.verdict] - VERDICT_RANK[a.verdict] ||
      (a.score ?? -1) - (b.score ?? -1) ||
      a.name.localeCompare(b.name),
  );
  const counts = zeroCounts();
  for (const s of services) for (const r of ITEM_RESULTS) counts[r] += s.counts[r];
  const scores = services.map((s) => s.score).filter((s): s is number => s !== null);
  const worst = services[0];
  return {
    schema_version: 1,
    kind: "fleet",
    tool: reports[0]?.tool ?? { name: "readiness", version: "unknown" },
    verdict: worst ? worst.verdict : "NO-GO",
    reasons: services
      .filter((s) => s.verdict !== "GO")
      .map((s) => `${s.name}: ${s.verdict} (score ${formatScore(s.score)})${s.reasons[0] ? `, ${s.reasons[0]}` : ""}`),
    lowest_score: scores.length ? scores.reduce((a, b) => Math.min(a, b)) : null,
    mean_score: scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : null,
    counts,
    services,
  };
}

function countsText(c: Counts): string {
  return ITEM_RESULTS.filter((r) => c[r] > 0)
    .map((r) => `${c[r]} ${r}`)
    .join(", ");
}

/** A service's row of cells: one result glyph per item (✔ ✘ ◐ ⊘ -), in its result's colour, cut to `width` columns. */
function cellsTerminal(cells: readonly FleetCell[], c: ChalkInstance, width: number): string {
  const room = cells.length > width ? width - 8 : cells.length;
  const shown = cells
    .slice(0, Math.max(0, room))
    .map((cell) => colourResult(c, cell.result, resultGlyph(cell.result)))
    .join("");
  return cells.length > room ? `${shown} ${c.dim(`+${cells.length - room}`)}` : shown;
}

function fleetTerminal(f: FleetReport, options: RenderOptions): string {
  const c = options.chalk;
  const width = Math.max(60, options.width ?? 100);
  const paint = (v: Verdict, t: string): string => (v === "GO" ? c.green.bold(t) : v === "CONDITIONAL" ? c.yellow.bold(t) : c.red.bold(t));
  // One row per service (a cell in its verdict's colour, name, verdict, scores, how many items
  // fail), its most severe failures on the lines under it.
  const nameW = Math.max(14, Math.min(40, width - 11 - 5 - 8 - 10 - 4 * GAP.length));
  const widths = [nameW, 11, 5, 8, 7];
  const table = layoutColumns([["Service", "Verdict", "Score", "Verified", "Failing"].map((h) => c.bold(h))], widths);
  for (const s of f.services) {
    const row = [
      `${paint(s.verdict, "■")} ${terminalText(s.name, nameW - 2)}`,
      paint(s.verdict, s.verdict),
      formatScore(s.score),
      formatScore(s.verified_score),
      s.failing.length ? String(s.failing.length) : c.dim("—"),
    ];
    table.push(...layoutColumns([row], widths), `    ${cellsTerminal(s.cells, c, width - 4)}`);
    const below = s.failing.slice(0, 3).map((x) => `    ${terminalText(`[${x.severity}] ${x.id}: ${x.message}`, width - 4)}`);
    if (s.failing.length > 3) below.push(c.dim(`    …and ${s.failing.length - 3} more`));
    if (s.interrupted) below.push(`    ${c.yellow("INTERRUPTED")}`);
    table.push(...below);
  }
  const line = "═".repeat(Math.min(width, 100));
  const out = [
    c.bold(`Fleet: ${f.services.length} service${f.services.length === 1 ? "" : "s"}`),
    ...table,
    ...wrapWidth(`Counts: ${countsText(f.counts)}`, width).map((l, i) => (i === 0 ? l.replace("Counts:", c.bold("Counts:")) : l)),
    "",
    paint(f.verdict, line),
    ...wrapWidth(`fleet verdict (worst service) · lowest score ${formatScore(f.lowest_score)} · mean ${formatScore(f.mean_score)}`, width - f.verdict.length - 2).map(
      (l, i) => `${i === 0 ? paint(f.verdict, f.verdict) : " ".repeat(f.verdict.length)}  ${l}`,
    ),
    ...f.reasons.map((r) => `  • ${terminalText(r, width - 4)}`),
    paint(f.verdict, line),
  ];
  return `${out.join("\n")}\n`;
}

/** How many cells a Markdown row shows at most (a row of emoji wider than this wraps in a PR comment). */
const MARKDOWN_CELLS = 40;

/** A service's row of cells in Markdown: an emoji per item (each result its own emoji, so colour is not the only sign). */
function cellsMarkdown(cells: readonly FleetCell[]): string {
  const shown = cells.slice(0, MARKDOWN_CELLS).map((cell) => RESULT_EMOJI[cell.result]).join("");
  return cells.length > MARKDOWN_CELLS ? `${shown} +${cells.length - MARKDOWN_CELLS}` : shown;
}

function fleetMarkdown(f: FleetReport): string {
  const md = escapeMarkdown;
  const out = [
    `## ${VERDICT_EMOJI[f.verdict]} Fleet ${f.verdict} — ${f.services.length} service${f.services.length === 1 ? "" : "s"}`,
    "",
    `Lowest score **${formatScore(f.lowest_score)}** · mean ${formatScore(f.mean_score)} · ${md(countsText(f.counts))}`,
    "",
    mdTable(
      ["Service", "Items", "Verdict", "Score", "Verified", "Failing", "Top failure"],
      f.services.map((s) => [
        `${md(s.name.slice(0, 150))}${s.interrupted ? " ⚠️ interrupted" : ""}`,
        cellsMarkdown(s.cells),
        `${VERDICT_EMOJI[s.verdict]} ${s.verdict}`,
        formatScore(s.score),
        formatScore(s.verified_score),
        String(s.failing.length),
        s.failing[0] ? `${s.failing[0].severity} <code>${md(s.failing[0].id)}</code>: ${md(s.failing[0].message.slice(0, 200))}` : "",
      ]),
      ["l", "l", "l", "r", "r", "r", "l"],
    ),
    "",
    `Items: one cell per item in checklist order — ${(Object.keys(RESULT_EMOJI) as ItemResult[]).filter((r) => f.counts[r] > 0).map((r) => `${RESULT_EMOJI[r]} ${r}`).join(" · ")}`,
    "",
  ];
  const notGo = f.services.filter((s) => s.verdict !== "GO");
  if (notGo.length) {
    out.push("<details><summary>Why each service is not GO</summary>", "");
    for (const s of notGo) {
      out.push(`**${md(s.name)}** — ${s.verdict}`, "", ...s.reasons.map((r) => `- ${md(r.slice(0, 400))}`), "");
    }
    out.push("</details>", "");
  }
  return out.join("\n");
}

/**
 * A service's row of cells in HTML: a coloured cell per item holding its result's glyph (so colour
 * is not the only sign), its id and result as the cell's tooltip, and the counts as the row's label.
 */
function cellsHtml(cells: readonly FleetCell[]): string {
  const h = escapeHtml;
  const counts = new Map<ItemResult, number>();
  for (const cell of cells) counts.set(cell.result, (counts.get(cell.result) ?? 0) + 1);
  const label = [...counts].map(([r, n]) => `${n} ${r}`).join(", ");
  return `<div class="cells" role="img" aria-label="${h(`${cells.length} items: ${label}`)}">${cells.map((cell) => `<span class="cell cell-${cell.result}" title="${h(`${cell.id}: ${cell.result}`)}">${resultGlyph(cell.result)}</span>`).join("")}</div>`;
}

function fleetHtml(f: FleetReport): string {
  const h = escapeHtml;
  const rows = f.services
    .map(
      (s) =>
        `<tr><td>${h(s.name)}<br><code>${h(s.path)}</code>${cellsHtml(s.cells)}</td><td><span class="r" style="color:${VERDICT_COLOUR[s.verdict]}">${s.verdict}</span></td><td class="num">${formatScore(s.score)}</td><td class="num">${formatScore(s.verified_score)}</td><td>${
          s.failing.length
            ? `<ul>${s.failing
                .slice(0, 5)
                .map((x) => `<li><span class="sev sev-${x.severity}">${x.severity}</span> <code>${h(x.id)}</code> ${h(x.message)}</li>`)
                .join("")}</ul>${s.failing.length > 5 ? `<span class="muted">…and ${s.failing.length - 5} more</span>` : ""}`
            : "—"
        }</td></tr>`,
    )
    .join("");
  const colour = VERDICT_COLOUR[f.verdict];
  const body = `<section class="hero" style="--verdict:${colour}">${gauge(f.lowest_score, f.mean_score, colour)}
<div><h1><span class="verdict">${f.verdict}</span>Fleet of ${f.services.length}</h1>
<p class="scores">Lowest score <b>${formatScore(f.lowest_score)}</b> · mean <b>${formatScore(f.mean_score)}</b></p>
${f.reasons.length ? `<ul class="reasons">${f.reasons.map((r) => `<li>${h(r)}</li>`).join("")}</ul>` : "<p>Every service is GO.</p>"}</div></section>
<h2>Services</h2><table><thead><tr><th>Service</th><th>Verdict</th><th>Score</th><th>Verified</th><th>Failing</th></tr></thead><tbody>${rows}</tbody></table>
<footer>${h(f.tool.name)} ${h(f.tool.version)} · ${f.services.length} reports merged</footer>`;
  return htmlDocument(`${f.verdict} · fleet — readiness`, body);
}

function fleetJunit(f: FleetReport): string {
  const a = (k: string, v: string | number): string => `${k}="${escapeXml(String(v))}"`;
  const failures = f.services.filter((s) => s.verdict === "NO-GO").length;
  const cases = f.services.map((s) => {
    const open = `    <testcase ${a("classname", "fleet")} ${a("name", s.name)} ${a("time", seconds(s.duration_ms))}`;
    const detail = [`${s.verdict}, score ${formatScore(s.score)}, verified ${formatScore(s.verified_score)}`, ...s.reasons].join("\n");
    if (s.verdict === "NO-GO") return `${open}>\n      <failure ${a("message", oneLine(`NO-GO: ${s.reasons[0] ?? ""}`))} type="NO-GO">${escapeXml(detail)}</failure>\n    </testcase>`;
    return `${open}>\n      <system-out>${escapeXml(detail)}</system-out>\n    </testcase>`;
  });
  const time = seconds(f.services.reduce((t, s) => t + s.duration_ms, 0));
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites ${a("name", "readiness fleet")} ${a("tests", f.services.length)} ${a("failures", failures)} errors="0" ${a("time", time)}>`,
    `  <testsuite ${a("name", "fleet")} ${a("tests", f.services.length)} ${a("failures", failures)} errors="0" skipped="0" ${a("time", time)}>`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}

/** Renders a fleet report. */
export function renderFleet(fleet: FleetReport, format: FleetFormat, options: RenderOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(fleet, null, 2)}\n`;
    case "markdown":
      return fleetMarkdown(fleet);
    case "html":
      return fleetHtml(fleet);
    case "junit":
      return fleetJunit(fleet);
    case "terminal":
      return fleetTerminal(fleet, options);
  }
}
