/** The run of the `redis` probe (its spec, schema and checks: ../redis.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { formatDuration, monotonicMs } from "../../util/duration.js";
import { truncate } from "../../util/text.js";
import { bounded, displayUrl, maskPassword, parseUrl } from "../driver.js";
import { fail, pass } from "../evidence/common.js";
import { type RedisSpec, SCHEMES } from "../redis.js";

export async function run(spec: RedisSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
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
