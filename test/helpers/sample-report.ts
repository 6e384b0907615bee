/**
 * Builders of realistic `Report` objects for reporter tests: what the engine produces for a GO, a
 * CONDITIONAL and a NO-GO run, plus hostile titles and very large checklists. Counts are computed
 * from the items so they always agree with the sections.
 */
import { ITEM_RESULTS, SEVERITY_WEIGHT } from "../../src/types.js";
import type { Counts, ItemReport, ProbeReport, Report, SectionReport, Severity } from "../../src/types.js";

/** Fixed start time of every sample run. */
export const SAMPLE_STARTED_AT = "2026-11-20T10:00:00.000Z";

/** A probe result. */
export function probe(
  type: string,
  target: string,
  result: ProbeReport["result"],
  message: string,
  duration_ms = 12,
): ProbeReport {
  return { type, target, result, message, duration_ms, attempts: 1 };
}

/** An item; credit and `verified` follow the SPEC's table unless given. */
export function item(
  id: string,
  title: string,
  severity: Severity,
  result: ItemReport["result"],
  extra: Partial<ItemReport> = {},
): ItemReport {
  const credit: Record<ItemReport["result"], number | null> = {
    pass: 1,
    fail: 0,
    attested: 1,
    partial: 0.5,
    missing: 0,
    stale: 0,
    blocked: 0,
    waived: null,
    skipped: null,
  };
  return {
    id,
    title,
    severity,
    weight: SEVERITY_WEIGHT[severity],
    result,
    contradicted: false,
    verified: result === "pass" || result === "fail",
    credit: credit[result],
    tags: [],
    probes: [],
    file: "readiness.yaml",
    ...extra,
  };
}

/** A section; its score is computed from its items and subsections. */
export function section(id: string, title: string, items: ItemReport[], sections: SectionReport[] = []): SectionReport {
  const all = [...items, ...sections.flatMap(itemsOf)];
  return { id, title, score: score(all, false), verified_score: score(all, true), sections, items };
}

function itemsOf(s: SectionReport): ItemReport[] {
  return [...s.items, ...s.sections.flatMap(itemsOf)];
}

function score(items: ItemReport[], verifiedOnly: boolean): number | null {
  const scored = items.filter((i) => i.credit !== null);
  const total = scored.reduce((s, i) => s + i.weight, 0);
  if (total === 0) return null;
  const earned = scored.reduce((s, i) => s + i.weight * (verifiedOnly && !i.verified ? 0 : (i.credit ?? 0)), 0);
  return Math.round((100 * earned) / total);
}

/** A whole report around the given sections; counts and scores are computed. */
export function report(
  name: string,
  verdict: Report["verdict"],
  reasons: string[],
  sections: SectionReport[],
  extra: Partial<Report> = {},
): Report {
  const items = sections.flatMap(itemsOf);
  const counts = Object.fromEntries(ITEM_RESULTS.map((r) => [r, items.filter((i) => i.result === r).length])) as Counts;
  return {
    schema_version: 1,
    tool: { name: "readiness", version: "0.1.0" },
    checklist: { name, path: "readiness.yaml" },
    started_at: SAMPLE_STARTED_AT,
    duration_ms: 3_240,
    verdict,
    reasons,
    score: score(items, false),
    verified_score: score(items, true),
    counts,
    gate: { go: 90, conditional: 70, blocking: ["critical"], verified: 0, signoffs: [] },
    sections,
    signoffs: { required: [], present: [], missing: [] },
    interrupted: false,
    options: { strict: false, no_exec: false, only: [], skip: [] },
    warnings: [],
    ...extra,
  };
}

