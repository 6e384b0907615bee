/**
 * Terminal columns: how wide text is (string-width: ANSI codes count none, wide characters and
 * emoji two), cutting and wrapping it to a width between graphemes. Only the terminal renderers
 * need it, so commands that draw no table never load the width tables.
 */
import stringWidth from "string-width";
import { oneLine } from "../errors.js";

/** Columns a string occupies in a terminal, by `string-width` (ANSI codes count none; wide characters and emoji two). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The longest start of `text` that fits in `max` columns, cut between graphemes (an emoji is never split). */
function fitGraphemes(text: string, max: number): string {
  let out = "";
  let width = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (width + w > max) break;
    out += segment;
    width += w;
  }
  return out;
}

/** Cuts text to at most `max` terminal columns, ending with `…` when cut. */
export function truncateWidth(text: string, max: number): string {
  if (stringWidth(text) <= max) return text;
  return `${fitGraphemes(text, max - 1)}…`;
}

/** One line of untrusted text made safe for a terminal (no control sequence survives) and cut to `max` columns. */
export function terminalText(text: string, max = Infinity): string {
  const oneline = oneLine(text);
  const line = oneline.includes("\t") ? oneline.replace(/\t/g, " ") : oneline;
  return Number.isFinite(max) ? truncateWidth(line, Math.max(1, max)) : line;
}

/** Spacing that wrapping would change: a tab, two spaces in a row, a space at either end. */
const LOOSE_SPACING = /\t| {2}|^ | $/;

/**
 * Word-wraps one line of (already sanitised) text to `width` columns, at most `maxLines` lines;
 * the last line ends with `…` when text was left out. Words longer than a line are broken.
 */
export function wrapWidth(text: string, width: number, maxLines = Infinity): string[] {
  const w = Math.max(2, width);
  // The common case: one line that fits, with single spaces between words (nothing to collapse).
  if (text && maxLines >= 1 && !LOOSE_SPACING.test(text) && displayWidth(text) <= w) return [text];
  const lines: string[] = [];
  let line = "";
  // The width of `line`, kept as words are added: widths add up, since words and the single
  // spaces between them split the text at code points.
  let lineWidth = 0;
  const push = (): void => {
    lines.push(line);
    line = "";
    lineWidth = 0;
  };
  for (const word of text.split(/[ \t]+/)) {
    if (!word) continue;
    let rest = word;
    while (rest) {
      const sep = line ? " " : "";
      const restWidth = displayWidth(rest);
      if (lineWidth + sep.length + restWidth <= w) {
        line += sep + rest;
        lineWidth += sep.length + restWidth;
        rest = "";
      } else if (line) {
        push();
      } else {
        // A word wider than the line: take as many characters as fit.
        // (At least one grapheme, so a character wider than the line cannot loop forever.)
        const head = fitGraphemes(rest, w) || ([...graphemes.segment(rest)][0]?.segment ?? rest);
        line = head;
        rest = rest.slice(head.length);
        push();
      }
    }
  }
  if (line) push();
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1] ?? "";
    kept[maxLines - 1] = displayWidth(last) + 1 <= w ? `${last}…` : truncateWidth(`${last}……`, w);
    return kept;
  }
  return lines.length ? lines : [""];
}
