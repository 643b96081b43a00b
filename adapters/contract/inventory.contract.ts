// The inventory contract: what every InventoryStore engine must do, run by each engine's test file.
// It is engine-neutral and async throughout; the concurrency cases issue calls together, so an
// engine with real parallelism (a connection pool) is exercised where an in-process one is trivially safe.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import type { InventoryStore, Reservation, ReservationLine, ReserveRequest, StockLevel } from "../../core/ports/inventory.ts";
import { expectError } from "./expectError.ts";

export type MakeInventory = (clock: ManualClock) => InventoryStore | Promise<InventoryStore>;

const WH = LocationId("wh-1");
const line = (sku: string, quantity: number, location: LocationId = WH): ReservationLine => ({ sku: Sku(sku), location, quantity });
const request = (key: string, lines: ReservationLine[], expiresAt = 60_000, checkout = `co-${key}`): ReserveRequest => ({
  key: ReservationKey(key),
  checkoutId: CheckoutId(checkout),
  lines,
  expiresAt,
});

/** A fresh store on its own clock, with helpers to receive stock and read a level. */
const freshInventory = (make: MakeInventory) =>
  async (start = 0) => {
    const clock = new ManualClock(start);
    const inv = await make(clock);
    let n = 0;
    const receive = async (sku: string, delta: number, location: LocationId = WH) =>
      inv.recordMovement({ id: `rcv-${++n}`, sku: Sku(sku), location, kind: "receipt", delta });
    const lvl = async (sku: string, location: LocationId = WH) => {
      const { onHand, held, committed } = await inv.level(Sku(sku), location);
      return { onHand, held, committed };
    };
    return { clock, inv, receive, lvl };
  };
type Fresh = ReturnType<typeof freshInventory>;

const reserved = (r: Awaited<ReturnType<InventoryStore["reserve"]>>): Reservation => {
  if (!r.ok) throw new Error(`expected a reservation, got ${JSON.stringify(r)}`);
  return r.reservation;
};

