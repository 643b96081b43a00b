// Every contention strategy on PostgreSQL through `pg`, with one pool connection per buyer. Each cell
// gets a fresh schema (dropped on close), so cells never see each other's rows or locks.
import pg from "pg";
import { Batcher } from "../batcher.ts";
import type { CellSetup, ContentionStore, Counters, ReserveOutcome, SkuSnapshot, StrategyName } from "../model.ts";
import { zeroCounters } from "../model.ts";

const DEADLOCK = "40P01";
const SERIALIZATION = "40001";
const LOCK_NOT_AVAILABLE = "55P03";
/** Deadlock and serialization retries before a request gives up. */
const RETRIES_ON_ERROR_MAX = 50;

let schemaCounter = 0;

export async function createPgSchema(pool: pg.Pool, schema: string, setup: CellSetup, buckets: number): Promise<void> {
  const s = `"${schema}"`;
  await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await pool.query(`CREATE SCHEMA ${s}`);
  await pool.query(`CREATE TABLE ${s}.stock (
      sku text NOT NULL, bucket integer NOT NULL, on_hand integer NOT NULL, reserved integer NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 0, PRIMARY KEY (sku, bucket),
      CHECK (reserved >= 0 AND reserved <= on_hand))`);
  await pool.query(`CREATE TABLE ${s}.reservation (
      id bigint PRIMARY KEY, sku text NOT NULL, bucket integer NOT NULL, qty integer NOT NULL CHECK (qty > 0),
      active boolean NOT NULL DEFAULT true)`);
  await pool.query(`CREATE TABLE ${s}.movement (id bigserial PRIMARY KEY, sku text NOT NULL, bucket integer NOT NULL, delta integer NOT NULL)`);
  const skus: string[] = [];
  const bs: number[] = [];
  const units: number[] = [];
  for (const sku of setup.skus)
    for (let b = 0; b < buckets; b++) {
      skus.push(sku);
      bs.push(b);
      units.push(Math.floor(setup.stockPerSku / buckets) + (b < setup.stockPerSku % buckets ? 1 : 0));
    }
  await pool.query(`INSERT INTO ${s}.stock (sku, bucket, on_hand) SELECT * FROM unnest($1::text[], $2::int[], $3::int[])`, [skus, bs, units]);
  await pool.query(`INSERT INTO ${s}.movement (sku, bucket, delta) SELECT * FROM unnest($1::text[], $2::int[], $3::int[])`, [skus, bs, units]);
}

export async function pgSnapshot(pool: pg.Pool, schema: string): Promise<SkuSnapshot[]> {
  const s = `"${schema}"`;
  const r = await pool.query<{ sku: string; on_hand: number; moved: number; counter: number; active: number; overdrawn: number }>(
    `WITH active AS (SELECT sku, bucket, sum(qty)::int AS units FROM ${s}.reservation WHERE active GROUP BY sku, bucket),
          moved AS (SELECT sku, sum(delta)::int AS total FROM ${s}.movement GROUP BY sku)
     SELECT st.sku, sum(st.on_hand)::int AS on_hand, coalesce(max(m.total), 0)::int AS moved, sum(st.reserved)::int AS counter,
            coalesce(sum(a.units), 0)::int AS active, sum(greatest(0, coalesce(a.units, 0) - st.on_hand))::int AS overdrawn
       FROM ${s}.stock st LEFT JOIN active a USING (sku, bucket) LEFT JOIN moved m USING (sku)
      GROUP BY st.sku ORDER BY st.sku`,
  );
  return r.rows.map((x) => ({ sku: x.sku, onHand: x.on_hand, movementsTotal: x.moved, counterUnits: x.counter, activeUnits: x.active, bucketsOverdrawn: x.overdrawn }));
}

export class PostgresContentionStore implements ContentionStore {
  readonly engine = "postgres" as const;
  readonly counters: Counters = zeroCounters();
  private nextId = 1;
  private readonly batcher: Batcher<{ sku: string; qty: number }, ReserveOutcome>;
  readonly reserve: (sku: string, quantity: number) => Promise<ReserveOutcome>;
  private readonly s: string;

  private constructor(readonly strategy: StrategyName, private readonly setup: CellSetup, readonly pool: pg.Pool, readonly schema: string) {
    this.s = `"${schema}"`;
    this.batcher = new Batcher((batch) => this.writeBatch(batch));
    const strategies: Record<StrategyName, (sku: string, q: number) => Promise<ReserveOutcome>> = {
      pessimistic: (sku, q) => this.retryOnConflict(() => this.pessimistic(sku, q)),
      conditional: (sku, q) => this.retryOnConflict(() => this.conditional(sku, q)),
      optimistic: (sku, q) => this.optimistic(sku, q),
      buckets: (sku, q) => this.retryOnConflict(() => this.buckets(sku, q)),
      batching: (sku, q) => this.batcher.submit({ sku, qty: q }),
      broken: (sku, q) => this.broken(sku, q),
    };
    this.reserve = strategies[strategy];
  }

