// The payment ledger contract: every engine runs this same suite, so "one row per (merchant, key),
// written before the provider is called, a different request under the same key refused" means one thing.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { InvalidInput, NotFound } from "../../core/errors.ts";
import { CheckoutId, IdempotencyKey, MerchantId, OrderId, ProviderRef } from "../../core/ids.ts";
import type { BeginPayment, PaymentLedger } from "../../core/ports/paymentLedger.ts";

type Make = (clock: ManualClock) => PaymentLedger | Promise<PaymentLedger>;

const m1 = MerchantId("m1");
const begin = (key: string, over: Partial<Record<keyof BeginPayment, unknown>> = {}): BeginPayment =>
  ({
    merchantId: m1,
    key: IdempotencyKey(key),
    operation: "authorize",
    requestHash: "h1",
    amount: { amount: 1999, currency: "USD" },
    checkoutId: CheckoutId("c1"),
    orderId: null,
    ...over,
  }) as BeginPayment;

export function paymentLedgerContract(name: string, make: Make): void {
  describe(`payment ledger contract (${name})`, () => {
    const fresh = async () => {
      const clock = new ManualClock(100);
      return { clock, ledger: await make(clock) };
    };

    it("writes a pending row for a new key and returns it as existing for the same request hash", async () => {
      const { clock, ledger } = await fresh();
      const first = await ledger.begin(begin("c1:auth"));
      expect(first).toEqual({
        status: "created",
        record: {
          merchantId: "m1", key: "c1:auth", operation: "authorize", requestHash: "h1", amount: { amount: 1999, currency: "USD" },
          checkoutId: "c1", orderId: null, status: "pending", providerRef: null, response: null, reconciliation: "none", createdAt: 100, updatedAt: 100,
        },
      });
      clock.advance(50);
      const again = await ledger.begin(begin("c1:auth"));
      expect(again).toEqual({ status: "existing", record: first.record });
      expect(await ledger.all()).toEqual([first.record]);
    });

    it("refuses the same key with a different request hash as a conflict and writes nothing", async () => {
      const { ledger } = await fresh();
      const first = await ledger.begin(begin("c1:auth"));
      await ledger.record(m1, IdempotencyKey("c1:auth"), { status: "succeeded", providerRef: ProviderRef("pi_1") });
      const stored = await ledger.get(m1, IdempotencyKey("c1:auth"));
      const conflict = await ledger.begin(begin("c1:auth", { requestHash: "h2", amount: { amount: 1, currency: "USD" } }));
      expect(conflict).toEqual({ status: "conflict", record: stored });
      expect(await ledger.all()).toEqual([stored]);
      expect(first.record.requestHash).toBe("h1");
    });

    it("scopes keys per merchant", async () => {
      const { ledger } = await fresh();
      await ledger.begin(begin("k"));
      const other = await ledger.begin(begin("k", { merchantId: MerchantId("m2"), requestHash: "other" }));
      expect(other.status).toBe("created");
      expect((await ledger.all()).map((r) => r.merchantId)).toEqual(["m1", "m2"]);
      expect((await ledger.get(MerchantId("m2"), IdempotencyKey("k")))?.requestHash).toBe("other");
    });

    it("records outcomes on an existing row, keeping fields the outcome leaves out", async () => {
      const { clock, ledger } = await fresh();
      await ledger.begin(begin("c1:auth", { orderId: OrderId("o1") }));
      clock.advance(10);
      const unknown = await ledger.record(m1, IdempotencyKey("c1:auth"), { status: "unknown", reconciliation: "needed" });
      expect(unknown).toMatchObject({ status: "unknown", reconciliation: "needed", providerRef: null, response: null, createdAt: 100, updatedAt: 110, orderId: "o1" });
      clock.advance(10);
      const done = await ledger.record(m1, IdempotencyKey("c1:auth"), { status: "succeeded", providerRef: ProviderRef("pi_9"), response: '{"id":"pi_9"}', reconciliation: "reconciled" });
      expect(done).toMatchObject({ status: "succeeded", providerRef: "pi_9", response: '{"id":"pi_9"}', reconciliation: "reconciled", updatedAt: 120 });
      const kept = await ledger.record(m1, IdempotencyKey("c1:auth"), { status: "succeeded" });
      expect(kept).toMatchObject({ providerRef: "pi_9", response: '{"id":"pi_9"}', reconciliation: "reconciled" });
      expect(await ledger.get(m1, IdempotencyKey("c1:auth"))).toEqual(kept);
    });

    it("refuses an outcome for an unknown key with NotFound", async () => {
      const { ledger } = await fresh();
      await expect(ledger.record(m1, IdempotencyKey("nope"), { status: "failed" })).rejects.toBeInstanceOf(NotFound);
      expect(await ledger.all()).toEqual([]);
      expect(await ledger.get(m1, IdempotencyKey("nope"))).toBeUndefined();
    });

    it("lists pending, unknown and reconciliation-needed rows oldest first, up to a limit", async () => {
      const { clock, ledger } = await fresh();
      for (const k of ["a", "b", "c", "d", "e"]) {
        await ledger.begin(begin(k));
        clock.advance(1);
      }
      await ledger.record(m1, IdempotencyKey("a"), { status: "succeeded" });
      await ledger.record(m1, IdempotencyKey("b"), { status: "unknown" });
      await ledger.record(m1, IdempotencyKey("c"), { status: "failed", reconciliation: "needed" });
      await ledger.record(m1, IdempotencyKey("d"), { status: "failed" });
      expect((await ledger.needingReconciliation(10)).map((r) => r.key)).toEqual(["b", "c", "e"]);
      expect((await ledger.needingReconciliation(2)).map((r) => r.key)).toEqual(["b", "c"]);
      // Leaving and re-entering the queue keeps creation order.
      await ledger.record(m1, IdempotencyKey("b"), { status: "succeeded" });
      await ledger.record(m1, IdempotencyKey("b"), { status: "unknown" });
      expect((await ledger.needingReconciliation(10)).map((r) => r.key)).toEqual(["b", "c", "e"]);
      expect(await ledger.needingReconciliation(0)).toEqual([]);
    });

    it("finds every row of a checkout in creation order", async () => {
      const { ledger } = await fresh();
      await ledger.begin(begin("c1:auth"));
      await ledger.begin(begin("c2:auth", { checkoutId: CheckoutId("c2") }));
      await ledger.begin(begin("o1:capture", { operation: "capture", orderId: OrderId("o1") }));
      expect((await ledger.findByCheckout(CheckoutId("c1"))).map((r) => [r.key, r.operation])).toEqual([["c1:auth", "authorize"], ["o1:capture", "capture"]]);
      expect(await ledger.findByCheckout(CheckoutId("none"))).toEqual([]);
      expect((await ledger.all()).map((r) => r.key)).toEqual(["c1:auth", "c2:auth", "o1:capture"]);
    });

    it("never hands out its internal state", async () => {
      const { ledger } = await fresh();
      const input = begin("k");
      const { record } = await ledger.begin(input);
      (input.amount as { amount: number }).amount = 5;
      try {
        (record as { status: string }).status = "succeeded";
        (record.amount as { amount: number }).amount = 7;
      } catch {
        // frozen: also fine
      }
      const all = await ledger.all();
      all.pop();
      expect(await ledger.get(m1, IdempotencyKey("k"))).toMatchObject({ status: "pending", amount: { amount: 1999 } });
      expect(await ledger.all()).toHaveLength(1);
    });

    describe("bad input gets InvalidInput and writes nothing", () => {
      const cases: [string, Partial<Record<keyof BeginPayment, unknown>>][] = [
        ["empty key", { key: "" }],
        ["key longer than 255", { key: "k".repeat(256) }],
        ["empty merchant", { merchantId: "" }],
        ["non-integer amount", { amount: { amount: 10.5, currency: "USD" } }],
        ["negative amount", { amount: { amount: -1, currency: "USD" } }],
        ["unknown currency", { amount: { amount: 1, currency: "DOGE" } }],
        ["missing amount", { amount: undefined }],
        ["unknown operation", { operation: "teleport" }],
        ["empty request hash", { requestHash: "" }],
        ["empty checkout id", { checkoutId: "" }],
      ];
      for (const [label, over] of cases)
        it(label, async () => {
          const { ledger } = await fresh();
          await expect(ledger.begin(begin("k", over))).rejects.toBeInstanceOf(InvalidInput);
          expect(await ledger.all()).toEqual([]);
        });

      it("a key of exactly 255 characters is fine", async () => {
        const { ledger } = await fresh();
        expect((await ledger.begin(begin("k".repeat(255)))).status).toBe("created");
      });

      it("an unknown outcome status or an empty provider ref", async () => {
        const { ledger } = await fresh();
        await ledger.begin(begin("k"));
        await expect(ledger.record(m1, IdempotencyKey("k"), { status: "maybe" as never })).rejects.toBeInstanceOf(InvalidInput);
        await expect(ledger.record(m1, IdempotencyKey("k"), { status: "succeeded", providerRef: ProviderRef("") })).rejects.toBeInstanceOf(InvalidInput);
        await expect(ledger.record(m1, IdempotencyKey(""), { status: "succeeded" })).rejects.toBeInstanceOf(InvalidInput);
        expect(await ledger.get(m1, IdempotencyKey("k"))).toMatchObject({ status: "pending", providerRef: null });
      });
    });
  });
}
