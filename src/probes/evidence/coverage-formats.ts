/**
 * Coverage report readers. Each turns one report format into per-metric totals; `detectFormat`
 * recognises a format from the content. Readers return a string when the input is not what they read.
 */
import { childrenNamed, descendants, parseXml, type XmlElement } from "../../util/xml.js";

/** Metrics a coverage minimum can name. */
export const COVERAGE_METRICS = ["lines", "branches", "functions", "statements"] as const;
/** A coverage metric: lines, branches, functions or statements. */
export type CoverageMetric = (typeof COVERAGE_METRICS)[number];

/** Report formats the coverage probe reads. */
export const COVERAGE_FORMATS = ["istanbul-summary", "istanbul-final", "lcov", "cobertura", "clover", "jacoco"] as const;
/** A coverage report format. */
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** One metric of a report: covered and total counts when the report has them, and the percentage. */
export interface MetricValue {
  pct: number;
  covered?: number;
  total?: number;
}

/** What a report says, per metric. A metric the report does not measure is absent. */
export type CoverageTotals = Partial<Record<CoverageMetric, MetricValue>>;

/** File names looked for when the probe's target is a directory, by format (first found wins). */
export const REPORT_FILE_NAMES: Record<CoverageFormat, string[]> = {
  "istanbul-summary": ["coverage-summary.json"],
  "istanbul-final": ["coverage-final.json"],
  lcov: ["lcov.info"],
  cobertura: ["cobertura-coverage.xml", "cobertura.xml", "coverage.xml"],
  clover: ["clover.xml"],
  jacoco: ["jacoco.xml", "jacocoTestReport.xml"],
};

function counter(covered: number, total: number): MetricValue | undefined {
  if (!Number.isFinite(covered) || !Number.isFinite(total) || total <= 0) return undefined;
  return { covered, total, pct: (covered / total) * 100 };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
}

interface Tally {
  covered: number;
  total: number;
}

function tally(): Tally {
  return { covered: 0, total: 0 };
}

function add(t: Tally, covered: number, total: number): void {
  t.covered += covered;
  t.total += total;
}

function setIf(out: CoverageTotals, metric: CoverageMetric, value: MetricValue | undefined): void {
  if (value) out[metric] = value;
}

// ---------------------------------------------------------------------------------------------
// istanbul JSON
// ---------------------------------------------------------------------------------------------

function readSummary(json: unknown): CoverageTotals | string {
  if (!isRecord(json) || !isRecord(json.total)) return 'not an istanbul coverage-summary.json (no "total" object)';
  const out: CoverageTotals = {};
  for (const metric of COVERAGE_METRICS) {
    const m = json.total[metric];
    if (!isRecord(m)) continue;
    setIf(out, metric, counter(num(m.covered), num(m.total)));
  }
  return out;
}

function countHits(map: unknown): { covered: number; total: number } {
  let covered = 0;
  let total = 0;
  if (isRecord(map)) {
    for (const v of Object.values(map)) {
      total++;
      if (num(v) > 0) covered++;
    }
  }
  return { covered, total };
}

function readFinal(json: unknown): CoverageTotals | string {
  if (!isRecord(json)) return "not an istanbul coverage-final.json (not an object)";
  const files = Object.values(json).filter(isRecord);
  if (files.length === 0 && Object.keys(json).length > 0) return "not an istanbul coverage-final.json (no file entries)";
  if (files.some((f) => !isRecord(f.statementMap) || !isRecord(f.s))) {
    return "not an istanbul coverage-final.json (file entries lack statementMap/s)";
  }
  const sum: Record<CoverageMetric, Tally> = { lines: tally(), branches: tally(), functions: tally(), statements: tally() };
  for (const f of files) {
    const s = f.s as Record<string, unknown>;
    const statementMap = f.statementMap as Record<string, unknown>;
    const st = countHits(s);
    add(sum.statements, st.covered, st.total);
    const fn = countHits(f.f);
    add(sum.functions, fn.covered, fn.total);
    if (isRecord(f.b)) {
      for (const arms of Object.values(f.b)) {
        if (!Array.isArray(arms)) continue;
        for (const hits of arms as unknown[]) {
          add(sum.branches, num(hits) > 0 ? 1 : 0, 1);
        }
      }
    }
    // Line coverage as istanbul computes it: a line's count is the highest count of the statements starting on it.
    const lineHits = new Map<number, number>();
    for (const [id, loc] of Object.entries(statementMap)) {
      if (!isRecord(loc) || !isRecord(loc.start)) continue;
      const line = num(loc.start.line);
      const hits = num(s[id]);
      const prev = lineHits.get(line);
      if (prev === undefined || prev < hits) lineHits.set(line, hits);
    }
    add(sum.lines, [...lineHits.values()].filter((h) => h > 0).length, lineHits.size);
  }
  const out: CoverageTotals = {};
  for (const metric of COVERAGE_METRICS) setIf(out, metric, counter(sum[metric].covered, sum[metric].total));
  return out;
}

