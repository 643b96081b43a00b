// PostgresCheckoutCommands against a real server: the db.pool() contract suite, then a double submit on
// separate connections (one record) and recovery reading running records from a second adapter, as a
// restarted coordinator does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, CheckoutId } from "../../core/ids.ts";
import { checkoutCommandsContract } from "../contract/checkoutCommands.contract.ts";
import { PostgresCheckoutCommands } from "./checkoutCommands.ts";
import { postgresForTests, schemaPerStore } from "./testing.ts";

const pgEnv = await postgresForTests();
const submission = (id: string) => ({ checkoutId: CheckoutId(id), buyerId: BuyerId("b1"), requestHash: "h", request: "{}" });

describe.skipIf(!pgEnv.available)("postgres checkout commands", () => {
  const db = schemaPerStore({ beforeAll, afterAll });
  const open = (clock = new ManualClock(0)) => PostgresCheckoutCommands.open({ pool: db.pool(), schema: db.fresh("commands_test"), clock });

  checkoutCommandsContract("postgres", (clock) => open(clock));

  it("records a double submit racing on separate connections once", async () => {
    const store = await open();
    const results = await Promise.all(Array.from({ length: 6 }, () => store.submit(submission("c1"))));
    expect(results.filter((r) => r.status === "created")).toHaveLength(1);
    expect(results.filter((r) => r.status === "existing")).toHaveLength(5);
    expect(await store.all()).toHaveLength(1);
  });

  it("lets a restarted coordinator (a second adapter) find running checkouts with their snapshots", async () => {
    const before = await open(new ManualClock(1));
    await before.submit(submission("a"));
    await before.submit(submission("b"));
    await before.save(CheckoutId("a"), { status: "running", snapshot: '{"value":"authorizing"}' });
    await before.save(CheckoutId("b"), { status: "confirmed", snapshot: null });
    const after = await PostgresCheckoutCommands.open({ pool: db.pool(), schema: before.schema, clock: new ManualClock(2) });
    expect((await after.unfinished()).map((c) => [c.checkoutId, c.snapshot])).toEqual([["a", '{"value":"authorizing"}']]);
  });
});
