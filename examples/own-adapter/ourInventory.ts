// A team's own inventory adapter, written the way a legacy shop keeps stock: a bare `quantity` per
// SKU x location that a sale decrements, plus a table of holds. It knows nothing about the simulator:
// it implements the InventoryStore port from the package root and nothing else.
import {
  IdempotencyConflict,
  InvalidInput,
  requireKey,
  requireNonNegativeInt,
  requireQuantity,
  type CheckoutId,
  type Clock,
  type InventoryStore,
  type LocationId,
  type Reservation,
  type ReservationKey,
  type ReservationLine,
  type ReserveRequest,
  type ReserveResult,
  type Sku,
  type StockLevel,
  type StockMovement,
  type TransitionResult,
} from "../../index.ts";

/** One row of the legacy stock table. */
export interface StockRow {
  readonly sku: Sku;
  readonly location: LocationId;
  /** Units still for sale: receipts and adjustments add, a sale subtracts. */
  quantity: number;
  /** Units in holds that are neither sold nor given back. */
  held: number;
  /** Units sold but not yet shipped: still in the warehouse, no longer for sale. */
  sold: number;
}

export interface OurInventoryOptions {
  readonly clock: Clock;
}

/** The legacy system refuses carts longer than this (it bounds the work of one reserve). */
const LINES_MAX = 100;
const MOVEMENT_KINDS: readonly StockMovement["kind"][] = ["receipt", "adjustment", "shipment"];

export const rowId = (sku: string, location: string): string => JSON.stringify([sku, location]);
const bySkuThenLocation = (a: { sku: string; location: string }, b: { sku: string; location: string }): number =>
  a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.location !== b.location ? (a.location < b.location ? -1 : 1) : 0;

export class OurInventory implements InventoryStore {
  protected readonly clock: Clock;
  protected readonly rows = new Map<string, StockRow>();
  private readonly holds = new Map<string, Reservation>();
  private readonly holdsByCheckout = new Map<string, ReservationKey[]>();
  private readonly movementLog = new Map<string, StockMovement>();

  constructor(options: OurInventoryOptions) {
    this.clock = options.clock;
  }

  async recordMovement(movement: Omit<StockMovement, "at">): Promise<StockMovement> {
    const m = checkMovement(movement);
    const seen = this.movementLog.get(m.id);
    if (seen !== undefined) {
      if (seen.sku !== m.sku || seen.location !== m.location || seen.kind !== m.kind || seen.delta !== m.delta)
        throw new IdempotencyConflict({ key: m.id, message: `movement ${m.id} already recorded with different content` });
      return seen;
    }
    const row = this.rows.get(rowId(m.sku, m.location));
    // On hand is quantity + sold; it may not drop below held + sold, i.e. quantity may not drop below held.
    if ((row?.quantity ?? 0) + m.delta < (row?.held ?? 0))
      throw new InvalidInput({ field: "delta", message: `movement ${m.id} would leave less stock for ${m.sku} at ${m.location} than is held or sold` });
    const stored: StockMovement = Object.freeze({ ...m, at: this.clock.now() });
    this.movementLog.set(m.id, stored);
    if (row === undefined) this.rows.set(rowId(m.sku, m.location), { sku: m.sku, location: m.location, quantity: m.delta, held: 0, sold: 0 });
    else row.quantity += m.delta;
    return stored;
  }