function stockMovements(fresh: Fresh): void {
  describe("stock movements", () => {
    it("reads an unknown SKU x location as zero stock", async () => {
      const { inv } = await fresh();
      expect(await inv.level(Sku("ghost"), WH)).toEqual({ sku: "ghost", location: "wh-1", onHand: 0, held: 0, committed: 0 });
      expect(await inv.levels()).toEqual([]);
      expect(await inv.movements(Sku("ghost"), WH)).toEqual([]);
    });

    it("changes on-hand only through movements, stamped with the clock, listed in order", async () => {
      const { clock, inv, lvl } = await fresh(100);
      const m1 = await inv.recordMovement({ id: "m1", sku: Sku("mug"), location: WH, kind: "receipt", delta: 10 });
      clock.advance(5);
      await inv.recordMovement({ id: "m2", sku: Sku("mug"), location: WH, kind: "shipment", delta: -3 });
      await inv.recordMovement({ id: "m3", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 1 });
      await inv.recordMovement({ id: "m4", sku: Sku("mug"), location: LocationId("wh-2"), kind: "receipt", delta: 4 });
      expect(m1).toEqual({ id: "m1", sku: "mug", location: "wh-1", kind: "receipt", delta: 10, at: 100 });
      expect(await lvl("mug")).toEqual({ onHand: 8, held: 0, committed: 0 });
      expect((await inv.movements(Sku("mug"), WH)).map((m) => [m.id, m.delta, m.at])).toEqual([["m1", 10, 100], ["m2", -3, 105], ["m3", 1, 105]]);
      expect((await inv.movements(Sku("mug"), LocationId("wh-2"))).map((m) => m.id)).toEqual(["m4"]);
    });

    it("records a movement id once: a replay is a no-op, a different movement under that id is a conflict", async () => {
      const { clock, inv, lvl } = await fresh();
      const first = await inv.recordMovement({ id: "m1", sku: Sku("mug"), location: WH, kind: "receipt", delta: 10 });
      clock.advance(50);
      expect(await inv.recordMovement({ id: "m1", sku: Sku("mug"), location: WH, kind: "receipt", delta: 10 })).toEqual(first);
      await expectError("IdempotencyConflict", () => inv.recordMovement({ id: "m1", sku: Sku("mug"), location: WH, kind: "receipt", delta: 11 }));
      await expectError("IdempotencyConflict", () => inv.recordMovement({ id: "m1", sku: Sku("pot"), location: WH, kind: "receipt", delta: 10 }));
      expect(await lvl("mug")).toEqual({ onHand: 10, held: 0, committed: 0 });
      expect(await lvl("pot")).toEqual({ onHand: 0, held: 0, committed: 0 });
      expect(await inv.movements(Sku("mug"), WH)).toHaveLength(1);
    });

    it("ties a movement to the checkout it belongs to (a shipment, a cancellation restock) and keeps the tie through replays", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 10);
      const shipped = await inv.recordMovement({ id: "ship-1", sku: Sku("mug"), location: WH, kind: "shipment", delta: -2, checkoutId: CheckoutId("co-1") });
      const restocked = await inv.recordMovement({ id: "restock-1", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 2, checkoutId: CheckoutId("co-1") });
      expect(shipped).toMatchObject({ kind: "shipment", delta: -2, checkoutId: "co-1" });
      expect(restocked).toMatchObject({ kind: "adjustment", delta: 2, checkoutId: "co-1" });
      const listed = await inv.movements(Sku("mug"), WH);
      expect(listed.map((m) => [m.id, m.checkoutId ?? null])).toEqual([["rcv-1", null], ["ship-1", "co-1"], ["restock-1", "co-1"]]);
      expect(listed[0]).not.toHaveProperty("checkoutId");
      expect(await inv.recordMovement({ id: "restock-1", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 2, checkoutId: CheckoutId("co-1") })).toEqual(restocked);
      await expectError("IdempotencyConflict", () => inv.recordMovement({ id: "restock-1", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 2, checkoutId: CheckoutId("co-2") }));
      await expectError("IdempotencyConflict", () => inv.recordMovement({ id: "restock-1", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 2 }));
      await expectError("InvalidInput", () => inv.recordMovement({ id: "restock-2", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 2, checkoutId: CheckoutId("") }));
      expect(await lvl("mug")).toEqual({ onHand: 10, held: 0, committed: 0 });
      expect(await inv.movements(Sku("mug"), WH)).toHaveLength(3);
    });

    it("refuses a movement that would leave on-hand below what is held or committed, and writes nothing", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 5);
      reserved(await inv.reserve(request("k1", [line("mug", 3)])));
      await expectError("InvalidInput", () => inv.recordMovement({ id: "s1", sku: Sku("mug"), location: WH, kind: "shipment", delta: -3 }));
      await expectError("InvalidInput", () => inv.recordMovement({ id: "s2", sku: Sku("pot"), location: WH, kind: "adjustment", delta: -1 }));
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 3, committed: 0 });
      expect(await inv.movements(Sku("mug"), WH)).toHaveLength(1);
      expect(await inv.movements(Sku("pot"), WH)).toEqual([]);
      await inv.recordMovement({ id: "s1", sku: Sku("mug"), location: WH, kind: "shipment", delta: -2 });
      expect(await lvl("mug")).toEqual({ onHand: 3, held: 3, committed: 0 });
    });

    it("refuses malformed movements with InvalidInput", async () => {
      const { inv } = await fresh();
      const base = { id: "m", sku: Sku("mug"), location: WH, kind: "receipt", delta: 1 } as const;
      const bad = [
        { ...base, id: "" },
        { ...base, id: "i".repeat(256) },
        { ...base, sku: Sku("") },
        { ...base, location: LocationId("") },
        { ...base, delta: 0 },
        { ...base, delta: 1.5 },
        { ...base, delta: -1 },
        { ...base, kind: "shipment" as const, delta: 1 },
        { ...base, kind: "theft" as "receipt" },
      ];
      for (const m of bad) await expectError("InvalidInput", () => inv.recordMovement(m));
      expect(await inv.levels()).toEqual([]);
    });
  });
}

