import { readFileSync } from "node:fs";

/** The tool's name and version, read from package.json (works from src/ and dist/). */
export const TOOL: { name: string; version: string } = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };
    return { name: pkg.name, version: pkg.version };
  } catch {
    return { name: "readiness", version: "0.0.0" };
  }
})();
