import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { escapeLabelValue, renderMetrics, reportMetrics } from "../../../src/serve/metrics.js";
import { hostileReport, item, noGoReport, report, section } from "../../helpers/sample-report.js";

/** `promtool check metrics` on an exposition: its exit code and what it said. */
function promtool(text: string): { code: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The value of a sample line `name{labels} value`, found by its name and label text. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("escapeLabelValue", () => {
  it("escapes backslash, double quote and line feed as the exposition format asks", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
  it("replaces a lone surrogate, which is not UTF-8", () => {
    expect(escapeLabelValue("x\ud800y")).toBe("x\ufffdy");
  });
});

describe("the /metrics exposition", () => {
  it("gives the score, verified score, verdict, counts and every item's result", () => {
    const r = noGoReport();
    const text = renderMetrics({ report: r, finishedAtMs: 1_000_000, loadError: false, runs: 3, running: false }, reportMetrics(r), 1_005_000);
    expect(sample(text, "readiness_score ")).toBe(r.score);
    expect(sample(text, "readiness_verified_score ")).toBe(r.verified_score);
    expect(sample(text, 'readiness_verdict{verdict="NO-GO"}')).toBe(1);
    expect(sample(text, 'readiness_verdict{verdict="GO"}')).toBe(0);
    expect(sample(text, 'readiness_items{result="fail"}')).toBe(r.counts.fail);
    expect(sample(text, "readiness_last_run_age_seconds ")).toBe(5);
    expect(sample(text, "readiness_audits_total ")).toBe(3);
    const items = text.split("\n").filter((l) => l.startsWith("readiness_item_result{"));
    expect(items.length).toBe(Object.values(r.counts).reduce((a, b) => a + b, 0));
  });

  it("passes promtool check metrics, hostile ids and titles included", () => {
    const hostile = hostileReport();
    const weird = report("weird", "NO-GO", ["r"], [section('s"e\\c\nt', "T", [item('id "with" \\ quotes\nand a line', "x", "critical", "fail", { probes: [{ type: "http", target: "t", result: "fail", message: "m", duration_ms: 5 }] })])]);
    for (const r of [noGoReport(), hostile, weird]) {
      const text = renderMetrics({ report: r, finishedAtMs: Date.now(), loadError: true, runs: 1, running: true }, reportMetrics(r), Date.now());
      const checked = promtool(text);
      expect(checked.output).toBe("");
      expect(checked.code).toBe(0);
    }
  });

  it("says only what it knows before the first run: no score, the load error, zero audits", () => {
    const text = renderMetrics({ loadError: true, runs: 0, running: true }, reportMetrics(undefined), Date.now());
    expect(text).not.toContain("readiness_score");
    expect(sample(text, "readiness_checklist_load_error ")).toBe(1);
    expect(promtool(text).code).toBe(0);
  });

  it("is what promtool rejects without the escaping (the check can fail)", () => {
    expect(promtool('# TYPE x gauge\nx{a="b"c"} 1\n').code).not.toBe(0);
    expect(execFileSync("promtool", ["--version"], { encoding: "utf8" })).toMatch(/promtool/);
  });
});
