// Inventory on SQLite, the durable embedded default. Every write runs under BEGIN IMMEDIATE, so the
// idempotency lookup, the availability check and the hold are one serialized step even across
// processes; the hold itself is a conditional UPDATE that cannot drive availability below zero,
// and CHECK constraints and triggers refuse anything that slips past the code (oversell, history edits).
import type { Clock } from "../../core/clock.ts";
import type { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
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
import { belowReserved, compareLines, requireMovement, requireReserveRequest, requireSameMovement } from "../shared/inventoryRules.ts";
import { immediate, type SqliteDb } from "./db.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inventory_levels (
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
  held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
  committed INTEGER NOT NULL DEFAULT 0 CHECK (committed >= 0),
  CHECK (held + committed <= on_hand),
  PRIMARY KEY (sku, location)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS inventory_movements (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 255),
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'shipment')),
  delta INTEGER NOT NULL CHECK (delta <> 0),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS inventory_movements_by_level ON inventory_movements (sku, location, seq);
-- on-hand changes only here: a movement row and its effect on the level are one statement.
CREATE TRIGGER IF NOT EXISTS inventory_movements_apply AFTER INSERT ON inventory_movements BEGIN
  INSERT INTO inventory_levels (sku, location, on_hand) VALUES (new.sku, new.location, 0) ON CONFLICT DO NOTHING;
  UPDATE inventory_levels SET on_hand = on_hand + new.delta WHERE sku = new.sku AND location = new.location;
END;
CREATE TRIGGER IF NOT EXISTS inventory_movements_no_update BEFORE UPDATE ON inventory_movements BEGIN
  SELECT RAISE(ABORT, 'inventory_movements is append-only');
END;
CREATE TRIGGER IF NOT EXISTS inventory_movements_no_delete BEFORE DELETE ON inventory_movements BEGIN
  SELECT RAISE(ABORT, 'inventory_movements is append-only');
END;

CREATE TABLE IF NOT EXISTS inventory_reservations (
  seq INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 255),
  checkout_id TEXT NOT NULL CHECK (length(checkout_id) BETWEEN 1 AND 255),
  status TEXT NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS inventory_reservations_by_checkout ON inventory_reservations (checkout_id, seq);
CREATE INDEX IF NOT EXISTS inventory_reservations_due ON inventory_reservations (expires_at) WHERE status = 'held';
-- A reservation only ever leaves 'held', once; nothing else about it changes, and it is never deleted.
CREATE TRIGGER IF NOT EXISTS inventory_reservations_transition BEFORE UPDATE ON inventory_reservations
WHEN NOT (old.status = 'held' AND new.status IN ('committed', 'released', 'expired'))
  OR new.seq IS NOT old.seq OR new.key IS NOT old.key OR new.checkout_id IS NOT old.checkout_id
  OR new.created_at IS NOT old.created_at OR new.expires_at IS NOT old.expires_at BEGIN
  SELECT RAISE(ABORT, 'illegal reservation update');
END;
CREATE TRIGGER IF NOT EXISTS inventory_reservations_no_delete BEFORE DELETE ON inventory_reservations BEGIN
  SELECT RAISE(ABORT, 'inventory_reservations are never deleted');
END;

