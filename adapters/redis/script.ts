// A Lua script run by its SHA (EVALSHA), loaded on first use: the whole script is sent once per
// server, not on every call, and a server that forgot it (restart, SCRIPT FLUSH) gets it again.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
