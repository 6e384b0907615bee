/**
 * `mysql`: connects to MySQL or MariaDB (credentials and database from the URL), runs a query
 * (default `SELECT 1`) and checks its first value or its row count, as the postgres probe does.
 * The `mysql2` driver is loaded only when the probe runs.
 *
 *   - mysql: mysql://app:${env.MYSQL_PASSWORD}@127.0.0.1:3306/app
 *     query: SELECT count(*) FROM orders
 *     expect: { gte: 1 }
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { displayUrl, QUERY_PROPERTIES, queryIssues, type QuerySpec, urlIssues } from "./driver.js";

/** Spec of a `mysql` probe. */
export interface MysqlSpec extends ProbeSpecBase, QuerySpec {
  /** `mysql://user:password@host:port/database`. */
  mysql: string;
}

export const SCHEMES = ["mysql:", "mariadb:"] as const;

/** The `mysql` probe: see {@link MysqlSpec}. */
export const mysqlProbe: Probe<MysqlSpec> = {
  type: "mysql",
  description: "MySQL or MariaDB accepts a connection and a query returns the expected value or row count.",
  schema: {
    type: "object",
    required: ["mysql"],
    properties: {
      mysql: { type: "string", minLength: 1, description: "mysql://user:password@host:port/database; the password is masked." },
      ...QUERY_PROPERTIES,
    },
  },
  check: (spec): Issue[] => [...urlIssues(spec.mysql, "mysql", SCHEMES), ...queryIssues(spec)],
  target: (spec) => displayUrl(spec.mysql),
  run: (spec, ctx) => import("./run/mysql.js").then((m) => m.run(spec, ctx)),
};
