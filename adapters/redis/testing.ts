// Test support for the Redis engine: probe the server once per test file, give every suite its own key
// prefix (pid + counter: parallel test files never collide), and delete the prefix's keys afterwards.
import type { Redis } from "ioredis";
import { probeRedis, type RedisProbe } from "./connection.ts";

export async function redisForTests(): Promise<{ readonly available: boolean; readonly probe: RedisProbe }> {
  const probe = await probeRedis();
  if (!probe.ok && process.env["CHECKOUT_SIM_REQUIRE_ENGINES"] === "1") throw new Error(`redis tests must run here (CHECKOUT_SIM_REQUIRE_ENGINES=1): ${probe.reason}`);
  if (!probe.ok) process.stderr.write(`redis tests skipped: ${probe.reason}\n`);
  return { available: probe.ok, probe };
}

let counter = 0;

export function freshPrefix(name: string): string {
  counter += 1;
  return `checkout-sim-test:${name}:${process.pid}:${counter}:`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS, so a shared server is not blocked). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  if (!prefix.startsWith("checkout-sim-test:")) throw new Error(`refusing to delete keys under ${prefix}`);
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 500);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}