function reserving(fresh: Fresh): void {
  describe("reserve", () => {
    it("holds stock for every line and records the reservation", async () => {
      const { clock, inv, receive, lvl } = await fresh(1_000);
      await receive("mug", 5);
      await receive("pot", 2, LocationId("wh-2"));
      const r = await inv.reserve(request("k1", [line("mug", 2), line("pot", 1, LocationId("wh-2"))], 9_000, "co-1"));
      expect(r).toEqual({
        ok: true,
        created: true,
        reservation: { key: "k1", checkoutId: "co-1", lines: [line("mug", 2), line("pot", 1, LocationId("wh-2"))], status: "held", createdAt: 1_000, expiresAt: 9_000 },
      });
      clock.advance(1);
      expect(await inv.get(ReservationKey("k1"))).toEqual(reserved(r));
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 2, committed: 0 });
      expect(await lvl("pot", LocationId("wh-2"))).toEqual({ onHand: 2, held: 1, committed: 0 });
    });

    it("sums lines that share SKU x location, keeping first-appearance order", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 10);
      await receive("pot", 10);
      await receive("mug", 10, LocationId("wh-2"));
      const r = reserved(await inv.reserve(request("k1", [line("pot", 1), line("mug", 2), line("mug", 3, LocationId("wh-2")), line("pot", 4), line("mug", 1)])));
      expect(r.lines).toEqual([line("pot", 5), line("mug", 3), line("mug", 3, LocationId("wh-2"))]);
      expect(await lvl("mug")).toEqual({ onHand: 10, held: 3, committed: 0 });
      expect(await lvl("pot")).toEqual({ onHand: 10, held: 5, committed: 0 });
    });

    it("is all-or-nothing: one short line holds nothing anywhere and names the first short line in SKU order", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("a", 5);
      await receive("b", 1);
      await receive("c", 0 + 1);
      const r = await inv.reserve(request("k1", [line("c", 3), line("a", 2), line("b", 1), line("b", 1)]));
      expect(r).toEqual({ ok: false, reason: "insufficient", sku: "b", location: "wh-1", requested: 2, available: 1 });
      expect(await lvl("a")).toEqual({ onHand: 5, held: 0, committed: 0 });
      expect(await lvl("b")).toEqual({ onHand: 1, held: 0, committed: 0 });
      expect(await lvl("c")).toEqual({ onHand: 1, held: 0, committed: 0 });
      expect(await inv.get(ReservationKey("k1"))).toBeUndefined();
      expect(await inv.findByCheckout(CheckoutId("co-k1"))).toEqual([]);
    });

    it("treats an unknown SKU x location as zero available, not an error", async () => {
      const { inv, receive } = await fresh();
      await receive("mug", 5);
      expect(await inv.reserve(request("k1", [line("mug", 1), line("mug", 1, LocationId("elsewhere"))]))).toEqual({
        ok: false,
        reason: "insufficient",
        sku: "mug",
        location: "elsewhere",
        requested: 1,
        available: 0,
      });
      expect(await inv.levels()).toEqual([{ sku: "mug", location: "wh-1", onHand: 5, held: 0, committed: 0 }]);
    });

    it("reserves exactly the last unit, and not one more", async () => {
      const { inv, receive } = await fresh();
      await receive("mug", 3);
      reserved(await inv.reserve(request("k1", [line("mug", 2)])));
      reserved(await inv.reserve(request("k2", [line("mug", 1)])));
      expect(await inv.reserve(request("k3", [line("mug", 1)]))).toMatchObject({ ok: false, requested: 1, available: 0 });
    });

    it("is idempotent by key: a retry returns the stored reservation, whatever its status or the retried lines", async () => {
      const { clock, inv, receive, lvl } = await fresh();
      await receive("mug", 5);
      const first = reserved(await inv.reserve(request("k1", [line("mug", 2)])));
      clock.advance(10);
      expect(await inv.reserve(request("k1", [line("mug", 2)]))).toEqual({ ok: true, created: false, reservation: first });
      expect(await inv.reserve(request("k1", [line("mug", 5), line("pot", 1)], 1, "other"))).toEqual({ ok: true, created: false, reservation: first });
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 2, committed: 0 });
      await inv.commit(ReservationKey("k1"));
      expect(await inv.reserve(request("k1", [line("mug", 2)]))).toMatchObject({ ok: true, created: false, reservation: { status: "committed" } });
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 0, committed: 2 });
    });

    it("does not burn a key on a refused reservation: the retry succeeds once stock arrives", async () => {
      const { inv, receive } = await fresh();
      expect((await inv.reserve(request("k1", [line("mug", 2)]))).ok).toBe(false);
      await receive("mug", 2);
      expect(await inv.reserve(request("k1", [line("mug", 2)]))).toMatchObject({ ok: true, created: true });
    });

    it("refuses bad requests with InvalidInput and writes nothing", async () => {
      const { inv, receive } = await fresh();
      await receive("mug", 100);
      const bad: ReserveRequest[] = [
        request("k", [line("mug", 0)]),
        request("k", [line("mug", -1)]),
        request("k", [line("mug", 1.5)]),
        request("k", [line("mug", Number.NaN)]),
        request("k", [line("mug", 1), line("mug", 0)]),
        request("k", [line("", 1)]),
        request("k", [line("mug", 1, LocationId(""))]),
        request("k", []),
        request("", [line("mug", 1)]),
        request("k".repeat(256), [line("mug", 1)]),
        request("k", [line("mug", 1)], 1, ""),
        request("k", [line("mug", 1)], 1.5),
        request("k", [line("mug", 1)], -1),
        request("k", [line("mug", Number.MAX_SAFE_INTEGER), line("mug", Number.MAX_SAFE_INTEGER)]),
        request("k", Array.from({ length: 101 }, (_, i) => line(`s${i}`, 1))),
      ];
      for (const r of bad) await expectError("InvalidInput", () => inv.reserve(r));
      expect(await inv.levels()).toEqual([{ sku: "mug", location: "wh-1", onHand: 100, held: 0, committed: 0 }]);
      expect(await inv.get(ReservationKey("k"))).toBeUndefined();
      for (const key of ["", "x".repeat(256)].map(ReservationKey)) {
        await expectError("InvalidInput", () => inv.commit(key));
        await expectError("InvalidInput", () => inv.release(key));
      }
      expect(await inv.reserve(request("k".repeat(255), [line("mug", 1)], 1, "c".repeat(255)))).toMatchObject({ ok: true, created: true });
    });
  });
}

