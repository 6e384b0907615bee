/**
 * The HTML report: one self-contained page (inline CSS, inline SVG, no script, no font, no image,
 * nothing fetched: a Content-Security-Policy of `default-src 'none'` makes sure of it). A score
 * gauge and the verdict with every reason on top, per-section bars, then the failing items, the
 * contradicted claims, stale attestations, waivers and sign-offs, and every item by section.
 * Every string goes through `escapeHtml`. Light and dark colour schemes follow the reader's system.
 */
import { createHash } from "node:crypto";
import { formatDuration } from "../util/duration.js";
import { SEVERITIES, type ItemReport, type ItemResult, type Report, type Severity, type Verdict } from "../types.js";
import { escapeHtml } from "../util/escape.js";
import { claimedNote, formatDelta, formatScore, isFailing, itemCause, pathLabel, summarize, type ReportSummary } from "./summary.js";
import { baselineTrend, trendSpan, type TrendPoint } from "./trend.js";
import type { PartsReporter, Reporter, StreamReporter } from "./types.js";

const h = escapeHtml;

/** Verdict colours (same in light and dark: they sit on their own background). */
export const VERDICT_COLOUR: Record<Verdict, string> = { GO: "#1a7f37", CONDITIONAL: "#c45f00", "NO-GO": "#cf222e" };

const RESULTS: ItemResult[] = ["pass", "fail", "attested", "partial", "missing", "stale", "blocked", "waived", "skipped"];

