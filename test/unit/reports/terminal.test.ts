import { describe, expect, it } from "vitest";
import { displayWidth } from "../../../src/reports/escape.js";
import { FAILING_LIST_MAX, renderTerminal, RESULT_LABEL, TABLE_MAX_ROWS } from "../../../src/reports/terminal.js";
import { conditionalReport, goReport, hostileReport, largeReport, noGoReport, normalizeTimes } from "../../helpers/sample-report.js";
import { COLOUR, PLAIN, SAMPLES } from "./samples.js";

const SGR = /\u001b\[[0-9;]*m/g;
const lastLines = (text: string, n: number): string[] => text.trimEnd().split("\n").slice(-n);

describe("terminal report", () => {
  it("lists the most severe failing items up to a limit under the tables, all of them with --verbose", () => {
    // 300 items in 20 sections: 200 fail, each also in its section's table with its cause.
    const report = largeReport(300);
    const bullets = (text: string): string[] => text.split("\n").filter((l) => /^ {2}✘ \[(critical|medium)\] item-\d+ FAIL: /.test(l));
    const plain = renderTerminal(report, PLAIN);
    expect(plain).toContain("Failing items (200), most severe first");
    expect(bullets(plain)).toHaveLength(FAILING_LIST_MAX);
    // Most severe first: the 28 failing critical items (every 7th, less those that pass) before any medium one.
    expect(bullets(plain).map((l) => l.includes("[critical]"))).toEqual([...Array(28).fill(true), ...Array(FAILING_LIST_MAX - 28).fill(false)]);
    expect(plain).toContain(`  …and ${200 - FAILING_LIST_MAX} more, each in its section above (--verbose lists them all here)`);
    for (let i = 1; i < 300; i += 3) expect(plain, `item-${i}`).toMatch(new RegExp(`│ item-${i} +│`));
    const verbose = renderTerminal(report, { ...PLAIN, verbose: true });
    expect(bullets(verbose)).toHaveLength(200);
    expect(verbose).not.toContain("more, each in its section above");
    // At the limit, nothing is left out and nothing is said.
    expect(renderTerminal(largeReport(75), PLAIN)).not.toContain("more, each in its section above");
  });

  it("draws each section as a table of item, severity, result and cause", () => {
    const out = renderTerminal(noGoReport(), PLAIN);
    expect(out.match(/│ Item +│ Severity │ Result +│ Cause +│/g)).toHaveLength(4);
    expect(out).toContain("Infrastructure › Databases  score 33 · verified 33");
    expect(out).toMatch(/│ API gateway health endpoint +│ critical │ ✘ FAIL +│ claimed done, but GET/);
  });

  it("writes every result as a word, so it reads without colour", () => {
    const out = renderTerminal(noGoReport(), PLAIN);
    expect(out).not.toContain("\u001b");
    for (const r of ["pass", "fail", "attested", "missing", "stale", "waived", "skipped"] as const) expect(out).toContain(RESULT_LABEL[r]);
  });

  it("colours only through the chalk instance it is given", () => {
    const coloured = renderTerminal(noGoReport(), COLOUR);
    expect(coloured).toMatch(SGR);
    expect(coloured.replace(SGR, "")).toBe(renderTerminal(noGoReport(), PLAIN));
  });

  it("puts the verdict last, boxed, with the scores and every reason", () => {
    const r = noGoReport();
    const box = lastLines(renderTerminal(r, PLAIN), r.reasons.length + 5);
    expect(box[0]).toMatch(/^╔═+╗$/);
    expect(box[1]).toMatch(/^║ ✘ NO-GO {3}score 31\/100 · verified 24\/100 +║$/);
    expect(box[2]).toMatch(/^║ 7 of the 31 points rest on claims nobody verified \(1 attested\) +║$/);
    expect(box.at(-1)).toMatch(/^╚═+╝$/);
    for (const reason of r.reasons) expect(box.join("\n")).toContain(reason);
    expect(lastLines(renderTerminal(goReport(), PLAIN), 4)[1]).toMatch(/║ ✔ GO {3}score 100\/100/);
    expect(lastLines(renderTerminal(conditionalReport(), PLAIN), 8).join("\n")).toMatch(/║ ! CONDITIONAL {3}score 71\/100/);
  });

  it("lists failing items, contradicted claims, stale attestations, waivers and sign-offs", () => {
    const out = renderTerminal(noGoReport(), PLAIN);
    const order = [
      "Failing items (5), most severe first",
      "Contradicted claims (1)",
      "Stale attestations (1)",
      "Waivers (2)",
      "Missing sign-offs: Security Lead",
      "Counts: 2 pass · 2 fail · 1 attested · 0 partial · 2 missing · 1 stale · 1 waived · 1 skipped",
      "Timing: started 2026-11-20T10:00:00.000Z, took 3.2s",
    ].map((s) => out.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toContain("⊘ chaos [low] until 2026-10-31 by SRE Lead: game day postponed  (EXPIRED, ignored)");
    expect(renderTerminal(conditionalReport(), PLAIN)).toContain("(expires in 8 days)");
  });

  it("says INTERRUPTED for a partial run", () => {
    const out = renderTerminal(SAMPLES.interrupted!(), PLAIN);
    expect(out.split("\n")[1]).toMatch(/^INTERRUPTED — partial results/);
    expect(out).toMatch(/║ INTERRUPTED — partial results/);
    expect(renderTerminal(noGoReport(), PLAIN)).not.toContain("INTERRUPTED");
  });

  it("never lets a control sequence from the report reach the terminal", () => {
    const coloured = renderTerminal(hostileReport(), COLOUR).replace(SGR, "");
    expect(coloured).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(coloured).toContain("\\x1b[31mred");
  });

  for (const width of [100, 80, 60]) {
    it(`keeps every line within ${width} columns, CJK included`, () => {
      for (const r of [noGoReport(), hostileReport(), largeReport(40, 3), SAMPLES.baseline!()]) {
        const lines = renderTerminal(r, { ...PLAIN, width }).split("\n");
        const wide = lines.filter((l) => displayWidth(l) > width);
        expect(wide).toEqual([]);
      }
    });
  }

  it("shows probe details of passing items only when verbose", () => {
    expect(renderTerminal(goReport(), PLAIN)).not.toContain("200 OK in 41ms");
    expect(renderTerminal(goReport(), { ...PLAIN, verbose: true })).toContain("200 OK in 41ms");
  });

  it("shows the baseline deltas", () => {
    const out = renderTerminal(SAMPLES.baseline!(), PLAIN).replace(/\s+/g, " ");
    expect(out).toMatch(/Since baseline \(reports\/last-release\.json, GO 100\): score -69, verified -59, verdict GO → NO-GO — REGRESSED/);
    expect(out).toContain("Newly failing (");
  });

  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`${name}: snapshot`, () => {
      expect(normalizeTimes(renderTerminal(make(), PLAIN))).toMatchSnapshot();
    });
  }

  it("prints sections over the table limit as one line per item, within the width", () => {
    const big = largeReport(TABLE_MAX_ROWS + 1, 1);
    const out = renderTerminal(big, PLAIN);
    expect(out).toContain(`${TABLE_MAX_ROWS + 1} items — one line each`);
    const rows = out.split("\n").filter((l) => /^ {2}(✔|✘)/.test(l) && / item-\d+ {2}/.test(l));
    expect(rows).toHaveLength(TABLE_MAX_ROWS + 1);
    for (const row of rows) expect(displayWidth(row)).toBeLessThanOrEqual(100);
    expect(rows[1]).toMatch(/^ {2}✘ FAIL +medium +item-1 {2}Generated check number 1 with a reasonably long descriptive title —…$/);
    const wide = renderTerminal(big, { ...PLAIN, width: 240 });
    expect(wide).toMatch(/^ {2}✘ FAIL +medium +item-1 {2}Generated check number 1 .* — GET http:\/\/127\.0\.0\.1:9\/1: connection refused/m);
    // A report at the limit is still tables.
    expect(renderTerminal(largeReport(TABLE_MAX_ROWS, 1), PLAIN)).toContain("┌");
  });

  it("counts the limit over the whole report: many small sections print one line per item too", () => {
    // 50 sections of 100 items took 1.8 s as tables (cli-table3, ~0.3 ms a row) where one section of
    // 5,000 took 0.1 s as rows.
    const sections = 4;
    const per = Math.ceil((TABLE_MAX_ROWS + 1) / sections);
    const many = largeReport(per * sections, sections);
    expect(many.sections).toHaveLength(sections);
    expect(many.sections.every((s) => s.items.length <= TABLE_MAX_ROWS)).toBe(true);
    const out = renderTerminal(many, PLAIN);
    expect(out).not.toContain("┌");
    expect(out.split("\n").filter((l) => l.includes(`${per} items — one line each (reports over ${TABLE_MAX_ROWS} items are not tabulated)`))).toHaveLength(sections);
    // At the limit, the same sections are tables.
    expect(renderTerminal(largeReport(TABLE_MAX_ROWS, sections), PLAIN).split("┌").length - 1).toBe(sections);
  });
});
