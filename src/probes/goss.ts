/**
 * `goss`: the JSON report of `goss validate --format json` as evidence. Each result is one check
 * (a resource's property); the probe passes when few enough failed and enough ran.
 *
 *   - goss: reports/goss.json
 *     max_failures: 0
 */
import type { Probe, ProbeSpecBase } from "../types.js";
import { limitProperties, type ResultLimits } from "./evidence/tool-results.js";

/** Spec of a `goss` probe. */
export interface GossSpec extends ProbeSpecBase, ResultLimits {
  /** The JSON report of `goss validate --format json`, relative to the checklist. */
  goss: string;
}

/** The `goss` probe: see {@link GossSpec}. */
export const gossProbe: Probe<GossSpec> = {
  type: "goss",
  description: "A goss JSON report (goss validate --format json) shows enough checks and few enough failures.",
  schema: {
    type: "object",
    required: ["goss"],
    properties: {
      goss: { type: "string", minLength: 1, description: "JSON report of goss validate --format json, relative to the checklist." },
      ...limitProperties("checks"),
    },
  },
  target: (spec) => spec.goss,
  run: (spec, ctx) => import("./run/goss.js").then((m) => m.run(spec, ctx)),
};