/** The page's stylesheet; shared with the fleet report. */
export const HTML_STYLE = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--track:#e3e8ee;
--pass:#1a7f37;--fail:#cf222e;--attested:#0969da;--partial:#9a6700;--missing:#cf222e;--stale:#8250df;--blocked:#cf222e;--waived:#59636e;--skipped:#59636e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--track:#2a313c;
--pass:#3fb950;--fail:#f85149;--attested:#4493f8;--partial:#d29922;--missing:#f85149;--stale:#ab7df8;--blocked:#f85149;--waived:#9198a1;--skipped:#9198a1}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px;overflow-wrap:anywhere}h2{font-size:19px;margin:32px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
main{overflow-wrap:break-word}
h3{font-size:16px;margin:20px 0 8px;overflow-wrap:anywhere}
.hero{display:flex;gap:24px;align-items:center;padding:20px;border-radius:12px;background:var(--card);border:1px solid var(--line);border-left:8px solid var(--verdict)}
.hero svg{flex:none}
.verdict{display:inline-block;font-weight:800;letter-spacing:.04em;color:#fff;background:var(--verdict);padding:2px 12px;border-radius:6px;margin-right:8px;font-size:22px;vertical-align:middle}
.scores{font-size:17px;margin:6px 0}.scores b{font-size:20px}.claimed{margin:4px 0;color:var(--attested)}
.muted{color:var(--muted)}
ul.reasons{margin:8px 0 0;padding-left:20px}ul.reasons li{overflow-wrap:anywhere}
.banner{margin:16px 0;padding:10px 14px;border-radius:8px;border:1px solid var(--partial);color:var(--partial);font-weight:700}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
.chip{border:1px solid var(--line);border-radius:999px;padding:2px 12px;background:var(--card)}
.chip b{margin-right:4px}
.r{font-weight:700;white-space:nowrap}
.r-pass{color:var(--pass)}.r-fail{color:var(--fail)}.r-attested{color:var(--attested)}.r-partial{color:var(--partial)}
.r-missing{color:var(--missing)}.r-stale{color:var(--stale)}.r-blocked{color:var(--blocked)}.r-waived{color:var(--waived)}.r-skipped{color:var(--skipped)}
table{border-collapse:collapse;width:100%;margin:4px 0 12px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:13px;color:var(--muted);font-weight:600}
td{overflow-wrap:break-word}td:last-child,td code{overflow-wrap:anywhere}
.filter input{width:100%;max-width:420px;font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:8px;background:var(--card);color:inherit}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
.sev{white-space:nowrap}.sev-critical{color:var(--fail);font-weight:700}.sev-high{color:var(--partial);font-weight:600}
.bars{display:grid;grid-template-columns:minmax(160px,2fr) 5fr 90px;grid-auto-flow:row dense;gap:6px 12px;align-items:center}.bars .bar{grid-column:2}.bars .num{grid-column:3}
.bar{position:relative;height:14px;border-radius:7px;background:var(--track);overflow:hidden}
.bar span{position:absolute;left:0;top:0;bottom:0;border-radius:7px}
.bar .total{opacity:.45}
.name{overflow-wrap:break-word;min-width:0}.num{text-align:right;font-variant-numeric:tabular-nums}
.legend{font-size:13px}
.trend{margin:12px 0}.trend figcaption{color:var(--muted)}
.cells{display:flex;flex-wrap:wrap;gap:2px;margin-top:6px}.cell{display:inline-block;min-width:16px;height:16px;border-radius:3px;font-size:11px;line-height:16px;text-align:center;color:#fff;font-weight:700}
.cell-pass{background:var(--pass)}.cell-fail{background:var(--fail)}.cell-attested{background:var(--attested)}.cell-partial{background:var(--partial)}.cell-missing{background:var(--missing)}.cell-stale{background:var(--stale)}.cell-blocked{background:var(--blocked)}.cell-waived{background:var(--waived)}.cell-skipped{background:var(--skipped)}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
footer{margin-top:32px;font-size:13px;color:var(--muted);overflow-wrap:anywhere}
@media (max-width:600px){main table,main thead,main tbody,main tr,main td{display:block}main thead{display:none}main td{border:0;padding:2px 8px}main tr{border-bottom:1px solid var(--line);padding:6px 0}.bars{grid-template-columns:1fr auto}.bars .num{grid-column:2}.bars .bar{grid-column:1/-1;margin-bottom:6px}.hero{flex-direction:column;align-items:flex-start}}
@media print{.hero{break-inside:avoid}details{display:block}}
`;

function resultSpan(result: ItemResult): string {
  return RESULT_SPAN.get(result) ?? makeResultSpan(result);
}

function makeResultSpan(result: ItemResult): string {
  // Escaped although a Report's result is one of RESULTS: the library API takes any object.
  return `<span class="r r-${h(result)}">${h(isFailing(result) ? result.toUpperCase() : result)}</span>`;
}

/** `resultSpan` of each result, made once: every row shows one. */
const RESULT_SPAN: ReadonlyMap<string, string> = new Map(RESULTS.map((r) => [r, makeResultSpan(r)]));

/** Bar colour for a score against the gate. */
function scoreColour(score: number | null, report: Report): string {
  if (score === null) return "var(--muted)";
  return score >= report.gate.go ? "var(--pass)" : score >= report.gate.conditional ? "var(--partial)" : "var(--fail)";
}

/** An SVG ring gauge: outer ring the score, inner ring the verified score. */
export function gauge(score: number | null, verified: number | null, colour: string, size = 150): string {
  const ring = (r: number, value: number | null, stroke: string, width: number): string => {
    const c = 2 * Math.PI * r;
    const len = ((value ?? 0) / 100) * c;
    return (
      `<circle cx="75" cy="75" r="${r}" fill="none" stroke="var(--track)" stroke-width="${width}"/>` +
      `<circle cx="75" cy="75" r="${r}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linecap="round" ` +
      `stroke-dasharray="${len.toFixed(2)} ${c.toFixed(2)}" transform="rotate(-90 75 75)"/>`
    );
  };
  return (
    `<svg role="img" aria-label="score ${formatScore(score)} of 100, verified ${formatScore(verified)}" width="${size}" height="${size}" viewBox="0 0 150 150">` +
    ring(64, score, colour, 12) +
    ring(48, verified, "var(--attested)", 7) +
    `<text x="75" y="80" text-anchor="middle" font-size="34" font-weight="800" fill="currentColor">${formatScore(score)}</text>` +
    `<text x="75" y="102" text-anchor="middle" font-size="12" fill="currentColor" opacity=".7">verified ${formatScore(verified)}</text>` +
    `</svg>`
  );
}

