import { describe, expect, it } from "vitest";
import { renderHtml, FILTER_SCRIPT, FILTER_SCRIPT_HASH } from "../../../src/render/html.js";
import { goReport, hostileReport, noGoReport, normalizeTimes } from "../../helpers/sample-report.js";
import { PLAIN, SAMPLES } from "./samples.js";

/**
 * Every resource reference of the document's real markup: `src`/`href`/... attributes of its tags
 * and `url(...)`/`@import` in its CSS. Escaped text (`&lt;img src=…`) is not markup and is not counted.
 */
function resourceRefs(html: string): string[] {
  const refs: string[] = [];
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    // Attributes in order, each with its whole quoted value, so text inside a value is not an attribute.
    for (const m of tag.matchAll(/\s([a-zA-Z:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
      const name = m[1]!.toLowerCase();
      const value = m[2] ?? m[3] ?? m[4] ?? "";
      if (["src", "href", "action", "poster", "data", "srcset", "xlink:href"].includes(name)) refs.push(value);
      if (name === "style") for (const u of value.matchAll(/url\(\s*['"]?([^'")]+)/gi)) refs.push(u[1]!);
    }
  }
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join("\n");
  for (const m of css.matchAll(/url\(\s*['"]?([^'")]+)/gi)) refs.push(m[1]!);
  for (const m of css.matchAll(/@import\s+['"]?([^'";]+)/gi)) refs.push(m[1]!);
  return refs;
}

/** Names of every attribute of the document's real tags. */
function attributeNames(html: string): string[] {
  return (html.match(/<[a-zA-Z][^>]*>/g) ?? []).flatMap((tag) =>
    [...tag.matchAll(/\s([a-zA-Z:-]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?/g)].map((m) => m[1]!.toLowerCase()),
  );
}

/** The page without its own filter script, which it must hold exactly once: what is left has no script. */
function withoutOwnScript(html: string): string {
  const own = `<script>${FILTER_SCRIPT}</script>`;
  expect(html.split(own)).toHaveLength(2);
  return html.replace(own, "");
}

describe("html report", () => {
  for (const [name, make] of Object.entries(SAMPLES)) {
    it(`${name}: self-contained, no network, no script but its own filter`, () => {
      const html = withoutOwnScript(renderHtml(make(), PLAIN));
      expect(html.startsWith("<!doctype html>")).toBe(true);
      expect(resourceRefs(html).filter((r) => !r.startsWith("#"))).toEqual([]);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<(link|iframe|object|embed|img|base|form)\b/i);
      expect(attributeNames(html).filter((n) => n.startsWith("on"))).toEqual([]);
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${FILTER_SCRIPT_HASH}'">`);
    });
  }

  it("shows verdict, reasons, score, verified score, counts and section bars", () => {
    const r = noGoReport();
    const html = renderHtml(r, PLAIN);
    expect(html).toContain(`<span class="verdict" data-verdict="NO-GO">NO-GO</span>Payments API</h1>`);
    expect(html).toContain("Score <b>31</b>/100 · Verified <b>24</b>/100");
    for (const reason of r.reasons) expect(html).toContain(`<li>${reason.replace(/`([^`]*)`/g, "<code>$1</code>")}</li>`);
    expect(html).toMatch(/<svg role="img" aria-label="score 31 of 100, verified 24"/);
    expect(html.match(/<div class="bar"/g)).toHaveLength(4);
    expect(html).toContain('<span class="chip"><b class="r-fail">2</b>fail</span>');
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)/);
  });

  it("lists failing items before the full per-section listing", () => {
    const html = renderHtml(noGoReport(), PLAIN);
    const failing = html.indexOf("<h2>Failing items (5)</h2>");
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBeLessThan(html.indexOf("<h2>All items by section</h2>"));
    for (const h of ["Contradicted claims (1)", "Stale attestations (1)", "Waivers (2)", "Sign-offs"]) expect(html).toContain(`<h2>${h}`);
  });

  it("escapes every hostile string", () => {
    const html = withoutOwnScript(renderHtml(hostileReport(), PLAIN));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain("<!-- comment -->");
    expect(html).not.toContain("\u001b");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).not.toMatch(/href\s*=\s*["']?javascript:/i);
  });

  it("escapes a severity or result outside the known ones (a Report made through the library API)", () => {
    const report = noGoReport();
    const item = report.sections[0]!.items[0]!;
    Object.assign(item, { severity: '<img src=x onerror="alert(1)">', result: "<u>odd</u>" });
    const html = renderHtml(report, PLAIN);
    expect(html).not.toMatch(/<img|<u>/i);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("GO: says every gate passed", () => {
    expect(renderHtml(goReport(), PLAIN)).toContain("<p>Every gate passed.</p>");
  });

  it("nogo: file snapshot", async () => {
    await expect(normalizeTimes(renderHtml(noGoReport(), PLAIN))).toMatchFileSnapshot("./__snapshots__/nogo.html");
  });
});
