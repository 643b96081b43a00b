// Model-based test for any InventoryStore: fast-check generates random sequences of receipts,
// adjustments, movement replays, reservations (repeated keys, multi-line, shared SKUs), commits,
// releases and clock advances with expiry sweeps, runs them against the engine and a tiny model,
// and after every step checks that nothing is oversold, no reservation is lost or changed behind
// the model's back, and on-hand equals the sum of movements.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import type { InventoryStore, Reservation, ReservationLine, ReservationStatus, ReserveResult, StockMovementKind } from "../../core/ports/inventory.ts";
import type { MakeInventory } from "./inventory.contract.ts";

const SKUS = ["a", "b", "c"];
const LOCATIONS = ["x", "y"];
const KEYS = ["k0", "k1", "k2", "k3", "k4", "k5", "k6"];
const CHECKOUTS = ["c0", "c1", "c2"];

interface LevelModel {
  onHand: number;
  held: number;
  committed: number;
}
interface Model {
  levels: Map<string, LevelModel & { sku: string; location: string }>;
  reservations: Map<string, Reservation>;
  /** Creation order, for findByCheckout. */
  order: string[];
  movements: { id: string; sku: string; location: string; kind: StockMovementKind; delta: number }[];
}
interface Real {
  inv: InventoryStore;
  clock: ManualClock;
}
type Cmd = fc.AsyncCommand<Model, Real>;

const id = (sku: string, location: string) => `${sku}|${location}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const levelOf = (m: Model, sku: string, location: string) => {
  let l = m.levels.get(id(sku, location));
  if (l === undefined) m.levels.set(id(sku, location), (l = { sku, location, onHand: 0, held: 0, committed: 0 }));
  return l;
};
const freeIn = (m: Model, sku: string, location: string) => {
  const l = m.levels.get(id(sku, location));
  return l === undefined ? 0 : l.onHand - l.held - l.committed;
};

class Movement implements Cmd {
  constructor(readonly kind: StockMovementKind, readonly sku: string, readonly location: string, readonly delta: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const mv = { id: `m${m.movements.length}`, sku: this.sku, location: this.location, kind: this.kind, delta: this.delta };
    const l = m.levels.get(id(this.sku, this.location));
    const reserved = l === undefined ? 0 : l.held + l.committed;
    const onHand = l?.onHand ?? 0;
    const attempt = r.inv.recordMovement({ ...mv, sku: Sku(mv.sku), location: LocationId(mv.location) });
    if (onHand + this.delta < reserved) {
      await expect(attempt).rejects.toMatchObject({ _tag: "InvalidInput" });
    } else {
      expect(await attempt).toEqual({ ...mv, at: r.clock.now() });
      m.movements.push(mv);
      levelOf(m, this.sku, this.location).onHand += this.delta;
    }
    await invariants(m, r);
  }
  toString = () => `${this.kind}(${this.sku}@${this.location}, ${this.delta})`;
}

class ReplayMovement implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.movements.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const mv = m.movements[this.pick % m.movements.length] as Model["movements"][number];
    const got = await r.inv.recordMovement({ ...mv, sku: Sku(mv.sku), location: LocationId(mv.location) });
    expect(got).toMatchObject(mv);
    await invariants(m, r);
  }
  toString = () => `replayMovement(#${this.pick})`;
}

class Reserve implements Cmd {
  constructor(readonly key: string, readonly checkout: string, readonly lines: ReservationLine[], readonly ttl: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const now = r.clock.now();
    const got = await r.inv.reserve({ key: ReservationKey(this.key), checkoutId: CheckoutId(this.checkout), lines: this.lines, expiresAt: now + this.ttl });
    expect(got).toEqual(predictReserve(m, this, now));
    await invariants(m, r);
  }
  toString = () => `reserve(${this.key}, ${this.checkout}, ${this.lines.map((l) => `${l.quantity}x${l.sku}@${l.location}`).join("+")}, ttl ${this.ttl})`;
}

function predictReserve(m: Model, c: Reserve, now: number): ReserveResult {
  const existing = m.reservations.get(c.key);
  if (existing !== undefined) return { ok: true, reservation: existing, created: false };
  const summed = new Map<string, ReservationLine>();
  for (const l of c.lines) {
    const k = id(l.sku, l.location);
    summed.set(k, { ...l, quantity: (summed.get(k)?.quantity ?? 0) + l.quantity });
  }
  const lines = [...summed.values()];
  for (const l of lines.slice().sort((p, q) => cmp(p.sku, q.sku) || cmp(p.location, q.location))) {
    const free = freeIn(m, l.sku, l.location);
    if (free < l.quantity) return { ok: false, reason: "insufficient", sku: l.sku, location: l.location, requested: l.quantity, available: free };
  }
  for (const l of lines) levelOf(m, l.sku, l.location).held += l.quantity;
  const reservation: Reservation = { key: ReservationKey(c.key), checkoutId: CheckoutId(c.checkout), lines, status: "held", createdAt: now, expiresAt: now + c.ttl };
  m.reservations.set(c.key, reservation);
  m.order.push(c.key);
  return { ok: true, reservation, created: true };
}

function leaveHeld(m: Model, res: Reservation, status: ReservationStatus): Reservation {
  for (const l of res.lines) {
    const level = levelOf(m, l.sku, l.location);
    level.held -= l.quantity;
    if (status === "committed") level.committed += l.quantity;
  }
  const next = { ...res, status };
  m.reservations.set(res.key, next);
  return next;
}