function sev(severity: Severity): string {
  return SEV_SPAN.get(severity) ?? makeSev(severity);
}

function makeSev(severity: Severity): string {
  return `<span class="sev sev-${h(severity)}">${h(severity)}</span>`;
}

/** `sev` of each severity, made once. */
const SEV_SPAN: ReadonlyMap<string, string> = new Map(SEVERITIES.map((x) => [x, makeSev(x)]));

function itemCell(item: ItemReport): string {
  return `${h(item.title)}<br><code>${h(item.id)}</code>${item.contradicted ? ` <span class="r r-fail">contradicted</span>` : ""}`;
}

function table(headers: string[], rows: string[][]): string {
  let body = "";
  for (const r of rows) body += row(r);
  return tableOf(headers, body);
}

/** A table around rows already made (`row`, or `<tr>` text). */
function tableOf(headers: readonly string[], body: string): string {
  const [open, close] = tableFrame(headers);
  return `${open}${body}${close}`;
}

/** What comes before and after a table's rows. */
function tableFrame(headers: readonly string[]): [string, string] {
  let head = "";
  for (const x of headers) head += `<th>${x}</th>`;
  return [`<table><thead><tr>${head}</tr></thead><tbody>`, "</tbody></table>"];
}

/** One `<tr>` of cells (already HTML). */
function row(cells: readonly string[]): string {
  let out = "<tr>";
  for (const c of cells) out += `<td>${c}</td>`;
  return `${out}</tr>`;
}

/** `h(pathLabel(path))`, once per path: the items of a section share their path array. */
function pathCell(cache: Map<readonly string[], string>, path: readonly string[]): string {
  let cell = cache.get(path);
  if (cell === undefined) cache.set(path, (cell = h(pathLabel(path))));
  return cell;
}

function hero(report: Report): string {
  const colour = VERDICT_COLOUR[report.verdict];
  const gate = report.gate;
  const gates = [`GO ≥ ${gate.go}`, `CONDITIONAL ≥ ${gate.conditional}`, ...(gate.verified > 0 ? [`verified ≥ ${gate.verified}`] : [])];
  const reasons = report.reasons.length
    ? `<ul class="reasons">${report.reasons.map((r) => `<li>${codeSpans(h(r))}</li>`).join("")}</ul>`
    : `<p>Every gate passed.</p>`;
  const claimed = claimedNote(report);
  return `<section class="hero" style="--verdict:${colour}">
${gauge(report.score, report.verified_score, colour)}
<div><h1><span class="verdict" data-verdict="${h(report.verdict)}">${h(report.verdict)}</span>${h(report.checklist.name)}</h1>
<p class="scores">Score <b>${formatScore(report.score)}</b>/100 · Verified <b>${formatScore(report.verified_score)}</b>/100${report.options.strict ? " · strict" : ""}</p>
${claimed ? `<p class="claimed">${h(claimed)}.</p>` : ""}
<p class="muted">Gates: ${gates.map(h).join(", ")}</p>
${reasons}</div></section>`;
}

/** `quoted` parts of escaped text as `<code>`. */
function codeSpans(escaped: string): string {
  return escaped.includes("`") ? escaped.replace(/`([^`]*)`/g, "<code>$1</code>") : escaped;
}

function counts(report: Report): string {
  return `<div class="counts">${RESULTS.filter((r) => r !== "blocked" || report.counts.blocked > 0).map((r) => `<span class="chip"><b class="r-${r}">${report.counts[r] ?? 0}</b>${r}</span>`).join("")}</div>`;
}

function bars(report: Report, s: ReportSummary): string {
  if (s.sections.length === 0) return "";
  const rows = s.sections
    .map(({ section, path, depth }) => {
      const score = section.score ?? 0;
      const verified = section.verified_score ?? 0;
      const colour = scoreColour(section.score, report);
      return `<div class="name" style="padding-left:${depth * 18}px" title="${h(pathLabel(path))}">${depth ? "↳ " : ""}${h(section.title)}</div>
