import { describe, expect, it } from "vitest";
import { renderHistory, sparkline } from "../../../src/commands/history.js";
import { DEFAULT_LISTEN, parseListen } from "../../../src/commands/serve.js";
import type { HistoryEntry } from "../../../src/serve/history.js";

describe("--listen", () => {
  it("defaults to this machine only", () => {
    expect(parseListen(DEFAULT_LISTEN)).toEqual({ host: "127.0.0.1", port: 9400 });
    expect(parseListen("9400")).toEqual({ host: "127.0.0.1", port: 9400 });
  });
  it("takes HOST:PORT and [IPv6]:PORT", () => {
    expect(parseListen("0.0.0.0:80")).toEqual({ host: "0.0.0.0", port: 80 });
    expect(parseListen("[::1]:9400")).toEqual({ host: "::1", port: 9400 });
    expect(parseListen("localhost:0")).toEqual({ host: "localhost", port: 0 });
  });
  it("refuses anything else with one line", () => {
    for (const bad of ["", ":9400", "host", "host:99999", "[nothost]:1", "::1:9400", "a:b"]) expect(() => parseListen(bad), bad).toThrow(/expected HOST:PORT/);
  });
});

describe("readiness history's terminal view", () => {
  const counts = { pass: 1, fail: 2, attested: 0, partial: 0, missing: 1, stale: 0, blocked: 0, waived: 0, skipped: 0 };
  const e = (day: number, score: number | null, verdict: string): HistoryEntry => ({ started_at: `2026-12-0${day}T08:30:00.000Z`, verdict: verdict as HistoryEntry["verdict"], score, verified_score: score, counts, duration_ms: 1, reasons: 1 });

  it("sparks scores from 0 to 100, a run without a score as a space", () => {
    expect(sparkline([0, 50, 100, null, 99])).toBe("▁▅█ █");
  });

  it("shows totals by verdict and the last runs, failing counted from fail, missing and stale", () => {
    const text = renderHistory([e(1, 95, "GO"), e(2, null, "NO-GO"), e(3, 75, "CONDITIONAL")], "h.jsonl", 2, 0);
    expect(text).toContain("History of h.jsonl: 3 runs, 2026-12-01 08:30 to 2026-12-03 08:30 UTC");
    expect(text).toContain("GO 1 · NO-GO 1 · CONDITIONAL 1");
    expect(text).not.toContain("2026-12-01 08:30  ");
    expect(text).toMatch(/2026-12-02 08:30\s+NO-GO\s+-\s+-\s+3\n/);
  });

  it("never lets a hand-edited verdict become a terminal escape", () => {
    const text = renderHistory([e(1, 95, "\u001b]8;;https://evil.example\u0007GO")], "h.jsonl", 5, 0);
    expect(text).not.toContain("\u001b");
  });
});
