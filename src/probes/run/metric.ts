/** The run of the `metric` probe (its spec, schema and checks: ../metric.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { compare, formatQuantity, negate, parseThreshold, unitMismatch, convert } from "../../util/units.js";
import { fail, pass } from "../evidence/common.js";
import { commandValue, jsonValue, prometheusValue, type SourceResult } from "../evidence/metric-sources.js";
import { type MetricSpec, label, showValue } from "../metric.js";

function read(spec: MetricSpec, ctx: ProbeContext): Promise<SourceResult> {
  const m = spec.metric;
  if (m.prometheus) return prometheusValue(m.prometheus, ctx);
  if (m.json) return jsonValue(m.json, ctx);
  if (m.command !== undefined) return commandValue(m.command, ctx);
  return Promise.resolve({ error: "no source: give one of prometheus, json, command" });
}

export async function run(spec: MetricSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const name = label(spec);
  const t = parseThreshold(spec.threshold);
  if (typeof t === "string") return fail(t);
  const mismatch = unitMismatch(t, spec.unit);
  if (mismatch) return fail(mismatch);
  const got = await read(spec, ctx);
  if ("error" in got) return fail(`${name}: ${got.error}`);
  const unit = t.unit ?? spec.unit;
  const observed = {
    value: got.value,
    ...(spec.unit ? { unit: spec.unit } : {}),
    ...(got.detail ? { series: got.detail } : {}),
  };
  if (Number.isNaN(got.value)) return fail(`${name}: value is NaN`, observed);
  const value = convert(got.value, spec.unit, unit);
  const holds = compare(value, t.op, t.value);
  const shown = showValue(value, unit, t, holds);
  const limit = formatQuantity(t.value, unit);
  if (holds) return pass(`${name} ${shown} ${t.op} ${limit}`, observed);
  return fail(`${name} ${shown} ${negate(t.op)} ${limit} (threshold ${t.text})`, observed);
}
