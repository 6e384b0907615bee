/** Every sample report, by name, for tests that run over all of them. */
import {
  builtinReport,
  conditionalReport,
  emptyReport,
  goReport,
  governanceReport,
  hostileReport,
  interruptedReport,
  noGoReport,
  report,
} from "../../helpers/sample-report.js";
import { applyBaseline } from "../../../src/compare/baseline.js";
import { Chalk } from "chalk";
import type { RenderOptions } from "../../../src/render/types.js";
import type { Report } from "../../../src/types.js";

export const SAMPLES: Record<string, () => Report> = {
  go: goReport,
  conditional: conditionalReport,
  nogo: noGoReport,
  hostile: hostileReport,
  empty: emptyReport,
  interrupted: interruptedReport,
  builtin: builtinReport,
  baseline: () => applyBaseline(noGoReport(), goReport(), "reports/last-release.json"),
  governance: governanceReport,
  "no sections": () => report("Blank", "NO-GO", ["nothing left to score: the checklist has no items"], []),
};

/** Render options without colour, 100 columns. */
export const PLAIN: RenderOptions = { chalk: new Chalk({ level: 0 }), verbose: false, width: 100 };
/** Render options with 24-bit colour. */
export const COLOUR: RenderOptions = { chalk: new Chalk({ level: 3 }), verbose: false, width: 100 };
