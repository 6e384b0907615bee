/**
 * The badge: a small SVG in the flat style of shields.io, `readiness | 87 GO`, coloured by verdict
 * (green GO, orange CONDITIONAL, red NO-GO), for a README. Text widths are estimated from
 * Verdana's advance widths, so the badge needs no font metrics at render time.
 */
import type { Verdict } from "../types.js";
import { escapeXml } from "../util/escape.js";
import { formatScore } from "./summary.js";
import type { Reporter } from "./types.js";

/** Badge colours, as shields.io's brightgreen, orange and red. */
export const BADGE_COLOUR: Record<Verdict, string> = { GO: "#4c1", CONDITIONAL: "#fe7d37", "NO-GO": "#e05d44" };

// Approximate advance widths of Verdana 11px, by character class.
function charWidth(ch: string): number {
  if (/[ilI.,:;'|!]/.test(ch)) return 3.2;
  if (/[ frtj()[\]-]/.test(ch)) return 4.6;
  if (/[mwMW]/.test(ch)) return 10;
  if (/[A-Z]/.test(ch)) return 7.6;
  if (/[0-9a-z]/.test(ch)) return 6.9;
  return 7.5;
}

/** Estimated width in pixels of `text` at 11px Verdana. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return Math.round(w);
}

/** A flat two-part badge; both texts are escaped. */
export function badgeSvg(label: string, message: string, colour: string): string {
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const total = lw + mw;
  const l = escapeXml(label);
  const m = escapeXml(message);
  const c = escapeXml(colour);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${l}: ${m}">
<title>${l}: ${m}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${c}"/><rect width="${total}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${lw / 2}" y="14">${l}</text>
<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${m}</text><text x="${lw + mw / 2}" y="14">${m}</text>
</g>
</svg>
`;
}

/** The badge reporter: `readiness | 87 GO`; a score of `—` when nothing was scored. */
export const renderBadge: Reporter = (report) =>
  badgeSvg("readiness", `${formatScore(report.score)} ${report.verdict}`, BADGE_COLOUR[report.verdict]);
