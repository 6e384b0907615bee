/** The run of the `mysql` probe (its spec, schema and checks: ../mysql.ts), loaded when a probe of the type first runs. */
import type { Connection } from "mysql2/promise";
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { sqlProbe } from "../driver.js";
import { type MysqlSpec, SCHEMES } from "../mysql.js";

export function run(spec: MysqlSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
