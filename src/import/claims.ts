/**
 * What a line of Markdown claims: a status (checkbox, ✅ ⚠️ ❌ 🔄, status words) and a severity
 * (Priority: HIGH, P0–P3, BLOCKER, MUST/SHOULD/COULD, 🔴 🟡 🟢). Pure functions over one line of
 * text; every regular expression here is linear (no nested quantifiers over the same characters).
 */
import type { ManualStatus, Severity } from "../types.js";

/** A status emoji and what it claims. Variation selectors (U+FE0F) are optional after each. */
const STATUS_EMOJI: ReadonlyArray<readonly [string, ManualStatus]> = [
  ["\u2705", "done"], // ✅
  ["\u2714", "done"], // ✔ (✔️)
  ["\u2611", "done"], // ☑
  ["\u2713", "done"], // ✓
  ["\u26a0", "partial"], // ⚠ (⚠️)
  ["\u274c", "missing"], // ❌
  ["\u2716", "missing"], // ✖
  ["\u2717", "missing"], // ✗
  ["\u2718", "missing"], // ✘
  ["\u26d4", "missing"], // ⛔
  ["\u2b1c", "missing"], // ⬜
  ["\u2610", "missing"], // ☐
  ["\u{1f504}", "in-progress"], // 🔄
  ["\u23f3", "in-progress"], // ⏳
  ["\u{1f6a7}", "in-progress"], // 🚧
];

/** Severity emoji: red for high (the seeds pair 🔴 with "HIGH RISK"), amber medium, green low, 🚨 critical. */
const SEVERITY_EMOJI: ReadonlyArray<readonly [string, Severity]> = [
  ["\u{1f6a8}", "critical"], // 🚨
  ["\u{1f534}", "high"], // 🔴
  ["\u{1f7e0}", "high"], // 🟠
  ["\u{1f7e1}", "medium"], // 🟡
  ["\u{1f7e2}", "low"], // 🟢
];

/** First UTF-16 code units of every status and severity emoji: a cheap test before the full match. */
const FIRST_UNITS = new Set([...STATUS_EMOJI, ...SEVERITY_EMOJI].map(([e]) => e.charCodeAt(0)));

/** The checkbox of a task-list item, if any. `[~]` partial, `[/]` in progress, `[-]` n/a (cancelled). */
export type Checkbox = "open" | ManualStatus;

const BOX: Record<string, Checkbox> = { " ": "open", x: "done", X: "done", "~": "partial", "/": "in-progress", "-": "n/a" };

/** Splits a leading `[ ]`/`[x]` off list-item text. */
export function takeCheckbox(text: string): { box?: Checkbox; rest: string } {
  if (text.length >= 3 && text[0] === "[" && text[2] === "]" && (text.length === 3 || text[3] === " " || text[3] === "\t")) {
    const box = BOX[text[1] ?? ""];
    if (box) return { box, rest: text.slice(3).trimStart() };
  }
  return { rest: text };
}

/** The entry of `table` whose emoji starts at `pos`, with its length (variation selector included). */
function emojiAt<T>(text: string, pos: number, table: ReadonlyArray<readonly [string, T]>): { value: T; length: number } | undefined {
  if (!FIRST_UNITS.has(text.charCodeAt(pos))) return undefined;
  for (const [emoji, value] of table) {
    if (text.startsWith(emoji, pos)) {
      let length = emoji.length;
      if (text.charCodeAt(pos + length) === 0xfe0f) length++;
      return { value, length };
    }
  }
  return undefined;
}

/** The status claimed by an emoji at `pos`, with its length (variation selector included). */
export function statusEmojiAt(text: string, pos: number): { status: ManualStatus; length: number } | undefined {
  const hit = emojiAt(text, pos, STATUS_EMOJI);
  return hit && { status: hit.value, length: hit.length };
}

function severityEmojiAt(text: string, pos: number): { severity: Severity; length: number } | undefined {
  const hit = emojiAt(text, pos, SEVERITY_EMOJI);
  return hit && { severity: hit.value, length: hit.length };
}

