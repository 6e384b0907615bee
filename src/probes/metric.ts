/**
 * `metric`: a number from Prometheus, a JSON file or a command, compared with a threshold such as
 * `"< 10ms"` or `">= 99.9%"`. The value's `unit` and the threshold's unit convert within one
 * dimension (time, ratio, size); the message shows the value in the threshold's unit.
 *
 *   - metric: { prometheus: { url: http://prometheus:9090, query: 'histogram_quantile(0.99, ...)' } }
 *     name: p99
 *     unit: s
 *     threshold: "< 10ms"
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { truncate } from "../util/text.js";
import { compare, formatNumber, formatQuantity, parseThreshold, THRESHOLD_PATTERN, UNIT_NAMES, unitMismatch, type Threshold } from "../util/units.js";
import { parseJsonPath } from "./assert.js";
import { splitCommand } from "./command.js";
import { displayUrl } from "./driver.js";
import type { JsonSource, PrometheusSource } from "./evidence/metric-sources.js";

/** Where the value comes from: exactly one of the keys. */
export interface MetricSource {
  prometheus?: PrometheusSource;
  json?: JsonSource;
  /** Argv list, or a string split into argv (no shell); trimmed stdout is the number. */
  command?: string | string[];
}

/** Spec of a `metric` probe. */
export interface MetricSpec extends ProbeSpecBase {
  metric: MetricSource;
  /** Unit of the raw value (`s`, `ms`, `ratio`, `%`, `MiB`...); absent for a plain count. */
  unit?: string;
  /** `<op> <number>[unit]`, op one of < <= > >= == !=. A bare number is in the value's unit. */
  threshold: string;
}

export function label(spec: MetricSpec): string {
  if (spec.name) return spec.name;
  const m = spec.metric;
  if (m.prometheus) return truncate(m.prometheus.query, 80);
  if (m.json) return truncate(m.json.path, 80);
  if (m.command) return truncate(Array.isArray(m.command) ? m.command.join(" ") : m.command, 80);
  return "value";
}

function describeTarget(spec: MetricSpec): string {
  const m = spec.metric;
  if (m.prometheus) return `${m.prometheus.url} ${m.prometheus.query}`;
  if (m.json) return `${m.json.url !== undefined ? displayUrl(m.json.url) : (m.json.file ?? "")} ${m.json.path}`;
  if (m.command) return Array.isArray(m.command) ? m.command.join(" ") : m.command;
  return "(no source)";
}

/** Formats the value so that, read back, it compares with the threshold as the exact value does. */
export function showValue(value: number, unit: string | undefined, t: Threshold, holds: boolean): string {
  let extra = 0;
  while (extra < 8 && compare(Number(formatNumber(value, extra)), t.op, t.value) !== holds) extra++;
  return formatQuantity(value, unit, extra);
}

function check(spec: MetricSpec): Issue[] {
  const issues: Issue[] = [];
  if (typeof spec.threshold === "string") {
    const t = parseThreshold(spec.threshold);
    if (typeof t === "string") issues.push({ path: "/threshold", message: t });
    else {
      const mismatch = unitMismatch(t, typeof spec.unit === "string" ? spec.unit : undefined);
      if (mismatch) issues.push({ path: "/threshold", message: mismatch });
    }
  }
  const m: unknown = spec.metric;
  if (typeof m === "object" && m !== null) {
    const src = m as MetricSource;
    // Checked here rather than with maxProperties so the message can say which sources were given.
    const given = SOURCES.filter((k) => k in src);
    if (given.length > 1) {
      issues.push({ path: "/metric", message: `metric has ${given.length} sources (${given.join(", ")}): give exactly one of ${SOURCES.join(", ")}` });
    }
    if (src.json && typeof src.json === "object") {
      const where = ["file", "url"].filter((k) => k in src.json!);
      if (where.length !== 1) issues.push({ path: "/metric/json", message: `json needs exactly one of file, url${where.length > 1 ? " (both given)" : ""}` });
      if (typeof src.json.url === "string" && !/^https?:\/\/[^/]/i.test(src.json.url)) {
        issues.push({ path: "/metric/json/url", message: `json url ${JSON.stringify(displayUrl(src.json.url))} is not an http(s) URL` });
      }
    }
    if (src.json && typeof src.json.path === "string") {
      const p = parseJsonPath(src.json.path);
      if (typeof p === "string") issues.push({ path: "/metric/json/path", message: p });
    }
    if (typeof src.command === "string") {
      const split = splitCommand(src.command);
      if (typeof split === "string") issues.push({ path: "/metric/command", message: split });
      else if (split.shellSyntax.length > 0) {
        issues.push({
          path: "/metric/command",
          level: "warning",
          message: `shell syntax (${split.shellSyntax.join(" ")}) is passed literally: the metric command runs without a shell; wrap it as ["sh", "-c", "..."] if a shell is meant`,
        });
      }
    }
    if (src.prometheus && typeof src.prometheus.url === "string" && !/^https?:\/\/[^/]/i.test(src.prometheus.url)) {
      issues.push({ path: "/metric/prometheus/url", message: `Prometheus url ${JSON.stringify(src.prometheus.url)} is not an http(s) URL` });
    }
  }
  return issues;
}

const SOURCES = ["prometheus", "json", "command"] as const;

const NON_EMPTY = { type: "string", minLength: 1 } as const;

/** The `metric` probe: a number from Prometheus, a JSON file or a command against a threshold. */
export const metricProbe: Probe<MetricSpec> = {
  type: "metric",
  description: "A number from Prometheus, a JSON file or a command meets a threshold such as \"< 10ms\" or \">= 99.9%\".",
  schema: {
    type: "object",
    required: ["metric", "threshold"],
    properties: {
      metric: {
        type: "object",
        description: "Where the value comes from: exactly one of prometheus, json (a file or a URL), command.",
        minProperties: 1,
        additionalProperties: false,
        properties: {
          prometheus: {
            type: "object",
            required: ["url", "query"],
            additionalProperties: false,
            properties: {
              url: { ...NON_EMPTY, description: "Base URL of the Prometheus HTTP API." },
              query: { ...NON_EMPTY, description: "PromQL instant query yielding one sample." },
              headers: { type: "object", additionalProperties: { type: "string" }, description: "Extra request headers." },
            },
          },
          json: {
            type: "object",
            required: ["path"],
            additionalProperties: false,
            properties: {
              file: { ...NON_EMPTY, description: "JSON file, relative to the checklist (or url)." },
              url: { ...NON_EMPTY, description: "http(s) URL answering JSON to a GET (or file)." },
              path: { ...NON_EMPTY, description: 'Dotted path to the number; quote keys with dots as ["p(99.9)"].' },
            },
          },
          command: {
            description: "Command (argv list, or a string split without a shell); its trimmed stdout is the number.",
            oneOf: [NON_EMPTY, { type: "array", items: { type: "string" }, minItems: 1 }],
          },
        },
      },
      unit: { enum: [...UNIT_NAMES], description: "Unit of the raw value; absent for a plain number." },
      threshold: { type: "string", pattern: THRESHOLD_PATTERN, description: 'e.g. "< 10ms", ">= 99.9%", "== 0".' },
    },
  },
  check,
  executes: (spec) => typeof spec.metric === "object" && spec.metric !== null && spec.metric.command !== undefined,
  target: describeTarget,
  run: (spec, ctx) => import("./run/metric.js").then((m) => m.run(spec, ctx)),
};
