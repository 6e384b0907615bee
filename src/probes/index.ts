import type { Probe, ProbeSpecBase } from "../types.js";
import { DURATION_PATTERN } from "../util/duration.js";
import { commandProbe } from "./command.js";
import { coverageProbe } from "./coverage.js";
import { diskProbe } from "./disk.js";
import { dnsProbe } from "./dns.js";
import { envProbe } from "./env.js";
import { fileProbe } from "./file.js";
import { gossProbe } from "./goss.js";
import { grpcProbe } from "./grpc.js";
import { httpProbe } from "./http.js";
import { inspecProbe } from "./inspec.js";
import { MATCHER_DEFINITION } from "./matchers.js";
import { metricProbe } from "./metric.js";
import { mysqlProbe } from "./mysql.js";
import { postgresProbe } from "./postgres.js";
import { processProbe } from "./process.js";
import { redisProbe } from "./redis.js";
import { serviceProbe } from "./service.js";
import { tcpProbe } from "./tcp.js";
import { testsProbe } from "./tests.js";
import { tlsProbe } from "./tls.js";
import { x509Probe } from "./x509.js";

/** Every probe type, by its type key. Adding a probe type means adding a module and a line here. */
export const probes = {
  http: httpProbe,
  tcp: tcpProbe,
  command: commandProbe,
  file: fileProbe,
  coverage: coverageProbe,
  tests: testsProbe,
  tls: tlsProbe,
  dns: dnsProbe,
  env: envProbe,
  metric: metricProbe,
  redis: redisProbe,
  postgres: postgresProbe,
  mysql: mysqlProbe,
  process: processProbe,
  disk: diskProbe,
  x509: x509Probe,
  goss: gossProbe,
  inspec: inspecProbe,
  grpc: grpcProbe,
  service: serviceProbe,
} satisfies Record<string, Probe<never>>;

export type ProbeType = keyof typeof probes;
export const PROBE_TYPES = Object.keys(probes) as ProbeType[];

/** Looks a probe type up by its key. */
export function getProbe(type: string): Probe<ProbeSpecBase> | undefined {
  return (probes as Record<string, Probe<never>>)[type] as Probe<ProbeSpecBase> | undefined;
}

/** Keys every probe accepts besides its own. */
export const COMMON_PROBE_PROPERTIES: Record<string, Record<string, unknown>> = {
  name: { type: "string", minLength: 1, description: "A label for the probe in reports." },
  timeout: { type: "string", pattern: DURATION_PATTERN, description: "Per-attempt timeout, e.g. 500ms, 5s." },
  retries: { type: "integer", minimum: 0, maximum: 20, description: "Extra attempts after a failure." },
  retry_delay: { type: "string", pattern: DURATION_PATTERN, description: "Pause between attempts." },
};

/**
 * The full JSON Schema of one probe type: its own schema plus the common keys, closed to unknown
 * keys, with the matcher definition its keys may refer to (so it compiles on its own).
 */
export function probeSchema(type: string): Record<string, unknown> {
  const probe = getProbe(type);
  if (!probe) throw new Error(`unknown probe type ${type}`);
  const own = probe.schema;
  const props = { ...((own.properties as Record<string, unknown> | undefined) ?? {}), ...COMMON_PROBE_PROPERTIES };
  return { ...own, type: "object", properties: props, additionalProperties: false, description: probe.description, definitions: { matcher: MATCHER_DEFINITION } };
}
