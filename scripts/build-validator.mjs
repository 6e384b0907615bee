// Precompiles the checklist validator into dist/checklist/checklist-validator.cjs with ajv's
// standalone code, so a CLI start loads the validator instead of compiling the JSON schema (tens
// of ms, more on a slow machine). Run by `npm run build` after tsc; src/checklist/validate.ts
// compiles the schema itself when the file is missing, with the same results.
import { writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { buildChecklistSchema } from "../dist/checklist/schema.js";
import { AJV_OPTIONS } from "../dist/checklist/validate.js";

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const validate = ajv.compile(buildChecklistSchema());
const code = standaloneCode.default ? standaloneCode.default(ajv, validate) : standaloneCode(ajv, validate);
writeFileSync(new URL("../dist/checklist/checklist-validator.cjs", import.meta.url), `"use strict";\n${code}`);
