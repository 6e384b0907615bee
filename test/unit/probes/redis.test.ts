import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisProbe } from "../../../src/probes/redis.js";
import { createMasker } from "../../../src/util/mask.js";
import { makeContext } from "../../helpers/context.js";
import { redisMissing, startRedis, type Database } from "../../helpers/databases.js";
import { closedPort, startTcpServer } from "../../helpers/servers.js";
import { execFileSync } from "node:child_process";

describe.skipIf(redisMissing)(`redis probe against redis-server${redisMissing ? ` (skipped: ${redisMissing})` : ""}`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await startRedis();
    execFileSync("redis-cli", ["-p", String(db.port), "-a", db.password, "--no-auth-warning", "SET", "feature-flags", "on"], { stdio: "ignore" });
  });
  afterAll(async () => {
    await db?.stop();
  });

  it("passes when PING answers PONG, with the password from the URL, and never shows it", async () => {
    const spec = { redis: `redis://:${db.password}@127.0.0.1:${db.port}` };
    const out = await redisProbe.run(spec, makeContext());
    expect(out.result).toBe("pass");
    expect(out.message).toMatch(new RegExp(`^redis://:\\*\\*\\*@127\\.0\\.0\\.1:${db.port}: PONG in `));
    expect(redisProbe.target(spec)).toBe(`redis://:***@127.0.0.1:${db.port}`);
  });

  it("checks that a key exists", async () => {
    const url = `redis://default:${db.password}@127.0.0.1:${db.port}/0`;
    expect(await redisProbe.run({ redis: url, key: "feature-flags" }, makeContext())).toMatchObject({ result: "pass", observed: { key_exists: true } });
    const missing = await redisProbe.run({ redis: url, key: "no-such-key" }, makeContext());
    expect(missing).toMatchObject({ result: "fail" });
    expect(missing.message).toContain('key "no-such-key" does not exist');
  });

  it("fails on a wrong password, naming the cause and masking the password", async () => {
    const secrets = createMasker();
    const out = await redisProbe.run({ redis: `redis://:wrong-pass@127.0.0.1:${db.port}` }, makeContext({ secrets }));
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/WRONGPASS|invalid password|invalid username-password/i);
    expect(secrets.mask(out.message)).not.toContain("wrong-pass");
    expect(out.message).not.toContain("wrong-pass");
  });

  it("fails without a password when the server requires one", async () => {
    const out = await redisProbe.run({ redis: `redis://127.0.0.1:${db.port}` }, makeContext());
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/NOAUTH/);
  });
});

describe("redis probe failures", () => {
  it("fails on a refused port", async () => {
    const port = await closedPort();
    const out = await redisProbe.run({ redis: `redis://127.0.0.1:${port}` }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: `redis://127.0.0.1:${port}: connection refused` });
  });

  it("fails when the server answers an error instead of PONG", async () => {
    const server = await startTcpServer("127.0.0.1", (s) => s.on("data", () => s.write("-ERR unknown command 'PING'\r\n")));
    try {
      const out = await redisProbe.run({ redis: `redis://127.0.0.1:${server.port}` }, makeContext());
      expect(out.result).toBe("fail");
      expect(out.message).toContain("ERR unknown command");
    } finally {
      await server.close();
    }
  });

  it("fails when PING answers something other than PONG", async () => {
    const server = await startTcpServer("127.0.0.1", (s) => s.on("data", (d: Buffer) => s.write(d.toString().includes("PING") ? "+HELLO\r\n" : "-ERR unknown command\r\n")));
    try {
      const out = await redisProbe.run({ redis: `redis://127.0.0.1:${server.port}` }, makeContext());
      expect(out).toMatchObject({ result: "fail", message: `redis://127.0.0.1:${server.port}: PING answered "HELLO", expected PONG` });
    } finally {
      await server.close();
    }
  });

  it("fails at the timeout when the server accepts and never answers", async () => {
    const server = await startTcpServer("127.0.0.1");
    try {
      const out = await redisProbe.run({ redis: `redis://127.0.0.1:${server.port}` }, makeContext({ timeoutMs: 300 }));
      expect(out).toMatchObject({ result: "fail", message: `redis://127.0.0.1:${server.port}: timed out after 300ms` });
    } finally {
      await server.close();
    }
  });

  it("reports an interrupt as aborted", async () => {
    const server = await startTcpServer("127.0.0.1");
    const ac = new AbortController();
    try {
      setTimeout(() => ac.abort(), 100);
      const out = await redisProbe.run({ redis: `redis://127.0.0.1:${server.port}` }, makeContext({ signal: ac.signal }));
      expect(out).toMatchObject({ result: "fail", message: `redis://127.0.0.1:${server.port}: aborted` });
    } finally {
      await server.close();
    }
  });

  it("refuses a URL of another scheme in check()", () => {
    expect(redisProbe.check?.({ redis: "http://u:pw@x:1" })).toEqual([{ path: "/redis", message: "http://u:***@x:1/: scheme must be redis:// or rediss://" }]);
    expect(redisProbe.check?.({ redis: "redis://${env.R}" })).toEqual([]);
  });
});