<div class="num"><b>${formatScore(section.score)}</b> <span class="muted">/ ${formatScore(section.verified_score)}</span></div>
<div class="bar" role="img" aria-label="score ${formatScore(section.score)}, verified ${formatScore(section.verified_score)}"><span class="total" style="width:${score}%;background:${colour}"></span><span style="width:${verified}%;background:${colour}"></span></div>`;
    })
    .join("\n");
  return `<h2>Sections</h2><p class="legend muted">Bar: score (light) and verified score (solid). Numbers: score / verified.</p><div class="bars">${rows}</div>`;
}

function failing(s: ReportSummary): string {
  if (s.failing.length === 0) return `<h2>Failing items (0)</h2><p>Nothing fails.</p>`;
  const paths = new Map<readonly string[], string>();
  let rows = "";
  for (const { item, path } of s.failing) {
    rows += `<tr><td>${resultSpan(item.result)}</td><td>${itemCell(item)}</td><td>${sev(item.severity)}</td><td>${pathCell(paths, path)}</td><td>${h(itemCause(item))}${remediationHtml(item)}</td></tr>`;
  }
  return `<h2>Failing items (${s.failing.length})</h2>${tableOf(["Result", "Item", "Severity", "Section", "Cause"], rows)}`;
}

/** Why / fix / docs of a failing item; docs is a link only when it is an http(s) URL. */
function remediationHtml(item: ItemReport): string {
  if (!item.why && !item.fix && !item.docs) return "";
  const rows: string[] = [];
  if (item.why) rows.push(`<b>Why:</b> ${h(item.why)}`);
  if (item.fix) rows.push(`<b>Fix:</b> ${h(item.fix)}`);
  if (item.docs) rows.push(`<b>Docs:</b> ${/^https?:\/\/\S+$/i.test(item.docs) ? `<a href="${h(item.docs)}">${h(item.docs)}</a>` : h(item.docs)}`);
  return rows.length ? `<div class="muted">${rows.join("<br>")}</div>` : "";
}

function claims(report: Report, s: ReportSummary): string {
  const out: string[] = [];
  if (s.contradicted.length) {
    out.push(
      `<h2>Contradicted claims (${s.contradicted.length})</h2><p class="muted">Marked done by a person, but the probes say otherwise.</p>` +
        table(
          ["Item", "Severity", "Claimed", "Probes say"],
          s.contradicted.map(({ item }) => [
            itemCell(item),
            sev(item.severity),
            h(`${item.status ?? "done"}${item.attested_by ? ` by ${item.attested_by}` : ""}${item.attested_at ? ` on ${item.attested_at}` : ""}`),
            h(item.probes.filter((p) => p.result === "fail").map((p) => p.message).join("; ") || item.message || "a probe failed"),
          ]),
        ),
    );
  }
  if (s.stale.length) {
    out.push(
      `<h2>Stale attestations (${s.stale.length})</h2>` +
        table(
          ["Item", "Severity", "Attested", "Expired", "Evidence"],
          s.stale.map(({ item }) => [
            itemCell(item),
            sev(item.severity),
            h(`${item.attested_by ?? "—"}${item.attested_at ? `, ${item.attested_at}` : ""}`),
            h(item.expires_at ?? "—"),
            h(item.evidence ?? "—"),
          ]),
        ),
    );
  }
  if (s.waivers.length) {
    out.push(
      `<h2>Waivers (${s.waivers.length})</h2>` +
        table(
          ["Item", "Severity", "Until", "By", "Reason", "State"],
          s.waivers.map((w) => [
            itemCell(w.item),
            sev(w.item.severity),
            h(w.waiver.until),
            h(w.waiver.by),
            h(w.waiver.reason),
            w.waiver.expired
              ? `<span class="r r-fail">expired — ignored</span>`
              : w.expiring
                ? `<span class="r r-partial">expires in ${w.daysLeft ?? "?"} day${w.daysLeft === 1 ? "" : "s"}</span>`
                : "active",
          ]),
        ),
    );
  }
  const { missing, present } = report.signoffs;
  if (missing.length || present.length) {
    out.push(
      `<h2>Sign-offs</h2>${missing.length ? `<p><span class="r r-fail">Missing:</span> ${missing.map(h).join(", ")}</p>` : ""}${
        present.length ? `<p><span class="r r-pass">Signed:</span> ${present.map((p) => h(`${p.role} (${p.by}, ${p.at})`)).join(", ")}</p>` : ""
      }`,
    );
  }
  const outdated = report.signoffs.outdated ?? [];
  if (outdated.length) {
    out.push(
      `<p><span class="r r-partial">Outdated:</span> ${outdated
        .map((o) => `${h(`${o.role} (${o.by}, ${o.at})`)}: blocking items changed on ${h(o.changed_at)}: ${o.items.map((i) => `<code>${h(i)}</code>`).join(", ")}`)
        .join("; ")}</p>`,
    );
  }
  const flaky = report.flaky ?? [];
  if (flaky.length) {
    out.push(
      `<h2>Flaky (${flaky.length}): passed only after a failed attempt</h2>` +
        table(
          ["Item", "Target", "Attempts", "First failure"],
          flaky.map((f) => [`${h(f.title)}<br><code>${h(f.id)}</code>`, h(f.target), String(f.attempts), h(f.first_failure)]),
        ),
    );
  }
  const expiring = report.expiring ?? [];
  if (expiring.length) {
    out.push(
      `<h2>Expiring soon (${expiring.length})</h2>` +
        table(
          ["What", "Item", "Ends", "Days left"],
          expiring.map((e) => [h(e.kind), `${h(e.title)}<br><code>${h(e.id)}</code>${e.target ? ` ${h(e.target)}` : ""}`, h(e.date), String(e.days_left)]),
        ),
    );
  }
  const open = report.open_work ?? [];
  if (open.length) {
    out.push(
      `<h2>Open work by owner (${open.reduce((n, g) => n + g.items.length, 0)})</h2>` +
        open
          .map((g) => {
            let rows = "";
            for (const i of g.items) {
              rows += `<tr><td>${resultSpan(i.result)}</td><td>${h(i.title)}<br><code>${h(i.id)}</code>${i.enforce_from ? ` <span class="muted">enforced from ${h(i.enforce_from)}</span>` : ""}</td><td>${sev(i.severity)}</td><td>${
                i.due ? `${h(i.due)}${i.overdue ? ` <span class="r r-fail">${i.days_overdue ?? "?"} days overdue</span>` : ""}` : ""
              }</td></tr>`;
            }
            return `<h3>${h(g.owner)}${g.overdue ? ` <span class="r r-fail">${g.overdue} overdue</span>` : ""}</h3>${tableOf(["Result", "Item", "Severity", "Due"], rows)}`;
          })
          .join(""),
    );
  }
  if (report.levels) {
    const lv = report.levels;
    out.push(
      `<h2>Level: ${lv.achieved ? h(lv.achieved) : "none yet"}</h2><p>${lv.levels
        .map((l) => `<span class="chip">${l.achieved ? "✔ " : ""}${h(l.level)} ${l.passing}/${l.items}</span>`)
        .join(" ")}${lv.next ? ` Next: ${h(lv.next)}, ${lv.needs.length} item${lv.needs.length === 1 ? "" : "s"} to go.` : ""}</p>`,
    );
  }
  return out.join("\n");
}

function baseline(report: Report): string {
  const b = report.baseline;
  if (!b) return "";
  const list = (label: string, items: typeof b.newly_failing): string =>
    items.length
      ? `<h3>${label} (${items.length})</h3>${table(
          ["Item", "Severity", "Was", "Now"],
          items.map((c) => [`${h(c.title)}<br><code>${h(c.id)}</code>`, sev(c.severity), c.from ? resultSpan(c.from) : "—", c.to ? resultSpan(c.to) : "—"]),
        )}`
      : "";
  return `<h2>Since the baseline</h2><p>Baseline ${h(b.path ?? "")} ${h(b.started_at.slice(0, 10))}: ${h(b.verdict)}, score ${formatScore(b.score)}, verified ${formatScore(b.verified_score)}. Score <b>${formatDelta(b.score_delta)}</b>, verified <b>${formatDelta(b.verified_delta)}</b>${b.regressed ? ` — <span class="r r-fail">regressed</span>` : ""}.</p>${trendSvg(baselineTrend(report))}${list("Newly failing", b.newly_failing)}${list("Newly passing", b.newly_passing)}${list("Added", b.added)}${list("Removed", b.removed)}`;
}

/**
 * Every section's table in parts, for `htmlStream`: its opening (the first with the heading), one
 * part per row, its end. No section is joined into one string: at 5,000 items they are megabytes.
 */
function* allItems(s: ReportSummary, verbose: boolean): Generator<string> {
  const [open, close] = tableFrame(["Result", "Item", "Severity", "Detail"]);
  let first = true;
  for (const { section, path } of s.sections) {
    if (section.items.length === 0) continue;
    let bad = 0;
    for (const item of section.items) if (isFailing(item.result)) bad++;
    yield `${first ? "\n<h2>All items by section</h2>" : "\n"}<details${bad || verbose ? " open" : ""}><summary>${h(pathLabel(path))} — ${formatScore(section.score)}${bad ? ` · ${bad} failing` : ""}</summary>${open}`;
    first = false;
    for (const item of section.items) {
      yield `<tr><td>${resultSpan(item.result)}</td><td>${itemCell(item)}</td><td>${sev(item.severity)}</td><td>${h(item.result === "pass" ? passDetail(item) : itemCause(item))}</td></tr>`;
    }
    yield `${close}</details>`;
  }
}

/** A passing item's probes: `type target: message`, joined by `; `. */
function passDetail(item: ItemReport): string {
  const probes = item.probes;
  let out = "";
  for (let i = 0; i < probes.length; i++) {
    const p = probes[i] as ItemReport["probes"][number];
    out += `${i ? "; " : ""}${p.type} ${p.target}: ${p.message}`;
  }
  return out;
}

/** The HTML document around a body: head, inline style, strict CSP. */
export function htmlDocument(title: string, body: string): string {
  const [head, tail] = htmlFrame(title);
  return `${head}${body}${tail}`;
}

/** What comes before and after an HTML report's body. */
function htmlFrame(title: string): [string, string] {
  return [
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${FILTER_SCRIPT_HASH}'">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${h(title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body><main>
`,
    `
</main><script>${FILTER_SCRIPT}</script></body>
</html>
`,
  ];
}

