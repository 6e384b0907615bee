import { describe, expect, it } from "vitest";
import { renderHtml } from "../../../src/render/html.js";
import { renderMarkdown } from "../../../src/render/markdown.js";
import { renderTerminal } from "../../../src/render/terminal.js";
import { governanceReport, noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";

describe("governance data in reports", () => {
  it("markdown: expiring soon, outdated sign-offs, level and open work", () => {
    const md = renderMarkdown(governanceReport(), PLAIN);
    expect(md).toContain("### ✍️ Outdated sign-offs (1)");
    expect(md).toContain("- Engineering Lead (Ana Ruiz, 2026-11-19): blocking items changed since, on 2026-11-20: <code>gateway-health</code>");
    expect(md).toContain("### ⏳ Expiring soon (2)");
    expect(md).toContain("| certificate | TLS certificate valid <code>tls-expiry</code> api\\.internal:443 | 2026-11-25 | 5 |".replace("\\.", "."));
    expect(md).toContain("**Level:** **bronze** · next: silver (1 item to go) — bronze 3/3 ✅ · silver 3/4");
    expect(md).toContain("<details><summary>Open work by owner (1 items)</summary>");
    expect(md).toContain("2026-11-15 ⚠️ 5 days overdue");
    const plain = renderMarkdown(noGoReport(), PLAIN);
    for (const h of ["Outdated sign-offs", "Expiring soon", "**Level:**", "Open work"]) expect(plain).not.toContain(h);
  });

  it("terminal: the same facts in words", () => {
    const out = renderTerminal(governanceReport(), PLAIN).replace(/\s+/g, " ");
    expect(out).toContain("Outdated sign-off: Engineering Lead (Ana Ruiz, 2026-11-19); blocking items changed on 2026-11-20: gateway-health");
    expect(out).toContain("Expiring soon (2)");
    expect(out).toContain("~ certificate tls-expiry api.internal:443 ends 2026-11-25 (5 days left): TLS certificate valid");
    expect(out).toContain("Level: bronze; next silver, 1 item to go (bronze 3/3, silver 3/4)");
  });

  it("html: expiring table and level", () => {
    const html = renderHtml(governanceReport(), PLAIN);
    expect(html).toContain("<h2>Expiring soon (2)</h2>");
    expect(html).toContain("<h2>Level: bronze</h2>");
    expect(html).toContain('<span class="r r-partial">Outdated:</span>');
  });
});
