/**
 * `mysql`: connects to MySQL or MariaDB (credentials and database from the URL), runs a query
 * (default `SELECT 1`) and checks its first value or its row count, as the postgres probe does.
 * The `mysql2` driver is loaded only when the probe runs.
 *
 *   - mysql: mysql://app:${env.MYSQL_PASSWORD}@127.0.0.1:3306/app
 *     query: SELECT count(*) FROM orders
 *     expect: { gte: 1 }
 */
import type { Connection } from "mysql2/promise";
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { displayUrl, QUERY_PROPERTIES, queryIssues, type QuerySpec, sqlProbe, urlIssues } from "./driver.js";

/** Spec of a `mysql` probe. */
export interface MysqlSpec extends ProbeSpecBase, QuerySpec {
  /** `mysql://user:password@host:port/database`. */
  mysql: string;
}

const SCHEMES = ["mysql:", "mariadb:"] as const;

function run(spec: MysqlSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  return sqlProbe(spec.mysql, SCHEMES, spec, ctx, async (url) => {
    // Loaded here: validate, plans and every other probe never pay for the driver.
    const { createConnection } = await import("mysql2/promise");
    let conn: Connection | undefined;
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      conn?.destroy();
    };
    return {
      run: async (sql) => {
        // mysql2 reads only mysql:// URLs; mariadb:// is the same protocol.
        url.protocol = "mysql:";
        conn = await createConnection({ uri: url.href, connectTimeout: ctx.timeoutMs });
        // An error after the query (the server going away) must not throw out of the probe.
        conn.on("error", () => undefined);
        if (stopped) stop();
        const [rows] = await conn.query({ sql, rowsAsArray: true, timeout: ctx.timeoutMs });
        return Array.isArray(rows) ? (rows as unknown[][]) : [];
      },
      stop,
    };
  });
}

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
  run,
};
