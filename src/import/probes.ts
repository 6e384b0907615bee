/**
 * Probe suggestions from an item's text: what the words say could be checked by a machine.
 * Ports → tcp, health paths and local URLs → http, "80% coverage" → coverage, "p99 < 10ms" and
 * "error rate < 0.1%" → metric stubs, "TLS 1.3" → tls, Dockerfile / .env.example / runbooks / named
 * files → file, "database reachable" → postgres (mysql when MySQL is named), Redis → redis, gRPC
 * health → grpc, disk space → disk. Suggestions are deliberately literal: the user reviews each one.
 * Text taken from the document has `${` escaped, so it cannot become a live reference.
 */
import { escapeRefs } from "../checklist/interpolate.js";

/** A value in a suggested probe mapping: a scalar, or a nested mapping written in flow style. */
export type ProbeValue = string | number | { [key: string]: ProbeValue };

/** One suggested probe: its type key first, then its assertions, in the order they are written. */
export interface SuggestedProbe {
  type: "tcp" | "http" | "coverage" | "metric" | "tls" | "file" | "postgres" | "mysql" | "redis" | "grpc" | "disk";
  fields: [string, ProbeValue][];
}

/**
 * Variables a suggestion uses for a target the document does not name, declared once at the top of
 * the imported file with a `TODO` comment. The values are placeholders that cannot reach anything
 * (`.invalid` never resolves, `TODO/` paths do not exist): a probe left unedited fails and says why,
 * it never checks a made-up `localhost:443` or `metrics.json` that happens to exist.
 */
export const SUGGESTION_VARS: Record<string, { value: string; todo: string }> = {
  base_url: { value: "https://service.invalid", todo: "the base URL of the service under audit" },
  host: { value: "service.invalid", todo: "the host the listed ports belong to" },
  tls_endpoint: { value: "service.invalid:443", todo: "host:port of the TLS endpoint" },
  metrics_file: { value: "TODO/metrics.json", todo: "a JSON file of measured metrics (latency, error rate, availability)" },
  coverage_report: { value: "TODO/coverage-summary.json", todo: "the coverage report (istanbul json-summary, lcov, cobertura or jacoco)" },
  runbooks: { value: "TODO/runbooks/**", todo: "where the runbooks live (a glob)" },
  database_url: { value: "postgresql://app@service.invalid:5432/app", todo: "the database's URL (credentials through ${env.…})" },
  mysql_url: { value: "mysql://app@service.invalid:3306/app", todo: "the MySQL database's URL (credentials through ${env.…})" },
  redis_url: { value: "redis://service.invalid:6379", todo: "the Redis server's URL" },
  grpc_endpoint: { value: "service.invalid:50051", todo: "host:port of the gRPC health service" },
};

/** At most this many suggestions per item: more is noise. */
const MAX_PER_ITEM = 4;
/** Only the start of very long text is scanned. */
const MAX_SCAN = 4000;

