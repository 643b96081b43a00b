// Inventory input rules shared by every inventory engine: request checks, summing lines that share
// SKU x location, the one fixed lock order, and movement checks. Engines apply; the rules live here.
import { IdempotencyConflict, InvalidInput } from "../../core/errors.ts";
import type { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import type { ReservationLine, ReserveRequest, StockMovement, StockMovementKind } from "../../core/ports/inventory.ts";
import { requireKey, requireNonNegativeInt, requireQuantity } from "../../core/validate.ts";

/** A reservation with more lines than this is refused (bounds the work inside one lock). */
export const RESERVATION_LINES_MAX = 100;

export interface CheckedReserve {
  readonly key: ReservationKey;
  readonly checkoutId: CheckoutId;
  /** Lines summed per SKU x location, in order of first appearance (what the reservation records). */
  readonly lines: readonly ReservationLine[];
  /** The same lines in lock order (sorted by SKU, then location). */
  readonly lockOrder: readonly ReservationLine[];
  readonly expiresAt: number;
}

/** An unambiguous map key for one SKU x location (the length prefix keeps any characters apart). */
export const levelId = (sku: string, location: string): string => `${sku.length}:${sku}|${location}`;

/** Lock order: by SKU, then location, by UTF-16 code units (every engine sorts here, not in SQL). */
export function compareLines(a: { readonly sku: string; readonly location: string }, b: { readonly sku: string; readonly location: string }): number {
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1;
  if (a.location !== b.location) return a.location < b.location ? -1 : 1;
  return 0;
}

export function requireReserveRequest(request: ReserveRequest): CheckedReserve {
  if (typeof request !== "object" || request === null) throw new InvalidInput({ field: "request", message: "reserve request must be an object" });
  const key = requireKey(request.key, "key") as ReservationKey;
  const checkoutId = requireKey(request.checkoutId, "checkoutId") as CheckoutId;
  const expiresAt = requireNonNegativeInt(request.expiresAt, "expiresAt");
  const raw = request.lines;
  if (!Array.isArray(raw) || raw.length === 0) throw new InvalidInput({ field: "lines", message: "a reservation needs at least one line" });
  if (raw.length > RESERVATION_LINES_MAX) throw new InvalidInput({ field: "lines", message: `a reservation holds at most ${RESERVATION_LINES_MAX} lines, got ${raw.length}` });
  const summed = new Map<string, { sku: Sku; location: LocationId; quantity: number }>();
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i] as ReservationLine;
    if (typeof line !== "object" || line === null) throw new InvalidInput({ field: `lines[${i}]`, message: `lines[${i}] must be an object` });
    const sku = requireKey(line.sku, `lines[${i}].sku`) as Sku;
    const location = requireKey(line.location, `lines[${i}].location`) as LocationId;
    const quantity = requireQuantity(line.quantity, `lines[${i}].quantity`);
    const id = levelId(sku, location);
    const seen = summed.get(id);
    if (seen === undefined) summed.set(id, { sku, location, quantity });
    else seen.quantity = requireQuantity(seen.quantity + quantity, `lines[${i}].quantity`);
  }
  const lines = Object.freeze([...summed.values()].map((l) => Object.freeze(l)));
  return { key, checkoutId, lines, lockOrder: Object.freeze(lines.slice().sort(compareLines)), expiresAt };
}

const KINDS: readonly StockMovementKind[] = ["receipt", "adjustment", "shipment"];

/** A movement's sign must fit its kind: receipts add, shipments remove, adjustments do either. */
export function requireMovement(movement: Omit<StockMovement, "at">): Omit<StockMovement, "at"> {
  if (typeof movement !== "object" || movement === null) throw new InvalidInput({ field: "movement", message: "movement must be an object" });
  const id = requireKey(movement.id, "id");
  const sku = requireKey(movement.sku, "sku") as Sku;
  const location = requireKey(movement.location, "location") as LocationId;
  const kind = movement.kind;
  if (!KINDS.includes(kind)) throw new InvalidInput({ field: "kind", message: `kind must be one of ${KINDS.join(", ")}, got ${String(kind)}` });
  const delta = movement.delta;
  if (typeof delta !== "number" || !Number.isSafeInteger(delta) || delta === 0)
    throw new InvalidInput({ field: "delta", message: `delta must be a non-zero integer, got ${String(delta)}` });
  if (kind === "receipt" && delta < 0) throw new InvalidInput({ field: "delta", message: `a receipt adds stock: delta must be positive, got ${delta}` });
  if (kind === "shipment" && delta > 0) throw new InvalidInput({ field: "delta", message: `a shipment removes stock: delta must be negative, got ${delta}` });
  if (movement.checkoutId === undefined) return { id, sku, location, kind, delta };
  const checkoutId = requireKey(movement.checkoutId, "checkoutId") as CheckoutId;
  return { id, sku, location, kind, delta, checkoutId };
}

/** Replaying a movement id is a no-op only when it is the same movement. */
export function requireSameMovement(stored: StockMovement, asked: Omit<StockMovement, "at">): StockMovement {
  if (stored.sku !== asked.sku || stored.location !== asked.location || stored.kind !== asked.kind || stored.delta !== asked.delta || stored.checkoutId !== asked.checkoutId)
    throw new IdempotencyConflict({ key: asked.id, message: `movement ${asked.id} already recorded with different content` });
  return stored;
}

/** The refusal for a movement that would leave on-hand below what reservations hold. */
export function belowReserved(m: Omit<StockMovement, "at">, onHand: number, reserved: number): InvalidInput {
  return new InvalidInput({
    field: "delta",
    message: `movement ${m.id} would leave on-hand ${onHand + m.delta} for ${m.sku} at ${m.location}, below the ${reserved} held or committed`,
  });
}
