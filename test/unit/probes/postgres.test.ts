import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresProbe } from "../../../src/probes/postgres.js";
import { createMasker } from "../../../src/util/mask.js";
import { makeContext } from "../../helpers/context.js";
import { postgresMissing, startPostgres, type Database } from "../../helpers/databases.js";
import { closedPort, startTcpServer } from "../../helpers/servers.js";

describe.skipIf(postgresMissing)(`postgres probe against PostgreSQL${postgresMissing ? ` (skipped: ${postgresMissing})` : ""}`, () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await startPostgres();
    url = `postgresql://app:${db.password}@127.0.0.1:${db.port}/app`;
  }, 60_000);
  afterAll(async () => {
    await db?.stop();
  });

  it("connects and runs SELECT 1 by default; the password never shows", async () => {
    const out = await postgresProbe.run({ postgres: url }, makeContext());
    expect(out).toMatchObject({ result: "pass", observed: { rows: 1, value: 1 } });
    expect(out.message).toMatch(new RegExp(`^postgresql://app:\\*\\*\\*@127\\.0\\.0\\.1:${db.port}/app: SELECT 1 returned 1 row, first value 1 in `));
    expect(postgresProbe.target({ postgres: url })).toBe(`postgresql://app:***@127.0.0.1:${db.port}/app`);
  });

  it("compares the first value with expect (a bigint count compares as a number)", async () => {
    const query = "SELECT count(*) FROM pg_stat_activity";
    expect(await postgresProbe.run({ postgres: url, query, expect: { gte: 1 } }, makeContext())).toMatchObject({ result: "pass" });
    const out = await postgresProbe.run({ postgres: url, query, expect: { gt: 100000 } }, makeContext());
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/SELECT count\(\*\) FROM pg_stat_activity returned 1 row: first value: expected > 100000, got "\d+"$/);
    expect(await postgresProbe.run({ postgres: url, query: "SELECT 'ok'", expect: "ok" }, makeContext())).toMatchObject({ result: "pass" });
    expect(await postgresProbe.run({ postgres: url, query: "SELECT current_user", expect: { matches: "^app$" } }, makeContext())).toMatchObject({ result: "pass" });
    // A timestamp is compared as ISO text; a count returned as text equals the number.
    const now = await postgresProbe.run({ postgres: url, query: "SELECT timestamptz '2026-01-02 03:04:05Z'", expect: { matches: "^2026-01-02T03:04:05" } }, makeContext());
    expect(now).toMatchObject({ result: "pass", observed: { value: "2026-01-02T03:04:05.000Z" } });
    expect(await postgresProbe.run({ postgres: url, query: "SELECT count(*) FROM generate_series(1, 3)", expect: 3 }, makeContext())).toMatchObject({ result: "pass" });
  });

  it("counts rows with rows:", async () => {
    const query = "SELECT * FROM generate_series(1, 3)";
    expect(await postgresProbe.run({ postgres: url, query, rows: 3 }, makeContext())).toMatchObject({ result: "pass", observed: { rows: 3 } });
    const out = await postgresProbe.run({ postgres: url, query: "SELECT 1 WHERE false", rows: { gte: 1 } }, makeContext());
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/SELECT 1 WHERE false returned no rows: rows: expected >= 1, got 0$/);
  });

  it("fails with the server's cause on a bad query", async () => {
    const out = await postgresProbe.run({ postgres: url, query: "SELECT * FROM no_such_table" }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: expect.stringContaining('relation "no_such_table" does not exist') as string });
  });

  it("fails on a wrong password without showing it", async () => {
    const secrets = createMasker();
    const out = await postgresProbe.run({ postgres: `postgresql://app:not-the-password@127.0.0.1:${db.port}/app` }, makeContext({ secrets }));
    expect(out.result).toBe("fail");
    expect(out.message).toContain('password authentication failed for user "app"');
    expect(out.message).not.toContain("not-the-password");
  });

  it("a slow query fails at the timeout", async () => {
    const out = await postgresProbe.run({ postgres: url, query: "SELECT pg_sleep(30)" }, makeContext({ timeoutMs: 500 }));
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/timed out after 500ms|statement timeout/);
  });
});

describe("postgres probe failures", () => {
  it("fails on a refused port", async () => {
    const port = await closedPort();
    const out = await postgresProbe.run({ postgres: `postgresql://u:pw@127.0.0.1:${port}/db` }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: `postgresql://u:***@127.0.0.1:${port}/db: connection refused` });
  });

  it("fails at the timeout when the server accepts and never answers", async () => {
    const server = await startTcpServer("127.0.0.1");
    try {
      const out = await postgresProbe.run({ postgres: `postgresql://u@127.0.0.1:${server.port}/db` }, makeContext({ timeoutMs: 300 }));
      expect(out).toMatchObject({ result: "fail", message: `postgresql://u@127.0.0.1:${server.port}/db: timed out after 300ms` });
    } finally {
      await server.close();
    }
  });

  it("check() refuses another scheme and a bad regex, hiding the password", () => {
    expect(postgresProbe.check?.({ postgres: "mysql://u:pw@h/db", expect: { matches: "(" } })).toEqual([
      { path: "/postgres", message: "mysql://u:***@h/db: scheme must be postgresql:// or postgres://" },
      { path: "/expect/matches", level: "error", message: expect.stringContaining("invalid regular expression") as string },
    ]);
  });
});
