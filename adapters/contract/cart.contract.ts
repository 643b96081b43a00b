// The cart contract: what every CartStore engine must do, run by each engine's test file. Carts are
// built with the default TTL of 30 minutes on the ManualClock handed to `make`.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, Sku } from "../../core/ids.ts";
import type { Currency, Money } from "../../core/money.ts";
import type { Cart, CartLine, CartStore } from "../../core/ports/cart.ts";
import { expectError } from "./expectError.ts";

export type MakeCart = (clock: ManualClock) => CartStore | Promise<CartStore>;

const TTL = 30 * 60_000;
const usd = (amount: number): Money => ({ amount, currency: "USD" });
const line = (sku: string, quantity: number, price: Money = usd(500), priceVersion = 1): CartLine => ({ sku: Sku(sku), quantity, priceSnapshot: price, priceVersion });
const alice = BuyerId("alice");
const bob = BuyerId("bob");
const shape = (c: Cart | undefined) => c?.lines.map((l) => [l.sku, l.quantity]);

/** A fresh store on its own clock. */
const freshCart = (make: MakeCart) =>
  async (start = 1_000) => {
    const clock = new ManualClock(start);
    return { clock, cart: await make(clock) };
  };
type Fresh = ReturnType<typeof freshCart>;

function linesAndVersions(fresh: Fresh): void {
  describe("lines, versions and compare-and-set", () => {
    it("has no cart for a new buyer", async () => {
      const { cart } = await fresh();
      expect(await cart.get(alice)).toBeUndefined();
    });

    it("starts a cart on the first line, at version 1, expiring one TTL after the write", async () => {
      const { cart } = await fresh(5_000);
      const c = await cart.addLine(alice, line("mug", 2));
      expect(c).toEqual({ buyerId: alice, version: 1, lines: [line("mug", 2)], updatedAt: 5_000, expiresAt: 5_000 + TTL });
      expect(await cart.get(alice)).toEqual(c);
    });

    it("merges lines with the same SKU: quantities summed, price snapshot refreshed; new SKUs append", async () => {
      const { cart } = await fresh();
      await cart.addLine(alice, line("mug", 2, usd(500), 1));
      await cart.addLine(alice, line("pot", 1));
      const c = await cart.addLine(alice, line("mug", 3, usd(550), 2));
      expect(c.version).toBe(3);
      expect(c.lines).toEqual([line("mug", 5, usd(550), 2), line("pot", 1)]);
    });

    it("keeps each line's tax rate snapshot (a line without one has none), through merges and puts", async () => {
      const { cart } = await fresh();
      const taxed = { ...line("mug", 1), taxRateBps: 2000 };
      await cart.addLine(alice, taxed);
      await cart.addLine(alice, line("gift", 1));
      const merged = await cart.addLine(alice, { ...line("mug", 2), taxRateBps: 1900 });
      expect(merged.lines).toEqual([{ ...line("mug", 3), taxRateBps: 1900 }, line("gift", 1)]);
      expect(merged.lines[1]).not.toHaveProperty("taxRateBps");
      expect((await cart.get(alice))?.lines).toEqual(merged.lines);
      const put = await cart.put(alice, [{ ...line("bread", 1), taxRateBps: 0 }]);
      expect((await cart.get(alice))?.lines).toEqual(put?.lines);
      expect(put?.lines).toEqual([{ ...line("bread", 1), taxRateBps: 0 }]);
      for (const bad of [-1, 10_001, 0.5]) await expectError("InvalidInput", () => cart.addLine(alice, { ...line("pot", 1), taxRateBps: bad }));
      expect((await cart.get(alice))?.lines).toEqual(put?.lines);
    });

    it("sets a quantity, removes a line at 0, and refuses a positive quantity for a SKU not in the cart", async () => {
      const { cart } = await fresh();
      await cart.addLine(alice, line("mug", 2));
      await cart.addLine(alice, line("pot", 1));
      expect(shape(await cart.setQuantity(alice, Sku("mug"), 7))).toEqual([["mug", 7], ["pot", 1]]);
      expect(shape(await cart.setQuantity(alice, Sku("mug"), 0))).toEqual([["pot", 1]]);
      const before = await cart.get(alice);
      await expectError("NotFound", () => cart.setQuantity(alice, Sku("ghost"), 1));
      expect(await cart.get(alice)).toEqual(before);
      const after = await cart.setQuantity(alice, Sku("ghost"), 0);
      expect(shape(after)).toEqual([["pot", 1]]);
      expect(after.version).toBe((before as Cart).version + 1);
    });

    it("replaces the whole cart on put (last write wins), merging duplicate SKUs", async () => {
      const { cart } = await fresh();
      await cart.addLine(alice, line("mug", 2));
      const first = await cart.put(alice, [line("pot", 1)]);
      const second = await cart.put(alice, [line("pan", 1), line("lid", 2), line("pan", 3)]);
      expect(first?.version).toBe(2);
      expect(second?.version).toBe(3);
      expect(shape(await cart.get(alice))).toEqual([["pan", 4], ["lid", 2]]);
      expect(shape(await cart.put(alice, []))).toEqual([]);
    });

    it("compare-and-set: put with the current version wins, with any other version writes nothing", async () => {
      const { cart } = await fresh();
      expect(await cart.put(alice, [line("mug", 1)], 1)).toBeUndefined();
      expect(await cart.get(alice)).toBeUndefined();
      const v1 = await cart.put(alice, [line("mug", 1)], 0);
      expect(v1?.version).toBe(1);
      const v2 = await cart.put(alice, [line("mug", 2)], 1);
      expect(v2?.version).toBe(2);
      expect(await cart.put(alice, [line("mug", 9)], 1)).toBeUndefined();
      expect(await cart.get(alice)).toEqual(v2);
    });
  });
}