function commitReleaseExpire(fresh: Fresh): void {
  describe("commit, release, expire", () => {
    it("commits held stock; a second commit is a no-op success", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 5);
      reserved(await inv.reserve(request("k1", [line("mug", 2)])));
      const c1 = await inv.commit(ReservationKey("k1"));
      expect(c1).toMatchObject({ ok: true, reservation: { key: "k1", status: "committed" } });
      expect(await inv.commit(ReservationKey("k1"))).toEqual(c1);
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 0, committed: 2 });
      expect(await inv.commit(ReservationKey("nope"))).toEqual({ ok: false, reason: "not-found" });
    });

    it("releases held stock; releasing again is a no-op; a committed reservation cannot be released", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 5);
      reserved(await inv.reserve(request("k1", [line("mug", 2)])));
      reserved(await inv.reserve(request("k2", [line("mug", 1)])));
      const r1 = await inv.release(ReservationKey("k1"));
      expect(r1).toMatchObject({ ok: true, reservation: { status: "released" } });
      expect(await inv.release(ReservationKey("k1"))).toEqual(r1);
      expect(await inv.commit(ReservationKey("k1"))).toEqual({ ok: false, reason: "wrong-status", status: "released" });
      await inv.commit(ReservationKey("k2"));
      expect(await inv.release(ReservationKey("k2"))).toEqual({ ok: false, reason: "wrong-status", status: "committed" });
      expect(await inv.release(ReservationKey("nope"))).toEqual({ ok: false, reason: "not-found" });
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 0, committed: 1 });
    });

    it("expires only held reservations that are due, in expiry order, and frees their stock once", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 10);
      reserved(await inv.reserve(request("late", [line("mug", 1)], 300)));
      reserved(await inv.reserve(request("b-due", [line("mug", 2)], 100)));
      reserved(await inv.reserve(request("a-due", [line("mug", 2)], 100)));
      reserved(await inv.reserve(request("first", [line("mug", 1)], 50)));
      reserved(await inv.reserve(request("sold", [line("mug", 3)], 60)));
      reserved(await inv.reserve(request("gone", [line("mug", 1)], 70)));
      await inv.commit(ReservationKey("sold"));
      await inv.release(ReservationKey("gone"));
      expect(await inv.expireDue(49)).toEqual([]);
      const swept = await inv.expireDue(100);
      expect(swept.map((r) => [r.key, r.status])).toEqual([["first", "expired"], ["a-due", "expired"], ["b-due", "expired"]]);
      expect(await lvl("mug")).toEqual({ onHand: 10, held: 1, committed: 3 });
      expect(await inv.expireDue(100)).toEqual([]);
      expect(await lvl("mug")).toEqual({ onHand: 10, held: 1, committed: 3 });
      expect(await inv.commit(ReservationKey("first"))).toEqual({ ok: false, reason: "wrong-status", status: "expired" });
      expect(await inv.release(ReservationKey("first"))).toMatchObject({ ok: true, reservation: { status: "expired" } });
      expect(await inv.reserve(request("first", [line("mug", 1)]))).toMatchObject({ ok: true, created: false, reservation: { status: "expired" } });
      expect((await inv.get(ReservationKey("sold")))?.status).toBe("committed");
      expect((await inv.get(ReservationKey("late")))?.status).toBe("held");
    });

    it("lets a hold past its expiry be committed until the sweep has run (expiry is the sweep's decision)", async () => {
      const { clock, inv, receive, lvl } = await fresh();
      await receive("mug", 1);
      reserved(await inv.reserve(request("k1", [line("mug", 1)], 10)));
      clock.advance(100);
      expect(await inv.commit(ReservationKey("k1"))).toMatchObject({ ok: true });
      expect(await inv.expireDue(clock.now())).toEqual([]);
      expect(await lvl("mug")).toEqual({ onHand: 1, held: 0, committed: 1 });
    });
  });
}

