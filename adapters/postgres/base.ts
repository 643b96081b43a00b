// What every PostgreSQL store adapter shares: who owns the pool, the schema its tables live in, a
// transaction helper that discards a connection whose ROLLBACK failed, and serialized migrations.
// Each store keeps its own tables (its own consistency domain) even when they share a database.
import pg from "pg";
import type { Clock } from "../../core/clock.ts";
import { systemClock } from "../../core/clock.ts";
import { pgConfig, requireSchemaName } from "./connection.ts";

export interface PostgresStoreOptions {
  /** An existing pool (left open by close()); otherwise one is made from `url` or the PG* variables. */
  readonly pool?: pg.Pool;
  readonly url?: string;
  /** Schema holding the store's tables; tests use a fresh one each and drop it. Default `public`. */
  readonly schema?: string;
  /** Stamps times; default the system clock (these adapters do real I/O, so they are not simulated). */
  readonly clock?: Clock;
  /** Pool size when the adapter makes its own pool; default 10. */
  readonly poolMax?: number;
}

/** The SQLSTATE of a unique violation: a racing writer got there first. */
export const UNIQUE_VIOLATION = "23505";

export const isUniqueViolation = (err: unknown): boolean => (err as { code?: string } | null)?.code === UNIQUE_VIOLATION;

export class PgStore {
  readonly schema: string;
  readonly clock: Clock;

  private constructor(readonly pool: pg.Pool, schema: string, clock: Clock, private readonly ownsPool: boolean) {
    this.schema = schema;
    this.clock = clock;
  }

  /** Connects and runs `migrate` under an advisory lock named after the store and schema. */
  static async open(name: string, options: PostgresStoreOptions, migrate: (c: pg.PoolClient, s: PgStore) => Promise<void>): Promise<PgStore> {
    const schema = requireSchemaName(options.schema ?? "public");
    const ownsPool = options.pool === undefined;
    const pool = options.pool ?? new pg.Pool(pgConfig(options.url, options.poolMax ?? 10));
    const store = new PgStore(pool, schema, options.clock ?? systemClock, ownsPool);
    try {
      await store.tx(async (c) => {
        // CREATE ... IF NOT EXISTS alone races on the system catalog when two opens run at once.
        await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`checkout-sim:${name}:${schema}`]);
        await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await migrate(c, store);
      });
    } catch (err) {
      if (ownsPool) await pool.end();
      throw err;
    }
    return store;
  }

  /** A schema-qualified, quoted table name (the schema was checked by requireSchemaName). */
  table(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  /** Runs `fn` inside BEGIN/COMMIT on one client; a client whose ROLLBACK failed is discarded, not reused. */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Ends the pool if this adapter created it. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}

/**
 * Creates (or replaces) a trigger that refuses `events` on `table` (e.g. "BEFORE UPDATE OR DELETE"),
 * optionally only rows matching `condition` (a row trigger's WHEN clause).
 */
export async function refuseTrigger(c: pg.PoolClient, s: PgStore, table: string, name: string, events: string, message: string, condition?: string): Promise<void> {
  const fn = `"${s.schema}"."${name}"`;
  // The message is a constant chosen by this code, not input; pgLiteral refuses anything but plain text.
  await c.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', ${pgLiteral(message)} || ' (' || TG_OP || ' refused)'; END $$`);
  await c.query(`DROP TRIGGER IF EXISTS "${name}" ON ${s.table(table)}`);
  const level = events.includes("TRUNCATE") ? "FOR EACH STATEMENT" : "FOR EACH ROW";
  await c.query(`CREATE TRIGGER "${name}" ${events} ON ${s.table(table)} ${level} ${condition === undefined ? "" : `WHEN (${condition})`} EXECUTE FUNCTION ${fn}()`);
}

function pgLiteral(text: string): string {
  if (!/^[A-Za-z0-9 _:,.()-]*$/.test(text)) throw new Error(`trigger message must be plain text, got ${JSON.stringify(text)}`);
  return `'${text}'`;
}

/** bigint columns arrive as strings from pg; every value this code stores fits a safe integer. */
export const num = (v: string | number): number => (typeof v === "number" ? v : Number(v));
