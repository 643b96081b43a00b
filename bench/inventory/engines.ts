// Opens one engine x strategy pair for a benchmark cell; the only place that knows every engine.
import type pg from "pg";
import type { CellSetup, ContentionStore, EngineName, StrategyName } from "./model.ts";
import { MemoryContentionStore } from "./strategies/memory.ts";
import { PostgresContentionStore } from "./strategies/postgres.ts";
import { REDIS_STRATEGIES, RedisContentionStore } from "./strategies/redis.ts";
import { SqliteContentionStore } from "./strategies/sqlite.ts";

/** Whether an engine implements a strategy: every engine does all, except Redis (no row locks, see strategies/redis.ts). */
export function engineSupports(engine: EngineName, strategy: StrategyName): boolean {
  return engine !== "redis" || REDIS_STRATEGIES.includes(strategy);
}

export async function openContentionStore(engine: EngineName, strategy: StrategyName, setup: CellSetup, pgConfig: pg.PoolConfig, redisUrl?: string): Promise<ContentionStore> {
  switch (engine) {
    case "memory":
      return new MemoryContentionStore(strategy, setup);
    case "sqlite-normal":
      return new SqliteContentionStore(strategy, setup, "NORMAL");
    case "sqlite-full":
      return new SqliteContentionStore(strategy, setup, "FULL");
    case "postgres":
      return PostgresContentionStore.open(strategy, setup, pgConfig);
    case "redis":
      return RedisContentionStore.open(strategy, setup, redisUrl);
  }
}