function reconciliationAndReads(fresh: Fresh): void {
  describe("reconciliation and reads", () => {
    it("finds every reservation of a checkout, in creation order, whatever its status", async () => {
      const { inv, receive } = await fresh();
      await receive("mug", 10);
      reserved(await inv.reserve(request("k2", [line("mug", 1)], 100, "co-1")));
      reserved(await inv.reserve(request("k1", [line("mug", 1)], 100, "co-1")));
      reserved(await inv.reserve(request("k3", [line("mug", 1)], 100, "co-2")));
      await inv.commit(ReservationKey("k1"));
      await inv.release(ReservationKey("k2"));
      expect((await inv.findByCheckout(CheckoutId("co-1"))).map((r) => [r.key, r.status])).toEqual([["k2", "released"], ["k1", "committed"]]);
      expect((await inv.findByCheckout(CheckoutId("co-2"))).map((r) => r.key)).toEqual(["k3"]);
      expect(await inv.findByCheckout(CheckoutId("co-3"))).toEqual([]);
    });

    it("lists every SKU x location sorted by SKU then location", async () => {
      const { inv, receive } = await fresh();
      await receive("pot", 1, LocationId("b"));
      await receive("mug", 2, LocationId("b"));
      await receive("pot", 3, LocationId("a"));
      await receive("Mug", 4, LocationId("a"));
      expect((await inv.levels()).map((l: StockLevel) => [l.sku, l.location, l.onHand])).toEqual([
        ["Mug", "a", 4],
        ["mug", "b", 2],
        ["pot", "a", 3],
        ["pot", "b", 1],
      ]);
    });

    it("hands out values that cannot change stored state", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 5);
      const r = reserved(await inv.reserve(request("k1", [line("mug", 2)])));
      const level = await inv.level(Sku("mug"), WH);
      const all = await inv.levels();
      const moves = await inv.movements(Sku("mug"), WH);
      for (const mutate of [
        () => ((r.lines[0] as { quantity: number }).quantity = 99),
        () => ((r as { status: string }).status = "released"),
        () => ((level as { held: number }).held = 0),
        () => ((all[0] as { onHand: number }).onHand = 1_000),
        () => moves.push({ ...(moves[0] as (typeof moves)[number]), id: "fake" }),
        () => ((moves[0] as { delta: number }).delta = 1_000),
      ]) {
        try {
          mutate();
        } catch {
          // frozen
        }
      }
      expect(await lvl("mug")).toEqual({ onHand: 5, held: 2, committed: 0 });
      expect(await inv.get(ReservationKey("k1"))).toMatchObject({ status: "held", lines: [line("mug", 2)] });
      expect((await inv.movements(Sku("mug"), WH)).map((m) => [m.id, m.delta])).toEqual([["rcv-1", 5]]);
    });
  });
}

