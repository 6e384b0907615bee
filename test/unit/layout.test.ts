/**
 * The source layout keeps imports pointing one way (ARCHITECTURE.md, "Rules the code keeps"):
 * a module imports only from its own folder or from folders at a lower layer.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** Layer of each folder (and top-level file) under src/; higher layers may import lower ones. */
const LAYERS: Record<string, number> = {
  "cli.ts": 8, "main.ts": 8, "cli-options.ts": 8, "index.ts": 8,
  commands: 7,
  serve: 6, "audit.ts": 6,
  import: 5, governance: 5, compare: 5,
  render: 4,
  engine: 3,
  checklist: 2, probes: 2, templates: 2,
  util: 1,
  "types.ts": 0, "errors.ts": 0, "version.ts": 0,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const top = (file: string): string => relative(SRC, file).split("/")[0] ?? "";

function layerOf(file: string): number {
  const layer = LAYERS[top(file)];
  if (layer === undefined) throw new Error(`${relative(SRC, file)}: add its folder to LAYERS in this test and ARCHITECTURE.md`);
  return layer;
}

/** `from "<relative>"` and `import("<relative>")` specifiers of a module. */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("source layout", () => {
  it("every import points to the same folder or a lower layer", () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      for (const spec of relativeImports(readFileSync(file, "utf8"))) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
        if (top(target) === top(file)) continue;
        if (layerOf(target) > layerOf(file)) wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("no two folders' names differ by one letter", () => {
    const dirs = readdirSync(SRC).filter((e) => statSync(join(SRC, e)).isDirectory());
    const close = dirs.flatMap((a) => dirs.filter((b) => a < b && (a + "s" === b || b + "s" === a)).map((b) => `${a}/${b}`));
    expect(close).toEqual([]);
  });
});