/**
 * The item filter: shows the search box (hidden without scripts, so no dead control is left) and
 * hides every table row whose text does not contain what is typed. The page's only script, allowed
 * by its hash in the Content-Security-Policy; everything else reads the same without it.
 */
export const FILTER_SCRIPT =
  '(()=>{const box=document.getElementById("filter");if(!box)return;box.hidden=false;const rows=[...document.querySelectorAll("tbody tr")];' +
  'box.addEventListener("input",()=>{const q=box.value.trim().toLowerCase();for(const r of rows)r.hidden=q!==""&&!r.textContent.toLowerCase().includes(q);});})();';
export const FILTER_SCRIPT_HASH = `sha256-${createHash("sha256").update(FILTER_SCRIPT).digest("base64")}`;

/** The search box the filter script shows. */
const FILTER_BOX = `<p class="filter"><input type="search" id="filter" placeholder="Filter items: id, title, cause…" aria-label="Filter items" hidden></p>`;

/** The HTML reporter. */
export const renderHtml: Reporter = (report, options) => htmlParts(report, options).join("");

/** The HTML report in parts: the frame, the summary, each section's table, the footer (see `PartsReporter`). */
export const htmlParts: PartsReporter = (report, options) => [...htmlStream(report, options)];

/** `htmlParts`, made as they are read (see `StreamReporter`). */
export const htmlStream: StreamReporter = function* (report, options) {
  const s = options.summary ?? summarize(report);
  const summary = [
    hero(report),
    report.interrupted ? `<p class="banner">INTERRUPTED — partial results: the run was stopped before every probe finished.</p>` : "",
    counts(report),
    FILTER_BOX,
    bars(report, s),
    failing(s),
    claims(report, s),
    baseline(report),
    report.warnings.length ? `<h2>Warnings (${report.warnings.length})</h2><ul>${report.warnings.map((w) => `<li>${h(w)}</li>`).join("")}</ul>` : "",
  ].filter(Boolean);
  const footer = `<footer>${h(report.tool.name)} ${h(report.tool.version)} · ${report.checklist.builtin ? "built-in baseline checklist" : `<code>${h(report.checklist.path)}</code>`} · started <time>${h(report.started_at)}</time> · took ${formatDuration(report.duration_ms)}${report.options.no_exec ? " · --no-exec" : ""}</footer>`;
  const [head, tail] = htmlFrame(`${report.verdict} · ${report.checklist.name} — readiness`);
  yield head;
  for (let i = 0; i < summary.length; i++) {
    if (i) yield "\n";
    yield summary[i] as string;
  }
  yield* allItems(s, options.verbose);
  yield "\n";
  yield footer;
  yield tail;
};

