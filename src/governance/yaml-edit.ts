/**
 * Surgical edits of YAML text. The `yaml` Document gives the nodes and their byte ranges; changes
 * are applied as text patches at those ranges, so every comment, blank line, key order, quoting
 * style and indentation outside the changed values stays byte for byte what it was.
 */
import { isAlias, isMap, isScalar, parseDocument, visit, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { ReadinessError } from "../errors.js";

/** Replace `text.slice(start, end)` by `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A value to write: a string scalar, a mapping of strings (ordered), or a list of such mappings. */
export type EditValue = string | Fields | { list: Fields[] };
/** Ordered key → string pairs. */
export type Fields = [key: string, value: string][];

/** Applies non-overlapping edits to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) throw new Error("overlapping YAML edits");
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** Characters a recorded value may not contain: it must be one line of printable text. */
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function parsesTo(source: string, value: string): boolean {
  const doc = parseDocument(source, { logLevel: "silent" });
  if (doc.errors.length || doc.warnings.length) return false;
  try {
    const js: unknown = doc.toJS();
    return typeof js === "object" && js !== null && (js as Record<string, unknown>).k === value;
  } catch {
    return false; // e.g. an alias to nothing
  }
}

/** Whether `value` reads back as the same string when written plain (in flow context too, when `flow`). */
export function plainSafe(value: string, flow: boolean): boolean {
  if (!value || value !== value.trim() || UNPRINTABLE.test(value)) return false;
  if (!parsesTo(`k: ${value}\n`, value)) return false;
  return !flow || parsesTo(`{ k: ${value} }\n`, value);
}

/**
 * A string as a YAML scalar. `style` is the existing scalar's style, kept where it can hold the
 * value: single-quoted stays single-quoted, double-quoted stays double-quoted, plain stays plain
 * when safe; anything else (block scalars, values plain cannot hold) is double-quoted.
 */
export function renderScalar(value: string, flow: boolean, style?: Scalar.Type): string {
  if (style === "QUOTE_SINGLE" && !UNPRINTABLE.test(value)) return `'${value.replace(/'/g, "''")}'`;
  if (style !== "QUOTE_DOUBLE" && style !== "QUOTE_SINGLE" && plainSafe(value, flow)) return value;
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Editing session over one YAML text: collects edits, then `result()` applies them. */
export class YamlEditor {
  readonly doc: Document.Parsed;
  readonly eol: string;
  private readonly edits: TextEdit[] = [];

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { keepSourceTokens: true, logLevel: "silent" });
    if (this.doc.errors.length) throw new Error(`cannot edit YAML with errors: ${this.doc.errors[0]?.message ?? ""}`);
    this.eol = text.includes("\r\n") ? "\r\n" : "\n";
  }

  /** The text with every collected edit applied. */
  result(): string {
    return applyEdits(this.text, this.edits);
  }

  /** The node at a path of keys and indexes, or undefined. */
  nodeAt(path: (string | number)[]): Node | undefined {
    const n: unknown = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    return n && typeof n === "object" ? (n as Node) : undefined;
  }

  /** The mapping that starts at a 1-based line and column, or undefined. */
  mapStartingAt(line: number, column: number): YAMLMap | undefined {
    let offset = 0;
    for (let l = 1; l < line; l++) {
      const nl = this.text.indexOf("\n", offset);
      if (nl === -1) return undefined;
      offset = nl + 1;
    }
    offset += column - 1;
    let found: YAMLMap | undefined;
    visit(this.doc, {
      Map: (_key, node) => {
        if (node.range?.[0] === offset) {
          found = node;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  }

  private column(offset: number): number {
    return offset - (this.text.lastIndexOf("\n", offset - 1) + 1);
  }

  private isFlow(node: YAMLMap | YAMLSeq): boolean {
    const start = node.range?.[0];
    return Boolean(node.flow) || (start !== undefined && (this.text[start] === "{" || this.text[start] === "["));
  }

  /** Where to insert whole lines after the node ending at `end`: the next line start. */
  private lineInsertion(end: number, lines: string[]): TextEdit {
    const body = lines.join(this.eol);
    if (this.text[end - 1] === "\n") return { start: end, end, text: body + this.eol };
    let nl = this.text.indexOf("\n", end);
    if (nl === -1) return { start: this.text.length, end: this.text.length, text: this.eol + body };
    if (this.text[nl - 1] === "\r") nl--;
    return { start: nl, end: nl, text: this.eol + body };
  }

  private flowMap(fields: Fields): string {
    return `{ ${fields.map(([k, v]) => `${k}: ${renderScalar(v, true)}`).join(", ")} }`;
  }

  private blockLines(key: string, value: EditValue, indent: string): string[] {
    if (typeof value === "string") return [`${indent}${key}: ${renderScalar(value, false)}`];
    if (Array.isArray(value)) return [`${indent}${key}:`, ...value.map(([k, v]) => `${indent}  ${k}: ${renderScalar(v, false)}`)];
    return [`${indent}${key}:`, ...value.list.map((f) => `${indent}  - ${this.flowMap(f)}`)];
  }

  private flowText(key: string, value: EditValue): string {
    if (typeof value === "string") return `${key}: ${renderScalar(value, true)}`;
    if (Array.isArray(value)) return `${key}: ${this.flowMap(value)}`;
    return `${key}: [${value.list.map((f) => this.flowMap(f)).join(", ")}]`;
  }

  /** Whether an alias (`*name`) anywhere in the document refers to the anchor `name`. */
  private isAliased(anchor: string): boolean {
    let found = false;
    visit(this.doc, {
      Alias: (_key, node) => {
        if (node.source !== anchor) return undefined;
        found = true;
        return visit.BREAK;
      },
    });
    return found;
  }

  /**
   * Refuses to edit a value shared through YAML anchors: one that is an alias of another's value
   * (`attested_by: *who`), or one anchored (`&who`) that an alias elsewhere reuses. Writing there
   * would change, or be, another item's record too.
   */
  private checkUnshared(key: string, node: unknown): void {
    const where = (n: Node): string => {
      const start = n.range?.[0];
      if (start === undefined) return "";
      return ` (line ${this.text.slice(0, start).split("\n").length})`;
    };
    if (isAlias(node)) {
      throw new ReadinessError(`cannot record "${key}"${where(node)}: its value is the YAML alias *${node.source}, another entry's value; give this item its own ${key} first`, { code: "EALIAS" });
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor && this.isAliased(anchor)) {
      throw new ReadinessError(`cannot record "${key}"${where(node as Node)}: its value is anchored as &${anchor} and reused elsewhere through *${anchor}, which would change too; give the other entries their own value first`, { code: "EALIAS" });
    }
  }

  /**
   * Sets keys of a mapping. An existing scalar is replaced in place (its quoting style kept); an
   * existing mapping is updated key by key; missing keys are added together after the last of
   * `anchorKeys` present (else after the last key), in the mapping's own style and indentation.
   */
  setEntries(map: YAMLMap, entries: [string, EditValue][], anchorKeys: string[] = []): void {
    const flow = this.isFlow(map);
    const pairs = map.items;
    const missing: [string, EditValue][] = [];
    for (const [key, value] of entries) {
      const pair = pairs.find((p) => keyOf(p) === key);
      if (!pair) {
        missing.push([key, value]);
        continue;
      }
      const node = pair.value;
      this.checkUnshared(key, node);
      if (typeof value === "string" && isScalar(node) && node.range) {
        const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
        const text = renderScalar(value, flow, node.type);
        this.edits.push({ start: node.range[0], end: node.range[1], text: block ? text + this.eol : text });
      } else if (Array.isArray(value) && isMap(node)) {
        this.setEntries(node, value.map(([k, v]): [string, EditValue] => [k, v]));
      } else {
        throw new Error(`cannot set "${key}": the existing value has another shape`);
      }
    }
    if (!missing.length) return;
    const anchor = [...pairs].reverse().find((p) => anchorKeys.includes(keyOf(p))) ?? pairs[pairs.length - 1];
    const anchorNode = (anchor?.value ?? anchor?.key) as Node | null | undefined;
    const anchorEnd = anchorNode?.range?.[1];
    const start = map.range?.[0];
    if (anchorEnd === undefined || start === undefined) throw new Error("cannot add to an empty mapping");
    if (flow) {
      this.edits.push({ start: anchorEnd, end: anchorEnd, text: missing.map(([k, v]) => `, ${this.flowText(k, v)}`).join("") });
    } else {
      const indent = " ".repeat(this.column(start));
      this.edits.push(this.lineInsertion(anchorEnd, missing.flatMap(([k, v]) => this.blockLines(k, v, indent))));
    }
  }

  /** Appends a mapping of strings to a sequence, in the style of its last item. */
  appendToSeq(seq: YAMLSeq, fields: Fields): void {
    const range = seq.range;
    if (!range) throw new Error("sequence without a position");
    const items = seq.items as Node[];
    const last = items[items.length - 1];
    if (this.isFlow(seq)) {
      if (!last?.range) {
        this.edits.push({ start: range[0], end: range[1], text: `[${this.flowMap(fields)}]` });
        return;
      }
      this.edits.push({ start: last.range[1], end: last.range[1], text: `, ${this.flowMap(fields)}` });
      return;
    }
    if (!last?.range) throw new Error("empty block sequence");
    const dash = " ".repeat(this.column(range[0]));
    if (isMap(last) && !this.isFlow(last) && last.range) {
      const pad = " ".repeat(Math.max(2, this.column(last.range[0]) - dash.length));
      const [first, ...rest] = fields.map(([k, v]) => `${k}: ${renderScalar(v, false)}`);
      this.edits.push(this.lineInsertion(last.range[1], [`${dash}-${pad.slice(1)}${first ?? ""}`, ...rest.map((l) => `${dash}${pad}${l}`)]));
      return;
    }
    this.edits.push(this.lineInsertion(last.range[1], [`${dash}- ${this.flowMap(fields)}`]));
  }
}
