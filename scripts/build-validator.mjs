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
let code = standaloneCode.default ? standaloneCode.default(ajv, validate) : standaloneCode(ajv, validate);

// minLength and maxLength count code points with ajv's ucs2length, a loop over every character of
// every string the schema limits (titles, ids, probe targets): ~4 ms of validating 5,000 items
// before the JIT warms up. A string with no surrogate (nearly all) has as many code points as UTF-16
// units, which a native regular expression scan finds; the loop runs only for the others.
const UCS2 = 'require("ajv/dist/runtime/ucs2length").default';
if (code.includes(UCS2)) {
  code = code.replace(UCS2, `((ucs2length) => (s) => (/[\\ud800-\\udfff]/.test(s) ? ucs2length(s) : s.length))(${UCS2})`);
} else {
  process.stderr.write("build-validator: ajv no longer uses ucs2length as expected; string lengths are counted by its loop (scripts/build-validator.mjs)\n");
}
writeFileSync(out, `"use strict";\n${code}`);
