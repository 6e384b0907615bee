/**
 * YAML → JS value with positions, with the `yaml` library: parseDocument with a LineCounter reports
 * every syntax problem and duplicate key with a position, refuses alias bombs, and keeps the
 * document, so every later issue can point at a line through `locate(path)`.
 */
import * as Yaml from "yaml";
import type { Document, Node } from "yaml";
import type { Issue, SourceLocation } from "../types.js";

/** The `yaml` library, for commands that edit or print a document with the parser's own types. */
export function yamlLib(): typeof Yaml {
  return Yaml;
}

/** Path segments from the document root, as ajv's instancePath splits them. */
export type Path = (string | number)[];

export interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  value: unknown;
  /** Parse errors (syntax, duplicate keys, alias bombs), positioned. Empty when the YAML is well-formed. */
  issues: Issue[];
  /** Position of the node at `path`; with `key: true`, of the key of the last segment. */
  locate(path: Path, key?: boolean): SourceLocation;
  /**
   * Position of a mapping or sequence of `value`, found by identity: what `locate` gives for its
   * path. Undefined when not known (then use `locate`).
   */
  locateNode?(node: object): SourceLocation | undefined;
  /**
   * The JSON pointer of `path` in the file that defines it. Set by composition (`extends`, matrices),
   * where a path in the merged document differs from the path in the file; else `pointer(path)`.
   */
  pointerOf?(path: Path): string;
  /**
   * True when no string in `value` can hold `${` and no mapping has a `__proto__` key, so resolving
   * has nothing to substitute or drop (see `plainText`). Set by `parseYaml`; absent means unknown.
   */
  plain?: boolean;
}

/** Aliases are expanded at most this many times: a billion-laughs file is refused, not expanded. */
const MAX_ALIAS_COUNT = 200;

export function parseYaml(text: string, file: string): ParsedYaml {
  const parsed = readDocument(text, file);
  if (plainText(text)) parsed.plain = true;
  return parsed;
}

/**
 * Whether text can give no string holding `${` and no `__proto__` key: it has neither, nor a
 * backslash (a double-quoted escape such as `\x24` or an escaped line break could spell `${`;
 * folding joins lines with a space). Three native scans instead of a walk over every value.
 */
export function plainText(text: string): boolean {
  return !text.includes("${") && !text.includes("\\") && !text.includes("__proto__");
}

/** `yaml`'s document, its errors as issues, and positions of every node. */
function readDocument(text: string, file: string): ParsedYaml {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = Yaml;
  const lineCounter = new LineCounter();
  // logLevel: yaml would print its own warnings (a collection as a key) to stderr; issues say it.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" });
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const issues: Issue[] = [];
  for (const err of doc.errors) {
    const loc = at(err.pos[0]);
    let message = err.message.split("\n")[0] ?? err.message;
    if (err.code === "DUPLICATE_KEY") message = `duplicate key: ${message.replace(/^Map keys must be unique;?\s*/i, "") || "a key appears twice in this mapping"}`.replace(/: $/, "");
    message = message.replace(/ at line \d+, column \d+:?$/, "");
    issues.push({ ...loc, message: `YAML ${message}`, level: "error" });
  }
  let value: unknown = null;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const msg = (e as Error).message;
      issues.push({
        file,
        line: 1,
        column: 1,
        message: /alias/i.test(msg)
          ? `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a possible alias bomb`
          : `YAML could not be read: ${msg}`,
        level: "error",
      });
    }
  }

  const locate = (path: Path, key = false): SourceLocation => {
    let node: unknown = doc.contents;
    let best: [number, number, number] | undefined = (node as Node | null)?.range ?? undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        if (last && key && keyNode?.range) return at(keyNode.range[0]);
        node = pair.value;
        const valueRange = (pair.value as Node | null)?.range ?? keyNode?.range;
        if (valueRange) best = valueRange;
      } else if (isSeq(node)) {
        const child = node.items[Number(seg)] as Node | undefined;
        if (!child) break;
        node = child;
        if (child.range) best = child.range;
      } else break;
    }
    return best ? at(best[0]) : { file, line: 1, column: 1 };
  };

  return { file, doc, value, issues, locate };
}

/** Formats a path as a JSON pointer (`/sections/0/items/1`). */
export function pointer(path: Path): string {
  return path.length ? `/${path.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}` : "";
}

/** Splits an ajv instancePath into segments (numbers for array indexes in the value). */
export function fromPointer(instancePath: string): Path {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