CREATE TABLE IF NOT EXISTS inventory_reservation_lines (
  reservation_seq INTEGER NOT NULL REFERENCES inventory_reservations (seq),
  position INTEGER NOT NULL CHECK (position >= 0),
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (reservation_seq, position),
  UNIQUE (reservation_seq, sku, location)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS inventory_reservation_lines_no_update BEFORE UPDATE ON inventory_reservation_lines BEGIN
  SELECT RAISE(ABORT, 'inventory_reservation_lines are immutable');
END;
CREATE TRIGGER IF NOT EXISTS inventory_reservation_lines_no_delete BEFORE DELETE ON inventory_reservation_lines BEGIN
  SELECT RAISE(ABORT, 'inventory_reservation_lines are immutable');
END;
`;

interface LevelRow {
  sku: string;
  location: string;
  on_hand: number;
  held: number;
  committed: number;
}
interface MovementRow {
  id: string;
  sku: string;
  location: string;
  kind: string;
  delta: number;
  at: number;
}
interface ReservationRow {
  seq: number;
  key: string;
  checkout_id: string;
  status: string;
  created_at: number;
  expires_at: number;
}
interface LineRow {
  sku: string;
  location: string;
  quantity: number;
}

const toLevel = (r: LevelRow): StockLevel => ({
  sku: r.sku as Sku,
  location: r.location as LocationId,
  onHand: r.on_hand,
  held: r.held,
  committed: r.committed,
});

const toMovement = (r: MovementRow): StockMovement =>
  Object.freeze({ id: r.id, sku: r.sku as Sku, location: r.location as LocationId, kind: r.kind as StockMovementKind, delta: r.delta, at: r.at });

const RESERVATION_COLUMNS = "seq, key, checkout_id, status, created_at, expires_at";

/** Thrown inside a transaction to roll back a reservation that does not fit; carries the answer out. */
class Insufficient {
  constructor(readonly result: ReserveResult) {}
}

export interface SqliteInventoryOptions {
  readonly clock: Clock;
}

export class SqliteInventory implements InventoryStore {
  private readonly db: SqliteDb;
  private readonly clock: Clock;
  private readonly s;

  constructor(db: SqliteDb, options: SqliteInventoryOptions) {
    this.db = db;
    this.clock = options.clock;
    db.exec(SCHEMA);
    this.s = {
      level: db.prepare<[string, string], LevelRow>("SELECT sku, location, on_hand, held, committed FROM inventory_levels WHERE sku = ? AND location = ?"),
      levels: db.prepare<[], LevelRow>("SELECT sku, location, on_hand, held, committed FROM inventory_levels"),
      movementById: db.prepare<[string], MovementRow>("SELECT id, sku, location, kind, delta, at FROM inventory_movements WHERE id = ?"),
      movements: db.prepare<[string, string], MovementRow>(
        "SELECT id, sku, location, kind, delta, at FROM inventory_movements WHERE sku = ? AND location = ? ORDER BY seq",
      ),
      insertMovement: db.prepare<[string, string, string, string, number, number]>(
        "INSERT INTO inventory_movements (id, sku, location, kind, delta, at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      hold: db.prepare<[number, string, string, number]>(
        "UPDATE inventory_levels SET held = held + ? WHERE sku = ? AND location = ? AND on_hand - held - committed >= ?",
      ),
      unhold: db.prepare<[number, string, string]>("UPDATE inventory_levels SET held = held - ? WHERE sku = ? AND location = ?"),
      commitLine: db.prepare<[number, number, string, string]>(
        "UPDATE inventory_levels SET held = held - ?, committed = committed + ? WHERE sku = ? AND location = ?",
      ),
      reservationByKey: db.prepare<[string], ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM inventory_reservations WHERE key = ?`),
      reservationsByCheckout: db.prepare<[string], ReservationRow>(
        `SELECT ${RESERVATION_COLUMNS} FROM inventory_reservations WHERE checkout_id = ? ORDER BY seq`,
      ),
      allReservations: db.prepare<[], ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM inventory_reservations ORDER BY seq`),
      due: db.prepare<[number], ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM inventory_reservations WHERE status = 'held' AND expires_at <= ?`),
      lines: db.prepare<[number], LineRow>("SELECT sku, location, quantity FROM inventory_reservation_lines WHERE reservation_seq = ? ORDER BY position"),
      insertReservation: db.prepare<[string, string, number, number]>(
        "INSERT INTO inventory_reservations (key, checkout_id, status, created_at, expires_at) VALUES (?, ?, 'held', ?, ?)",
      ),
      insertLine: db.prepare<[number | bigint, number, string, string, number]>(
        "INSERT INTO inventory_reservation_lines (reservation_seq, position, sku, location, quantity) VALUES (?, ?, ?, ?, ?)",
      ),
      setStatus: db.prepare<[string, number]>("UPDATE inventory_reservations SET status = ? WHERE seq = ? AND status = 'held'"),
    };
  }

  async recordMovement(movement: Omit<StockMovement, "at">): Promise<StockMovement> {
    const m = requireMovement(movement);
    return immediate(this.db, () => {
      const seen = this.s.movementById.get(m.id);
      if (seen !== undefined) return requireSameMovement(toMovement(seen), m);
      const level = this.s.level.get(m.sku, m.location);
      const onHand = level?.on_hand ?? 0;
      const reserved = level === undefined ? 0 : level.held + level.committed;
      if (onHand + m.delta < reserved) throw belowReserved(m, onHand, reserved);
      const at = this.clock.now();
      this.s.insertMovement.run(m.id, m.sku, m.location, m.kind, m.delta, at); // the trigger applies delta to on_hand
      return Object.freeze({ ...m, at });
    });
  }

  async level(sku: Sku, location: LocationId): Promise<StockLevel> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    const row = this.s.level.get(sku, location);
    return row === undefined ? { sku, location, onHand: 0, held: 0, committed: 0 } : toLevel(row);
  }

  async levels(): Promise<StockLevel[]> {
    // Sorted here rather than in SQL: SQLite compares UTF-8 bytes, every engine must agree on UTF-16 order.
    return this.s.levels.all().map(toLevel).sort(compareLines);
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const r = requireReserveRequest(request);
    try {
      return immediate(this.db, (): ReserveResult => {
        const existing = this.s.reservationByKey.get(r.key);
        if (existing !== undefined) return { ok: true, reservation: this.load(existing), created: false };
        for (const line of r.lockOrder) {
          if (this.s.hold.run(line.quantity, line.sku, line.location, line.quantity).changes === 1) continue;
          const level = this.s.level.get(line.sku, line.location);
          const free = level === undefined ? 0 : level.on_hand - level.held - level.committed;
          throw new Insufficient({ ok: false, reason: "insufficient", sku: line.sku, location: line.location, requested: line.quantity, available: free });
        }
        const createdAt = this.clock.now();
        const seq = this.s.insertReservation.run(r.key, r.checkoutId, createdAt, r.expiresAt).lastInsertRowid;
        r.lines.forEach((l, i) => this.s.insertLine.run(seq, i, l.sku, l.location, l.quantity));
        const reservation: Reservation = Object.freeze({ key: r.key, checkoutId: r.checkoutId, lines: r.lines, status: "held", createdAt, expiresAt: r.expiresAt });
        return { ok: true, reservation, created: true };
      });
    } catch (e) {
      if (e instanceof Insufficient) return e.result;
      throw e;
    }
  }

  async commit(key: ReservationKey): Promise<TransitionResult> {
    requireKey(key, "key");
    return immediate(this.db, (): TransitionResult => {
      const row = this.s.reservationByKey.get(key);
      if (row === undefined) return { ok: false, reason: "not-found" };
      const r = this.load(row);
      if (r.status === "committed") return { ok: true, reservation: r };
      if (r.status !== "held") return { ok: false, reason: "wrong-status", status: r.status };
      for (const l of sorted(r.lines)) this.s.commitLine.run(l.quantity, l.quantity, l.sku, l.location);
      return { ok: true, reservation: this.finish(row, r, "committed") };
    });
  }

  async release(key: ReservationKey): Promise<TransitionResult> {
    requireKey(key, "key");
    return immediate(this.db, (): TransitionResult => {
      const row = this.s.reservationByKey.get(key);
      if (row === undefined) return { ok: false, reason: "not-found" };
      const r = this.load(row);
      if (r.status === "released" || r.status === "expired") return { ok: true, reservation: r };
      if (r.status !== "held") return { ok: false, reason: "wrong-status", status: r.status };
      for (const l of sorted(r.lines)) this.s.unhold.run(l.quantity, l.sku, l.location);
      return { ok: true, reservation: this.finish(row, r, "released") };
    });
  }

  async expireDue(now: number): Promise<Reservation[]> {
    requireNonNegativeInt(now, "now");
    return immediate(this.db, () => {
      const rows = this.s.due.all(now).sort((a, b) => a.expires_at - b.expires_at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return rows.map((row) => {
        const r = this.load(row);
        for (const l of sorted(r.lines)) this.s.unhold.run(l.quantity, l.sku, l.location);
        return this.finish(row, r, "expired");
      });
    });
  }

  async get(key: ReservationKey): Promise<Reservation | undefined> {
    requireKey(key, "key");
    const row = this.s.reservationByKey.get(key);
    return row === undefined ? undefined : this.load(row);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<Reservation[]> {
    requireKey(checkoutId, "checkoutId");
    return this.s.reservationsByCheckout.all(checkoutId).map((row) => this.load(row));
  }

  async all(): Promise<Reservation[]> {
    return this.s.allReservations.all().map((row) => this.load(row));
  }

  async movements(sku: Sku, location: LocationId): Promise<StockMovement[]> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    return this.s.movements.all(sku, location).map(toMovement);
  }

  private load(row: ReservationRow): Reservation {
    const lines = this.s.lines.all(row.seq).map((l) => Object.freeze({ sku: l.sku as Sku, location: l.location as LocationId, quantity: l.quantity }));
    return Object.freeze({
      key: row.key as ReservationKey,
      checkoutId: row.checkout_id as CheckoutId,
      lines: Object.freeze(lines),
      status: row.status as ReservationStatus,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    });
  }

  private finish(row: ReservationRow, r: Reservation, status: ReservationStatus): Reservation {
    if (this.s.setStatus.run(status, row.seq).changes !== 1) throw new Error(`reservation ${r.key} left 'held' twice`);
    return Object.freeze({ ...r, status });
  }
}

const sorted = (lines: readonly ReservationLine[]): ReservationLine[] => lines.slice().sort(compareLines);