function concurrentCallers(fresh: Fresh): void {
  describe("concurrent callers", () => {
    it("never oversells a hot SKU when many reservations arrive together", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("hot", 10);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => inv.reserve(request(`k${i}`, [line("hot", 1 + (i % 2))]))));
      const held = results.reduce((sum, r, i) => sum + (r.ok ? 1 + (i % 2) : 0), 0);
      expect(held).toBeLessThanOrEqual(10);
      expect(await lvl("hot")).toEqual({ onHand: 10, held, committed: 0 });
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.available < r.requested)).toBe(true);
    });

    it("creates one reservation for many simultaneous retries of one key", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("hot", 10);
      const results = await Promise.all(Array.from({ length: 12 }, () => inv.reserve(request("same", [line("hot", 3)]))));
      expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
      expect(results.every((r) => r.ok && r.reservation.key === "same" && r.reservation.status === "held")).toBe(true);
      expect(await lvl("hot")).toEqual({ onHand: 10, held: 3, committed: 0 });
    });

    it("completes opposite-order multi-SKU reservations together without deadlock or partial holds", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("a", 6);
      await receive("b", 6);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => inv.reserve(request(`k${i}`, i % 2 === 0 ? [line("a", 1), line("b", 1)] : [line("b", 1), line("a", 1)]))),
      );
      const ok = results.filter((r) => r.ok).length;
      expect(ok).toBe(6);
      expect(await lvl("a")).toEqual({ onHand: 6, held: 6, committed: 0 });
      expect(await lvl("b")).toEqual({ onHand: 6, held: 6, committed: 0 });
    });

    it("commits or releases a reservation exactly once when both race", async () => {
      const { inv, receive, lvl } = await fresh();
      await receive("mug", 4);
      reserved(await inv.reserve(request("k1", [line("mug", 4)])));
      const results = await Promise.all([inv.commit(ReservationKey("k1")), inv.release(ReservationKey("k1")), inv.expireDue(1_000_000)]);
      const status = (await inv.get(ReservationKey("k1")))?.status;
      const level = await lvl("mug");
      expect(level.held).toBe(0);
      expect(level.committed).toBe(status === "committed" ? 4 : 0);
      expect(results[0].ok).toBe(status === "committed");
    });
  });
}

export function inventoryContract(name: string, make: MakeInventory): void {
  describe(`inventory contract (${name})`, () => {
    const fresh = freshInventory(make);
    stockMovements(fresh);
    reserving(fresh);
    commitReleaseExpire(fresh);
    reconciliationAndReads(fresh);
    concurrentCallers(fresh);
  });
}
