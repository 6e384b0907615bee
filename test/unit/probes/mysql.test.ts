import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mysqlProbe } from "../../../src/probes/mysql.js";
import { createMasker } from "../../../src/util/mask.js";
import { makeContext } from "../../helpers/context.js";
import { mariadbMissing, startMariadb, type Database } from "../../helpers/databases.js";
import { closedPort, startTcpServer } from "../../helpers/servers.js";

describe.skipIf(mariadbMissing)(`mysql probe against MariaDB${mariadbMissing ? ` (skipped: ${mariadbMissing})` : ""}`, () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await startMariadb();
    url = `mysql://app:${db.password}@127.0.0.1:${db.port}/app`;
  }, 90_000);
  afterAll(async () => {
    await db?.stop();
  });

  it("connects and runs SELECT 1 by default; the password never shows", async () => {
    const out = await mysqlProbe.run({ mysql: url }, makeContext());
    expect(out).toMatchObject({ result: "pass", observed: { rows: 1, value: 1 } });
    expect(out.message).toMatch(new RegExp(`^mysql://app:\\*\\*\\*@127\\.0\\.0\\.1:${db.port}/app: SELECT 1 returned 1 row, first value 1 in `));
    expect(mysqlProbe.target({ mysql: url })).toBe(`mysql://app:***@127.0.0.1:${db.port}/app`);
  });

  it("checks the first value and the row count of a query", async () => {
    expect(await mysqlProbe.run({ mysql: url, query: "SELECT count(*) FROM items", expect: 3 }, makeContext())).toMatchObject({ result: "pass" });
    // MySQL has no boolean type: TRUE comes back as 1, which equals true.
    expect(await mysqlProbe.run({ mysql: url, query: "SELECT TRUE", expect: true }, makeContext())).toMatchObject({ result: "pass", observed: { value: 1 } });
    expect(await mysqlProbe.run({ mysql: url, query: "SELECT id FROM items", rows: { gte: 2 } }, makeContext())).toMatchObject({ result: "pass", observed: { rows: 3 } });
    const out = await mysqlProbe.run({ mysql: url, query: "SELECT count(*) FROM items", expect: { lt: 2 } }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: expect.stringMatching(/SELECT count\(\*\) FROM items returned 1 row: first value: expected < 2, got 3$/) as string });
  });

  it("fails on a wrong password without showing it", async () => {
    const secrets = createMasker();
    const out = await mysqlProbe.run({ mysql: `mysql://app:not-the-password@127.0.0.1:${db.port}/app` }, makeContext({ secrets }));
    expect(out.result).toBe("fail");
    expect(out.message).toContain("Access denied for user 'app'");
    expect(out.message).not.toContain("not-the-password");
  });

  it("a slow query fails at the timeout", async () => {
    const out = await mysqlProbe.run({ mysql: url, query: "SELECT SLEEP(30)" }, makeContext({ timeoutMs: 800 }));
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/timed out after 800ms|timeout/i);
  });
});

describe("mysql probe failures", () => {
  it("fails on a refused port", async () => {
    const port = await closedPort();
    const out = await mysqlProbe.run({ mysql: `mysql://root:pw@127.0.0.1:${port}/db` }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: `mysql://root:***@127.0.0.1:${port}/db: connection refused` });
  });

  it("fails at the timeout when the server accepts and never answers", async () => {
    const server = await startTcpServer("127.0.0.1");
    try {
      const out = await mysqlProbe.run({ mysql: `mysql://root@127.0.0.1:${server.port}/db` }, makeContext({ timeoutMs: 300 }));
      expect(out.result).toBe("fail");
      expect(out.message).toMatch(new RegExp(`^mysql://root@127\\.0\\.0\\.1:${server.port}/db: timed out after 300ms$`));
    } finally {
      await server.close();
    }
  });
});