const STATUS_WORDS: ReadonlyArray<readonly [RegExp, ManualStatus]> = [
  [/^(n\/a|na|not applicable|won'?t do|out of scope)$/, "n/a"],
  [/^(partial|partially( done| complete)?|needs attention|degraded)$/, "partial"],
  [/^(in progress|in-progress|wip|ongoing|started|underway)$/, "in-progress"],
  [/^(missing|not started|todo|to do|not done|not running|fail|failed|failing|no|needed|blocked|down|pending|open|not ready)$/, "missing"],
  [/^(complete|completed|done|ready|approved|pass|passed|passing|verified|ok|yes|running|implemented|finished|excellent|good|exceeds target|met)$/, "done"],
];

/** Maps a short status phrase (a table cell, a `✅ **COMPLETE**` decoration) to a status. */
export function statusFromWords(text: string): ManualStatus | undefined {
  const t = text.toLowerCase().replace(/[*_`.!:]/g, "").replace(/\s+/g, " ").trim();
  if (t === "" || t.length > 40) return undefined;
  for (const [re, status] of STATUS_WORDS) if (re.test(t)) return status;
  // "PARTIAL - NEEDS ATTENTION", "COMPLETE (verified)": judge by the first phrase.
  const first = t.split(/ [-–—(] ?| - /)[0] ?? "";
  if (first !== t) for (const [re, status] of STATUS_WORDS) if (re.test(first)) return status;
  return undefined;
}

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: "critical",
  blocker: "critical",
  blocking: "critical",
  urgent: "critical",
  highest: "critical",
  showstopper: "critical",
  p0: "critical",
  sev0: "critical",
  sev1: "critical",
  high: "high",
  major: "high",
  important: "high",
  p1: "high",
  sev2: "high",
  medium: "medium",
  med: "medium",
  moderate: "medium",
  normal: "medium",
  p2: "medium",
  sev3: "medium",
  low: "low",
  minor: "low",
  lowest: "low",
  trivial: "low",
  p3: "low",
  sev4: "low",
  // Requirement vocabularies (MoSCoW, Essential / Optional / Advanced, Required / Recommended).
  must: "critical",
  musthave: "critical",
  mandatory: "critical",
  required: "critical",
  r: "critical",
  should: "high",
  shouldhave: "high",
  essential: "high",
  recommended: "medium",
  could: "low",
  couldhave: "low",
  nicetohave: "low",
  optional: "low",
  advanced: "low",
  wont: "low",
  wonthave: "low",
};

/** Maps one severity word (`High`, `P1`, `blocker`, `Should have`, `(R)`) to a severity. */
export function severityFromWord(word: string): Severity | undefined {
  return SEVERITY_WORDS[word.toLowerCase().replace(/[^a-z0-9]/g, "")];
}

/**
 * The severity a Priority / Severity / Impact cell states, and the word it was read from: the whole
 * cell (`Nice to have 🟢`), else its first word (`High - data loss`), else a marker in it (🔴, P1).
 */
export function cellSeverity(cell: string): { severity: Severity; word: string } | undefined {
  const words = cell.replace(/[^\p{L}\p{N}' ]/gu, " ").replace(/\s+/g, " ").trim();
  const whole = severityFromWord(words);
  if (whole) return { severity: whole, word: words };
  const first = words.split(" ")[0] ?? "";
  const byFirst = severityFromWord(first);
  if (byFirst) return { severity: byFirst, word: first };
  const marked = itemSeverity(cell) ?? headingSeverity(cell);
  return marked ? { severity: marked, word: cell.trim() } : undefined;
}

const EXPLICIT = /\b(?:priority|severity|sev|impact|criticality|importance)\b[*_\s]{0,4}[:=-]?[*_\s]{0,4}(critical|blocker|urgent|highest|high|medium|med|moderate|normal|low|lowest|minor|major|p[0-3])\b/i;
const QUALIFIED = /\b(critical|high|medium|low)[\s-](?:priority|severity|risk|impact|importance)\b/i;
const P_LEVEL = /(?:^|[\s([])(P[0-3])(?=$|[\s)\]:,.])/;
/** "Blocker" in any case; "blocking" only shouted (`BLOCKING`): "non-blocking I/O" is not a severity. */
const BLOCKER = /\b[Bb]locker\b|\bBLOCKER\b|\bBLOCKING\b/;

/**
 * The severity stated on an item line: explicit markers only (`Priority: High`, `(P1)`, `high
 * priority`, `BLOCKER`, a leading 🔴). A bare "critical" in an item's text ("critical user flows")
 * is not a severity; in a heading it is (see `headingSeverity`).
 */
export function itemSeverity(text: string): Severity | undefined {
  const explicit = EXPLICIT.exec(text);
  if (explicit?.[1]) return severityFromWord(explicit[1]);
  const qualified = QUALIFIED.exec(text);
  if (qualified?.[1]) return severityFromWord(qualified[1]);
  const p = P_LEVEL.exec(text);
  if (p?.[1]) return severityFromWord(p[1]);
  if (BLOCKER.test(text) || /\b(?:CRITICAL|MANDATORY|MUST)\b/.test(text) || /\((?:R|[Rr]equired)\)(?=$|[\s.,;:])/.test(text)) return "critical";
  if (/\b(?:SHOULD|STRONGLY RECOMMENDED)\b/.test(text)) return "high";
  if (/\b(?:COULD|NICE TO HAVE|OPTIONAL)\b/.test(text)) return "low";
  for (let i = 0; i < text.length && i < 8; i++) {
    const e = severityEmojiAt(text, i);
    if (e) return e.severity;
  }
  return undefined;
}

/**
 * The severity a heading (or a `Priority: High` line) gives the items under it. Explicit markers
 * first, then the words critical/blocker, MoSCoW (MUST → critical, SHOULD → high, COULD / nice to
 * have → low), then 🚨 🔴 🟠 🟡 🟢 anywhere in the heading. "High Availability" is not a severity:
 * high/medium/low count only next to priority/risk/severity/impact.
 */
export function headingSeverity(text: string): Severity | undefined {
  const explicit = EXPLICIT.exec(text);
  if (explicit?.[1]) return severityFromWord(explicit[1]);
  const qualified = QUALIFIED.exec(text);
  if (qualified?.[1]) return severityFromWord(qualified[1]);
  const p = P_LEVEL.exec(text);
  if (p?.[1]) return severityFromWord(p[1]);
  if (/\b(critical|blockers?|showstoppers?|mandatory)\b/i.test(text)) return "critical";
  if (/\bmust\b/i.test(text)) return "critical";
  if (/\bshould\b|\bstrongly recommended\b/i.test(text)) return "high";
  if (/\bcould\b|\bnice[ -]to[ -]have\b|\bwon'?t have\b|\boptional\b/i.test(text)) return "low";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) continue;
    const e = severityEmojiAt(text, i);
    if (e) return e.severity;
  }
  return undefined;
}

/** A `Priority: High` / `**Severity:** P1` line on its own: the severity of its section. */
export function priorityLine(text: string): Severity | undefined {
  const m = /^[*_\s]{0,4}(?:priority|severity)[*_\s]{0,4}[:=][*_\s]{0,4}([A-Za-z0-9]{1,10})/i.exec(text);
  return m?.[1] ? severityFromWord(m[1]) : undefined;
}

/** Where leading status/severity emoji (and the spaces after them) end in `text`. */
export function leadingMarkersEnd(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  for (let guard = 0; guard < 6; guard++) {
    const len = markerAt(text, i);
    if (len === 0) break;
    i += len;
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  }
  return i;
}

/** A status emoji or severity emoji (the decorations we strip from the start of a title). */
function markerAt(text: string, pos: number): number {
  return statusEmojiAt(text, pos)?.length ?? severityEmojiAt(text, pos)?.length ?? 0;
}

/** What the claims analysis of one line found. */
export interface LineClaims {
  /** Claimed by leading emoji, or failing that by a trailing decoration. */
  status?: ManualStatus;
  /** A status emoji was found somewhere it counts (start or trailing decoration). */
  emoji: boolean;
  severity?: Severity;
  /** The text with leading markers and the trailing decoration removed. */
  text: string;
  /** The trailing decoration (`⚠️ BLOCKER`), if one was cut off. */
  decoration?: string;
  /** The leading markers that were cut off (`✅`, `🔴`), if any. */
  lead?: string;
  /** The status stated in words in the decoration (`⚠️ PARTIAL` → partial; `⚠️ BLOCKER` → none). */
  wordStatus?: ManualStatus;
}

/**
 * Reads leading status/severity emoji and a trailing decoration (a status emoji followed by at
 * most a few words: `✅ COMPLETE`, `⚠️ BLOCKER`) off already-cleaned text. Words in the decoration
 * beat its emoji (`⚠️ MISSING` is missing); a leading emoji beats both.
 */
export function readClaims(clean: string): LineClaims {
  let text = clean.trim();
  const original = text;
  let lead: ManualStatus | undefined;
  let severity: Severity | undefined;
  let emoji = false;
  for (let guard = 0; guard < 6; guard++) {
    const s = statusEmojiAt(text, 0);
    if (s) {
      lead ??= s.status;
      emoji = true;
      text = text.slice(s.length).trimStart();
      continue;
    }
    const len = markerAt(text, 0);
    if (len === 0) break;
    severity ??= severityEmojiAt(text, 0)?.severity;
    text = text.slice(len).trimStart();
  }
  const leadText = original.slice(0, original.length - text.length).trim();
  let decoration: string | undefined;
  let decoStatus: ManualStatus | undefined;
  let wordStatus: ManualStatus | undefined;
  // The first status emoji after the start, when what follows it is short: a decoration.
  for (let i = Math.max(1, text.length - 80); i < text.length; i++) {
    const s = statusEmojiAt(text, i);
    if (!s) continue;
    const tail = text.slice(i);
    decoration = tail.trim();
    emoji = true;
    const words = tail.slice(s.length).trim();
    wordStatus = words ? statusFromWords(words.split(/\s*[\u{2600}-\u{27bf}\u{1f300}-\u{1faff}]/u)[0] ?? "") : undefined;
    decoStatus = wordStatus ?? s.status;
    const wordSeverity = itemSeverity(words);
    if (wordSeverity) severity ??= wordSeverity;
    text = text.slice(0, i).trimEnd();
    break;
  }
  const result: LineClaims = { emoji, text };
  if (leadText) result.lead = leadText;
  const status = lead ?? decoStatus;
  if (status) result.status = status;
  if (severity) result.severity = severity;
  if (decoration !== undefined) result.decoration = decoration;
  if (wordStatus) result.wordStatus = wordStatus;
  return result;
}

/** The status a table cell claims (`✅ Running`, `Done`, `[x]`, `❌ Down`), if any. */
export function cellStatus(cell: string): ManualStatus | undefined {
  const t = cell.trim();
  const box = takeCheckbox(t);
  if (box.box) return box.box === "open" ? "missing" : box.box;
  for (let i = 0; i < t.length && i < 4; i++) {
    const s = statusEmojiAt(t, i);
    if (s) return s.status;
  }
  return statusFromWords(t);
}