/** Everything passes, attested items fresh, sign-offs present. */
export function goReport(): Report {
  return report(
    "Payments API",
    "GO",
    [],
    [
      section("infrastructure", "Infrastructure", [
        item("gateway-health", "API gateway health endpoint responds", "critical", "pass", {
          line: 12,
          tags: ["availability"],
          probes: [probe("http", "http://127.0.0.1:3001/health", "pass", "200 OK in 41ms", 41)],
        }),
        item("config-service-port", "Configuration service listening", "high", "pass", {
          line: 20,
          probes: [probe("tcp", "127.0.0.1:8012", "pass", "port open", 3)],
        }),
      ]),
      section("operations", "Operations", [
        item("runbooks", "Operational runbooks written", "medium", "attested", {
          line: 26,
          status: "done",
          evidence: "https://wiki.example.com/runbooks",
          attested_by: "Ana Ruiz",
          attested_at: "2026-10-01",
          expires_at: "2026-12-30",
        }),
      ]),
    ],
    {
      gate: { go: 90, conditional: 70, blocking: ["critical"], verified: 0, signoffs: ["Engineering Lead"] },
      signoffs: {
        required: ["Engineering Lead"],
        present: [{ role: "Engineering Lead", by: "Ana Ruiz", at: "2026-11-19" }],
        missing: [],
      },
    },
  );
}

/** Score between the gates, a high item failing, a waiver expiring soon, a sign-off missing. */
export function conditionalReport(): Report {
  return report(
    "Checkout Service",
    "CONDITIONAL",
    [
      "score 71 is below gate.go 90",
      "high item `queue-depth` (Queue depth under threshold) fails",
      "required sign-off missing: Security Lead",
    ],
    [
      section("observability", "Observability", [
        item("dashboards", "Dashboards exist", "medium", "pass", {
          line: 8,
          probes: [probe("file", "dashboards/*.json", "pass", "3 files", 2)],
        }),
        item("queue-depth", "Queue depth under threshold", "high", "fail", {
          line: 14,
          message: "metric queue_depth = 1520, expected < 1000",
          probes: [probe("metric", "prometheus: queue_depth", "fail", "metric queue_depth = 1520, expected < 1000", 88)],
        }),
        item("alerts", "Alert routing documented", "low", "partial", { line: 19, status: "partial" }),
      ]),
      section("security", "Security", [
        item("mfa", "Multi-factor authentication", "high", "waived", {
          line: 25,
          message: "waived until 2026-11-28 by Security Lead: planned for v2.1",
          waiver: { reason: "planned for v2.1", until: "2026-11-28", by: "Security Lead", expired: false },
        }),
        item("tls-expiry", "TLS certificate valid for 14 days", "critical", "pass", {
          line: 31,
          probes: [probe("tls", "127.0.0.1:8443", "pass", "certificate valid for 80 days", 25)],
        }),
      ]),
    ],
    {
      gate: { go: 90, conditional: 70, blocking: ["critical"], verified: 0, signoffs: ["Engineering Lead", "Security Lead"] },
      signoffs: {
        required: ["Engineering Lead", "Security Lead"],
        present: [{ role: "Engineering Lead", by: "Ana Ruiz", at: "2026-11-19" }],
        missing: ["Security Lead"],
      },
    },
  );
}

