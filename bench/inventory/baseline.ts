// The raw baseline per engine: the same conditional reservation with no harness, no strategy
// object, no promises where the engine needs none. Each cell reports its ratio to its engine's.
//  memory: a plain loop over an array of counters, appending each reservation to the same row log.
//  sqlite: a plain better-sqlite3 loop, conditional UPDATE + INSERT, `buyers` reservations per transaction
//          (the most the batching reserver can see at once in a closed loop).
//  postgres: `buyers` plain pg clients, each looping the conditional statement in autocommit.
//  redis: `buyers` plain ioredis clients, each looping EVALSHA of the conditional Lua script (as
//         redis-benchmark loops one command), on the same hot key.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Redis } from "ioredis";
import { connectRedis } from "../../adapters/redis/connection.ts";
import { openDatabase } from "../../adapters/sqlite/db.ts";
import type { CellSetup, EngineName } from "./model.ts";
import { createPgSchema } from "./strategies/postgres.ts";
import { benchPrefix, deleteBenchPrefix, loadRedisStock, RESERVE_SCRIPT, reservationsKey, stockKey } from "./strategies/redis.ts";
import { loadSqliteStock } from "./strategies/sqlite.ts";
import { RowLog } from "./rowLog.ts";

export interface BaselineResult {
  readonly committed: number;
  readonly reservationsPerSec: number;
}

export interface BaselineLimits {
  readonly requests?: number;
  readonly durationMs?: number;
  readonly quantity: number;
}

const CHECK_EVERY = 256;

/** Runs `step(first)` until the request count or time budget is used; each step handles `perStep` requests and returns how many committed. */
function measure(limits: BaselineLimits, step: (first: number) => number, perStep = 1): BaselineResult {
  let committed = 0;
  const t0 = performance.now();
  const requestsMax = limits.requests ?? Number.POSITIVE_INFINITY;
  const deadline = t0 + (limits.durationMs ?? Number.POSITIVE_INFINITY);
  for (let i = 0; i < requestsMax; i += perStep) {
    committed += step(i);
    if ((i / perStep) % CHECK_EVERY === 0 && performance.now() >= deadline) break;
  }
  return { committed, reservationsPerSec: committed / ((performance.now() - t0) / 1000) };
}

export function memoryBaseline(setup: CellSetup, limits: BaselineLimits): BaselineResult {
  const free = new Float64Array(setup.skus.length).fill(setup.stockPerSku);
  const k = setup.skus.length;
  const q = limits.quantity;
  const rows = new RowLog();
  return measure(limits, (i) => {
    const s = i % k;
    if ((free[s] as number) < q) return 0;
    free[s] = (free[s] as number) - q;
    rows.append(s, 0, q);
    return 1;
  });
}

export function sqliteBaseline(setup: CellSetup, limits: BaselineLimits, synchronous: "NORMAL" | "FULL"): BaselineResult {
  const dir = mkdtempSync(join(tmpdir(), "checkout-sim-raw-"));
  const db = openDatabase(join(dir, "raw.db"), { synchronous });
  try {
    loadSqliteStock(db, setup, 1);
    const take = db.prepare("UPDATE stock SET reserved = reserved + ?, version = version + 1 WHERE sku = ? AND bucket = 0 AND on_hand - reserved >= ?");
    const insert = db.prepare("INSERT INTO reservation (id, sku, bucket, qty) VALUES (?, ?, 0, ?)");
    const q = limits.quantity;
    const batch = Math.max(1, setup.connections);
    let id = 0;
    const run = db.transaction((first: number): number => {
      let ok = 0;
      for (let j = 0; j < batch; j++) {
        const sku = setup.skus[(first + j) % setup.skus.length] as string;
        if (take.run(q, sku, q).changes === 1) {
          insert.run(++id, sku, q);
          ok += 1;
        }
      }
      return ok;
    });
    return measure(limits, (first) => run.immediate(first), batch);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function postgresBaseline(setup: CellSetup, limits: BaselineLimits, config: pg.PoolConfig): Promise<BaselineResult> {
  const schema = `bench_raw_${process.pid}`;
  const admin = new pg.Pool({ ...config, max: 1 });
  const clients = Array.from({ length: Math.max(1, setup.connections) }, () => new pg.Client(config));
  try {
    await createPgSchema(admin, schema, setup, 1);
    await Promise.all(clients.map((c) => c.connect()));
    const text = `WITH t AS (UPDATE "${schema}".stock SET reserved = reserved + $3, version = version + 1
                              WHERE sku = $2 AND bucket = 0 AND on_hand - reserved >= $3 RETURNING sku)
                  INSERT INTO "${schema}".reservation (id, sku, bucket, qty) SELECT $1, sku, 0, $3 FROM t`;
    let next = 0;
    let committed = 0;
    const requestsMax = limits.requests ?? Number.POSITIVE_INFINITY;
    const t0 = performance.now();
    const deadline = t0 + (limits.durationMs ?? Number.POSITIVE_INFINITY);
    await Promise.all(
      clients.map(async (c) => {
        while (next < requestsMax && performance.now() < deadline) {
          const i = next++;
          const r = await c.query({ name: "raw", text, values: [i + 1, setup.skus[i % setup.skus.length], limits.quantity] });
          committed += r.rowCount ?? 0;
        }
      }),
    );
    return { committed, reservationsPerSec: committed / ((performance.now() - t0) / 1000) };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

export async function redisBaseline(setup: CellSetup, limits: BaselineLimits, url?: string): Promise<BaselineResult> {
  const prefix = benchPrefix("raw");
  const clients: Redis[] = Array.from({ length: Math.max(1, setup.connections) }, () => connectRedis(url));
  const admin = clients[0] as Redis;
  try {
    await Promise.all(clients.map((c) => c.ping()));
    await admin.script("LOAD", RESERVE_SCRIPT.source);
    await loadRedisStock(admin, prefix, setup);
    let next = 0;
    let committed = 0;
    const requestsMax = limits.requests ?? Number.POSITIVE_INFINITY;
    const t0 = performance.now();
    const deadline = t0 + (limits.durationMs ?? Number.POSITIVE_INFINITY);
    await Promise.all(
      clients.map(async (c) => {
        while (next < requestsMax && performance.now() < deadline) {
          const i = next++;
          const sku = setup.skus[i % setup.skus.length] as string;
          const r = await c.evalsha(RESERVE_SCRIPT.sha, 2, stockKey(prefix, sku), reservationsKey(prefix, sku), i + 1, limits.quantity, "");
          if (r === 1) committed += 1;
        }
      }),
    );
    return { committed, reservationsPerSec: committed / ((performance.now() - t0) / 1000) };
  } finally {
    await deleteBenchPrefix(admin, prefix).catch(() => undefined);
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

export function engineBaseline(engine: EngineName, setup: CellSetup, limits: BaselineLimits, config: pg.PoolConfig, redisUrl?: string): Promise<BaselineResult> | BaselineResult {
  switch (engine) {
    case "memory":
      return memoryBaseline(setup, limits);
    case "sqlite-normal":
      return sqliteBaseline(setup, limits, "NORMAL");
    case "sqlite-full":
      return sqliteBaseline(setup, limits, "FULL");
    case "postgres":
      return postgresBaseline(setup, limits, config);
    case "redis":
      return redisBaseline(setup, limits, redisUrl);
  }
}
