/**
 * `readiness serve`'s dashboard (`/`): the HTML report of the last run (src/render/html.ts, made
 * once per run), with above it the time since that run, a checklist load error if the file on disk
 * is broken, and the score and verified score over time as an inline SVG. Nothing external, no
 * script: the page reloads itself with a `<meta http-equiv="refresh">`. Every string is escaped
 * with the HTML report's `escapeHtml`.
 */
import { escapeHtml as h } from "../util/escape.js";
import { htmlDocument, VERDICT_COLOUR } from "../render/html.js";
import { formatDuration } from "../util/duration.js";
import type { Gate } from "../types.js";
import type { HistoryEntry } from "./history.js";

/** What the dashboard shows besides the report. */
export interface DashboardState {
  /** The HTML report of the last completed run in parts (`htmlParts`): the first is the head. */
  reportParts?: readonly string[];
  finishedAtMs?: number;
  /** The checklist's load error (masked, one line), while the file on disk is broken. */
  loadError?: string;
  running: boolean;
  history: readonly HistoryEntry[];
  gate?: Gate;
  /** Seconds between reloads of the page. */
  refreshSeconds: number;
}

/** Most runs drawn in the chart (the newest). */
const CHART_RUNS = 500;

/** The score and verified score over time: an SVG line chart, lines at the gate's thresholds. */
export function trendChart(history: readonly HistoryEntry[], gate?: Gate): string {
  const runs = history.slice(-CHART_RUNS);
  const W = 1050;
  const H = 180;
  const left = 34;
  const right = 10;
  const top = 10;
  const bottom = 24;
  if (runs.length === 0) return `<p class="muted">No runs in the history yet.</p>`;
  const times = runs.map((e) => Date.parse(e.started_at));
  const t0 = times[0] as number;
  const t1 = times[times.length - 1] as number;
  const x = (i: number): number => left + (t1 > t0 ? (((times[i] as number) - t0) / (t1 - t0)) * (W - left - right) : (W - left - right) / 2);
  const y = (v: number): number => top + (1 - v / 100) * (H - top - bottom);
  const line = (pick: (e: HistoryEntry) => number | null, colour: string, label: string): string => {
    const segments: string[][] = [[]];
    runs.forEach((e, i) => {
      const v = pick(e);
      if (v === null) segments.push([]);
      else (segments[segments.length - 1] as string[]).push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    });
    return segments
      .filter((s) => s.length)
      .map((s) => (s.length === 1 ? `<circle cx="${s[0]?.split(",")[0]}" cy="${s[0]?.split(",")[1]}" r="3" fill="${colour}"><title>${label}</title></circle>` : `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${s.join(" ")}"><title>${label}</title></polyline>`))
      .join("");
  };
  const grid = [0, 50, 100].map((v) => `<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="var(--line)"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="currentColor" opacity=".7">${v}</text>`);
  const thresholds = gate
    ? [
        [gate.go, VERDICT_COLOUR.GO, "GO"],
        [gate.conditional, VERDICT_COLOUR.CONDITIONAL, "CONDITIONAL"],
      ]
        .map(([v, c, name]) => `<line x1="${left}" x2="${W - right}" y1="${y(v as number)}" y2="${y(v as number)}" stroke="${c as string}" stroke-dasharray="4 4"><title>${name as string} at ${v as number}</title></line>`)
        .join("")
    : "";
  // A dot per run in its verdict's colour along the bottom.
  const dots = runs.map((e, i) => `<circle cx="${x(i).toFixed(1)}" cy="${H - 8}" r="3" fill="${VERDICT_COLOUR[e.verdict] ?? "var(--muted)"}"><title>${h(e.started_at)} ${h(e.verdict)} score ${e.score ?? "-"} verified ${e.verified_score ?? "-"}</title></circle>`);
  const first = new Date(t0).toISOString().slice(0, 16).replace("T", " ");
  const last = new Date(t1).toISOString().slice(0, 16).replace("T", " ");
  return (
    `<svg role="img" aria-label="score and verified score over the last ${runs.length} runs" width="100%" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" style="max-width:${W}px">` +
    grid.join("") +
    thresholds +
    line((e) => e.score, "currentColor", "score") +
    line((e) => e.verified_score, "var(--attested)", "verified score") +
    dots.join("") +
    `</svg>` +
    `<p class="legend muted">${runs.length} run${runs.length === 1 ? "" : "s"}, ${h(first)} to ${h(last)} UTC · <b>—</b> score · <b style="color:var(--attested)">—</b> verified score · dashed: the GO and CONDITIONAL thresholds</p>`
  );
}

/** The status block above the report: time since the last run, a running audit, a load error. */
function status(state: DashboardState, nowMs: number): string {
  const since = state.finishedAtMs === undefined ? "no audit has completed yet" : `last audit ended ${formatDuration(Math.max(0, nowMs - state.finishedAtMs))} ago (${h(new Date(state.finishedAtMs).toISOString())})`;
  const error = state.loadError ? `<p class="banner">The checklist on disk does not load; the last good checklist is still audited: ${h(state.loadError)}</p>` : "";
  return `<p class="muted">readiness serve · ${since}${state.running ? " · an audit is running" : ""} · this page reloads every ${state.refreshSeconds}s</p>${error}`;
}

/** The dashboard page. */
export function renderDashboard(state: DashboardState, nowMs: number): string {
  const trend = `<h2>Score over time</h2>${trendChart(state.history, state.gate)}`;
  const refresh = `<meta http-equiv="refresh" content="${state.refreshSeconds}">\n</head>`;
  const parts = state.reportParts;
  if (!parts || parts.length < 2) return htmlDocument("readiness serve — starting", `${status(state, nowMs)}\n${trend}`).replace("</head>", refresh);
  const [head, ...rest] = parts as [string, ...string[]];
  return `${head.replace("</head>", refresh)}${status(state, nowMs)}\n${trend}\n${rest.join("")}`;
}
