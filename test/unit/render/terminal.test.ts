import { describe, expect, it } from "vitest";
import { displayWidth } from "../../../src/util/width.js";
import fc from "fast-check";
import { FAILING_LIST_MAX, renderTerminal, RESULT_LABEL } from "../../../src/render/terminal.js";
import { conditionalReport, goReport, hostileReport, item, largeReport, noGoReport, normalizeTimes, probe, report, section } from "../../helpers/sample-report.js";
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
    for (let i = 1; i < 300; i += 3) expect(plain, `item-${i}`).toMatch(new RegExp(`^ {2}[✔✘] \\S+ +\\w+ +Generated check number ${i} .*item-${i}\\b`, "m"));
    const verbose = renderTerminal(report, { ...PLAIN, verbose: true });
    expect(bullets(verbose)).toHaveLength(200);
    expect(verbose).not.toContain("more, each in its section above");
    // At the limit, nothing is left out and nothing is said.
    expect(renderTerminal(largeReport(75), PLAIN)).not.toContain("more, each in its section above");
  });

  it("prints a passing item on one line with a short measure, a failing one with its cause below", () => {
    const out = renderTerminal(noGoReport(), { ...PLAIN, width: 80 });
    expect(out).toContain("Infrastructure › Databases  score 33 · verified 33");
    expect(out).toMatch(/^ {2}✔ pass +high +Replica lag.* {2}db-replica-lag +\S.*$/m);
    expect(out).toMatch(/^ {2}✘ FAIL +critical +API gateway health endpoint responds {2}gateway-health\n {6}claimed done, but GET http:\/\/localhost:3001\/health:/m);
    expect(out).toMatch(/^ {2}✘ STALE +critical +Database backups restored .*\n {6}attested by Li Wei on 2026-05-01, expired 2026-07-30$/m);
    expect(out).not.toContain("┌");
    // Passing items take one line each: no line of their own for a cause.
    const go = renderTerminal(goReport(), PLAIN);
    for (const it of goReport().sections.flatMap((s) => s.items)) expect(go.split("\n").filter((l) => l.includes(`  ${it.id}`))).toHaveLength(1);
  });

  it("shows a flaky pass with its first failure below", () => {
    const flaky = { ...probe("http", "http://x/", "pass", "GET http://x/: 200 in 12ms"), flaky: true, attempts: 2, first_failure: "connection reset" };
    const r = report("Flaky", "GO", [], [section("s", "S", [item("api", "API answers", "high", "pass", { probes: [flaky] })])]);
    const out = renderTerminal(r, { ...PLAIN, width: 60 });
    expect(out).toMatch(/✔ pass +high +API answers {2}api\n {6}flaky: passed on attempt 2; first: connection reset/);
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

  const WIDTHS = [60, 80, 100, 160];
  for (const width of WIDTHS) {
    it(`keeps every line within ${width} columns, CJK and emoji included, in colour and without`, () => {
      for (const r of [noGoReport(), hostileReport(), largeReport(40, 3), SAMPLES.baseline!(), SAMPLES.governance!(), emojiReport()]) {
        for (const options of [PLAIN, COLOUR, { ...PLAIN, verbose: true }]) {
          const lines = renderTerminal(r, { ...options, width }).split("\n");
          expect(lines.filter((l) => displayWidth(l) > width)).toEqual([]);
        }
      }
    });
    it(`snapshot at ${width} columns, with wide characters and emoji, in colour and without`, () => {
      expect(normalizeTimes(renderTerminal(emojiReport(), { ...PLAIN, width }))).toMatchSnapshot();
      expect(normalizeTimes(renderTerminal(noGoReport(), { ...COLOUR, width }))).toMatchSnapshot();
    });
  }

  it("no line is wider than the width, whatever the titles, ids and causes (property)", () => {
    const piece = fc.constantFrom("a", "word ", "✅", "🚀", "データベース", "👍🏽", "🏳️‍🌈", "e\u0301", "x".repeat(40), " ", "\t", "\u001b[31m", "｜");
    const text = fc.array(piece, { minLength: 1, maxLength: 20 }).map((p) => p.join(""));
    const result = fc.constantFrom(...(Object.keys(RESULT_LABEL) as (keyof typeof RESULT_LABEL)[]));
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, text, result), { minLength: 1, maxLength: 6 }), fc.integer({ min: 60, max: 200 }), fc.boolean(), (rows, width, verbose) => {
        const items = rows.map(([id, title, msg, res], i) =>
          item(`${id}${i}`, title, "high", res, { message: msg, probes: [probe("http", msg, res === "fail" ? "fail" : "pass", `${msg}: 200 in 12ms`)] }),
        );
        const r = report(rows[0]![1], "NO-GO", [rows[0]![2]], [section("s", rows[0]![0], items)]);
        for (const options of [PLAIN, COLOUR]) {
          for (const line of renderTerminal(r, { ...options, width, verbose }).split("\n")) expect(displayWidth(line)).toBeLessThanOrEqual(width);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("shows probe details of passing items only when verbose", () => {
    expect(renderTerminal(goReport(), PLAIN)).not.toContain("http http://127.0.0.1:3001/health: pass — 200 OK in 41ms");
    expect(renderTerminal(goReport(), { ...PLAIN, verbose: true })).toContain("http http://127.0.0.1:3001/health: pass — 200 OK in 41ms");
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

  it("prints a large report one line per passing item, within the width", () => {
    const big = largeReport(1000, 10);
    const out = renderTerminal(big, PLAIN);
    const rows = out.split("\n").filter((l) => /^ {2}(✔|✘) /.test(l) && /Generated check number \d+/.test(l));
    expect(rows).toHaveLength(1000);
    for (const row of rows) expect(displayWidth(row)).toBeLessThanOrEqual(100);
  });
});

/** Titles, ids and causes with emoji and wide characters, each result once. */
function emojiReport() {
  const items = (Object.keys(RESULT_LABEL) as (keyof typeof RESULT_LABEL)[]).map((r, i) =>
    item(`item-${i}-🚀`, `✅ デプロイ確認 ${r} 🚀 with a title long enough to be cut at sixty columns`, i % 2 ? "high" : "critical", r, {
      message: r === "pass" ? undefined : `サービス ${r}: 👍🏽 cause text that is long enough to wrap below the item line at narrow widths`,
      probes: r === "pass" || r === "fail" ? [probe("http", "http://127.0.0.1/🚀", r, `GET http://127.0.0.1/🚀: ${r === "pass" ? "200 in 12ms" : "500 in 9ms"}`)] : [],
    }),
  );
  return report("🚀 Launch データ", "NO-GO", ["critical item `item-1-🚀` fails ✅❌"], [section("s", "セクション ✅", items)]);
}