class Commit implements Cmd {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const got = await r.inv.commit(ReservationKey(this.key));
    const res = m.reservations.get(this.key);
    if (res === undefined) expect(got).toEqual({ ok: false, reason: "not-found" });
    else if (res.status === "committed") expect(got).toEqual({ ok: true, reservation: res });
    else if (res.status !== "held") expect(got).toEqual({ ok: false, reason: "wrong-status", status: res.status });
    else expect(got).toEqual({ ok: true, reservation: leaveHeld(m, res, "committed") });
    await invariants(m, r);
  }
  toString = () => `commit(${this.key})`;
}

class Release implements Cmd {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const got = await r.inv.release(ReservationKey(this.key));
    const res = m.reservations.get(this.key);
    if (res === undefined) expect(got).toEqual({ ok: false, reason: "not-found" });
    else if (res.status === "released" || res.status === "expired") expect(got).toEqual({ ok: true, reservation: res });
    else if (res.status === "committed") expect(got).toEqual({ ok: false, reason: "wrong-status", status: "committed" });
    else expect(got).toEqual({ ok: true, reservation: leaveHeld(m, res, "released") });
    await invariants(m, r);
  }
  toString = () => `release(${this.key})`;
}

class AdvanceAndExpire implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.clock.advance(this.ms);
    const now = r.clock.now();
    const due = [...m.reservations.values()]
      .filter((res) => res.status === "held" && res.expiresAt <= now)
      .sort((p, q) => p.expiresAt - q.expiresAt || cmp(p.key, q.key));
    const expected = due.map((res) => leaveHeld(m, res, "expired"));
    expect(await r.inv.expireDue(now)).toEqual(expected);
    await invariants(m, r);
  }
  toString = () => `advanceAndExpire(+${this.ms})`;
}

/** The safety properties, checked against the engine's own data as well as against the model. */
async function invariants(m: Model, r: Real): Promise<void> {
  const levels = await r.inv.levels();
  const expectedLevels = [...m.levels.values()].sort((p, q) => cmp(p.sku, q.sku) || cmp(p.location, q.location));
  expect(levels).toEqual(expectedLevels);
  const real: Reservation[] = [];
  for (const c of CHECKOUTS) {
    const found = await r.inv.findByCheckout(CheckoutId(c));
    // never lose a reservation: each one the model knows is there, unchanged, in creation order
    expect(found).toEqual(m.order.filter((k) => m.reservations.get(k)?.checkoutId === c).map((k) => m.reservations.get(k)));
    real.push(...found);
  }
  for (const l of levels) {
    // never oversell
    expect(l.held + l.committed).toBeLessThanOrEqual(l.onHand);
    expect(l.held).toBeGreaterThanOrEqual(0);
    // held and committed are exactly what the reservations say
    const sum = (status: ReservationStatus) =>
      real
        .filter((res) => res.status === status)
        .flatMap((res) => res.lines)
        .filter((x) => x.sku === l.sku && x.location === l.location)
        .reduce((s, x) => s + x.quantity, 0);
    expect(l.held).toBe(sum("held"));
    expect(l.committed).toBe(sum("committed"));
    // on-hand is the sum of the append-only movements
    const moves = await r.inv.movements(l.sku, l.location);
    expect(moves.reduce((s, mv) => s + mv.delta, 0)).toBe(l.onHand);
  }
}

const sku = fc.constantFrom(...SKUS);
const location = fc.constantFrom(...LOCATIONS);
const receipt = fc.tuple(sku, location, fc.integer({ min: 1, max: 6 })).map(([s, l, q]) => new Movement("receipt", s, l, q));
// Receipts appear twice so that multi-line reservations find stock often enough to matter.
const commandArbs: fc.Arbitrary<Cmd>[] = [
  receipt,
  receipt,
  fc.tuple(sku, location, fc.integer({ min: 1, max: 4 })).map(([s, l, q]) => new Movement("shipment", s, l, -q)),
  fc.tuple(sku, location, fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0)).map(([s, l, d]) => new Movement("adjustment", s, l, d)),
  fc.nat(20).map((n) => new ReplayMovement(n)),
  fc
    .tuple(
      fc.constantFrom(...KEYS),
      fc.constantFrom(...CHECKOUTS),
      fc.array(fc.record({ sku: sku.map(Sku), location: location.map(LocationId), quantity: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 100 }),
    )
    .map(([k, c, lines, ttl]) => new Reserve(k, c, lines, ttl)),
  fc.constantFrom(...KEYS).map((k) => new Commit(k)),
  fc.constantFrom(...KEYS).map((k) => new Release(k)),
  fc.constantFrom(0, 10, 40, 120).map((ms) => new AdvanceAndExpire(ms)),
];

export interface InventoryModelTestOptions {
  /** Generated command sequences; default 100. */
  readonly numRuns?: number;
  /** Longest sequence; default 40. */
  readonly maxCommands?: number;
}

export function inventoryModelTest(name: string, make: MakeInventory, options: InventoryModelTestOptions = {}): void {
  describe(`inventory model (${name})`, () => {
    it("never oversells, loses a reservation or lets on-hand drift from its movements", async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbs, { maxCommands: options.maxCommands ?? 40, size: "max" }), async (cmds) => {
          const setup = async () => {
            const clock = new ManualClock(0);
            const model: Model = { levels: new Map(), reservations: new Map(), order: [], movements: [] };
            return { model, real: { inv: await make(clock), clock } };
          };
          await fc.asyncModelRun(setup, cmds);
        }),
        { numRuns: options.numRuns ?? 100 },
      );
    });
  });
}
