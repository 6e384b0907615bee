import { describe, expect, it } from "vitest";
import { Chalk } from "chalk";
import { trendSvg } from "../../../src/render/html.js";
import { trendMarkdown } from "../../../src/render/markdown.js";
import { trendTerminal } from "../../../src/render/terminal.js";
import { sparkline, type TrendPoint } from "../../../src/render/trend.js";
import { displayWidth } from "../../../src/util/width.js";

const point = (label: string, score: number | null, verified: number | null): TrendPoint => ({ label, started_at: "2026-11-20T10:00:00Z", verdict: "GO", score, verified_score: verified });
const plain = new Chalk({ level: 0 });

describe("trend", () => {
  it("draws a value per block character on a fixed 0–100 scale, a space for no score", () => {
    expect(sparkline([0, 12.5, 25, 37.5, 50, 62.5, 75, 100, null])).toBe("▁▁▂▃▄▅▆█ ");
    expect(sparkline([13, 99])).toBe("▂█");
  });

  it("keeps the terminal lines within the width, showing the latest reports when there are more than fit", () => {
    const many = Array.from({ length: 200 }, (_, i) => point(`r${i}.json`, i % 101, (i * 7) % 101));
    for (const width of [60, 80, 100]) {
      const lines = trendTerminal(many, plain, width);
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(width);
      expect(lines[0]).toMatch(/\(last \d+ of 200\)$/);
    }
    expect(trendTerminal([point("a", 50, 25), point("b", 100, 75)], plain, 80)).toEqual(["Score     ▄█  50 → 100", "Verified  ▂▆  25 → 75"]);
  });

  it("escapes a hostile label in Markdown and in the SVG, whose title and description say every figure", () => {
    const hostile = '<img src=x onerror=alert(1)> | **bold**';
    const md = trendMarkdown([point(hostile, 40, 20), point("new.json", 90, null)]);
    expect(md.split("\n")).toHaveLength(4);
    expect(md).not.toContain("<img");
    expect(md).toContain("| 90 | — |");
    const svg = trendSvg([point(hostile, 40, 20), point("new.json", 90, null)]);
    expect(svg).not.toContain("<img");
    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(svg).toMatch(/<title id="trend-title">Score 40 → 90, verified 20 → — over 2 reports<\/title>/);
    expect(svg).toContain("new.json (2026-11-20): GO, score 90, verified —");
    // A series with one value is a dot, not a line.
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });
});
