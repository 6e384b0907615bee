/**
 * `redis`: connects to a Redis server (AUTH and database from the URL), sends PING and requires
 * PONG; with `key`, that key must exist. The client library is loaded only when the probe runs.
 *
 *   - redis: redis://:${env.REDIS_PASSWORD}@127.0.0.1:6379/0
 *     key: feature-flags
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { displayUrl, urlIssues } from "./driver.js";

/** Spec of a `redis` probe. */
export interface RedisSpec extends ProbeSpecBase {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  redis: string;
  /** A key that must exist. */
  key?: string;
}

export const SCHEMES = ["redis:", "rediss:"] as const;

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
  run: (spec, ctx) => import("./run/redis.js").then((m) => m.run(spec, ctx)),
};
