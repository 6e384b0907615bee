// Precompiles the checklist validator into dist/ with ajv's standalone code, so a CLI start does
// not compile the schema (about a second on a slow machine). Run by `npm run build` after tsc.
import { writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { buildChecklistSchema } from "../dist/checklist/schema.js";
import { AJV_OPTIONS } from "../dist/checklist/validate.js";

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const validate = ajv.compile(buildChecklistSchema());
const out = new URL("../dist/checklist/checklist-validator.cjs", import.meta.url);
writeFileSync(out, `"use strict";\n${standaloneCode.default ? standaloneCode.default(ajv, validate) : standaloneCode(ajv, validate)}`);