/** Nested sections, a contradicted claim, a stale attestation, an expired waiver, missing items. */
export function noGoReport(): Report {
  return report(
    "Payments API",
    "NO-GO",
    [
      "critical item `gateway-health` (API gateway health endpoint responds) fails",
      "critical item `db-backups` (Database backups restored in the last 30 days) is stale",
      "score 31 is below gate.conditional 70",
      "required sign-off missing: Security Lead",
    ],
    [
      section(
        "infrastructure",
        "Infrastructure",
        [
          item("gateway-health", "API gateway health endpoint responds", "critical", "fail", {
            line: 12,
            contradicted: true,
            status: "done",
            attested_by: "Ana Ruiz",
            attested_at: "2026-11-01",
            message: "GET http://localhost:3001/health: connection refused after 3 attempts (5.0s)",
            probes: [
              probe("http", "http://localhost:3001/health", "fail", "GET http://localhost:3001/health: connection refused after 3 attempts (5.0s)", 5_004),
            ],
          }),
          item("config-service-port", "Configuration service listening", "high", "pass", {
            line: 20,
            probes: [probe("tcp", "localhost:8012", "pass", "port open", 4)],
          }),
        ],
        [
          section("databases", "Databases", [
            item("db-backups", "Database backups restored in the last 30 days", "critical", "stale", {
              line: 31,
              status: "done",
              evidence: "https://wiki.example.com/restore-drill",
              attested_by: "Li Wei",
              attested_at: "2026-05-01",
              expires_at: "2026-07-30",
              message: "attested by Li Wei on 2026-05-01, expired 2026-07-30",
            }),
            item("db-replica-lag", "Replica lag under 1s", "high", "pass", {
              line: 37,
              probes: [probe("metric", "prometheus: pg_replica_lag_seconds", "pass", "0.21s < 1s", 60)],
            }),
          ]),
        ],
      ),
      section("operations", "Operations", [
        item("runbooks", "Operational runbooks written", "medium", "missing", { line: 44, status: "in-progress" }),
        item("on-call", "On-call rotation staffed", "medium", "attested", {
          line: 49,
          status: "done",
          attested_by: "Sam Okafor",
          attested_at: "2026-11-02",
          expires_at: "2027-01-31",
        }),
        item("chaos", "Chaos test run this quarter", "low", "fail", {
          line: 55,
          message: "waiver expired 2026-10-31; command `make chaos` exited 2",
          waiver: { reason: "game day postponed", until: "2026-10-31", by: "SRE Lead", expired: true },
          probes: [probe("command", "make chaos", "fail", "exited 2: no such target", 310)],
        }),
        item("status-page", "Public status page", "low", "skipped", { line: 61, message: "n/a: internal service" }),
      ]),
      section("security", "Security", [
        item("mfa", "Multi-factor authentication", "high", "waived", {
          line: 68,
          waiver: { reason: "planned for v2.1", until: "2026-12-31", by: "Security Lead", expired: false },
        }),
        item("pentest", "Penetration test findings closed", "high", "missing", { line: 73 }),
      ]),
    ],
    {
      gate: { go: 90, conditional: 70, blocking: ["critical"], verified: 50, signoffs: ["Engineering Lead", "Security Lead"] },
      signoffs: {
        required: ["Engineering Lead", "Security Lead"],
        present: [{ role: "Engineering Lead", by: "Ana Ruiz", at: "2026-11-19" }],
        missing: ["Security Lead"],
      },
      warnings: ["waiver of `chaos` expired on 2026-10-31 and is ignored"],
    },
  );
}

/** Titles, messages and names that try to break every format. */
export const HOSTILE = {
  pipe: "Pipes | in | the | title || ",
  backtick: "Run `rm -rf /` and ``` fences ```",
  script: '<script>alert("x")</script><img src=https://evil.example/x.png onerror=alert(1)>',
  newline: "First line\nSecond line\r\n# Heading injected\n| a | b |",
  ansi: "\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 bell\u0007 nul\u0000",
  cjk: "データベースのバックアップ 数据库备份 — 백업 確認",
  xml: `]]> & "quotes" 'apos' <!-- comment --> <![CDATA[x]]>`,
  markdown: "**bold** _em_ [link](https://evil.example) ![img](https://evil.example/i.png) @everyone",
} as const;

/** A NO-GO report whose every user-written string is hostile. */
export function hostileReport(): Report {
  const h = HOSTILE;
  return report(
    `Service ${h.pipe} ${h.script}`,
    "NO-GO",
    [`critical item \`pipe\` (${h.pipe}) fails`, `reason with ${h.script} and ${h.ansi}`, `newline reason ${h.newline}`],
    [
      section(
        "hostile",
        `Section ${h.script}`,
        [
          item("pipe", h.pipe, "critical", "fail", {
            line: 3,
            message: `cause ${h.pipe} ${h.backtick}`,
            probes: [probe("http", "http://127.0.0.1:1/|", "fail", `cause ${h.pipe}`, 7)],
          }),
          item("backtick", h.backtick, "high", "missing", { line: 5, message: h.newline }),
          item("script", h.script, "high", "fail", {
            line: 7,
            contradicted: true,
            status: "done",
            message: h.script,
            probes: [probe("command", h.script, "fail", h.ansi, 9)],
          }),
          item("newline", h.newline, "medium", "stale", {
            line: 9,
            attested_by: h.script,
            attested_at: "2026-01-01",
            expires_at: "2026-04-01",
            evidence: "javascript:alert(1)",
          }),
        ],
        [
          section("nested", `Nested ${h.cjk} ${h.pipe}`, [
            item("ansi", h.ansi, "medium", "fail", { line: 12, message: h.ansi }),
            item("cjk", h.cjk, "low", "pass", {
              line: 14,
              probes: [probe("file", h.cjk, "pass", h.cjk, 1)],
            }),
            item("xml", h.xml, "low", "waived", {
              line: 16,
              waiver: { reason: h.xml, until: "2026-11-25", by: h.markdown, expired: false },
            }),
            item("markdown", h.markdown, "low", "skipped", { line: 18, message: h.markdown }),
          ]),
        ],
      ),
    ],
    {
      signoffs: { required: [h.script], present: [], missing: [h.script, h.pipe] },
      gate: { go: 90, conditional: 70, blocking: ["critical"], verified: 0, signoffs: [h.script, h.pipe] },
      warnings: [h.ansi],
    },
  );
}

