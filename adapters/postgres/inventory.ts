// The inventory port on PostgreSQL: the article's own example engine. Stock rows are locked in one
// fixed order (SELECT ... FOR UPDATE ordered by sku, location), and a conditional UPDATE plus CHECK
// constraints make availability below zero impossible even if the locking were wrong.
import pg from "pg";
import type { Clock } from "../../core/clock.ts";
import { systemClock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import { CheckoutId as toCheckoutId, LocationId as toLocation, ReservationKey as toKey, Sku as toSku } from "../../core/ids.ts";
import type {
  InventoryStore,
  Reservation,
  ReservationLine,
  ReservationStatus,
  ReserveRequest,
  ReserveResult,
  StockLevel,
  StockMovement,
  StockMovementKind,
  TransitionResult,
} from "../../core/ports/inventory.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { belowReserved, levelId, requireMovement, requireReserveRequest, requireSameMovement } from "../shared/inventoryRules.ts";
import { pgConfig, requireSchemaName } from "./connection.ts";

export interface PostgresInventoryOptions {
  /** An existing pool (left open by close()); otherwise one is made from `url` or the PG* variables. */
  readonly pool?: pg.Pool;
  readonly url?: string;
  /** Schema holding the inventory_* tables; tests use a fresh one each and drop it. Default `public`. */
  readonly schema?: string;
  /** Stamps createdAt and movement times; default the system clock (this adapter is not simulated). */
  readonly clock?: Clock;
  /** Pool size when the adapter makes its own pool; default 10. */
  readonly poolMax?: number;
}

const UNIQUE_VIOLATION = "23505";

interface LevelRow {
  sku: string;
  location: string;
  on_hand: number;
  held: number;
  committed: number;
}
interface ReservationRow {
  key: string;
  checkout_id: string;
  status: ReservationStatus;
  created_at: string;
  expires_at: string;
  lines: Array<{ sku: string; location: string; quantity: number }>;
}
interface MovementRow {
  id: string;
  sku: string;
  location: string;
  kind: StockMovementKind;
  delta: number;
  at: string;
}

const toLevel = (r: LevelRow): StockLevel => ({ sku: toSku(r.sku), location: toLocation(r.location), onHand: r.on_hand, held: r.held, committed: r.committed });
const toMovement = (r: MovementRow): StockMovement => ({ id: r.id, sku: toSku(r.sku), location: toLocation(r.location), kind: r.kind, delta: r.delta, at: Number(r.at) });
const toReservation = (r: ReservationRow): Reservation => ({
  key: toKey(r.key),
  checkoutId: toCheckoutId(r.checkout_id),
  lines: r.lines.map((l) => ({ sku: toSku(l.sku), location: toLocation(l.location), quantity: l.quantity })),
  status: r.status,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

/** Columns are 32-bit integers: larger quantities are refused up front rather than by the server. */
const INT32_MAX = 2 ** 31 - 1;
function requireInt32(value: number, field: string): void {
  if (Math.abs(value) > INT32_MAX) throw new InvalidInput({ field, message: `${field} must fit in 32 bits on PostgreSQL, got ${value}` });
}

export class PostgresInventory implements InventoryStore {
  private readonly t: { levels: string; reservations: string; lines: string; movements: string };

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    private readonly clock: Clock,
    private readonly ownsPool: boolean,
  ) {
    const q = (name: string) => `"${schema}"."${name}"`;
    this.t = { levels: q("inventory_levels"), reservations: q("inventory_reservations"), lines: q("inventory_reservation_lines"), movements: q("inventory_movements") };
  }

  /** Connects and creates the schema and tables if they do not exist (safe to call concurrently). */
  static async open(options: PostgresInventoryOptions = {}): Promise<PostgresInventory> {
    const schema = requireSchemaName(options.schema ?? "public");
    const ownsPool = options.pool === undefined;
    const pool = options.pool ?? new pg.Pool(pgConfig(options.url, options.poolMax ?? 10));
    const store = new PostgresInventory(pool, schema, options.clock ?? systemClock, ownsPool);
    try {
      await store.migrate();
    } catch (err) {
      if (ownsPool) await pool.end();
      throw err;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const { levels, reservations, lines, movements } = this.t;
    const s = `"${this.schema}"`;
    await this.tx(async (c) => {
      // Serializes concurrent migrations: CREATE ... IF NOT EXISTS alone races on the catalog.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`checkout-sim:inventory:${this.schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${levels} (
        sku text NOT NULL, location text NOT NULL,
        on_hand integer NOT NULL DEFAULT 0, held integer NOT NULL DEFAULT 0, committed integer NOT NULL DEFAULT 0,
        PRIMARY KEY (sku, location),
        CONSTRAINT inventory_levels_nonnegative CHECK (on_hand >= 0 AND held >= 0 AND committed >= 0),
        CONSTRAINT inventory_levels_no_oversell CHECK (held + committed <= on_hand))`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${reservations} (
        key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255), seq bigserial NOT NULL,
        checkout_id text NOT NULL CHECK (length(checkout_id) BETWEEN 1 AND 255),
        status text NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
        created_at bigint NOT NULL, expires_at bigint NOT NULL)`);
      await c.query(`CREATE INDEX IF NOT EXISTS inventory_reservations_checkout ON ${reservations} (checkout_id)`);
      await c.query(`CREATE INDEX IF NOT EXISTS inventory_reservations_due ON ${reservations} (expires_at) WHERE status = 'held'`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${lines} (
        key text NOT NULL REFERENCES ${reservations} (key), sku text NOT NULL, location text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0), pos integer NOT NULL,
        PRIMARY KEY (key, sku, location), FOREIGN KEY (sku, location) REFERENCES ${levels} (sku, location))`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${movements} (
        seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 255),
        sku text NOT NULL, location text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'shipment')),
        delta integer NOT NULL, at bigint NOT NULL,
        FOREIGN KEY (sku, location) REFERENCES ${levels} (sku, location))`);
      // Stock history is evidence: movements can be appended, never changed or removed.
      await c.query(`CREATE OR REPLACE FUNCTION ${s}.inventory_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'inventory_movements is append-only (% refused)', TG_OP; END $$`);
      await c.query(`DROP TRIGGER IF EXISTS inventory_movements_append_only ON ${movements}`);
      await c.query(`CREATE TRIGGER inventory_movements_append_only BEFORE UPDATE OR DELETE ON ${movements}
        FOR EACH ROW EXECUTE FUNCTION ${s}.inventory_movements_append_only()`);
    });
  }

  /** Ends the pool if this adapter created it. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
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

  async recordMovement(movement: Omit<StockMovement, "at">): Promise<StockMovement> {
    const checked = requireMovement(movement);
    requireInt32(checked.delta, "delta");
    const { id, sku, location, delta } = checked;
    const at = this.clock.now();
    return this.tx(async (c) => {
      const existing = await c.query<MovementRow>(`SELECT id, sku, location, kind, delta, at FROM ${this.t.movements} WHERE id = $1`, [id]);
      const found = existing.rows[0];
      if (found !== undefined) {
        return requireSameMovement(toMovement(found), checked);
      }
      await c.query(`INSERT INTO ${this.t.levels} (sku, location) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [sku, location]);
      const level = await c.query<LevelRow>(`SELECT sku, location, on_hand, held, committed FROM ${this.t.levels} WHERE sku = $1 AND location = $2 FOR UPDATE`, [sku, location]);
      const row = level.rows[0];
      if (row === undefined) throw new Error(`inventory level ${sku}@${location} vanished`);
      if (row.on_hand + delta < row.held + row.committed) throw belowReserved(checked, row.on_hand, row.held + row.committed);
      await c.query(`UPDATE ${this.t.levels} SET on_hand = on_hand + $3 WHERE sku = $1 AND location = $2`, [sku, location, delta]);
      try {
        const inserted = await c.query<MovementRow>(
          `INSERT INTO ${this.t.movements} (id, sku, location, kind, delta, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, sku, location, kind, delta, at`,
          [id, sku, location, checked.kind, delta, at],
        );
        return toMovement(inserted.rows[0] as MovementRow);
      } catch (err) {
        // A concurrent writer recorded the same id first: this call becomes its idempotent replay.
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
        throw new RetryAsReplay();
      }
    }).catch(async (err: unknown) => {
      if (!(err instanceof RetryAsReplay)) throw err;
      return this.recordMovement(movement);
    });
  }

  async level(sku: Sku, location: LocationId): Promise<StockLevel> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    const r = await this.pool.query<LevelRow>(`SELECT sku, location, on_hand, held, committed FROM ${this.t.levels} WHERE sku = $1 AND location = $2`, [sku, location]);
    const row = r.rows[0];
    return row === undefined ? { sku, location, onHand: 0, held: 0, committed: 0 } : toLevel(row);
  }

  async levels(): Promise<StockLevel[]> {
    const r = await this.pool.query<LevelRow>(`SELECT sku, location, on_hand, held, committed FROM ${this.t.levels} ORDER BY sku COLLATE "C", location COLLATE "C"`);
    return r.rows.map(toLevel);
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const checked = requireReserveRequest(request);
    for (const l of checked.lines) requireInt32(l.quantity, "quantity");
    const { key, checkoutId, expiresAt, lines, lockOrder } = checked;
    const existing = await this.get(key);
    if (existing !== undefined) return { ok: true, reservation: existing, created: false };
    const createdAt = this.clock.now();
    try {
      return await this.tx(async (c): Promise<ReserveResult> => {
        // One lock order for every writer (sku, location, byte order) means two multi-SKU reservations
        // can never wait on each other in a cycle.
        // Rows are locked in the order of lockOrder (the shared rule), via the array position.
        const locked = await c.query<LevelRow>(
          `SELECT l.sku, l.location, l.on_hand, l.held, l.committed
             FROM ${this.t.levels} l JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(sku, location, ord) USING (sku, location)
            ORDER BY w.ord FOR UPDATE OF l`,
          [lockOrder.map((l) => l.sku), lockOrder.map((l) => l.location)],
        );
        const byId = new Map(locked.rows.map((r) => [levelId(r.sku, r.location), r]));
        for (const line of lockOrder) {
          const row = byId.get(levelId(line.sku, line.location));
          // An unknown SKU x location simply has nothing available.
          const free = row === undefined ? 0 : row.on_hand - row.held - row.committed;
          if (free < line.quantity) return { ok: false, reason: "insufficient", sku: line.sku, location: line.location, requested: line.quantity, available: free };
        }
        for (const line of lockOrder) {
          // Conditional even under the lock: availability can never be driven below zero.
          const u = await c.query(
            `UPDATE ${this.t.levels} SET held = held + $3 WHERE sku = $1 AND location = $2 AND on_hand - held - committed >= $3`,
            [line.sku, line.location, line.quantity],
          );
          if (u.rowCount !== 1) throw new Error(`conditional reserve of ${line.sku}@${line.location} matched no row under lock`);
        }
        await c.query(`INSERT INTO ${this.t.reservations} (key, checkout_id, status, created_at, expires_at) VALUES ($1, $2, 'held', $3, $4)`, [key, checkoutId, createdAt, expiresAt]);
        await c.query(
          `INSERT INTO ${this.t.lines} (key, sku, location, quantity, pos) SELECT $1, sku, location, quantity, pos::int
             FROM unnest($2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS u(sku, location, quantity, pos)`,
          [key, lines.map((l) => l.sku), lines.map((l) => l.location), lines.map((l) => l.quantity)],
        );
        const reservation: Reservation = { key, checkoutId, lines: lines.map((l) => ({ ...l })), status: "held", createdAt, expiresAt };
        return { ok: true, reservation, created: true };
      });
    } catch (err) {
      // Two first attempts with one key raced; the loser returns the winner's reservation unchanged.
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      const winner = await this.get(key);
      if (winner === undefined) throw err;
      return { ok: true, reservation: winner, created: false };
    }
  }

  commit(key: ReservationKey): Promise<TransitionResult> {
    return this.transition(key, "committed");
  }

  release(key: ReservationKey): Promise<TransitionResult> {
    return this.transition(key, "released");
  }

  private async transition(keyIn: ReservationKey, to: "committed" | "released"): Promise<TransitionResult> {
    const key = requireKey(keyIn, "key");
    return this.tx(async (c): Promise<TransitionResult> => {
      const r = await c.query<{ status: ReservationStatus }>(`SELECT status FROM ${this.t.reservations} WHERE key = $1 FOR UPDATE`, [key]);
      const status = r.rows[0]?.status;
      if (status === undefined) return { ok: false, reason: "not-found" };
      const noop = to === "committed" ? status === "committed" : status === "released" || status === "expired";
      if (!noop && status !== "held") return { ok: false, reason: "wrong-status", status };
      if (!noop) {
        const lines = await c.query<{ sku: string; location: string; quantity: number }>(
          `SELECT sku, location, quantity FROM ${this.t.lines} WHERE key = $1 ORDER BY sku COLLATE "C", location COLLATE "C"`,
          [key],
        );
        for (const line of lines.rows) {
          const set = to === "committed" ? "held = held - $3, committed = committed + $3" : "held = held - $3";
          await c.query(`UPDATE ${this.t.levels} SET ${set} WHERE sku = $1 AND location = $2`, [line.sku, line.location, line.quantity]);
        }
        await c.query(`UPDATE ${this.t.reservations} SET status = $2 WHERE key = $1`, [key, to]);
      }
      const reservation = await this.read(c, [key]);
      return { ok: true, reservation: reservation[0] as Reservation };
    });
  }

  async expireDue(now: number): Promise<Reservation[]> {
    requireNonNegativeInt(now, "now");
    return this.tx(async (c) => {
      // Reservation rows first (key order), then levels: the same order commit and release use.
      const due = await c.query<{ key: string }>(
        `SELECT key FROM ${this.t.reservations} WHERE status = 'held' AND expires_at <= $1 ORDER BY key COLLATE "C" FOR UPDATE`,
        [now],
      );
      const keys = due.rows.map((r) => r.key);
      if (keys.length === 0) return [];
      const totals = await c.query<{ sku: string; location: string; quantity: number }>(
        `SELECT sku, location, sum(quantity)::int AS quantity FROM ${this.t.lines} WHERE key = ANY($1::text[])
          GROUP BY sku, location ORDER BY sku COLLATE "C", location COLLATE "C"`,
        [keys],
      );
      for (const t of totals.rows) await c.query(`UPDATE ${this.t.levels} SET held = held - $3 WHERE sku = $1 AND location = $2`, [t.sku, t.location, t.quantity]);
      await c.query(`UPDATE ${this.t.reservations} SET status = 'expired' WHERE key = ANY($1::text[])`, [keys]);
      return this.read(c, keys, "expiry");
    });
  }

  async get(key: ReservationKey): Promise<Reservation | undefined> {
    requireKey(key, "key");
    return (await this.read(this.pool, [key]))[0];
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<Reservation[]> {
    requireKey(checkoutId, "checkoutId");
    const r = await this.pool.query<{ key: string }>(`SELECT key FROM ${this.t.reservations} WHERE checkout_id = $1`, [checkoutId]);
    return this.read(this.pool, r.rows.map((x) => x.key));
  }

  async all(): Promise<Reservation[]> {
    const r = await this.pool.query<{ key: string }>(`SELECT key FROM ${this.t.reservations} ORDER BY seq`);
    return this.read(this.pool, r.rows.map((x) => x.key));
  }

  async movements(sku: Sku, location: LocationId): Promise<StockMovement[]> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    const r = await this.pool.query<MovementRow>(`SELECT id, sku, location, kind, delta, at FROM ${this.t.movements} WHERE sku = $1 AND location = $2 ORDER BY seq`, [sku, location]);
    return r.rows.map(toMovement);
  }

  /** Reservations with their lines (in request order), ordered by creation, or by expiry then key. */
  private async read(c: pg.Pool | pg.PoolClient, keys: readonly string[], order: "creation" | "expiry" = "creation"): Promise<Reservation[]> {
    if (keys.length === 0) return [];
    const r = await c.query<ReservationRow>(
      `SELECT r.key, r.checkout_id, r.status, r.created_at, r.expires_at,
              json_agg(json_build_object('sku', l.sku, 'location', l.location, 'quantity', l.quantity)
                       ORDER BY l.pos) AS lines
         FROM ${this.t.reservations} r JOIN ${this.t.lines} l USING (key)
        WHERE r.key = ANY($1::text[])
        GROUP BY r.key ORDER BY ${order === "creation" ? "r.seq" : 'r.expires_at, r.key COLLATE "C"'}`,
      [keys],
    );
    return r.rows.map(toReservation);
  }
}

/** Internal signal: a racing insert won, so the movement call is replayed to return the stored row. */
class RetryAsReplay extends Error {}
