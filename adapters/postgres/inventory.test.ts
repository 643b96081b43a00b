// PostgresInventory against a real server: the shared contract suite (when present) plus what only
// a networked engine can get wrong: concurrent writers on separate connections, lock order,
// racing idempotent retries, and the database-side guards (CHECK constraints, append-only trigger).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { ManualClock } from "../../core/clock.ts";
import { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import { pgConfig } from "./connection.ts";
import { inventoryContract } from "../contract/inventory.contract.ts";
import { inventoryModelTest } from "../contract/inventory.model.ts";
import { PostgresInventory } from "./inventory.ts";
import { dropSchema, freshSchemaName, postgresForTests } from "./testing.ts";

const pgEnv = await postgresForTests();
const loc = LocationId("main");

// The shared contract and model-based suites, each case on its own fresh schema, dropped at the end.
describe.skipIf(!pgEnv.available)("postgres", () => {
  const made: PostgresInventory[] = [];
  let shared: pg.Pool;
  beforeAll(() => {
    shared = new pg.Pool(pgConfig(undefined, 12));
  });
  afterAll(async () => {
    for (const s of made) await dropSchema(shared, s.schema);
    await shared.end();
  });
  const make = async (clock: ManualClock) => {
    const store = await PostgresInventory.open({ pool: shared, schema: freshSchemaName("inv_contract"), clock });
    made.push(store);
    return store;
  };
  inventoryContract("postgres", make);
  inventoryModelTest("postgres", make, { numRuns: 15 });
});

describe.skipIf(!pgEnv.available)("postgres inventory (engine-specific)", () => {
  let admin: pg.Pool;
  const schemas: string[] = [];
  const opened: PostgresInventory[] = [];

  beforeAll(() => {
    admin = new pg.Pool(pgConfig(undefined, 2));
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    for (const schema of schemas) await dropSchema(admin, schema);
    await admin.end();
  });

  async function fresh(clock = new ManualClock(1_000), poolMax = 12): Promise<PostgresInventory> {
    const schema = freshSchemaName("inv_test");
    schemas.push(schema);
    const store = await PostgresInventory.open({ schema, clock, poolMax });
    opened.push(store);
    return store;
  }

  it("creates its tables idempotently, even when two opens race on one schema", async () => {
    const schema = freshSchemaName("inv_test");
    schemas.push(schema);
    const [a, b] = await Promise.all([PostgresInventory.open({ schema }), PostgresInventory.open({ schema })]);
    opened.push(a, b);
    const again = await PostgresInventory.open({ schema });
    opened.push(again);
    await a.recordMovement({ id: "m1", sku: Sku("s"), location: loc, kind: "receipt", delta: 3 });
    expect((await again.level(Sku("s"), loc)).onHand).toBe(3);
  });

  it("never oversells one hot SKU under 40 concurrent reservations on 12 connections", async () => {
    const store = await fresh();
    await store.recordMovement({ id: "r1", sku: Sku("hot"), location: loc, kind: "receipt", delta: 10 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.reserve({ key: ReservationKey(`k${i}`), checkoutId: CheckoutId(`c${i}`), lines: [{ sku: Sku("hot"), location: loc, quantity: 1 }], expiresAt: 5_000 }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.filter((r) => !r.ok);
    expect(refused.every((r) => !r.ok && r.reason === "insufficient" && r.available === 0)).toBe(true);
    expect(await store.level(Sku("hot"), loc)).toMatchObject({ onHand: 10, held: 10, committed: 0 });
  });

  it("takes multi-SKU locks in one order: opposite line orders in parallel finish without deadlock", async () => {
    const store = await fresh();
    for (const s of ["a", "b", "c"]) await store.recordMovement({ id: `r-${s}`, sku: Sku(s), location: loc, kind: "receipt", delta: 100 });
    const orders = [["a", "b", "c"], ["c", "b", "a"], ["b", "a", "c"]];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.reserve({
          key: ReservationKey(`m${i}`),
          checkoutId: CheckoutId(`c${i}`),
          lines: (orders[i % 3] as string[]).map((s) => ({ sku: Sku(s), location: loc, quantity: 2 })),
          expiresAt: 5_000,
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    for (const s of ["a", "b", "c"]) expect((await store.level(Sku(s), loc)).held).toBe(60);
  });

  it("lets exactly one of many racing first attempts with one key create the reservation", async () => {
    const store = await fresh();
    await store.recordMovement({ id: "r1", sku: Sku("x"), location: loc, kind: "receipt", delta: 50 });
    const req = { key: ReservationKey("same"), checkoutId: CheckoutId("c"), lines: [{ sku: Sku("x"), location: loc, quantity: 3 }], expiresAt: 9_000 };
    const results = await Promise.all(Array.from({ length: 8 }, () => store.reserve(req)));
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await store.level(Sku("x"), loc)).held).toBe(3);
  });

  it("commits, releases and expires exactly once each, returning stock exactly", async () => {
    const clock = new ManualClock(1_000);
    const store = await fresh(clock);
    await store.recordMovement({ id: "r1", sku: Sku("s"), location: loc, kind: "receipt", delta: 10 });
    const line = [{ sku: Sku("s"), location: loc, quantity: 2 }];
    for (const k of ["a", "b", "c"]) await store.reserve({ key: ReservationKey(k), checkoutId: CheckoutId("co"), lines: line, expiresAt: 2_000 });
    await Promise.all([store.commit(ReservationKey("a")), store.commit(ReservationKey("a"))]);
    await Promise.all([store.release(ReservationKey("b")), store.release(ReservationKey("b"))]);
    expect(await store.level(Sku("s"), loc)).toMatchObject({ onHand: 10, held: 2, committed: 2 });
    const expired = await store.expireDue(2_000);
    expect(expired.map((r) => [r.key, r.status])).toEqual([["c", "expired"]]);
    expect(await store.expireDue(2_000)).toEqual([]);
    expect(await store.level(Sku("s"), loc)).toMatchObject({ onHand: 10, held: 0, committed: 2 });
    expect(await store.release(ReservationKey("a"))).toMatchObject({ ok: false, reason: "wrong-status", status: "committed" });
    expect(await store.commit(ReservationKey("c"))).toMatchObject({ ok: false, reason: "wrong-status", status: "expired" });
    expect(await store.commit(ReservationKey("zzz"))).toEqual({ ok: false, reason: "not-found" });
    expect((await store.findByCheckout(CheckoutId("co"))).map((r) => r.status).sort()).toEqual(["committed", "expired", "released"]);
  });

  it("refuses in the database what the code must never do: oversell rows and rewriting movements", async () => {
    const store = await fresh();
    await store.recordMovement({ id: "r1", sku: Sku("s"), location: loc, kind: "receipt", delta: 5 });
    const t = `"${store.schema}"`;
    await expect(store.pool.query(`UPDATE ${t}.inventory_levels SET held = 6 WHERE sku = 's'`)).rejects.toThrow(/inventory_levels_no_oversell/);
    await expect(store.pool.query(`UPDATE ${t}.inventory_movements SET delta = 50`)).rejects.toThrow(/append-only/);
    await expect(store.pool.query(`DELETE FROM ${t}.inventory_movements`)).rejects.toThrow(/append-only/);
    expect((await store.movements(Sku("s"), loc)).map((m) => m.delta)).toEqual([5]);
  });

  it("rejects bad input with a typed error and writes nothing", async () => {
    const store = await fresh();
    await store.recordMovement({ id: "r1", sku: Sku("s"), location: loc, kind: "receipt", delta: 5 });
    const base = { key: ReservationKey("k"), checkoutId: CheckoutId("c"), expiresAt: 10 };
    await expect(store.reserve({ ...base, lines: [{ sku: Sku("s"), location: loc, quantity: 0 }] })).rejects.toMatchObject({ _tag: "InvalidInput" });
    await expect(store.reserve({ ...base, key: ReservationKey("") , lines: [{ sku: Sku("s"), location: loc, quantity: 1 }] })).rejects.toMatchObject({ _tag: "InvalidInput" });
    await expect(store.reserve({ ...base, lines: [{ sku: Sku("s"), location: loc, quantity: 1 }, { sku: Sku("nope"), location: loc, quantity: 1 }] })).resolves.toMatchObject({ ok: false, reason: "insufficient", sku: "nope", available: 0 });
    await expect(store.recordMovement({ id: "r2", sku: Sku("s"), location: loc, kind: "shipment", delta: -6 })).rejects.toMatchObject({ _tag: "InvalidInput" });
    expect(await store.get(ReservationKey("k"))).toBeUndefined();
    expect(await store.level(Sku("s"), loc)).toMatchObject({ onHand: 5, held: 0, committed: 0 });
  });
});