function expiryAndIsolation(fresh: Fresh): void {
  describe("expiry, clearing and isolation", () => {
    it("expires a cart one TTL after its last write, on the injected clock; every write refreshes the TTL", async () => {
      const { clock, cart } = await fresh(0);
      await cart.addLine(alice, line("mug", 1));
      clock.advance(TTL - 1);
      const refreshed = await cart.addLine(alice, line("pot", 1));
      expect(refreshed.expiresAt).toBe(2 * TTL - 1);
      clock.advance(TTL - 1);
      expect(shape(await cart.get(alice))).toEqual([["mug", 1], ["pot", 1]]);
      clock.advance(1);
      expect(await cart.get(alice)).toBeUndefined();
    });

    it("starts a fresh cart on a write after expiry, and a version from the expired cart never wins a compare-and-set", async () => {
      const { clock, cart } = await fresh(0);
      await cart.addLine(alice, line("mug", 1));
      const old = await cart.addLine(alice, line("pot", 1));
      clock.advance(TTL);
      expect(await cart.put(alice, [line("pan", 1)], old.version)).toBeUndefined();
      const fresh1 = await cart.addLine(alice, line("lid", 1));
      expect(shape(fresh1)).toEqual([["lid", 1]]);
      expect(fresh1.version).toBeGreaterThan(old.version);
      const fresh2 = await cart.addLine(alice, line("lid", 1));
      expect(await cart.put(alice, [line("pan", 1)], old.version)).toBeUndefined();
      expect(await cart.get(alice)).toEqual(fresh2);
      await expectError("NotFound", () => cart.setQuantity(bob, Sku("mug"), 1));
    });

    it("reads a cleared cart as absent; the next write starts fresh with a higher version", async () => {
      const { cart } = await fresh();
      const before = await cart.addLine(alice, line("mug", 3));
      await cart.clear(alice);
      expect(await cart.get(alice)).toBeUndefined();
      await cart.clear(alice);
      await cart.clear(bob);
      expect(await cart.put(alice, [line("pot", 1)], before.version)).toBeUndefined();
      const after = await cart.addLine(alice, line("pot", 1));
      expect(shape(after)).toEqual([["pot", 1]]);
      expect(after.version).toBeGreaterThan(before.version);
      expect(await cart.get(bob)).toBeUndefined();
    });

    it("never lets one buyer see or change another buyer's cart", async () => {
      const { cart } = await fresh();
      const a = await cart.addLine(alice, line("mug", 1));
      expect(await cart.get(bob)).toBeUndefined();
      const b = await cart.addLine(bob, line("mug", 5));
      expect(b.version).toBe(1);
      expect(shape(b)).toEqual([["mug", 5]]);
      expect(await cart.put(bob, [line("pan", 1)], a.version + 5)).toBeUndefined();
      await cart.put(bob, [line("pan", 1)]);
      await cart.setQuantity(bob, Sku("pan"), 4);
      await cart.clear(bob);
      expect(await cart.get(alice)).toEqual(a);
      expect(await cart.get(BuyerId("alice "))).toBeUndefined();
      expect(await cart.get(BuyerId("Alice"))).toBeUndefined();
    });
  });
}

