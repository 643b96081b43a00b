// Runs the shared payment ledger contract against SQLite, plus a reopen of a file: a row written
// before the provider call must still be there for reconciliation after a restart.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { CheckoutId, IdempotencyKey, MerchantId } from "../../core/ids.ts";
import { paymentLedgerContract } from "../contract/paymentLedger.contract.ts";
import { openDatabase } from "./db.ts";
import { SqlitePaymentLedger } from "./paymentLedger.ts";
import { tempDbFile } from "./tempDb.ts";

paymentLedgerContract("sqlite", (clock) => new SqlitePaymentLedger(openDatabase(":memory:"), { clock }));

describe("payment ledger on SQLite", () => {
  it("keeps rows and their outcome across a close and reopen of a file", async () => {
    const { file, cleanup } = tempDbFile("payments");
    try {
      const db1 = openDatabase(file);
      const l1 = new SqlitePaymentLedger(db1, { clock: new ManualClock(1) });
      const key = IdempotencyKey("c1:auth");
      await l1.begin({ merchantId: MerchantId("m"), key, operation: "authorize", requestHash: "h", amount: { amount: 500, currency: "EUR" }, checkoutId: CheckoutId("c1"), orderId: null });
      await l1.begin({ merchantId: MerchantId("m"), key: IdempotencyKey("c2:auth"), operation: "authorize", requestHash: "h", amount: { amount: 1, currency: "EUR" }, checkoutId: CheckoutId("c2"), orderId: null });
      await l1.record(MerchantId("m"), IdempotencyKey("c2:auth"), { status: "succeeded" });
      db1.close();
      const db2 = openDatabase(file);
      const l2 = new SqlitePaymentLedger(db2, { clock: new ManualClock(2) });
      expect((await l2.needingReconciliation(10)).map((r) => [r.key, r.status, r.amount.amount])).toEqual([["c1:auth", "pending", 500]]);
      expect((await l2.begin({ merchantId: MerchantId("m"), key, operation: "authorize", requestHash: "other", amount: { amount: 500, currency: "EUR" }, checkoutId: CheckoutId("c1"), orderId: null })).status).toBe("conflict");
      db2.close();
    } finally {
      cleanup();
    }
  });
});
