/**
 * Finding and reading what `extends` names: local files relative to the file naming them, npm
 * packages resolved from node_modules the way ESLint shareable configs are.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ReadinessError } from "../../errors.js";
import { decodeChecklist, MAX_CHECKLIST_BYTES } from "../read.js";

/** How a file is named in messages: relative to the working directory when inside it. */
export function displayer(rootFile: string): (abs: string) => string {
  if (isAbsolute(rootFile)) return (abs) => abs;
  return (abs) => {
    const rel = relative(process.cwd(), abs);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
  };
}

export function realpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

export const isLocalRef = (ref: string): boolean => ref.startsWith("./") || ref.startsWith("../") || ref === "." || ref === ".." || isAbsolute(ref) || /^[a-zA-Z]:[\\/]/.test(ref);
const isYaml = (file: string): boolean => /\.ya?ml$/i.test(file);

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Candidate package names for a reference, ESLint style: `foo` → `foo`, `readiness-config-foo`. */
function packageNames(ref: string): string[] {
  if (ref.startsWith("@")) {
    const parts = ref.split("/");
    return parts.length === 1 ? [ref, `${ref}/readiness-config`] : [ref];
  }
  return ref.includes("/") || ref.startsWith("readiness-config-") ? [ref] : [ref, `readiness-config-${ref}`];
}

/** The package's folder, found by walking up node_modules from `dir`. */
function packageRoot(name: string, dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    const candidate = join(d, "node_modules", name);
    if (isFile(join(candidate, "package.json"))) return candidate;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/**
 * Resolves an `extends` entry to an absolute file. Local paths are relative to the naming file's
 * folder; anything else is an npm package: its main/exports when they name a YAML file, else
 * `readiness.yaml` at its root; a subpath (`pkg/strict.yaml`) names a file in the package.
 */
export function resolveExtends(ref: string, fromFile: string): string {
  const dir = dirname(resolve(fromFile));
  if (isLocalRef(ref)) {
    const abs = resolve(dir, ref);
    if (isFile(abs)) return abs;
    // A folder stands for the checklist in it.
    for (const name of ["readiness.yaml", "readiness.yml"]) if (isFile(join(abs, name))) return join(abs, name);
    throw new ReadinessError(`extends ${ref}: no such file (looked for ${abs})`, { code: "ENOENT" });
  }
  const require = createRequire(join(dir, "noop.js"));
  const found: string[] = [];
  for (const name of packageNames(ref)) {
    try {
      const main = require.resolve(name);
      if (isYaml(main)) return main;
      found.push(`${name} (its main ${main} is not a YAML file)`);
    } catch {
      // not resolvable as a module (no main, exports without "."): look at the package folder.
    }
    const scoped = name.startsWith("@");
    const parts = name.split("/");
    const pkgName = parts.slice(0, scoped ? 2 : 1).join("/");
    const subpath = parts.slice(scoped ? 2 : 1).join("/");
    const root = packageRoot(pkgName, dir);
    if (!root) continue;
    if (subpath) {
      const file = join(root, subpath);
      if (isFile(file)) return file;
      found.push(`${pkgName} (no file ${subpath} in ${root})`);
      continue;
    }
    for (const f of ["readiness.yaml", "readiness.yml"]) if (isFile(join(root, f))) return join(root, f);
    if (!found.some((x) => x.startsWith(`${name} `))) found.push(`${name} (no readiness.yaml at ${root}, and its package.json main/exports name no YAML file)`);
  }
  const local = isFile(resolve(dir, ref)) ? ` — to extend the local file, write ./${ref}` : "";
  if (found.length) throw new ReadinessError(`extends ${ref}: package found but no checklist in it: ${found.join("; ")}${local}`, { code: "ENOCHECKLIST" });
  throw new ReadinessError(
    `extends ${ref}: cannot find package "${ref}"${packageNames(ref).length > 1 ? ` (nor ${packageNames(ref).slice(1).join(", ")})` : ""} from ${dir} (install it, e.g. npm install --save-dev ${ref})${local}`,
    { code: "ENOPACKAGE" },
  );
}

/** Reads an extended file synchronously, refusing what cannot be a checklist (as `readChecklistFile`). */
export function readExtendedFile(abs: string, shown: string): string {
  let size: number;
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw new ReadinessError(`${shown}: is a directory, expected a checklist file`, { code: "ENOTFILE" });
    // A FIFO or a device would block this synchronous read (and the process) forever.
    if (!st.isFile()) throw new ReadinessError(`${shown}: not a regular file, expected a checklist file`, { code: "ENOTFILE" });
    size = st.size;
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EREAD" });
  }
  if (size > MAX_CHECKLIST_BYTES) throw new ReadinessError(`${shown}: file is too large for a checklist`, { code: "ETOOLARGE" });
  try {
    return decodeChecklist(readFileSync(abs), shown);
  } catch (e) {
    if (e instanceof ReadinessError) throw e;
    throw new ReadinessError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { code: "EREAD" });
  }
}

