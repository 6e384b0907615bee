/**
 * The unbundled entry of the command line: what bin/readiness.js runs when dist/readiness.cjs (the
 * single-file bundle scripts/bundle.mjs writes) is missing, e.g. after a bare `tsc` build.
 */
import { main } from "./cli.js";

await main(process.argv);
