/**
 * `postgres`: connects to PostgreSQL (credentials, database and `sslmode` from the URL), runs a query
 * (default `SELECT 1`) and checks its first value or its row count. The `pg` driver is loaded only
 * when the probe runs.
 *
 *   - postgres: postgresql://app:${env.PGPASSWORD}@127.0.0.1:5432/app
 *     query: SELECT count(*) FROM pg_stat_activity
 *     expect: { gte: 1 }
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { displayUrl, QUERY_PROPERTIES, queryIssues, type QuerySpec, urlIssues } from "./driver.js";

/** Spec of a `postgres` probe. */
export interface PostgresSpec extends ProbeSpecBase, QuerySpec {
  /** `postgresql://user:password@host:port/database?sslmode=...`. */
  postgres: string;
}

export const SCHEMES = ["postgresql:", "postgres:"] as const;

/** The `postgres` probe: see {@link PostgresSpec}. */
export const postgresProbe: Probe<PostgresSpec> = {
  type: "postgres",
  description: "PostgreSQL accepts a connection and a query returns the expected value or row count.",
  schema: {
    type: "object",
    required: ["postgres"],
    properties: {
      postgres: { type: "string", minLength: 1, description: "postgresql://user:password@host:port/database (sslmode=... as a query parameter); the password is masked." },
      ...QUERY_PROPERTIES,
    },
  },
  check: (spec): Issue[] => [...urlIssues(spec.postgres, "postgres", SCHEMES), ...queryIssues(spec)],
  target: (spec) => displayUrl(spec.postgres),
  run: (spec, ctx) => import("./run/postgres.js").then((m) => m.run(spec, ctx)),
};
