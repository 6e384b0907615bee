/**
 * Writes the imported checklist as YAML text. Built line by line rather than through a YAML
 * document model so that the layout, key order and comments (source line numbers, commented-out
 * probe suggestions) are exactly controlled and byte-for-byte reproducible; every scalar goes
 * through `yamlString`, which emits a plain scalar only when it provably reads back as the same
 * string, and a double-quoted one otherwise.
 */
import { escapeRefs } from "../checklist/interpolate.js";
import type { ManualStatus, Severity } from "../types.js";
import { SUGGESTION_VARS, type ProbeValue, type SuggestedProbe } from "./probes.js";

/** An item ready to be written. */
export interface OutItem {
  id: string;
  title: string;
  description?: string;
  severity?: Severity;
  status?: ManualStatus;
  /** Why an `n/a` item does not apply (the loader requires one). */
  reason?: string;
  /** Source line (1-based). */
  line: number;
  /** A link from the title: where the item is explained. */
  docs?: string;
  /** Extra words for the line comment (a stripped decoration such as `⚠️ BLOCKER`). */
  note?: string;
  probes: SuggestedProbe[];
}

/** A section ready to be written. */
export interface OutSection {
  id: string;
  title: string;
  line: number;
  note?: string;
  items: OutItem[];
  sections: OutSection[];
}

/** The whole imported checklist. */
export interface OutDocument {
  /** File name shown in the header comment. */
  source: string;
  name: string;
  sections: OutSection[];
  /** Probes written live (true) or as comments (false). */
  withProbes: boolean;
  /** Roles found in a sign-off table, suggested as `gate.signoffs` in a comment. */
  signoffs?: { roles: string[]; line: number };
}

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|nan|inf|~|<<)$/i;
const NUMERIC = /^[-+]?(?:\d[\d_,]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}/;

/** Characters YAML cannot hold unescaped, or that some parsers treat as line breaks or BOMs. */
function needsEscape(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff ||
    code === 0xfffe ||
    code === 0xffff
  );
}

function plainSafe(s: string): boolean {
  if (s === "" || s !== s.trim() || s.length > 2000) return false;
  const first = s[0] ?? "";
  if ("-?:,[]{}#&*!|>'\"%@`<=".includes(first)) return false;
  if (RESERVED.test(s) || NUMERIC.test(s) || DATE.test(s)) return false;
  // Numbers in any YAML flavour (1e3, 0x1F, 1:30, 1_000) start with a digit and have no space.
  if (/^[-+.]?\d/.test(s) && !/\s/.test(s)) return false;
  if (s.startsWith(".") && /^\.(?:inf|nan)$/i.test(s)) return false;
  if (s.includes(": ") || s.includes(" #") || s.endsWith(":") || s.includes("\t")) return false;
  for (let i = 0; i < s.length; i++) if (needsEscape(s.charCodeAt(i))) return false;
  return true;
}

/**
 * A YAML scalar that reads back as exactly `s`: plain when safe, else double-quoted. `flow` is for
 * values inside `{ }` or `[ ]`, where commas and brackets also need quoting.
 */
export function yamlString(s: string, flow = false): string {
  if (plainSafe(s) && !(flow && /[,[\]{}]/.test(s))) return s;
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (needsEscape(code)) out += code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Text from the imported document as a YAML scalar, `${` escaped as `$${`: a Markdown line that
 * mentions `${env.SECRET_TOKEN}` must read back as that text, not become a live reference that
 * would send the secret wherever the checklist points.
 */
function docString(s: string): string {
  return yamlString(escapeRefs(s));
}

/** An id (a slug): plain unless YAML would read it as something other than a string (`1`, `1e3`, `yes`). */
function yamlId(id: string): string {
  const plain = /^[a-z0-9][a-z0-9._-]*$/.test(id) && !RESERVED.test(id) && !NUMERIC.test(id) && !DATE.test(id) && !/^0[xob]/.test(id) && !/^[\d._-]+$/.test(id);
  return plain ? id : yamlString(id);
}

function scalar(v: ProbeValue, flow = false): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return yamlString(v, flow);
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k}: ${scalar(x, true)}`)
    .join(", ")} }`;
}

/** Text safe to put after `#` on one line. */
export function commentText(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    out += needsEscape(code) ? " " : ch;
  }
  return out.replace(/\s+/g, " ").trim();
}

function probeLines(p: SuggestedProbe): string[] {
  return p.fields.map(([k, v], i) => `${i === 0 ? "- " : "  "}${k}: ${scalar(v)}`);
}