// ---------------------------------------------------------------------------------------------
// lcov
// ---------------------------------------------------------------------------------------------

interface LcovRecord {
  lf?: number;
  lh?: number;
  da: number[];
  fnf?: number;
  fnh?: number;
  fn: number;
  fnda: number[];
  brf?: number;
  brh?: number;
  brda: string[];
}

function newRecord(): LcovRecord {
  return { da: [], fn: 0, fnda: [], brda: [] };
}

function readLcov(text: string): CoverageTotals | string {
  const records: LcovRecord[] = [];
  let cur: LcovRecord | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    const key = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1);
    if (key === "SF") {
      cur = newRecord();
      records.push(cur);
      continue;
    }
    if (key === "end_of_record") {
      cur = undefined;
      continue;
    }
    if (!cur) continue;
    const parts = value.split(",");
    switch (key) {
      case "LF":
        cur.lf = num(value);
        break;
      case "LH":
        cur.lh = num(value);
        break;
      case "DA":
        cur.da.push(num(parts[1]));
        break;
      case "FNF":
        cur.fnf = num(value);
        break;
      case "FNH":
        cur.fnh = num(value);
        break;
      case "FN":
        cur.fn++;
        break;
      case "FNDA":
        cur.fnda.push(num(parts[0]));
        break;
      case "BRF":
        cur.brf = num(value);
        break;
      case "BRH":
        cur.brh = num(value);
        break;
      case "BRDA":
        cur.brda.push(parts[3] ?? "-");
        break;
    }
  }
  if (records.length === 0) return "not an lcov report (no SF: records)";
  const lines = tally();
  const functions = tally();
  const branches = tally();
  for (const r of records) {
    add(lines, r.lh ?? r.da.filter((h) => h > 0).length, r.lf ?? r.da.length);
    add(functions, r.fnh ?? r.fnda.filter((h) => h > 0).length, r.fnf ?? r.fn);
    add(branches, r.brh ?? r.brda.filter((t) => t !== "-" && num(t) > 0).length, r.brf ?? r.brda.length);
  }
  const out: CoverageTotals = {};
  setIf(out, "lines", counter(lines.covered, lines.total));
  setIf(out, "branches", counter(branches.covered, branches.total));
  setIf(out, "functions", counter(functions.covered, functions.total));
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML formats
// ---------------------------------------------------------------------------------------------

function rate(attrs: Record<string, string>, coveredKey: string, validKey: string, rateKey: string): MetricValue | undefined {
  const fromCounts = counter(num(attrs[coveredKey]), num(attrs[validKey]));
  if (fromCounts) return fromCounts;
  if (attrs[validKey] !== undefined && num(attrs[validKey]) === 0) return undefined;
  const r = num(attrs[rateKey]);
  return Number.isFinite(r) ? { pct: r * 100 } : undefined;
}

function readCobertura(root: XmlElement): CoverageTotals | string {
  if (root.name !== "coverage" || root.attrs["line-rate"] === undefined) {
    return `not a Cobertura report (root <${root.name}> without line-rate)`;
  }
  const out: CoverageTotals = {};
  setIf(out, "lines", rate(root.attrs, "lines-covered", "lines-valid", "line-rate"));
  setIf(out, "branches", rate(root.attrs, "branches-covered", "branches-valid", "branch-rate"));
  const methods = descendants(root, "method");
  if (methods.length > 0) {
    let covered = 0;
    for (const m of methods) {
      const hit = num(m.attrs.hits) > 0 || descendants(m, "line").some((l) => num(l.attrs.hits) > 0);
      if (hit) covered++;
    }
    setIf(out, "functions", counter(covered, methods.length));
  }
  return out;
}