const PORT = /\bports?\s{0,3}[:#=]?\s{0,3}(\d{2,5})\b/gi;
const LOCAL_HOSTPORT = /\b(?:localhost|127\.0\.0\.1):(\d{2,5})\b/g;
const HEALTH_PATH = /(?:^|[\s`'"(,])(\/(?:health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|ping)(?:\/[\w-]{1,30}){0,3})(?=$|[\s`'",).:;])/gi;
const HEALTH_WORDS = /\bhealth[ -]?check(?:s)? endpoints?\b|\bhealth endpoints?\b/i;
const URL = /\bhttps?:\/\/[^\s<>"'`)\]]{1,300}/g;
const COVERAGE_BEFORE = /(\d{1,3}(?:\.\d{1,2})?)\s{0,2}%\+?\s{0,2}(?:[A-Za-z-]{1,12}\s){0,2}coverage\b/i;
const COVERAGE_AFTER = /\bcoverage\b[^\d\n]{0,30}?(\d{1,3}(?:\.\d{1,2})?)\s{0,2}%/i;
const PCTL = /\b[pP](50|75|90|95|99|999|99\.9)\b[^\d\n<>≤]{0,25}?(<=|<|≤|under|below)\s{0,3}(\d{1,6}(?:\.\d{1,3})?)\s{0,2}(ms|s)\b/;
const PCTL_AFTER = /\b(\d{1,6}(?:\.\d{1,3})?)\s{0,2}(ms|s)\s{1,3}[pP](50|75|90|95|99|999|99\.9)\b/;
const LATENCY = /(<=|<|≤)\s{0,3}(\d{1,6}(?:\.\d{1,3})?)\s{0,2}(ms|s)\b/;
const ERROR_RATE = /\berror[ -]rate\b[^\d\n<>]{0,20}?(<=|<|≤|under|below)\s{0,3}(\d{1,3}(?:\.\d{1,4})?)\s{0,2}%/i;
const ERROR_RATE_BEFORE = /(<=|<|≤)\s{0,3}(\d{1,3}(?:\.\d{1,4})?)\s{0,2}%\s{1,3}error[ -]rate\b/i;
const AVAILABILITY = /\b(?:uptime|availability|slo)\b[^\d\n]{0,25}?(>=|>|≥)?\s{0,3}(9\d(?:\.\d{1,4})?)\s{0,2}%/i;
const AVAILABILITY_BEFORE = /(>=|>|≥)?\s{0,3}(9\d(?:\.\d{1,4})?)\s{0,2}%\s{1,3}(?:uptime|availability)\b/i;
const TLS = /\bTLS\s{0,2}v?(1\.[23])\b/i;
const DOCKER = /\bDockerfile\b|\bdocker (?:images?|configuration|containers?|integration)\b|\bcontaineri[sz]ed\b/i;
const COMPOSE = /\bdocker[ -]compose\b/i;
const ENV_EXAMPLE = /(?:^|[\s`'"(])\.env\.example\b/;
const RUNBOOK = /\brunbooks?\b/i;
const DOC_FILE = /\b([A-Z][A-Z0-9_]{2,40}\.md)\b/g;
const DATABASE = /\b(?:database|db|postgres(?:ql)?|mysql|mariadb)\b[^\n.]{0,30}?\b(?:reachable|accessible|available|up|health|connectivity|connect(?:s|ed)?|connection(?!s?\s{0,3}(?:pool|string|limit))|accepts?)\b|\bconnect(?:s|ion|ivity)?\s{1,3}to\s{1,3}(?:the\s{1,3})?(?:database|db|postgres(?:ql)?|mysql|mariadb)\b/i;
const MYSQL = /\b(?:mysql|mariadb)\b/i;
const REDIS = /\bredis\b[^\n.]{0,30}?\b(?:reachable|accessible|available|up|health|connectivity|answers|responds|ping)\b|\b(?:ping|connectivity|health)\b[^\n.]{0,30}?\bredis\b/i;
const GRPC_HEALTH = /\bgrpc\b[^\n.]{0,40}?\bhealth|\bhealth\b[^\n.]{0,40}?\bgrpc\b/i;
const DISK = /\bdisk(?:\s{1,3}space|\s{1,3}usage|\s{1,3}full)\b|\bfree\s{1,3}(?:disk\s{1,3})?space\b/i;
const CODE_PATH = /`([\w.-]{1,60}(?:\/[\w.*-]{1,60}){0,6}\.[A-Za-z][A-Za-z0-9]{0,7})`/g;

function comparator(op: string | undefined, fallback: string): string {
  switch ((op ?? "").toLowerCase()) {
    case "<":
    case "under":
    case "below":
      return "<";
    case "<=":
    case "≤":
      return "<=";
    case ">":
      return ">";
    case ">=":
    case "≥":
      return ">=";
    default:
      return fallback;
  }
}

function metric(path: string, unit: string, threshold: string): SuggestedProbe {
  return {
    type: "metric",
    fields: [
      ["metric", { json: { file: "${vars.metrics_file}", path } }],
      ["unit", unit],
      ["threshold", threshold],
    ],
  };
}

/** Coverage, latency, error-rate, availability and TLS suggestions: the ones that need numbers. */
function suggestNumbers(t: string, add: (p: SuggestedProbe) => void): void {
  const cov = COVERAGE_BEFORE.exec(t) ?? COVERAGE_AFTER.exec(t);
  if (cov?.[1] && Number(cov[1]) <= 100) add({ type: "coverage", fields: [["coverage", "${vars.coverage_report}"], ["min", Number(cov[1])]] });

  const pctl = PCTL.exec(t);
  const pctlAfter = pctl ? undefined : PCTL_AFTER.exec(t);
  if (pctl?.[1]) add(metric(`latency.p${pctl[1].replace(".", "")}`, "ms", `${comparator(pctl[2], "<")} ${pctl[3]}${pctl[4]}`));
  else if (pctlAfter?.[3]) add(metric(`latency.p${pctlAfter[3].replace(".", "")}`, "ms", `<= ${pctlAfter[1]}${pctlAfter[2]}`));
  else {
    const lat = LATENCY.exec(t);
    if (lat?.[2]) add(metric("latency", "ms", `${comparator(lat[1], "<")} ${lat[2]}${lat[3]}`));
  }
  const err = ERROR_RATE.exec(t) ?? ERROR_RATE_BEFORE.exec(t);
  if (err?.[2]) add(metric("error_rate", "%", `${comparator(err[1], "<")} ${err[2]}%`));
  const avail = AVAILABILITY.exec(t) ?? AVAILABILITY_BEFORE.exec(t);
  if (avail?.[2]) add(metric("availability", "%", `${comparator(avail[1], ">=")} ${avail[2]}%`));

  const tls = TLS.exec(t);
  if (tls?.[1]) add({ type: "tls", fields: [["tls", "${vars.tls_endpoint}"], ["min_version", `TLSv${tls[1]}`]] });
}

/**
 * Suggested probes for one item. `text` is the item's plain text (title and description), `raw`
 * its Markdown (for backticked paths), `links` the link targets found in it, and `ports` any port
 * numbers from a table's Port column.
 */
export function suggestProbes(text: string, raw: string, links: readonly string[] = [], ports: readonly number[] = []): SuggestedProbe[] {
  const t = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const r = raw.length > MAX_SCAN ? raw.slice(0, MAX_SCAN) : raw;
  const out: SuggestedProbe[] = [];
  const seen = new Set<string>();
  const add = (p: SuggestedProbe): void => {
    const key = JSON.stringify(p.fields);
    if (seen.has(key) || out.length >= MAX_PER_ITEM) return;
    seen.add(key);
    out.push(p);
  };

  // Most patterns need a digit; most item texts have none.
  const digits = /\d/.test(t);
  // A bare port ("port 5432") names no host: the host is a variable. `localhost:3001` names both.
  const targets: string[] = ports.map((p) => `\${vars.host}:${p}`);
  if (digits) {
    PORT.lastIndex = 0;
    for (let m = PORT.exec(t); m; m = PORT.exec(t)) targets.push(`\${vars.host}:${Number(m[1])}`);
    LOCAL_HOSTPORT.lastIndex = 0;
    // A host:port inside a URL gets an http suggestion instead.
    for (let m = LOCAL_HOSTPORT.exec(t); m; m = LOCAL_HOSTPORT.exec(t)) if (t[m.index - 1] !== "/") targets.push(m[0]);
  }
  for (const target of targets) {
    const port = Number(target.slice(target.lastIndexOf(":") + 1));
    if (port > 0 && port < 65536) add({ type: "tcp", fields: [["tcp", target]] });
  }

  const urls = [...links.filter((l) => /^https?:\/\//.test(l)), ...(t.match(URL) ?? [])];
  for (const url of urls) {
    const u = url.replace(/[.,;:]+$/, "");
    if (/^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/]|$)/.test(u) || /\/(?:health|healthz|ready|readyz|live|livez|ping)\b/.test(u)) {
      add({ type: "http", fields: [["http", escapeRefs(u)], ["status", 200]] });
    }
  }
  HEALTH_PATH.lastIndex = 0;
  let healthPaths = 0;
  for (let m = HEALTH_PATH.exec(t); m; m = HEALTH_PATH.exec(t)) {
    const path = m[1] ?? "";
    // A path that is part of a URL was handled above.
    if (urls.some((u) => u.includes(path))) continue;
    healthPaths++;
    add({ type: "http", fields: [["http", `\${vars.base_url}${escapeRefs(path.toLowerCase())}`], ["status", 200]] });
  }
  if (healthPaths === 0 && HEALTH_WORDS.test(t)) add({ type: "http", fields: [["http", "${vars.base_url}/health"], ["status", 200]] });

  if (digits) suggestNumbers(t, add);

  if (DATABASE.test(t)) {
    if (MYSQL.test(t)) add({ type: "mysql", fields: [["mysql", "${vars.mysql_url}"]] });
    else add({ type: "postgres", fields: [["postgres", "${vars.database_url}"]] });
  }
  if (REDIS.test(t)) add({ type: "redis", fields: [["redis", "${vars.redis_url}"]] });
  if (GRPC_HEALTH.test(t)) add({ type: "grpc", fields: [["grpc", "${vars.grpc_endpoint}"]] });
  if (DISK.test(t)) add({ type: "disk", fields: [["disk", "/"], ["min_free", "10%"]] });

  if (DOCKER.test(t)) add({ type: "file", fields: [["file", "Dockerfile"]] });
  if (COMPOSE.test(t)) add({ type: "file", fields: [["file", "docker-compose.yml"]] });
  if (ENV_EXAMPLE.test(t) || ENV_EXAMPLE.test(r)) add({ type: "file", fields: [["file", ".env.example"]] });
  if (RUNBOOK.test(t)) add({ type: "file", fields: [["file", "${vars.runbooks}"]] });
  DOC_FILE.lastIndex = 0;
  for (let m = DOC_FILE.exec(t); m; m = DOC_FILE.exec(t)) add({ type: "file", fields: [["file", escapeRefs(m[1] ?? "")]] });
  CODE_PATH.lastIndex = 0;
  for (let m = CODE_PATH.exec(r); m; m = CODE_PATH.exec(r)) {
    const p = m[1] ?? "";
    add({ type: "file", fields: [["file", escapeRefs(p.replace(/^\.\//, ""))]] });
  }
  return out;
}
