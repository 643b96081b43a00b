// The payment ledger in memory: the simulation default. One frozen record per (merchant, key),
// replaced on every outcome; small indexes keep checkout lookups and the reconciliation queue cheap.
import type { Clock } from "../../core/clock.ts";
import { NotFound } from "../../core/errors.ts";
import type { CheckoutId, IdempotencyKey, MerchantId } from "../../core/ids.ts";
import type { BeginPayment, BeginResult, PaymentLedger, PaymentOutcome, PaymentRecord } from "../../core/ports/paymentLedger.ts";
import { requireNonNegativeInt } from "../../core/validate.ts";
import { beginPayment, needsReconciliation, paymentKey, paymentOutcome } from "../shared/paymentInput.ts";

const slot = (merchantId: string, key: string) => `${merchantId}\u0000${key}`;

export class MemoryPaymentLedger implements PaymentLedger {
  private readonly clock: Clock;
  /** Insertion order is creation order. */
  private readonly records = new Map<string, PaymentRecord>();
  private readonly order = new Map<string, number>();
  private readonly byCheckout = new Map<string, string[]>();
  private readonly needing = new Set<string>();

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
  }

  async begin(input: BeginPayment): Promise<BeginResult> {
    const b = beginPayment(input);
    const s = slot(b.merchantId, b.key);
    const existing = this.records.get(s);
    if (existing) return { status: existing.requestHash === b.requestHash ? "existing" : "conflict", record: existing };
    const now = this.clock.now();
    const record: PaymentRecord = Object.freeze({
      ...b,
      status: "pending",
      providerRef: null,
      response: null,
      reconciliation: "none",
      createdAt: now,
      updatedAt: now,
    });
    this.order.set(s, this.records.size);
    this.records.set(s, record);
    const list = this.byCheckout.get(b.checkoutId);
    if (list) list.push(s);
    else this.byCheckout.set(b.checkoutId, [s]);
    this.needing.add(s);
    return { status: "created", record };
  }

  async record(merchantId: MerchantId, key: IdempotencyKey, outcome: PaymentOutcome): Promise<PaymentRecord> {
    const k = paymentKey(merchantId, key);
    const o = paymentOutcome(outcome);
    const s = slot(k.merchantId, k.key);
    const existing = this.records.get(s);
    if (!existing) throw new NotFound({ entity: "payment", id: `${k.merchantId}/${k.key}`, message: `no payment record for key ${k.key} of merchant ${k.merchantId}` });
    const record: PaymentRecord = Object.freeze({
      ...existing,
      status: o.status,
      providerRef: o.providerRef === undefined ? existing.providerRef : o.providerRef,
      response: o.response === undefined ? existing.response : o.response,
      reconciliation: o.reconciliation ?? existing.reconciliation,
      updatedAt: this.clock.now(),
    });
    this.records.set(s, record);
    if (needsReconciliation(record)) this.needing.add(s);
    else this.needing.delete(s);
    return record;
  }

  async get(merchantId: MerchantId, key: IdempotencyKey): Promise<PaymentRecord | undefined> {
    return this.records.get(slot(merchantId, key));
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<PaymentRecord[]> {
    return (this.byCheckout.get(checkoutId) ?? []).map((s) => this.records.get(s)!);
  }

  async needingReconciliation(limit: number): Promise<PaymentRecord[]> {
    requireNonNegativeInt(limit, "limit");
    return [...this.needing]
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!)
      .slice(0, limit)
      .map((s) => this.records.get(s)!);
  }

  async all(): Promise<PaymentRecord[]> {
    return [...this.records.values()];
  }
}