/** Every item skipped or waived: nothing scored, scores are null. */
export function emptyReport(): Report {
  return report(
    "Nothing To Score",
    "NO-GO",
    ["nothing left to score: every item is skipped or waived"],
    [section("all", "All", [item("a", "Skipped by --no-exec", "medium", "skipped", { message: "--no-exec: command probes not run" })])],
    { options: { strict: false, no_exec: true, only: [], skip: [] } },
  );
}

/** A run stopped by Ctrl-C: some probes skipped, marked interrupted. */
export function interruptedReport(): Report {
  const r = noGoReport();
  return { ...r, interrupted: true, reasons: ["the run was interrupted: results are partial", ...r.reasons] };
}

/** A built-in baseline run (no checklist in the directory). */
export function builtinReport(): Report {
  const r = goReport();
  return { ...r, checklist: { name: "Repository baseline", path: "<built-in>", builtin: true } };
}

/** A report with `n` failing items spread over `sections` sections, to test size limits. */
export function largeReport(n: number, sections = 20): Report {
  const secs: SectionReport[] = [];
  for (let s = 0; s < sections; s++) {
    const items: ItemReport[] = [];
    for (let i = s; i < n; i += sections) {
      items.push(
        item(`item-${i}`, `Generated check number ${i} with a reasonably long descriptive title`, i % 7 === 0 ? "critical" : "medium", i % 3 === 0 ? "pass" : "fail", {
          line: 10 + i,
          message: `GET http://127.0.0.1:9/${i}: connection refused after 3 attempts (5.0s) — and some more detail to make it long`,
          probes: [probe("http", `http://127.0.0.1:9/${i}`, i % 3 === 0 ? "pass" : "fail", "connection refused", 5)],
        }),
      );
    }
    secs.push(section(`section-${s}`, `Generated section ${s}`, items));
  }
  return report("Large", "NO-GO", ["many critical items fail"], secs);
}

/** Replaces times and durations in rendered output so snapshots survive clock changes. */
export function normalizeTimes(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<time>")
    .replace(/\b\d+(\.\d+)?(ms|s)\b/g, "<dur>")
    .replace(/time="[\d.]+"/g, 'time="<dur>"');
}

/** The NO-GO report with governance data: expiring things, an outdated sign-off, levels, open work. */
export function governanceReport(): Report {
  const r = noGoReport();
  return {
    ...r,
    signoffs: {
      ...r.signoffs,
      outdated: [{ role: "Engineering Lead", by: "Ana Ruiz", at: "2026-11-19", changed_at: "2026-11-20", items: ["gateway-health"] }],
    },
    expiring: [
      { kind: "certificate", id: "tls-expiry", title: "TLS certificate valid", date: "2026-11-25", days_left: 5, target: "api.internal:443" },
      { kind: "waiver", id: "mfa", title: "Multi-factor authentication", date: "2026-12-01", days_left: 11 },
    ],
    levels: {
      achieved: "bronze",
      next: "silver",
      needs: [{ id: "runbooks", title: "Operational runbooks written", level: "silver", result: "missing" }],
      levels: [
        { level: "bronze", items: 3, passing: 3, achieved: true },
        { level: "silver", items: 4, passing: 3, achieved: false },
      ],
    },
    open_work: [
      {
        owner: "platform-team",
        overdue: 1,
        items: [
          { id: "gateway-health", title: "API gateway health endpoint responds", severity: "critical", result: "fail", section: ["Infrastructure"], due: "2026-11-15", overdue: true, days_overdue: 5 },
        ],
      },
    ],
  };
}
