// One better-sqlite3 connection for the embedded default. Each store adapter creates its own tables
// on it; they share the file but never each other's tables (separate consistency domains).
import Database from "better-sqlite3";

export type SqliteDb = Database.Database;

export interface OpenOptions {
  /** `synchronous` pragma: FULL survives power loss, NORMAL (default) only process crashes in WAL mode. */
  readonly synchronous?: "NORMAL" | "FULL";
  /** How long a writer waits for the lock before SQLITE_BUSY; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** Opens (or creates) a database file, or `:memory:`, with WAL and a busy timeout. */
export function openDatabase(path: string, options: OpenOptions = {}): SqliteDb {
  const db = new Database(path);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma("foreign_keys = ON");
  return db;
}

/**
 * Runs `fn` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so two writers
 * never both read then fail to upgrade (SQLITE_BUSY mid-transaction).
 */
export function immediate<T>(db: SqliteDb, fn: () => T): T {
  return db.transaction(fn).immediate();
}
