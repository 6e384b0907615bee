/**
 * `readiness init [--template NAME] [--force] [--list]`: write a commented starter checklist.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ReadinessError } from "../errors.js";
import { DEFAULT_TEMPLATE, templates } from "../templates/index.js";
import { writeFileAtomic } from "../util/fs.js";
import { nearest } from "../util/text.js";
import { displayPath, type Io } from "./io.js";

export interface InitOptions {
  template?: string;
  force?: boolean;
  list?: boolean;
  output?: string;
}

export function initCommand(opts: InitOptions, io: Io): number {
  if (opts.list) {
    const width = Math.max(...Object.keys(templates).map((k) => k.length));
    for (const [name, t] of Object.entries(templates)) io.out(`${name.padEnd(width)}  ${t.description}${name === DEFAULT_TEMPLATE ? " (default)" : ""}\n`);
    return 0;
  }
  const name = opts.template ?? DEFAULT_TEMPLATE;
  const template = templates[name];
  if (!template) {
    const guess = nearest(name, Object.keys(templates));
    throw new ReadinessError(`--template ${name}: no such template${guess ? ` — did you mean "${guess}"?` : ""} (templates: ${Object.keys(templates).join(", ")})`, { code: "EUSAGE" });
  }
  const target = resolve(io.cwd, opts.output ?? "readiness.yaml");
  const shown = displayPath(io, target);
  if (existsSync(target) && !opts.force) throw new ReadinessError(`${shown} already exists: not overwriting it (use --force to replace it)`, { code: "EEXIST" });
  writeFileAtomic(target, template.text);
  io.out(`Wrote ${shown} (template ${name}). Next: edit the targets, then run \`readiness validate\` and \`readiness audit\`.\n`);
  return 0;
}
