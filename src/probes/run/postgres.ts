/** The run of the `postgres` probe (its spec, schema and checks: ../postgres.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { sqlProbe } from "../driver.js";
import { type PostgresSpec, SCHEMES } from "../postgres.js";

export function run(spec: PostgresSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  return sqlProbe(spec.postgres, SCHEMES, spec, ctx, async () => {
    // Loaded here: validate, plans and every other probe never pay for the driver.
    const { default: pg } = await import("pg");
    const client = new pg.Client({
      connectionString: spec.postgres,
      connectionTimeoutMillis: ctx.timeoutMs,
      // The server stops the query itself at the probe's timeout too, so nothing keeps running there.
      statement_timeout: ctx.timeoutMs,
      application_name: "readiness",
    });
    // Errors after connecting (a server shutting down) also reject the pending call; without a listener they would throw.
    client.on("error", () => undefined);
    return {
      run: async (sql) => {
        await client.connect();
        return (await client.query<unknown[]>({ text: sql, rowMode: "array" })).rows;
      },
      stop: () => void client.end().catch(() => undefined),
    };
  });
}