  /** A pool of `connections` clients and a fresh schema loaded with the cell's stock. */
  static async open(strategy: StrategyName, setup: CellSetup, config: pg.PoolConfig): Promise<PostgresContentionStore> {
    // The batching strategy needs only its writer, plus one for snapshots.
    const max = strategy === "batching" ? 2 : Math.max(1, setup.connections);
    const pool = new pg.Pool({ ...config, max });
    schemaCounter += 1;
    const schema = `bench_inventory_${process.pid}_${schemaCounter}`;
    try {
      await createPgSchema(pool, schema, setup, strategy === "buckets" ? setup.buckets : 1);
      // Warm every connection so connecting is not measured as contention.
      const clients = await Promise.all(Array.from({ length: max }, () => pool.connect()));
      for (const c of clients) c.release();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresContentionStore(strategy, setup, pool, schema);
  }

  private async retryOnConflict(fn: () => Promise<ReserveOutcome>): Promise<ReserveOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === DEADLOCK) this.counters.deadlocks += 1;
        else if (code === LOCK_NOT_AVAILABLE) this.counters.busy += 1;
        else if (code !== SERIALIZATION) throw err;
        if (attempt >= RETRIES_ON_ERROR_MAX) {
          this.counters.aborts += 1;
          return { ok: false, reason: "aborted" };
        }
        this.counters.retries += 1;
      }
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK").catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
      throw err;
    } finally {
      c.release(broken);
    }
  }

  private async pessimistic(sku: string, qty: number): Promise<ReserveOutcome> {
    return this.tx(async (c) => {
      const r = await c.query<{ free: number }>(`SELECT on_hand - reserved AS free FROM ${this.s}.stock WHERE sku = $1 AND bucket = 0 FOR UPDATE`, [sku]);
      if ((r.rows[0]?.free ?? 0) < qty) return { ok: false, reason: "sold-out" } as const;
      const id = this.nextId++;
      await c.query(`UPDATE ${this.s}.stock SET reserved = reserved + $2, version = version + 1 WHERE sku = $1 AND bucket = 0`, [sku, qty]);
      await c.query(`INSERT INTO ${this.s}.reservation (id, sku, bucket, qty) VALUES ($1, $2, 0, $3)`, [id, sku, qty]);
      return { ok: true, id } as const;
    });
  }

  /** One round trip, autocommit: the UPDATE's WHERE is the whole decision. */
  private async conditional(sku: string, qty: number): Promise<ReserveOutcome> {
    const id = this.nextId++;
    const r = await this.pool.query({
      name: `conditional-${this.schema}`,
      text: `WITH t AS (UPDATE ${this.s}.stock SET reserved = reserved + $3, version = version + 1
                        WHERE sku = $2 AND bucket = 0 AND on_hand - reserved >= $3 RETURNING sku)
             INSERT INTO ${this.s}.reservation (id, sku, bucket, qty) SELECT $1, sku, 0, $3 FROM t`,
      values: [id, sku, qty],
    });
    return r.rowCount === 1 ? { ok: true, id } : { ok: false, reason: "sold-out" };
  }

  private async optimistic(sku: string, qty: number): Promise<ReserveOutcome> {
    for (let attempt = 0; attempt <= this.setup.retriesMax; attempt++) {
      if (attempt > 0) this.counters.retries += 1;
      const seen = await this.pool.query<{ free: number; version: number }>(`SELECT on_hand - reserved AS free, version FROM ${this.s}.stock WHERE sku = $1 AND bucket = 0`, [sku]);
      const row = seen.rows[0];
      if (row === undefined || row.free < qty) return { ok: false, reason: "sold-out" };
      const id = this.nextId++;
      const r = await this.pool.query(
        `WITH t AS (UPDATE ${this.s}.stock SET reserved = reserved + $3, version = version + 1
                     WHERE sku = $2 AND bucket = 0 AND version = $4 AND on_hand - reserved >= $3 RETURNING sku)
         INSERT INTO ${this.s}.reservation (id, sku, bucket, qty) SELECT $1, sku, 0, $3 FROM t`,
        [id, sku, qty, row.version],
      );
      if (r.rowCount === 1) return { ok: true, id };
    }
    this.counters.aborts += 1;
    return { ok: false, reason: "aborted" };
  }

  /**
   * Claims any bucket with room that no other transaction holds (SKIP LOCKED), so K buyers work on K
   * rows at once. Only when every candidate is locked does it wait, so a request is refused as sold
   * out only when no bucket has room.
   */
  private async buckets(sku: string, qty: number): Promise<ReserveOutcome> {
    const claim = (skip: boolean) => `
      WITH b AS (SELECT sku, bucket FROM ${this.s}.stock WHERE sku = $2 AND on_hand - reserved >= $3
                  LIMIT 1 FOR UPDATE ${skip ? "SKIP LOCKED" : ""}),
           t AS (UPDATE ${this.s}.stock st SET reserved = st.reserved + $3, version = st.version + 1
                   FROM b WHERE st.sku = b.sku AND st.bucket = b.bucket RETURNING st.sku, st.bucket)
      INSERT INTO ${this.s}.reservation (id, sku, bucket, qty) SELECT $1, sku, bucket, $3 FROM t`;
    const id = this.nextId++;
    const fast = await this.pool.query({ name: `bucket-skip-${this.schema}`, text: claim(true), values: [id, sku, qty] });
    if (fast.rowCount === 1) return { ok: true, id };
    this.counters.retries += 1;
    const slow = await this.pool.query({ name: `bucket-wait-${this.schema}`, text: claim(false), values: [id, sku, qty] });
    return slow.rowCount === 1 ? { ok: true, id } : { ok: false, reason: "sold-out" };
  }

  /** Deliberately wrong: reads outside any transaction, then writes an absolute value back. */
  private async broken(sku: string, qty: number): Promise<ReserveOutcome> {
    const seen = await this.pool.query<{ free: number; reserved: number }>(`SELECT on_hand - reserved AS free, reserved FROM ${this.s}.stock WHERE sku = $1 AND bucket = 0`, [sku]);
    const row = seen.rows[0];
    if (row === undefined || row.free < qty) return { ok: false, reason: "sold-out" };
    const id = this.nextId++;
    await this.tx(async (c) => {
      await c.query(`UPDATE ${this.s}.stock SET reserved = $2 WHERE sku = $1 AND bucket = 0`, [sku, row.reserved + qty]);
      await c.query(`INSERT INTO ${this.s}.reservation (id, sku, bucket, qty) VALUES ($1, $2, 0, $3)`, [id, sku, qty]);
    });
    return { ok: true, id };
  }

  /** The single writer: lock the batch's SKUs in order, decide every request in memory, write all at once. */
  private async writeBatch(batch: readonly { sku: string; qty: number }[]): Promise<ReserveOutcome[]> {
    const skus = [...new Set(batch.map((r) => r.sku))].sort();
    return this.tx(async (c) => {
      const rows = await c.query<{ sku: string; free: number }>(
        `SELECT sku, on_hand - reserved AS free FROM ${this.s}.stock WHERE sku = ANY($1::text[]) AND bucket = 0 ORDER BY sku FOR UPDATE`,
        [skus],
      );
      const free = new Map(rows.rows.map((r) => [r.sku, r.free]));
      const taken = new Map<string, number>();
      const ids: number[] = [];
      const okSkus: string[] = [];
      const qtys: number[] = [];
      const outcomes = batch.map((r): ReserveOutcome => {
        const left = free.get(r.sku) ?? 0;
        if (left < r.qty) return { ok: false, reason: "sold-out" };
        free.set(r.sku, left - r.qty);
        taken.set(r.sku, (taken.get(r.sku) ?? 0) + r.qty);
        const id = this.nextId++;
        ids.push(id);
        okSkus.push(r.sku);
        qtys.push(r.qty);
        return { ok: true, id };
      });
      if (ids.length > 0) {
        await c.query(
          `UPDATE ${this.s}.stock st SET reserved = st.reserved + d.q, version = st.version + 1
             FROM unnest($1::text[], $2::int[]) AS d(sku, q) WHERE st.sku = d.sku AND st.bucket = 0`,
          [[...taken.keys()], [...taken.values()]],
        );
        await c.query(`INSERT INTO ${this.s}.reservation (id, sku, bucket, qty) SELECT id, sku, 0, qty FROM unnest($1::bigint[], $2::text[], $3::int[]) AS u(id, sku, qty)`, [ids, okSkus, qtys]);
      }
      return outcomes;
    });
  }

  async release(id: number): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query<{ sku: string; bucket: number; qty: number }>(`UPDATE ${this.s}.reservation SET active = false WHERE id = $1 AND active RETURNING sku, bucket, qty`, [id]);
      const row = r.rows[0];
      if (row === undefined) return false;
      await c.query(`UPDATE ${this.s}.stock SET reserved = reserved - $3, version = version + 1 WHERE sku = $1 AND bucket = $2`, [row.sku, row.bucket, row.qty]);
      return true;
    });
  }

  snapshot(): Promise<SkuSnapshot[]> {
    return pgSnapshot(this.pool, this.schema);
  }

  async close(): Promise<void> {
    try {
      await this.pool.query(`DROP SCHEMA IF EXISTS ${this.s} CASCADE`);
    } finally {
      await this.pool.end();
    }
  }
}
