/**
 * Renders HTML reports in a real browser (Debian's `chromium`, headless, no network) and asserts on
 * what the page shows. CI installs chromium (`apt-get install -y chromium`); without it this test
 * fails and says so, rather than silently passing.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILTER_SCRIPT, renderHtml } from "../../../src/render/html.js";
import { HOSTILE, hostileReport, noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";

const CHROMIUM = process.env.READINESS_CHROMIUM ?? "/usr/bin/chromium";

let dir = "";

function chromium(args: string[]): Promise<string> {
  const profile = mkdtempSync(join(dir, "profile-"));
  const base = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    // The page is a local file and needs no network. Chromium still resolves update and DNS-probe
    // hosts on its own; answer every lookup "not found" inside Chromium so nothing leaves loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--disable-features=DnsOverHttps,AsyncDns,OptimizationHints,MediaRouter,Translate,NetworkTimeServiceQuerying",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    `--user-data-dir=${profile}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, [...base, ...args], { timeout: 90_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${CHROMIUM} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The page's visible text: tags removed, entities decoded, whitespace collapsed. */
function visibleText(dom: string): string {
  return dom
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<title>[\s\S]*?<\/title>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

async function render(name: string, html: string): Promise<string> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  return chromium(["--dump-dom", pathToFileURL(file).href]);
}

describe("html report in headless Chromium", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "readiness-chromium-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has chromium to render with", () => {
    expect(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the HTML rendering tests`,
    ).toBe(true);
  });

  it("shows the verdict, scores, reasons, sections and failing items", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
    const r = noGoReport();
    const dom = await render("nogo", renderHtml(r, PLAIN));
    const text = visibleText(dom);
    expect(dom).toMatch(/<span class="verdict" data-verdict="NO-GO">NO-GO<\/span>/);
    expect(text).toContain("NO-GO Payments API");
    expect(text).toContain("Score 31 /100 · Verified 24 /100");
    for (const reason of r.reasons) expect(text).toContain(reason.replace(/`/g, " ").replace(/\s+/g, " "));
    for (const section of ["Infrastructure", "Databases", "Operations", "Security"]) expect(text).toContain(section);
    expect(text).toContain("Failing items (5)");
    expect(text).toMatch(/FAIL API gateway health endpoint responds gateway-health contradicted critical Infrastructure claimed done, but GET/);
    expect(text.indexOf("Failing items (5)")).toBeLessThan(text.indexOf("All items by section"));
    // The gauge and bars are there as rendered SVG and elements.
    expect(dom).toMatch(/<svg role="img" aria-label="score 31 of 100, verified 24"/);
    expect(dom.match(/class="bar"/g)).toHaveLength(4);
  });

  it("shows hostile titles as text: no element, script or image comes from them", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
    const page = await render("hostile", renderHtml(hostileReport(), PLAIN));
    // The page's own filter script, once; no other.
    expect(page.split(`<script>${FILTER_SCRIPT}</script>`)).toHaveLength(2);
    const dom = page.replace(`<script>${FILTER_SCRIPT}</script>`, "");
    expect(dom).not.toMatch(/<script/i);
    expect(dom).not.toMatch(/<img/i);
    const text = visibleText(dom);
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.cjk);
    expect(text).toContain(HOSTILE.pipe.trim());
  });

  it("renders a screenshot", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
    const file = join(dir, "nogo.html");
    writeFileSync(file, renderHtml(noGoReport(), PLAIN));
    const png = join(dir, "shot.png");
    await chromium([`--screenshot=${png}`, "--window-size=1200,900", pathToFileURL(file).href]);
    expect(existsSync(png)).toBe(true);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
