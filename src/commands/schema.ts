/**
 * `readiness schema [checklist|report]`: print a shipped JSON Schema.
 */
import { readFile } from "node:fs/promises";
import { buildChecklistSchema } from "../checklist/schema.js";
import { ReadinessError } from "../errors.js";
import type { Io } from "./io.js";

export const SCHEMA_NAMES = ["checklist", "report"] as const;

export async function schemaCommand(name: string | undefined, io: Io): Promise<number> {
  const which = name ?? "checklist";
  if (which === "checklist") {
    io.out(`${JSON.stringify(buildChecklistSchema(), null, 2)}\n`);
    return 0;
  }
  if (which === "report") {
    const text = await readFile(new URL("../../schemas/report.schema.json", import.meta.url), "utf8");
    io.out(text.endsWith("\n") ? text : `${text}\n`);
    return 0;
  }
  throw new ReadinessError(`schema ${which}: unknown schema (expected one of ${SCHEMA_NAMES.join(", ")})`, { code: "EUSAGE" });
}
