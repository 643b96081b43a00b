// Where the Redis engine connects, decided in one place: an explicit URL, else REDIS_URL, else this
// machine's local server. Also a one-shot probe so tests and the benchmark can skip with one clear
// line instead of failing when no server is reachable.
import { Redis } from "ioredis";

/** The server every Redis test and benchmark uses when nothing else is configured. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export function redisUrl(url?: string): string {
  const explicit = url ?? process.env["REDIS_URL"];
  return explicit !== undefined && explicit !== "" ? explicit : DEFAULT_REDIS_URL;
}

/** A URL for messages, without any password. */
export const describeRedis = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");

/** A client that fails fast instead of queueing commands forever while the server is away. */
export function connectRedis(url?: string): Redis {
  return new Redis(redisUrl(url), { maxRetriesPerRequest: 2, connectTimeout: 2000, enableAutoPipelining: false });
}

export type RedisProbe = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

/** Connects once (2 s timeout), reads the server version; never throws. */
export async function probeRedis(url?: string): Promise<RedisProbe> {
  const target = redisUrl(url);
  const client = new Redis(target, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const info = await client.info("server");
    return { ok: true, version: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown" };
  } catch (err) {
    const message = err instanceof Error ? err.message || err.name : String(err);
    return { ok: false, reason: `Redis not reachable at ${describeRedis(target)} (${message})` };
  } finally {
    client.disconnect();
  }
}