function modelAndInput(fresh: Fresh): void {
  describe("a model under interleaved writes, and bad input", () => {
    it("keeps every buyer's cart equal to its own model under random interleaved writes", async () => {
      const buyers = ["b1", "b2", "b3"].map(BuyerId);
      const op = fc.oneof(
        fc.record({ kind: fc.constant("add" as const), buyer: fc.nat(2), sku: fc.constantFrom("x", "y", "z"), qty: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ kind: fc.constant("set" as const), buyer: fc.nat(2), sku: fc.constantFrom("x", "y", "z"), qty: fc.nat(3) }),
        fc.record({ kind: fc.constant("clear" as const), buyer: fc.nat(2) }),
        fc.record({ kind: fc.constant("tick" as const), ms: fc.constantFrom(1, TTL / 2, TTL) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
          const { clock, cart } = await fresh(0);
          const model = buyers.map(() => ({ lines: new Map<string, number>(), expiresAt: 0 }));
          for (const o of ops) {
            if (o.kind === "tick") {
              clock.advance(o.ms);
              continue;
            }
            const m = model[o.buyer] as (typeof model)[number];
            const buyer = buyers[o.buyer] as BuyerId;
            if (clock.now() >= m.expiresAt) m.lines.clear();
            if (o.kind === "clear") {
              await cart.clear(buyer);
              m.lines.clear();
              m.expiresAt = 0;
            } else if (o.kind === "add") {
              await cart.addLine(buyer, line(o.sku, o.qty));
              m.lines.set(o.sku, (m.lines.get(o.sku) ?? 0) + o.qty);
              m.expiresAt = clock.now() + TTL;
            } else if (o.qty > 0 && !m.lines.has(o.sku)) {
              await expectError("NotFound", () => cart.setQuantity(buyer, Sku(o.sku), o.qty));
            } else {
              await cart.setQuantity(buyer, Sku(o.sku), o.qty);
              if (o.qty === 0) m.lines.delete(o.sku);
              else m.lines.set(o.sku, o.qty);
              m.expiresAt = clock.now() + TTL;
            }
            for (let i = 0; i < buyers.length; i++) {
              const mi = model[i] as (typeof model)[number];
              const got = await cart.get(buyers[i] as BuyerId);
              if (clock.now() >= mi.expiresAt) expect(got).toBeUndefined();
              else expect(shape(got)).toEqual([...mi.lines]);
            }
          }
        }),
        { numRuns: 60 },
      );
    });

    it("refuses bad input with InvalidInput and writes nothing", async () => {
      const { cart } = await fresh();
      const before = await cart.addLine(alice, line("mug", 1));
      const badLines: CartLine[] = [
        line("pot", 0),
        line("pot", -1),
        line("pot", 1.5),
        line("pot", Number.NaN),
        line("pot", 1, usd(1.25)),
        line("pot", 1, usd(-100)),
        line("pot", 1, { amount: 100, currency: "XYZ" as Currency }),
        line("pot", 1, { amount: 100, currency: "EUR" }),
        line("pot", 1, usd(1), 0),
        line("", 1),
        line("s".repeat(256), 1),
      ];
      for (const bad of badLines) {
        await expectError("InvalidInput", () => cart.addLine(alice, bad));
        await expectError("InvalidInput", () => cart.put(alice, [line("pan", 1), bad]));
      }
      await expectError("InvalidInput", () => cart.put(alice, [line("pan", 1), line("lid", 1, { amount: 1, currency: "EUR" })]));
      await expectError("InvalidInput", () => cart.put(alice, [line("pan", 1)], -1));
      await expectError("InvalidInput", () => cart.setQuantity(alice, Sku("mug"), -1));
      await expectError("InvalidInput", () => cart.setQuantity(alice, Sku("mug"), 0.5));
      await expectError("InvalidInput", () => cart.setQuantity(alice, Sku(""), 0));
      for (const buyer of [BuyerId(""), BuyerId("b".repeat(256))]) {
        await expectError("InvalidInput", () => cart.addLine(buyer, line("mug", 1)));
        await expectError("InvalidInput", () => cart.put(buyer, [line("mug", 1)]));
        await expectError("InvalidInput", () => cart.get(buyer));
        await expectError("InvalidInput", () => cart.clear(buyer));
      }
      await expectError("InvalidInput", () => cart.put(alice, Array.from({ length: 101 }, (_, i) => line(`sku-${i}`, 1))));
      await expectError("InvalidInput", () => cart.addLine(alice, line("mug", Number.MAX_SAFE_INTEGER)));
      expect(await cart.get(alice)).toEqual(before);
      const legal = await cart.addLine(BuyerId("b".repeat(255)), line("mug", 1));
      expect(legal.version).toBe(1);
    });

    it("hands out carts that cannot change the stored one", async () => {
      const { cart } = await fresh();
      const c = await cart.addLine(alice, line("mug", 1));
      const got = (await cart.get(alice)) as Cart;
      for (const target of [c, got]) {
        try {
          (target.lines as CartLine[]).push(line("pot", 1));
        } catch {
          // frozen
        }
        try {
          (target.lines[0] as { quantity: number }).quantity = 99;
        } catch {
          // frozen
        }
      }
      expect(shape(await cart.get(alice))).toEqual([["mug", 1]]);
    });
  });
}

export function cartContract(name: string, make: MakeCart): void {
  describe(`cart contract (${name})`, () => {
    const fresh = freshCart(make);
    linesAndVersions(fresh);
    expiryAndIsolation(fresh);
    modelAndInput(fresh);
  });
}
