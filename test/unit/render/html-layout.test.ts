/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report laid out by a real browser (Debian's chromium through playwright-core) at a
 * desktop (1280 px) and a phone (390 px) width: no text overflows its box, no word is broken inside
 * (only the cause column, code, and tokens longer than a line such as URLs may break), the filter box filters rows, and with
 * scripts off the page reads the same, without a dead search box. Skipped only when chromium is absent.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../../src/render/html.js";
import { applyBaseline } from "../../../src/compare/baseline.js";
import { diffSeries, renderDiff } from "../../../src/compare/diff.js";
import { mergeReports, renderFleet } from "../../../src/compare/merge.js";
import { goReport, hostileReport, largeReport, noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";

const CHROMIUM = process.env.READINESS_CHROMIUM ?? "/usr/bin/chromium";

/** Runs in the page: text boxes wider inside than out, and words laid out on more than one line. */
function layoutProblems(): string[] {
  const problems: string[] = [];
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push(`page ${document.documentElement.scrollWidth}px wide in ${window.innerWidth}px`);
  for (const el of document.querySelectorAll<HTMLElement>("td, th, p, li, h1, h2, h3, .name, .num, summary, footer, .chip")) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) problems.push(`${el.tagName}.${el.className} overflows: ${el.textContent?.slice(0, 40)}`);
  }
  // Words outside the cause column and code: each on one line.
  for (const el of document.querySelectorAll<HTMLElement>("td:not(:last-child), .name, h1, h2, ul.reasons li, .chip")) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest("code")) continue;
      const text = node.textContent ?? "";
      // Words, not URLs, paths or escaped controls: those may break where they are longer than the line.
      for (const token of text.matchAll(/\S+/g)) {
        if (token[0].length > 24 || /[/:\\]/.test(token[0])) continue;
        // Letters and digits in a row: a browser may break at a hyphen, never inside these.
        for (const w of token[0].matchAll(/[A-Za-z0-9]{2,}/g)) {
          const m = { 0: w[0], index: token.index + w.index };
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) problems.push(`word broken: ${m[0]}`);
        }
      }
    }
  }
  return problems;
}

describe.skipIf(!existsSync(CHROMIUM))("HTML report in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [1280, 390]) {
    it(`no text overflows its box and no word is broken, at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        for (const r of [noGoReport(), hostileReport(), largeReport(60, 6), applyBaseline(noGoReport(), goReport(), "reports/last-release.json")]) {
          await page.setContent(renderHtml(r, PLAIN));
          expect(await page.evaluate(layoutProblems), r.checklist.name).toEqual([]);
        }
        // The pictures: diff over several reports, and a fleet whose rows of cells are long.
        const series = [goReport(), hostileReport(), noGoReport(), largeReport(60, 6)].map((report, i) => ({ report, label: `reports/release-${i + 1}.json` }));
        await page.setContent(renderDiff(diffSeries(series), "html", PLAIN));
        expect(await page.evaluate(layoutProblems), "diff").toEqual([]);
        await page.setContent(renderFleet(mergeReports([goReport(), hostileReport(), largeReport(300, 20)]), "html", PLAIN));
        expect(await page.evaluate(layoutProblems), "fleet").toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it("filters item rows as one types; with scripts off the box is hidden and every row shows", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.setContent(renderHtml(noGoReport(), PLAIN));
      const visibleRows = (): Promise<number> => page.locator("tbody tr:visible").count();
      const all = await visibleRows();
      await page.fill("#filter", "pentest");
      const some = await visibleRows();
      expect(some).toBeGreaterThan(0);
      expect(some).toBeLessThan(all);
      expect(await page.locator("tbody tr:visible", { hasText: "gateway-health" }).count()).toBe(0);
      await page.fill("#filter", "");
      expect(await visibleRows()).toBe(all);
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const plain = await noScript.newPage();
      await plain.setContent(renderHtml(noGoReport(), PLAIN));
      expect(await plain.locator("#filter").isVisible()).toBe(false);
      expect(await plain.locator("tbody tr:visible").count()).toBe(all);
      await noScript.close();
    } finally {
      await page.close();
    }
  }, 60_000);
});
