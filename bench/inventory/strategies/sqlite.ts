// Every contention strategy on SQLite (better-sqlite3, WAL). Concurrency model: N connections to one
// file, used by interleaved async clients on one thread. better-sqlite3 is synchronous and SQLite
// admits one writer at a time, so worker threads would add message passing but no write parallelism;
// what matters is that a client may hold the write lock across an await (read, think, write), and
// then others meet SQLITE_BUSY. busy_timeout is 0 because a blocking wait on one thread would stall
// the lock holder too; busy clients back off a macrotask turn and retry, and each retry is counted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { openDatabase } from "../../../adapters/sqlite/db.ts";
import { Batcher } from "../batcher.ts";
import type { CellSetup, ContentionStore, Counters, ReserveOutcome, SkuSnapshot, StrategyName } from "../model.ts";
import { zeroCounters } from "../model.ts";
import { backoff, think } from "../pacing.ts";

export type Synchronous = "NORMAL" | "FULL";

/** Busy retries before a request gives up (an abort); generous, since holders release within a turn. */
const BUSY_TRIES_MAX = 100_000;

export const SQLITE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS stock (
    sku TEXT NOT NULL, bucket INTEGER NOT NULL, on_hand INTEGER NOT NULL, reserved INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (sku, bucket),
    CHECK (reserved >= 0 AND reserved <= on_hand)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS reservation (
    id INTEGER PRIMARY KEY, sku TEXT NOT NULL, bucket INTEGER NOT NULL, qty INTEGER NOT NULL CHECK (qty > 0),
    active INTEGER NOT NULL DEFAULT 1);
  CREATE TABLE IF NOT EXISTS movement (
    id INTEGER PRIMARY KEY, sku TEXT NOT NULL, bucket INTEGER NOT NULL, delta INTEGER NOT NULL);`;

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: string }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_LOCKED";
};

interface Statements {
  readonly select: Database.Statement<[string, number], { free: number; version: number; reserved: number }>;
  readonly take: Database.Statement<[number, string, number, number]>;
  readonly cas: Database.Statement<[number, string, number, number, number]>;
  readonly setReserved: Database.Statement<[number, string, number]>;
  readonly insert: Database.Statement<[number, string, number, number]>;
  readonly begin: Database.Statement;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;
}

function prepare(db: Database.Database): Statements {
  return {
    select: db.prepare("SELECT on_hand - reserved AS free, version, reserved FROM stock WHERE sku = ? AND bucket = ?"),
    take: db.prepare("UPDATE stock SET reserved = reserved + ?, version = version + 1 WHERE sku = ? AND bucket = ? AND on_hand - reserved >= ?"),
    cas: db.prepare("UPDATE stock SET reserved = reserved + ?, version = version + 1 WHERE sku = ? AND bucket = ? AND version = ? AND on_hand - reserved >= ?"),
    setReserved: db.prepare("UPDATE stock SET reserved = ? WHERE sku = ? AND bucket = ?"),
    insert: db.prepare("INSERT INTO reservation (id, sku, bucket, qty) VALUES (?, ?, ?, ?)"),
    begin: db.prepare("BEGIN IMMEDIATE"),
    commit: db.prepare("COMMIT"),
    rollback: db.prepare("ROLLBACK"),
  };
}

interface Conn {
  readonly db: Database.Database;
  readonly st: Statements;
}

/** Loads stock for a cell into a fresh database file: one receipt movement per SKU, split over buckets. */
export function loadSqliteStock(db: Database.Database, setup: CellSetup, buckets: number): void {
  db.exec(SQLITE_SCHEMA);
  const stock = db.prepare("INSERT INTO stock (sku, bucket, on_hand) VALUES (?, ?, ?)");
  const movement = db.prepare("INSERT INTO movement (sku, bucket, delta) VALUES (?, ?, ?)");
  db.transaction(() => {
    for (const sku of setup.skus)
      for (let b = 0; b < buckets; b++) {
        const units = Math.floor(setup.stockPerSku / buckets) + (b < setup.stockPerSku % buckets ? 1 : 0);
        stock.run(sku, b, units);
        movement.run(sku, b, units);
      }
  })();
}

export class SqliteContentionStore implements ContentionStore {
  readonly counters: Counters = zeroCounters();
  readonly engine;
  private readonly dir: string;
  private readonly conns: Conn[] = [];
  private readonly free: Conn[] = [];
  private readonly waiters: Array<(c: Conn) => void> = [];
  private nextId = 1;
  private roundRobin = 0;
  private readonly k: number;
  private readonly batcher: Batcher<{ sku: string; qty: number }, ReserveOutcome>;
  readonly reserve: (sku: string, quantity: number) => Promise<ReserveOutcome>;

  constructor(readonly strategy: StrategyName, private readonly setup: CellSetup, synchronous: Synchronous) {
    this.engine = synchronous === "FULL" ? ("sqlite-full" as const) : ("sqlite-normal" as const);
    this.dir = mkdtempSync(join(tmpdir(), "checkout-sim-bench-"));
    const file = join(this.dir, "inventory.db");
    this.k = strategy === "buckets" ? setup.buckets : 1;
    for (let i = 0; i < Math.max(1, setup.connections); i++) {
      const db = openDatabase(file, { synchronous, busyTimeoutMs: 0 });
      if (i === 0) loadSqliteStock(db, setup, this.k);
      const conn = { db, st: prepare(db) };
      this.conns.push(conn);
      this.free.push(conn);
    }
    const writer = this.conns[0] as Conn;
    this.batcher = new Batcher((batch) => this.writeBatch(writer, batch));
    const strategies: Record<StrategyName, (sku: string, q: number) => Promise<ReserveOutcome>> = {
      pessimistic: (s, q) => this.withConn((c) => this.pessimistic(c, s, q)),
      conditional: (s, q) => this.withConn((c) => this.busyRetry(() => c.db.transaction(() => this.take(c, s, 0, q)).immediate())),
      optimistic: (s, q) => this.withConn((c) => this.optimistic(c, s, q)),
      buckets: (s, q) => this.withConn((c) => this.busyRetry(() => c.db.transaction(() => this.roundRobinClaim(c, s, q)).immediate())),
      batching: (s, q) => this.batcher.submit({ sku: s, qty: q }),
      broken: (s, q) => this.withConn((c) => this.broken(c, s, q)),
    };
    this.reserve = strategies[strategy];
  }

  /** One connection per client at a time, like a connection pool. */
  private async withConn<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    const conn = this.free.pop() ?? (await new Promise<Conn>((resolve) => this.waiters.push(resolve)));
    try {
      return await fn(conn);
    } finally {
      const next = this.waiters.shift();
      if (next !== undefined) next(conn);
      else this.free.push(conn);
    }
  }

  private async busyRetry<T>(fn: () => T): Promise<T | ReserveOutcome> {
    for (let tries = 0; tries < BUSY_TRIES_MAX; tries++) {
      try {
        return fn();
      } catch (err) {
        if (!isBusy(err)) throw err;
        this.counters.busy += 1;
        await backoff();
      }
    }
    this.counters.aborts += 1;
    return { ok: false, reason: "aborted" };
  }

  private take(c: Conn, sku: string, bucket: number, qty: number): ReserveOutcome {
    if (c.st.take.run(qty, sku, bucket, qty).changes !== 1) return { ok: false, reason: "sold-out" };
    const id = this.nextId++;
    c.st.insert.run(id, sku, bucket, qty);
    return { ok: true, id };
  }

  private roundRobinClaim(c: Conn, sku: string, qty: number): ReserveOutcome {
    const start = this.roundRobin++ % this.k;
    for (let i = 0; i < this.k; i++) {
      const out = this.take(c, sku, (start + i) % this.k, qty);
      if (out.ok) return out;
    }
    return { ok: false, reason: "sold-out" };
  }

  private async pessimistic(c: Conn, sku: string, qty: number): Promise<ReserveOutcome> {
    const began = await this.busyRetry(() => c.st.begin.run());
    if ("ok" in began) return began;
    try {
      const row = c.st.select.get(sku, 0);
      await think(); // the lock is held across the application's decision, as with a real client
      if (row === undefined || row.free < qty) {
        c.st.commit.run();
        return { ok: false, reason: "sold-out" };
      }
      const out = this.take(c, sku, 0, qty);
      c.st.commit.run();
      return out;
    } catch (err) {
      if (c.db.inTransaction) c.st.rollback.run();
      throw err;
    }
  }

  private async optimistic(c: Conn, sku: string, qty: number): Promise<ReserveOutcome> {
    for (let attempt = 0; attempt <= this.setup.retriesMax; attempt++) {
      if (attempt > 0) this.counters.retries += 1;
      const row = c.st.select.get(sku, 0);
      await think();
      if (row === undefined || row.free < qty) return { ok: false, reason: "sold-out" };
      const out = await this.busyRetry(() =>
        c.db.transaction((): ReserveOutcome | undefined => {
          if (c.st.cas.run(qty, sku, 0, row.version, qty).changes !== 1) return undefined;
          const id = this.nextId++;
          c.st.insert.run(id, sku, 0, qty);
          return { ok: true, id };
        }).immediate(),
      );
      if (out !== undefined) return out;
    }
    this.counters.aborts += 1;
    return { ok: false, reason: "aborted" };
  }

  /** Deliberately wrong: the read is not in the write's transaction, and the write sets an absolute value. */
  private async broken(c: Conn, sku: string, qty: number): Promise<ReserveOutcome> {
    const row = c.st.select.get(sku, 0);
    await think();
    if (row === undefined || row.free < qty) return { ok: false, reason: "sold-out" };
    return this.busyRetry(() =>
      c.db.transaction((): ReserveOutcome => {
        c.st.setReserved.run(row.reserved + qty, sku, 0);
        const id = this.nextId++;
        c.st.insert.run(id, sku, 0, qty);
        return { ok: true, id };
      }).immediate(),
    );
  }

  private async writeBatch(c: Conn, batch: readonly { sku: string; qty: number }[]): Promise<ReserveOutcome[]> {
    const out = await this.busyRetry(() => c.db.transaction(() => batch.map((r) => this.take(c, r.sku, 0, r.qty))).immediate());
    return Array.isArray(out) ? out : batch.map(() => out);
  }

  async release(id: number): Promise<boolean> {
    return this.withConn(async (c) => {
      const out = await this.busyRetry(() =>
        c.db.transaction(() => {
          const r = c.db.prepare("UPDATE reservation SET active = 0 WHERE id = ? AND active = 1 RETURNING sku, bucket, qty").get(id) as { sku: string; bucket: number; qty: number } | undefined;
          if (r === undefined) return false;
          c.db.prepare("UPDATE stock SET reserved = reserved - ?, version = version + 1 WHERE sku = ? AND bucket = ?").run(r.qty, r.sku, r.bucket);
          return true;
        }).immediate(),
      );
      return out === true;
    });
  }

  async snapshot(): Promise<SkuSnapshot[]> {
    return sqliteSnapshot((this.conns[0] as Conn).db);
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sqliteSnapshot(db: Database.Database): SkuSnapshot[] {
  return db
    .prepare(
      `WITH active AS (SELECT sku, bucket, sum(qty) AS units FROM reservation WHERE active = 1 GROUP BY sku, bucket),
            moved AS (SELECT sku, sum(delta) AS total FROM movement GROUP BY sku)
       SELECT s.sku AS sku, sum(s.on_hand) AS onHand, coalesce((SELECT total FROM moved m WHERE m.sku = s.sku), 0) AS movementsTotal,
              sum(s.reserved) AS counterUnits, coalesce(sum(a.units), 0) AS activeUnits,
              sum(max(0, coalesce(a.units, 0) - s.on_hand)) AS bucketsOverdrawn
         FROM stock s LEFT JOIN active a ON a.sku = s.sku AND a.bucket = s.bucket
        GROUP BY s.sku ORDER BY s.sku`,
    )
    .all() as SkuSnapshot[];
}
