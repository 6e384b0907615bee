import { readFileSync } from "node:fs";

/**
 * The tool's name and its version, read from package.json (works from src/ and dist/). The name is
 * the command's, `readiness`, not the package's (`readiness-cli`): reports name the tool.
 */
export const TOOL: { name: string; version: string } = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    return { name: "readiness", version: pkg.version };
  } catch {
    return { name: "readiness", version: "0.0.0" };
  }
})();
