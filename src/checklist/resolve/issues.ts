/**
 * The issues collector that every step of resolving a checklist is handed: errors and warnings,
 * each placed at `file:line:column` in the document (or in the file a composed node came from).
 */
import type { Issue } from "../../types.js";
import { pointer, type ParsedYaml, type Path } from "../parse.js";

/** A path made only when it is needed (an issue to place). */
export type PathOf = () => Path;

/** Collects the issues of one document, in the order they are found. */
export class IssueSink {
  readonly issues: Issue[] = [];

  constructor(readonly parsed: ParsedYaml) {}

  /** An error at `path` (at its key rather than its value when `key`). */
  error(path: Path, message: string, key = false): void {
    this.issues.push({ ...this.parsed.locate(path, key), path: this.parsed.pointerOf?.(path) ?? pointer(path), message, level: "error" });
  }

  warning(path: Path, message: string): void {
    this.issues.push({ ...this.parsed.locate(path), path: this.parsed.pointerOf?.(path) ?? pointer(path), message, level: "warning" });
  }

  /** Issues found elsewhere (already placed). */
  add(issues: readonly Issue[]): void {
    for (const i of issues) this.issues.push(i);
  }
}
