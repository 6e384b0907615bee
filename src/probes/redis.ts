/**
 * `redis`: connects to a Redis server (AUTH and database from the URL), sends PING and requires
 * PONG; with `key`, that key must exist. The client library is loaded only when the probe runs.
 *
 *   - redis: redis://:${env.REDIS_PASSWORD}@127.0.0.1:6379/0
 *     key: feature-flags
 */
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { formatDuration, monotonicMs } from "../util/duration.js";
import { truncate } from "../util/text.js";
import { bounded, displayUrl, maskPassword, parseUrl, urlIssues } from "./driver.js";
import { fail, pass } from "./evidence/common.js";

/** Spec of a `redis` probe. */
export interface RedisSpec extends ProbeSpecBase {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  redis: string;
  /** A key that must exist. */
  key?: string;
}

const SCHEMES = ["redis:", "rediss:"] as const;

async function run(spec: RedisSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const label = displayUrl(spec.redis);
  const url = parseUrl(spec.redis, SCHEMES);
  if (typeof url === "string") return fail(url);
  maskPassword(url, ctx);
  const started = monotonicMs();
  // Loaded here: validate, plans and every other probe never pay for the client.
  const { createClient } = await import("@redis/client");
  const client = createClient({
    url: spec.redis,
    // One attempt, bounded by the probe's timeout; the executor owns retries.
    socket: { connectTimeout: ctx.timeoutMs, reconnectStrategy: false },
    disableOfflineQueue: true,
    // Plain RESP2 and no CLIENT SETINFO / MAINT_NOTIFICATIONS on connect: only AUTH, SELECT, PING and EXISTS are sent,
    // which every Redis-compatible server (and version) answers.
    RESP: 2,
    disableClientInfo: true,
    maintNotifications: "disabled",
  });
  // Errors also surface from the awaited calls; without a listener the client would throw them.
  client.on("error", () => undefined);
  const stop = (): void => {
    try {
      client.destroy();
    } catch {
      // not connected
    }
  };
  const got = await bounded(
    ctx,
    async () => {
      await client.connect();
      const reply = await client.ping();
      const exists = spec.key === undefined ? undefined : await client.exists(spec.key);
      return { reply: String(reply), exists };
    },
    stop,
  );
  stop();
  if ("error" in got) return fail(`${label}: ${got.error}`);
  const ms = Math.round(monotonicMs() - started);
  const { reply, exists } = got.value;
  if (reply !== "PONG") return fail(`${label}: PING answered ${JSON.stringify(truncate(reply, 60))}, expected PONG`, { reply });
  const observed = { latency_ms: ms, ...(spec.key !== undefined ? { key_exists: exists === 1 } : {}) };
  if (spec.key !== undefined && exists !== 1) return fail(`${label}: PONG, but key ${JSON.stringify(spec.key)} does not exist`, observed);
  const keyNote = spec.key !== undefined ? `, key ${JSON.stringify(spec.key)} exists` : "";
  return pass(`${label}: PONG in ${formatDuration(ms)}${keyNote}`, observed);
}

/** The `redis` probe: see {@link RedisSpec}. */
export const redisProbe: Probe<RedisSpec> = {
  type: "redis",
  description: "A Redis server answers PING with PONG (AUTH from the URL), and optionally holds a key.",
  schema: {
    type: "object",
    required: ["redis"],
    properties: {
      redis: { type: "string", minLength: 1, description: "redis://[user:password@]host[:port][/db] (rediss:// for TLS); the password is masked." },
      key: { type: "string", minLength: 1, description: "A key that must exist." },
    },
  },
  check: (spec): Issue[] => urlIssues(spec.redis, "redis", SCHEMES),
  target: (spec) => displayUrl(spec.redis),
  run,
};
