// RedisCart against a real server: the shared cart contract (expiry on the injected clock), then what
// only a networked store can get wrong: racing writers on separate connections (the Lua
// compare-and-set must not lose an update or let two CAS writes win), and the TTL kept as GC.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, Sku } from "../../core/ids.ts";
import type { CartLine } from "../../core/ports/cart.ts";
import { cartContract } from "../contract/cart.contract.ts";
import { RedisCart } from "./cart.ts";
import { connectRedis } from "./connection.ts";
import { deletePrefix, freshPrefix, redisForTests } from "./testing.ts";

const env = await redisForTests();
const line = (sku: string, quantity: number): CartLine => ({ sku: Sku(sku), quantity, priceSnapshot: { amount: 500, currency: "USD" }, priceVersion: 1 });
const alice = BuyerId("alice");

describe.skipIf(!env.available)("redis cart", () => {
  let shared: Redis;
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  beforeAll(() => {
    shared = connectRedis();
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(shared, p);
    for (const c of clients) await c.quit();
    await shared.quit();
  });
  const open = (clock = new ManualClock(0), redis: Redis = shared, prefix = freshPrefix("cart")) => {
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    return new RedisCart({ redis, prefix, clock });
  };

  cartContract("redis", (clock) => open(clock));

  it("loses no addLine when 24 writers race on one cart over 4 connections", async () => {
    const prefix = freshPrefix("cart");
    const carts = Array.from({ length: 4 }, () => {
      const c = connectRedis();
      clients.push(c);
      return open(new ManualClock(0), c, prefix);
    });
    const written = await Promise.all(Array.from({ length: 24 }, (_, i) => (carts[i % 4] as RedisCart).addLine(alice, line(i % 2 === 0 ? "mug" : "pot", 1))));
    expect(written.map((c) => c.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const final = await (carts[0] as RedisCart).get(alice);
    expect(final?.version).toBe(24);
    expect(final?.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual([["mug", 12], ["pot", 12]]);
  });

  it("lets exactly one of many racing compare-and-set puts with the same version win", async () => {
    const cart = open();
    const base = await cart.addLine(alice, line("mug", 1));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cart.put(alice, [line(`sku-${i}`, 1)], base.version)));
    const winners = results.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    expect(await cart.get(alice)).toEqual(winners[0]);
  });

  it("keeps the key a generous margin past the clock's expiry (GC only), so reads decide expiry by the clock", async () => {
    const clock = new ManualClock(0);
    const cart = open(clock);
    await cart.addLine(alice, line("mug", 1));
    const ttl = await shared.pttl(cart.key(alice));
    expect(ttl).toBeGreaterThan(30 * 60_000 + 23 * 3_600_000);
    clock.advance(30 * 60_000);
    expect(await cart.get(alice)).toBeUndefined();
    expect(await shared.exists(cart.key(alice))).toBe(1);
    await cart.clear(alice);
    const cleared = await shared.pttl(cart.key(alice));
    expect(cleared).toBeGreaterThan(23 * 3_600_000);
    expect(cleared).toBeLessThanOrEqual(24 * 3_600_000 + 1);
  });

  it("serves a cart written by one client to a new connection (the server holds it, not the process)", async () => {
    const prefix = freshPrefix("cart");
    const first = open(new ManualClock(0), shared, prefix);
    await first.addLine(alice, line("mug", 2));
    const other = connectRedis();
    clients.push(other);
    const second = open(new ManualClock(10), other, prefix);
    expect((await second.get(alice))?.lines.map((l) => l.quantity)).toEqual([2]);
    expect((await second.addLine(alice, line("mug", 1))).version).toBe(2);
  });

  it("deletes only its own prefix's keys", async () => {
    const mine = open();
    const theirs = open();
    await mine.addLine(alice, line("mug", 1));
    await theirs.addLine(alice, line("mug", 1));
    expect(await deletePrefix(shared, mine.prefix)).toBe(1);
    expect(await theirs.get(alice)).toBeDefined();
  });
});