function writeItem(out: string[], item: OutItem, pad: string, withProbes: boolean): void {
  const note = item.note ? ` · ${commentText(item.note)}` : "";
  out.push(`${pad}- id: ${yamlId(item.id)}  # line ${item.line}${note}`);
  const p = `${pad}  `;
  out.push(`${p}title: ${docString(item.title)}`);
  if (item.description) out.push(`${p}description: ${docString(item.description)}`);
  if (item.severity) out.push(`${p}severity: ${item.severity}`);
  if (item.status) out.push(`${p}status: ${item.status}`);
  if (item.reason) out.push(`${p}reason: ${docString(item.reason)}`);
  if (item.docs) out.push(`${p}docs: ${docString(item.docs)}`);
  if (item.probes.length === 0) return;
  if (withProbes) {
    out.push(`${p}probes:  # suggested from line ${item.line}; review them`);
    for (const probe of item.probes) for (const l of probeLines(probe)) out.push(`${p}  ${l}`);
  } else {
    out.push(`${p}# probes:  (suggested from line ${item.line} — review, then uncomment)`);
    for (const probe of item.probes) for (const l of probeLines(probe)) out.push(`${p}#   ${l}`);
  }
}

function writeSection(out: string[], s: OutSection, pad: string, withProbes: boolean): void {
  const note = s.note ? ` · ${commentText(s.note)}` : "";
  out.push(`${pad}- id: ${yamlId(s.id)}  # line ${s.line}${note}`);
  const p = `${pad}  `;
  out.push(`${p}title: ${docString(s.title)}`);
  if (s.items.length > 0) {
    out.push(`${p}items:`);
    for (const item of s.items) writeItem(out, item, `${p}  `, withProbes);
  }
  if (s.sections.length > 0) {
    out.push(`${p}sections:`);
    for (const sub of s.sections) writeSection(out, sub, `${p}  `, withProbes);
  }
}

/** The `${vars.NAME}` references in suggested probes, in the order of SUGGESTION_VARS. */
function usedVars(sections: OutSection[]): string[] {
  const found = new Set<string>();
  const scan = (v: ProbeValue): void => {
    if (typeof v === "string") for (const m of v.matchAll(/\$\{vars\.([a-z_]+)\}/g)) found.add(m[1] ?? "");
    else if (typeof v === "object") Object.values(v).forEach(scan);
  };
  const walk = (list: OutSection[]): void => {
    for (const s of list) {
      for (const i of s.items) for (const p of i.probes) for (const [, v] of p.fields) scan(v);
      walk(s.sections);
    }
  };
  walk(sections);
  return Object.keys(SUGGESTION_VARS).filter((k) => found.has(k));
}

/** The checklist YAML text for an imported document. Deterministic: same input, same bytes. */
export function writeChecklist(doc: OutDocument): string {
  const out: string[] = [
    `# Imported from ${commentText(doc.source)} by \`readiness import\`. Comments give the source line of each entry.`,
    "# Claims (status) are kept as written: an item only counts as verified once it has probes that pass.",
    doc.withProbes
      ? "# Suggested probes are written live: review every one before trusting a verdict."
      : "# Suggested probes are commented out: review each one, then uncomment it (or import with --with-probes).",
    "version: 1",
    `name: ${docString(doc.name)}`,
  ];
  const vars = usedVars(doc.sections);
  if (vars.length > 0) {
    // Targets the document does not name: placeholders that reach nothing until someone fills them in.
    out.push("vars:");
    for (const name of vars) {
      const v = SUGGESTION_VARS[name];
      if (v) out.push(`  ${name}: ${yamlString(v.value)}  # TODO: ${v.todo} (not in the source document)`);
    }
  }
  // The evidence-first defaults, stated: an imported checklist is claims until its probes pass.
  out.push(
    "gate:",
    "  verified: 50       # verified score (credit from passing probes) needed for GO; 0 accepts claims alone",
    "  contradicted: conditional   # a claim its probes contradict: block | conditional | ignore",
    "  flaky: warn        # a probe that passed only on a retry: warn (listed as flaky) | fail",
  );
  if (doc.signoffs && doc.signoffs.roles.length > 0) {
    out.push(`  # signoffs:  (sign-off table at line ${doc.signoffs.line} — uncomment to require these sign-offs before GO)`);
    for (const role of doc.signoffs.roles) out.push(`  #   - ${yamlString(role)}`);
  }
  out.push("sections:");
  for (const s of doc.sections) writeSection(out, s, "  ", doc.withProbes);
  return `${out.join("\n")}\n`;
}