  async level(sku: Sku, location: LocationId): Promise<StockLevel> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    const row = this.rows.get(rowId(sku, location));
    return row === undefined ? { sku, location, onHand: 0, held: 0, committed: 0 } : toLevel(row);
  }

  async levels(): Promise<StockLevel[]> {
    return [...this.rows.values()].map(toLevel).sort(bySkuThenLocation);
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { key, checkoutId, lines, expiresAt } = checkReserve(request);
    const existing = this.holds.get(key);
    if (existing !== undefined) return { ok: true, reservation: existing, created: false };
    // Check every line before holding any, so a short line holds nothing anywhere.
    for (const line of [...lines].sort(bySkuThenLocation)) {
      const row = this.rows.get(rowId(line.sku, line.location));
      const free = row === undefined ? 0 : row.quantity - row.held;
      if (free < line.quantity) return { ok: false, reason: "insufficient", sku: line.sku, location: line.location, requested: line.quantity, available: free };
    }
    for (const line of lines) this.rowOf(line).held += line.quantity;
    return { ok: true, reservation: this.recordHold(key, checkoutId, lines, expiresAt), created: true };
  }

  /** Writes the hold's own row (the stock columns are the caller's business). */
  protected recordHold(key: ReservationKey, checkoutId: CheckoutId, lines: readonly ReservationLine[], expiresAt: number): Reservation {
    const reservation: Reservation = Object.freeze({ key, checkoutId, lines, status: "held", createdAt: this.clock.now(), expiresAt });
    this.holds.set(key, reservation);
    this.holdsByCheckout.set(checkoutId, [...(this.holdsByCheckout.get(checkoutId) ?? []), key]);
    return reservation;
  }

  async commit(key: ReservationKey): Promise<TransitionResult> {
    requireKey(key, "key");
    const hold = this.holds.get(key);
    if (hold === undefined) return { ok: false, reason: "not-found" };
    if (hold.status === "committed") return { ok: true, reservation: hold };
    if (hold.status !== "held") return { ok: false, reason: "wrong-status", status: hold.status };
    for (const line of hold.lines) this.sell(this.rowOf(line), line.quantity);
    return { ok: true, reservation: this.setStatus(hold, "committed") };
  }

  async release(key: ReservationKey): Promise<TransitionResult> {
    requireKey(key, "key");
    const hold = this.holds.get(key);
    if (hold === undefined) return { ok: false, reason: "not-found" };
    if (hold.status === "released" || hold.status === "expired") return { ok: true, reservation: hold };
    if (hold.status !== "held") return { ok: false, reason: "wrong-status", status: hold.status };
    for (const line of hold.lines) this.rowOf(line).held -= line.quantity;
    return { ok: true, reservation: this.setStatus(hold, "released") };
  }

  async expireDue(now: number): Promise<Reservation[]> {
    requireNonNegativeInt(now, "now");
    // A plain scan, as the legacy nightly job did; ordered by expiry, then key.
    const due = [...this.holds.values()]
      .filter((h) => h.status === "held" && h.expiresAt <= now)
      .sort((a, b) => a.expiresAt - b.expiresAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return due.map((hold) => {
      for (const line of hold.lines) this.rowOf(line).held -= line.quantity;
      return this.setStatus(hold, "expired");
    });
  }

  async get(key: ReservationKey): Promise<Reservation | undefined> {
    requireKey(key, "key");
    return this.holds.get(key);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<Reservation[]> {
    requireKey(checkoutId, "checkoutId");
    return (this.holdsByCheckout.get(checkoutId) ?? []).map((k) => this.holds.get(k) as Reservation);
  }

  async movements(sku: Sku, location: LocationId): Promise<StockMovement[]> {
    requireKey(sku, "sku");
    requireKey(location, "location");
    return [...this.movementLog.values()].filter((m) => m.sku === sku && m.location === location);
  }

  /** A sale: the hold becomes sold stock and leaves the sellable quantity, in one step. */
  protected sell(row: StockRow, quantity: number): void {
    row.held -= quantity;
    row.quantity -= quantity;
    row.sold += quantity;
  }

  /** Rows of held lines exist: reserve only holds stock that a movement created. */
  protected rowOf(line: ReservationLine): StockRow {
    return this.rows.get(rowId(line.sku, line.location)) as StockRow;
  }

  private setStatus(hold: Reservation, status: Reservation["status"]): Reservation {
    const next: Reservation = Object.freeze({ ...hold, status });
    this.holds.set(hold.key, next);
    return next;
  }
}

/** The port's view of a row: sold units are still on hand until they ship. */
function toLevel(row: StockRow): StockLevel {
  return { sku: row.sku, location: row.location, onHand: row.quantity + row.sold, held: row.held, committed: row.sold };
}

function checkMovement(movement: Omit<StockMovement, "at">): Omit<StockMovement, "at"> {
  if (typeof movement !== "object" || movement === null) throw new InvalidInput({ field: "movement", message: "movement must be an object" });
  const id = requireKey(movement.id, "id");
  const sku = requireKey(movement.sku, "sku") as Sku;
  const location = requireKey(movement.location, "location") as LocationId;
  const { kind, delta } = movement;
  if (!MOVEMENT_KINDS.includes(kind)) throw new InvalidInput({ field: "kind", message: `unknown movement kind ${String(kind)}` });
  if (!Number.isSafeInteger(delta) || delta === 0) throw new InvalidInput({ field: "delta", message: `delta must be a non-zero integer, got ${String(delta)}` });
  if ((kind === "receipt" && delta < 0) || (kind === "shipment" && delta > 0))
    throw new InvalidInput({ field: "delta", message: `a ${kind} cannot have delta ${delta}` });
  return { id, sku, location, kind, delta };
}

/** Validates a reserve request and sums lines that share SKU x location (first appearance first). */
export function checkReserve(request: ReserveRequest): { key: ReservationKey; checkoutId: CheckoutId; lines: readonly ReservationLine[]; expiresAt: number } {
  if (typeof request !== "object" || request === null) throw new InvalidInput({ field: "request", message: "reserve request must be an object" });
  const key = requireKey(request.key, "key") as ReservationKey;
  const checkoutId = requireKey(request.checkoutId, "checkoutId") as CheckoutId;
  const expiresAt = requireNonNegativeInt(request.expiresAt, "expiresAt");
  if (!Array.isArray(request.lines) || request.lines.length === 0 || request.lines.length > LINES_MAX)
    throw new InvalidInput({ field: "lines", message: `a reservation needs 1..${LINES_MAX} lines` });
  const summed = new Map<string, { sku: Sku; location: LocationId; quantity: number }>();
  request.lines.forEach((line, i) => {
    const sku = requireKey(line.sku, `lines[${i}].sku`) as Sku;
    const location = requireKey(line.location, `lines[${i}].location`) as LocationId;
    const quantity = requireQuantity(line.quantity, `lines[${i}].quantity`);
    const seen = summed.get(rowId(sku, location));
    if (seen === undefined) summed.set(rowId(sku, location), { sku, location, quantity });
    else seen.quantity = requireQuantity(seen.quantity + quantity, `lines[${i}].quantity`);
  });
  const lines = Object.freeze([...summed.values()].map((l) => Object.freeze(l)));
  return { key, checkoutId, lines, expiresAt };
}
