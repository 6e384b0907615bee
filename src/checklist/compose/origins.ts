/**
 * Where every node of a merged document was written, and the issues of composing placed there:
 * the state every step of composition is handed explicitly.
 */
import type { Issue, SourceLocation } from "../../types.js";
import { pointer, type ParsedYaml, type Path } from "../parse.js";

export type Obj = Record<string, unknown>;
export interface Origin {
  parsed: ParsedYaml;
  path: Path;
}

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/**
 * Remembers where every node of a merged document was written. Plain maps, not weak ones: they live
 * only as long as one load, and a weak map's entries cost the garbage collector far more.
 */
export class Origins {
  private readonly nodes = new Map<object, Origin>();
  private readonly keys = new Map<object, Map<string, Origin>>();
  readonly overrides = new Map<object, Origin[]>();
  /** Entries without a title that override nothing yet: a later file may complete them. */
  readonly partial = new Set<object>();

  /** Records the origin of a parsed value and of everything in it. */
  annotate(value: object, parsed: ParsedYaml, path: Path): void {
    this.nodes.set(value, { parsed, path });
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === "object" && v !== null) this.annotate(v, parsed, [...path, i]);
      }
    } else {
      for (const k of Object.keys(value)) {
        const v = (value as Obj)[k];
        if (typeof v === "object" && v !== null) this.annotate(v, parsed, [...path, k]);
      }
    }
  }

  set(node: object, origin: Origin): void {
    this.nodes.set(node, origin);
  }

  of(node: object): Origin | undefined {
    return this.nodes.get(node);
  }

  /** Where the value of `key` in `node` was written: recorded per key, else the node's own origin. */
  ofKey(node: object, key: string): Origin | undefined {
    return this.keys.get(node)?.get(key) ?? this.nodes.get(node);
  }

  /** `to` was written where `from` was (node and per-key origins). */
  copy(from: object, to: object): void {
    const o = this.nodes.get(from);
    if (o) this.nodes.set(to, o);
    const k = this.keys.get(from);
    if (k) this.keys.set(to, new Map(k));
    const ov = this.overrides.get(from);
    if (ov) this.overrides.set(to, [...ov]);
    if (this.partial.has(from)) this.partial.add(to);
  }

  setKey(node: object, key: string, origin: Origin | undefined): void {
    if (!origin) return;
    let m = this.keys.get(node);
    if (!m) this.keys.set(node, (m = new Map<string, Origin>()));
    m.set(key, origin);
  }

  /** The file and path in it where the merged node at `path` was written. */
  resolve(root: Obj, path: Path): { origin: Origin; path: Path } {
    let node: unknown = root;
    let anchor = this.of(root) as Origin;
    let rest: Path = [];
    for (const seg of path) {
      if (typeof node === "object" && node !== null) {
        const ko = this.keys.get(node)?.get(String(seg));
        if (ko) {
          anchor = ko;
          rest = [];
        }
      }
      rest.push(seg);
      node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[seg] : undefined;
      const o = typeof node === "object" && node !== null ? this.of(node) : undefined;
      if (o) {
        anchor = o;
        rest = [];
      }
    }
    return { origin: anchor, path: [...anchor.path, ...rest] };
  }
}

/** Where the node at `path` of the merged document `root` was written, as a position in its file. */
export function locateIn(origins: Origins, root: Obj, path: Path, key = false): SourceLocation {
  const { origin, path: inFile } = origins.resolve(root, path);
  return origin.parsed.locate(inFile, key);
}

/** The issues of composing, each placed where the node it is about was written. */
export class ComposeIssues {
  readonly issues: Issue[] = [];

  /** `rootFile` is named when a node's origin is unknown. */
  constructor(
    readonly origins: Origins,
    private readonly rootFile: string,
  ) {}

  /** An issue at `sub` under `node` (at its key when `key`). */
  at(node: object, sub: Path, message: string, level: "error" | "warning" = "error", key = false): void {
    const origin = this.origins.of(node);
    if (!origin) {
      this.issues.push({ file: this.rootFile, line: 1, column: 1, message, level });
      return;
    }
    const path = [...origin.path, ...sub];
    this.issues.push({ ...origin.parsed.locate(path, key), path: pointer(path), message, level });
  }

  /** An issue already placed (parsing or validating an extended file). */
  push(issue: Issue): void {
    this.issues.push(issue);
  }

  /** `file:line` of a node, for messages that point at a second place. */
  where(node: object): string {
    const o = this.origins.of(node);
    if (!o) return "an extended file";
    const loc = o.parsed.locate(o.path);
    return `${loc.file}:${loc.line}`;
  }
}
