// Opens one engine x strategy pair for a benchmark cell; the only place that knows every engine.
import type pg from "pg";
import type { CellSetup, ContentionStore, EngineName, StrategyName } from "./model.ts";
import { MemoryContentionStore } from "./strategies/memory.ts";
import { PostgresContentionStore } from "./strategies/postgres.ts";
import { SqliteContentionStore } from "./strategies/sqlite.ts";

export async function openContentionStore(engine: EngineName, strategy: StrategyName, setup: CellSetup, pgConfig: pg.PoolConfig): Promise<ContentionStore> {
  switch (engine) {
    case "memory":
      return new MemoryContentionStore(strategy, setup);
    case "sqlite-normal":
      return new SqliteContentionStore(strategy, setup, "NORMAL");
    case "sqlite-full":
      return new SqliteContentionStore(strategy, setup, "FULL");
    case "postgres":
      return PostgresContentionStore.open(strategy, setup, pgConfig);
  }
}
