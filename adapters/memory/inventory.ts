// Inventory in memory, the simulation default. JavaScript runs one call to completion, so each
// method is its own critical section: checks and writes happen with no await in between, which is
// what BEGIN IMMEDIATE gives the SQLite engine. Levels are mutable records inside the store and are
// copied on the way out; reservations and movements are frozen.
import type { Clock } from "../../core/clock.ts";
import type { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import type {
  InventoryStore,
  Reservation,
  ReservationLine,
  ReserveRequest,
  ReserveResult,
  StockLevel,
  StockMovement,
  TransitionResult,
} from "../../core/ports/inventory.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { belowReserved, compareLines, levelId, requireMovement, requireReserveRequest, requireSameMovement } from "../shared/inventoryRules.ts";
import { ExpiryQueue } from "./expiryQueue.ts";

export interface MemoryInventoryOptions {
  readonly clock: Clock;
}

interface Level {
  readonly sku: Sku;
  readonly location: LocationId;
  onHand: number;
  held: number;
  committed: number;
}

const copy = (l: Level): StockLevel => ({ sku: l.sku, location: l.location, onHand: l.onHand, held: l.held, committed: l.committed });

export class MemoryInventory implements InventoryStore {
  private readonly clock: Clock;
  private readonly levelsById = new Map<string, Level>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly byCheckout = new Map<string, Reservation["key"][]>();
  private readonly movementsById = new Map<string, StockMovement>();
  private readonly movementsByLevel = new Map<string, StockMovement[]>();
  private readonly expiry = new ExpiryQueue();

  constructor(options: MemoryInventoryOptions) {
    this.clock = options.clock;
  }

  async recordMovement(movement: Omit<StockMovement, "at">): Promise<StockMovement> {
    const m = requireMovement(movement);
    const seen = this.movementsById.get(m.id);
    if (seen !== undefined) return requireSameMovement(seen, m);
    const id = levelId(m.sku, m.location);
    const level = this.levelsById.get(id);
    const onHand = level?.onHand ?? 0;
    const reserved = level === undefined ? 0 : level.held + level.committed;
    if (onHand + m.delta < reserved) throw belowReserved(m, onHand, reserved);
    const stored = Object.freeze({ ...m, at: this.clock.now() });
    this.movementsById.set(m.id, stored);
    const list = this.movementsByLevel.get(id);
    if (list === undefined) this.movementsByLevel.set(id, [stored]);
    else list.push(stored);
    if (level === undefined) this.levelsById.set(id, { sku: m.sku, location: m.location, onHand: m.delta, held: 0, committed: 0 });
    else level.onHand += m.delta;
    return stored;
  }

  async level(sku: Sku, location: LocationId): Promise<StockLevel> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    const l = this.levelsById.get(levelId(sku, location));
    return l === undefined ? { sku, location, onHand: 0, held: 0, committed: 0 } : copy(l);
  }

  async levels(): Promise<StockLevel[]> {
    return [...this.levelsById.values()].map(copy).sort(compareLines);
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const r = requireReserveRequest(request);
    const existing = this.reservations.get(r.key);
    if (existing !== undefined) return { ok: true, reservation: existing, created: false };
    const locked: Level[] = [];
    for (const line of r.lockOrder) {
      const level = this.levelsById.get(levelId(line.sku, line.location));
      const free = level === undefined ? 0 : level.onHand - level.held - level.committed;
      if (free < line.quantity) return { ok: false, reason: "insufficient", sku: line.sku, location: line.location, requested: line.quantity, available: free };
      locked.push(level as Level);
    }
    for (let i = 0; i < locked.length; i++) (locked[i] as Level).held += (r.lockOrder[i] as ReservationLine).quantity;
    const reservation: Reservation = Object.freeze({
      key: r.key,
      checkoutId: r.checkoutId,
      lines: r.lines,
      status: "held",
      createdAt: this.clock.now(),
      expiresAt: r.expiresAt,
    });
    this.reservations.set(r.key, reservation);
    const forCheckout = this.byCheckout.get(r.checkoutId);
    if (forCheckout === undefined) this.byCheckout.set(r.checkoutId, [r.key]);
    else forCheckout.push(r.key);
    this.expiry.push({ expiresAt: r.expiresAt, key: r.key });
    return { ok: true, reservation, created: true };
  }

  async commit(key: ReservationKey): Promise<TransitionResult> {
    requireKey(key, "key");
    const r = this.reservations.get(key);
    if (r === undefined) return { ok: false, reason: "not-found" };
    if (r.status === "committed") return { ok: true, reservation: r };
    if (r.status !== "held") return { ok: false, reason: "wrong-status", status: r.status };
    for (const line of r.lines) {
      const level = this.levelsById.get(levelId(line.sku, line.location)) as Level;
      level.held -= line.quantity;
      level.committed += line.quantity;
    }
    return { ok: true, reservation: this.setStatus(r, "committed") };
  }

  async release(key: ReservationKey): Promise<TransitionResult> {
    requireKey(key, "key");
    const r = this.reservations.get(key);
    if (r === undefined) return { ok: false, reason: "not-found" };
    if (r.status === "released" || r.status === "expired") return { ok: true, reservation: r };
    if (r.status !== "held") return { ok: false, reason: "wrong-status", status: r.status };
    this.unhold(r);
    return { ok: true, reservation: this.setStatus(r, "released") };
  }

  async expireDue(now: number): Promise<Reservation[]> {
    requireNonNegativeInt(now, "now");
    const out: Reservation[] = [];
    for (let e = this.expiry.popDue(now); e !== undefined; e = this.expiry.popDue(now)) {
      const r = this.reservations.get(e.key);
      if (r === undefined || r.status !== "held") continue;
      this.unhold(r);
      out.push(this.setStatus(r, "expired"));
    }
    return out;
  }

  async get(key: ReservationKey): Promise<Reservation | undefined> {
    requireKey(key, "key");
    return this.reservations.get(key);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<Reservation[]> {
    requireKey(checkoutId, "checkoutId");
    const keys = this.byCheckout.get(checkoutId);
    return keys === undefined ? [] : keys.map((k) => this.reservations.get(k) as Reservation);
  }

  async all(): Promise<Reservation[]> {
    return [...this.reservations.values()];
  }

  async movements(sku: Sku, location: LocationId): Promise<StockMovement[]> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    return (this.movementsByLevel.get(levelId(sku, location)) ?? []).slice();
  }

  private unhold(r: Reservation): void {
    for (const line of r.lines) (this.levelsById.get(levelId(line.sku, line.location)) as Level).held -= line.quantity;
  }

  private setStatus(r: Reservation, status: Reservation["status"]): Reservation {
    const next = Object.freeze({ ...r, status });
    this.reservations.set(r.key, next);
    return next;
  }
}
