// PostgresPaymentLedger against a real server: the db.pool() contract suite, then racing first
// attempts on separate connections (one row, one "created") and a row surviving a second adapter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { CheckoutId, IdempotencyKey, MerchantId } from "../../core/ids.ts";
import type { BeginPayment } from "../../core/ports/paymentLedger.ts";
import { paymentLedgerContract } from "../contract/paymentLedger.contract.ts";
import { PostgresPaymentLedger } from "./paymentLedger.ts";
import { postgresForTests, schemaPerStore } from "./testing.ts";

const pgEnv = await postgresForTests();

const begin = (hash: string): BeginPayment => ({
  merchantId: MerchantId("m"),
  key: IdempotencyKey("c1:auth"),
  operation: "authorize",
  requestHash: hash,
  amount: { amount: 500, currency: "EUR" },
  checkoutId: CheckoutId("c1"),
  orderId: null,
});

describe.skipIf(!pgEnv.available)("postgres payment ledger", () => {
  const db = schemaPerStore({ beforeAll, afterAll });
  const open = (clock = new ManualClock(0)) => PostgresPaymentLedger.open({ pool: db.pool(), schema: db.fresh("payments_test"), clock });

  paymentLedgerContract("postgres", (clock) => open(clock));

  it("makes one row from many racing first attempts with one key; a different hash is a conflict", async () => {
    const ledger = await open();
    const results = await Promise.all([...Array.from({ length: 8 }, () => ledger.begin(begin("h"))), ledger.begin(begin("other"))]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === "created")).toHaveLength(1);
    const winnerHash = results.find((r) => r.status === "created")?.record.requestHash;
    expect(statuses.filter((s) => s === "conflict")).toHaveLength(winnerHash === "h" ? 1 : 8);
    expect(await ledger.all()).toHaveLength(1);
  });

  it("keeps a pending row for reconciliation when a second adapter opens the same schema", async () => {
    const first = await open(new ManualClock(1));
    await first.begin(begin("h"));
    const second = await PostgresPaymentLedger.open({ pool: db.pool(), schema: first.schema, clock: new ManualClock(2) });
    expect((await second.needingReconciliation(10)).map((r) => [r.key, r.status, r.amount.amount])).toEqual([["c1:auth", "pending", 500]]);
    expect((await second.begin(begin("other"))).status).toBe("conflict");
  });

  it("stores amounts beyond 32 bits exactly (bigint minor units)", async () => {
    const ledger = await open();
    const big = { ...begin("h"), amount: { amount: 9_000_000_000_123, currency: "EUR" } } as BeginPayment;
    await ledger.begin(big);
    expect((await ledger.get(MerchantId("m"), IdempotencyKey("c1:auth")))?.amount).toEqual({ amount: 9_000_000_000_123, currency: "EUR" });
  });
});