function readClover(root: XmlElement): CoverageTotals | string {
  const project = root.name === "coverage" ? childrenNamed(root, "project")[0] : undefined;
  const metrics = project ? childrenNamed(project, "metrics")[0] : undefined;
  if (!project || !metrics) return `not a Clover report (root <${root.name}> without <project><metrics>)`;
  const a = metrics.attrs;
  const out: CoverageTotals = {};
  let linesCovered = 0;
  let linesTotal = 0;
  for (const file of descendants(project, "file")) {
    const seen = new Map<string, boolean>();
    for (const l of childrenNamed(file, "line")) {
      if (l.attrs.type === "method") continue;
      const n = l.attrs.num ?? "";
      // `truecount`/`falsecount` count branch arms taken and not taken: only `count` says the line ran.
      const hit = l.attrs.count !== undefined ? num(l.attrs.count) > 0 : num(l.attrs.truecount) > 0;
      seen.set(n, (seen.get(n) ?? false) || hit);
    }
    linesTotal += seen.size;
    for (const hit of seen.values()) if (hit) linesCovered++;
  }
  setIf(out, "lines", counter(linesCovered, linesTotal));
  setIf(out, "branches", counter(num(a.coveredconditionals), num(a.conditionals)));
  setIf(out, "functions", counter(num(a.coveredmethods), num(a.methods)));
  setIf(out, "statements", counter(num(a.coveredstatements), num(a.statements)));
  return out;
}

const JACOCO_COUNTERS: Record<string, CoverageMetric> = {
  LINE: "lines",
  BRANCH: "branches",
  METHOD: "functions",
  INSTRUCTION: "statements",
};

function readJacoco(root: XmlElement): CoverageTotals | string {
  if (root.name !== "report") return `not a JaCoCo report (root <${root.name}>)`;
  const out: CoverageTotals = {};
  for (const c of childrenNamed(root, "counter")) {
    const metric = JACOCO_COUNTERS[c.attrs.type ?? ""];
    if (!metric) continue;
    const covered = num(c.attrs.covered);
    setIf(out, metric, counter(covered, covered + num(c.attrs.missed)));
  }
  if (Object.keys(out).length === 0 && childrenNamed(root, "counter").length === 0) {
    return "not a JaCoCo report (no report-level <counter> elements)";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------

/** A report read: its format and totals. */
export interface CoverageReport {
  format: CoverageFormat;
  totals: CoverageTotals;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return new Error(`invalid JSON: ${(e as Error).message}`);
  }
}

function readXmlFormat(format: "cobertura" | "clover" | "jacoco", root: XmlElement): CoverageTotals | string {
  return format === "cobertura" ? readCobertura(root) : format === "clover" ? readClover(root) : readJacoco(root);
}

function xmlFormatOf(root: XmlElement): "cobertura" | "clover" | "jacoco" | undefined {
  if (root.name === "coverage" && root.attrs["line-rate"] !== undefined) return "cobertura";
  if (root.name === "coverage" && childrenNamed(root, "project").length > 0) return "clover";
  if (root.name === "report") return "jacoco";
  return undefined;
}

/** Reads a report in the given format, or detects the format when `auto`. A string is why it could not. */
export function readCoverage(text: string, format: CoverageFormat | "auto"): CoverageReport | string {
  const head = text.trimStart();
  if (format === "istanbul-summary" || format === "istanbul-final" || (format === "auto" && head.startsWith("{"))) {
    const json = parseJson(text);
    if (json instanceof Error) return json.message;
    let f: CoverageFormat;
    if (format !== "auto") f = format;
    else if (isRecord(json) && isRecord(json.total)) f = "istanbul-summary";
    else if (isRecord(json) && Object.values(json).some((v) => isRecord(v) && "statementMap" in v)) f = "istanbul-final";
    else return "JSON is neither an istanbul coverage-summary.json nor a coverage-final.json";
    const totals = f === "istanbul-summary" ? readSummary(json) : readFinal(json);
    return typeof totals === "string" ? totals : { format: f, totals };
  }
  if (format === "cobertura" || format === "clover" || format === "jacoco" || (format === "auto" && head.startsWith("<"))) {
    const root = parseXml(text);
    if (typeof root === "string") return root;
    const f = format === "auto" ? xmlFormatOf(root) : format;
    if (!f) return `XML root <${root.name}> is not a Cobertura, Clover or JaCoCo report`;
    const totals = readXmlFormat(f, root);
    return typeof totals === "string" ? totals : { format: f, totals };
  }
  if (format === "lcov" || /^(TN|SF):/m.test(text)) {
    const totals = readLcov(text);
    return typeof totals === "string" ? totals : { format: "lcov", totals };
  }
  return "not a coverage report (expected istanbul JSON, lcov, Cobertura, Clover or JaCoCo XML)";
}