const W = 240;
const H = 64;
const PAD = 6;

/**
 * An inline SVG sparkline of both scores (0–100, fixed scale), a dot per report, with a `<title>`
 * and a description that says every figure, so that a screen reader reads what the picture shows.
 */
export function trendSvg(points: readonly TrendPoint[]): string {
  const h = escapeHtml;
  const x = (i: number): number => (points.length === 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (points.length - 1));
  const y = (v: number): number => H - PAD - (v / 100) * (H - 2 * PAD);
  const series = (values: (number | null)[], colour: string, dash: string): string => {
    const coords = values.map((v, i) => (v === null ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter((p): p is string => p !== undefined);
    const dots = coords.map((p) => `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="2.5" fill="${colour}"/>`).join("");
    return `${coords.length > 1 ? `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${coords.join(" ")}"/>` : ""}${dots}`;
  };
  const described = points.map((p) => `${p.label} (${p.started_at.slice(0, 10)}): ${p.verdict}, score ${formatScore(p.score)}, verified ${formatScore(p.verified_score)}`).join("; ");
  const title = `Score ${trendSpan(points.map((p) => p.score))}, verified ${trendSpan(points.map((p) => p.verified_score))} over ${points.length} report${points.length === 1 ? "" : "s"}`;
  return (
    `<figure class="trend"><svg role="img" aria-labelledby="trend-title trend-desc" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
    `<title id="trend-title">${h(title)}</title><desc id="trend-desc">${h(described)}</desc>` +
    `<line x1="0" y1="${y(0)}" x2="${W}" y2="${y(0)}" stroke="var(--track)"/>` +
    series(
      points.map((p) => p.verified_score),
      "var(--attested)",
      ' stroke-dasharray="4 3"',
    ) +
    series(
      points.map((p) => p.score),
      "var(--pass)",
      "",
    ) +
    `</svg><figcaption class="legend">${h(title)} — <span class="r-pass">solid: score</span>, <span class="r-attested">dashed: verified</span></figcaption></figure>`
  );
}
