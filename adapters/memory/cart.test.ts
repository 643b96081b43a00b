// Runs the cart contract against the memory engine, plus its constructor's own checks.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, Sku } from "../../core/ids.ts";
import { cartContract } from "../contract/cart.contract.ts";
import { MemoryCart } from "./cart.ts";

cartContract("memory", (clock) => new MemoryCart({ clock }));

describe("MemoryCart options", () => {
  it("honours a custom TTL and refuses a non-positive one", async () => {
    const clock = new ManualClock(0);
    const cart = new MemoryCart({ clock, ttlMs: 10 });
    await cart.addLine(BuyerId("a"), { sku: Sku("m"), quantity: 1, priceSnapshot: { amount: 1, currency: "USD" }, priceVersion: 1 });
    clock.advance(9);
    expect(await cart.get(BuyerId("a"))).toBeDefined();
    clock.advance(1);
    expect(await cart.get(BuyerId("a"))).toBeUndefined();
    expect(() => new MemoryCart({ clock, ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
