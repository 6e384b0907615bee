/**
 * `inspec`: the JSON reporter's output of `inspec exec --reporter json` as evidence. Each control
 * counts once: failed when any of its results failed, skipped when all were skipped. A failed
 * control is named with its impact as a severity (impact ≥ 0.9 critical, ≥ 0.7 high, ≥ 0.4 medium,
 * else low, as InSpec grades it).
 *
 *   - inspec: reports/inspec.json
 *     max_failures: 0
 */
import type { Probe, ProbeSpecBase } from "../types.js";
import { limitProperties, type ResultLimits } from "./evidence/tool-results.js";

/** Spec of an `inspec` probe. */
export interface InspecSpec extends ProbeSpecBase, ResultLimits {
  /** The JSON report of `inspec exec --reporter json:FILE`, relative to the checklist. */
  inspec: string;
}

/** The `inspec` probe: see {@link InspecSpec}. */
export const inspecProbe: Probe<InspecSpec> = {
  type: "inspec",
  description: "An InSpec JSON report shows enough controls and few enough failed ones (impact shown as severity).",
  schema: {
    type: "object",
    required: ["inspec"],
    properties: {
      inspec: { type: "string", minLength: 1, description: "JSON report of inspec exec --reporter json:FILE, relative to the checklist." },
      ...limitProperties("controls"),
    },
  },
  target: (spec) => spec.inspec,
  run: (spec, ctx) => import("./run/inspec.js").then((m) => m.run(spec, ctx)),
};
