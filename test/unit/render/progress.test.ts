import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../../src/checklist/load.js";
import { plan } from "../../../src/engine/plan.js";
import { NAMED_AFTER_MS, probeLabel, progressLine, SLOWEST_SHOWN } from "../../../src/render/progress.js";
import { displayWidth } from "../../../src/util/width.js";

const running = (entries: [string, number][]): { label: string; elapsedMs: number }[] => entries.map(([label, elapsedMs]) => ({ label, elapsedMs }));

describe("progress line", () => {
  it("says done/total, the elapsed time and the slowest probes still running, slowest first", () => {
    const line = progressLine({ done: 11, total: 28, elapsedMs: 12_340, running: running([["db", 1_100], ["quick", 20], ["api-health", 8_200], ["cache", 3_000], ["queue", 2_000]]) }, 200);
    expect(line).toBe("  running probes 11/28 · 12.3s · slowest: api-health 8.2s, cache 3.0s, queue 2.0s");
    expect(SLOWEST_SHOWN).toBe(3);
  });

  it("names no probe that has run for less than a moment", () => {
    expect(progressLine({ done: 0, total: 2, elapsedMs: 300, running: running([["a", NAMED_AFTER_MS - 1]]) }, 80)).toBe("  running probes 0/2 · 300ms");
  });

  it("is never wider than the terminal, with wide characters and emoji counted right", () => {
    const state = { done: 3, total: 9, elapsedMs: 65_000, running: running([["数据库健康检查-数据库健康检查", 9_000], ["🚀🚀🚀-deploy-🚀🚀", 7_000], ["x".repeat(80), 6_000]]) };
    for (const width of [10, 20, 40, 60, 80, 100, 160]) {
      const line = progressLine(state, width);
      expect(displayWidth(line), `${width}: ${line}`).toBeLessThan(width);
    }
    // Each label is cut, so that the three fit in a wide terminal.
    expect(progressLine(state, 200)).toMatch(/^ {2}running probes 3\/9 · 1m 5s · slowest: 数据库健康检查.*9\.0s, 🚀.*7\.0s, x+… 6\.0s$/);
  });

  it("shows a hostile label's control characters escaped, never as a terminal sequence", () => {
    const line = progressLine({ done: 0, total: 1, elapsedMs: 900, running: running([["evil\x1b]0;owned\x07\x1b[2J\r\nline", 800]]) }, 200);
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(line).toContain("evil\\x1b]0;owned\\x07");
  });

  it("labels a probe by its item, and by the probe's name or position when the item has several", () => {
    const c = parseChecklist(
      `version: 1
sections:
  - id: s
    title: S
    items:
      - { id: api, title: A, probes: [{ tcp: "127.0.0.1:1" }] }
      - { id: db, title: D, probes: [{ tcp: "127.0.0.1:2" }, { tcp: "127.0.0.1:3", name: replica }] }
`,
      "c.yaml",
      { env: {} },
    );
    const p = plan(c);
    expect([probeLabel(p.items[0]!, 0), probeLabel(p.items[1]!, 0), probeLabel(p.items[1]!, 1)]).toEqual(["api", "db#1", "db/replica"]);
  });
});
