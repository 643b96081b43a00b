// The monolith baseline's one database, on either engine: the same parameterized SQL runs on SQLite
// (better-sqlite3) and on PostgreSQL (pg), so the baseline has one implementation and the same
// semantics everywhere. SQL is written with `?` placeholders; PostgreSQL gets `$1, $2, ...`.
import pg from "pg";
import type { SqliteDb } from "../sqlite/db.ts";
import { inTransaction, pgConfig, requireSchemaName } from "../postgres/connection.ts";

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface MonolithSql {
  readonly engine: "sqlite" | "postgres";
  /** Rows of one query, in autocommit. */
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** One write, in autocommit; the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Several writes in one transaction, all or none; each one's changed rows. */
  batch(statements: readonly Statement[]): Promise<number[]>;
  /** Schema statements (no parameters), once at open. */
  exec(ddl: string): Promise<void>;
}

export function sqliteSql(db: SqliteDb): MonolithSql {
  const changes = (s: Statement) => db.prepare(s.sql).run(...(s.params as unknown[])).changes;
  return {
    engine: "sqlite",
    all: async <T>(sql: string, params: readonly unknown[] = []) => db.prepare(sql).all(...(params as unknown[])) as T[],
    run: async (sql, params = []) => changes({ sql, params }),
    batch: async (statements) => db.transaction(() => statements.map(changes)).immediate(),
    exec: async (ddl) => void db.exec(ddl),
  };
}

/** `?` -> `$n`; the monolith's SQL never has a `?` inside a string literal. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * One autocommit statement on a client taken for it. Not `pool.query`: that hands the query to a
 * client from a callback that may run in whichever call released the client, and a harness that
 * attributes statements to the async call issuing them (simulator/live/statementCounter.ts) would
 * then credit the wrong caller.
 */
async function query(pool: pg.Pool, sql: string, params: readonly unknown[]): Promise<pg.QueryResult> {
  const client = await pool.connect();
  try {
    return await client.query(toPgPlaceholders(sql), params as unknown[]);
  } finally {
    client.release();
  }
}

/** PostgreSQL through a pool whose connections have the monolith's schema on their search_path. */
export function postgresSql(pool: pg.Pool): MonolithSql {
  return {
    engine: "postgres",
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await query(pool, sql, params)).rows as T[],
    run: async (sql, params = []) => (await query(pool, sql, params)).rowCount ?? 0,
    batch: (statements) =>
      inTransaction(pool, async (client) => {
        const out: number[] = [];
        for (const s of statements) out.push((await client.query(toPgPlaceholders(s.sql), s.params as unknown[])).rowCount ?? 0);
        return out;
      }),
    exec: async (ddl) => void (await pool.query(ddl)),
  };
}

/**
 * A pool whose connections see `schema` first on their search_path (created if missing), so the
 * monolith's SQL names its tables plainly on both engines. The caller ends the pool. `observePool` sees
 * the pool before any connection opens.
 */
export async function openMonolithPool(options: { readonly url?: string; readonly schema: string; readonly poolMax?: number; readonly observePool?: (pool: pg.Pool) => void }): Promise<pg.Pool> {
  const schema = requireSchemaName(options.schema);
  const pool = new pg.Pool({ ...pgConfig(options.url, options.poolMax ?? 10), options: `-c search_path=${schema}` });
  options.observePool?.(pool); // before the first connection, so a meter sees every one
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}

/** Integer columns: SQLite hands numbers, PostgreSQL BIGINT hands strings; every value here is a safe integer. */
export const int = (v: string | number | bigint): number => Number(v);
