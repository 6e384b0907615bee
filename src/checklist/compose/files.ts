/**
 * The `extends` tree: each file read once, parsed and validated, composed on its own (its own
 * `extends` first, merged in order, then its own matrices expanded and its content merged last),
 * with cycles, chains that are too deep and, under `--untrusted`, anything outside the root's
 * directory refused.
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ReadinessError } from "../../errors.js";
import type { Issue } from "../../types.js";
import { parseYaml, type ParsedYaml, type Path } from "../parse.js";
import { validateSchema } from "../validate.js";
import { expandFile } from "./expand.js";
import { merge } from "./merge.js";
import type { ComposeIssues, Obj } from "./origins.js";
import { isLocalRef, readExtendedFile, realpath, resolveExtends } from "./refs.js";

/** Deeper `extends` chains than this are refused (a chain that long is a mistake). */
export const MAX_EXTENDS_DEPTH = 32;

/** A file on the way from the root to the one being composed. */
interface Link {
  real: string;
  shown: string;
}

/** Composes the files of one checklist; each is read and composed once, however often it is extended. */
export class FileComposer {
  /** Every file read, the root first, as shown in messages. */
  readonly files: string[];
  /** Ids of the items `drop` removed. */
  readonly dropped: string[] = [];
  /** Extended files by real path: parsed, or undefined when they could not be used. */
  private readonly loaded = new Map<string, ParsedYaml | undefined>();
  private readonly composed = new Map<string, Obj | undefined>();

  constructor(
    private readonly root: ParsedYaml,
    private readonly sink: ComposeIssues,
    /** How a file is named in messages. */
    private readonly show: (abs: string) => string,
    /** `--untrusted`: only files inside the root's directory, never a package. */
    private readonly untrusted: boolean,
  ) {
    this.files = [root.file];
  }

  /** The root composed with everything it extends. */
  composeRoot(): Obj | undefined {
    return this.compose(this.root, realpath(this.root.file), []);
  }

  /** Reads, parses and validates an extended file; undefined (with its issues) when it cannot be used. Throws a `ReadinessError` when it cannot be read. */
  load(abs: string): ParsedYaml | undefined {
    const real = realpath(abs);
    if (this.loaded.has(real)) return this.loaded.get(real);
    const shown = this.show(abs);
    let parsed: ParsedYaml | undefined;
    try {
      parsed = parseYaml(readExtendedFile(abs, shown), shown);
    } catch (e) {
      if (!(e instanceof ReadinessError)) throw e;
      this.loaded.set(real, undefined);
      throw e;
    }
    this.files.push(shown);
    const problems = extendedFileIssues(parsed, shown);
    for (const p of problems) this.sink.push(p);
    const ok = problems.every((i) => i.level === "warning");
    this.loaded.set(real, ok ? parsed : undefined);
    return ok ? parsed : undefined;
  }

  /** A file composed with what it extends; `chain` is the way from the root to it. */
  compose(parsed: ParsedYaml, real: string, chain: readonly Link[]): Obj | undefined {
    if (this.composed.has(real)) return this.composed.get(real);
    const own = parsed.value as Obj;
    this.sink.origins.annotate(own, parsed, []);
    const here = [...chain, { real, shown: parsed.file }];
    let base: Obj | undefined;
    const refs = typeof own.extends === "string" ? [own.extends] : Array.isArray(own.extends) ? (own.extends as string[]) : [];
    refs.forEach((ref, i) => {
      const refPath: Path = typeof own.extends === "string" ? ["extends"] : ["extends", i];
      const value = this.extend(ref, parsed.file, here, (message) => this.sink.at(own, refPath, message));
      if (value) base = base ? merge(base, value, this.sink, this.dropped) : value;
    });
    const result = merge(base ?? {}, expandFile(own, this.sink), this.sink, this.dropped);
    this.composed.set(real, result);
    return result;
  }

  /** One `extends` entry of `fromFile`, composed; undefined when refused (said through `fail`). */
  private extend(ref: string, fromFile: string, chain: readonly Link[], fail: (message: string) => void): Obj | undefined {
    if (this.untrusted && !isLocalRef(ref)) return void fail(`extends ${ref}: a package is not extended with --untrusted (only files in the checklist's directory)`);
    let abs: string;
    try {
      abs = resolveExtends(ref, fromFile);
    } catch (e) {
      if (e instanceof ReadinessError) return void fail(e.message);
      throw e;
    }
    const childReal = realpath(abs);
    if (this.untrusted) {
      const rel = relative(realpath(dirname(resolve(this.root.file))), childReal);
      if (rel.startsWith("..") || isAbsolute(rel)) return void fail(`extends ${ref}: outside the checklist's directory (after following symbolic links), refused with --untrusted`);
    }
    const loop = chain.findIndex((c) => c.real === childReal);
    if (loop >= 0) return void fail(`extends cycle: ${[...chain.slice(loop).map((c) => c.shown), this.show(abs)].join(" → ")}`);
    if (chain.length >= MAX_EXTENDS_DEPTH) return void fail(`extends chain deeper than ${MAX_EXTENDS_DEPTH} files: ${chain.map((c) => c.shown).join(" → ")} → …`);
    let child: ParsedYaml | undefined;
    try {
      child = this.load(abs);
    } catch (e) {
      if (e instanceof ReadinessError) return void fail(`extends ${ref}: ${e.message}`);
      throw e;
    }
    if (!child) return undefined;
    return this.compose(child, childReal, chain);
  }
}

/**
 * What is wrong with an extended file: its parse issues, else its schema issues. A file that is
 * not a checklist at all (`extends: [/etc/passwd]`) is said to be one line, in which none of its
 * content is quoted: validating it would echo its lines as unknown keys.
 */
export function extendedFileIssues(parsed: ParsedYaml, shown: string): Issue[] {
  if (parsed.issues.length) return parsed.issues;
  const v = parsed.value;
  if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, "version")) {
    return [{ file: shown, line: 1, column: 1, message: "not a readiness checklist (no version key at the top level): extends names checklist files only", level: "error" }];
  }
  return validateSchema(parsed);
}
