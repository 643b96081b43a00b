// Payment ledger: one row per external operation, written *before* the provider is called, so a
// timeout leaves a row in `unknown` that reconciliation resolves by key instead of guessing.
import type { CheckoutId, IdempotencyKey, MerchantId, OrderId, ProviderRef } from "../ids.ts";
import type { Money } from "../money.ts";

export type PaymentOperation = "authorize" | "capture" | "void" | "refund";
export type PaymentStatus = "pending" | "succeeded" | "failed" | "unknown";
export type ReconciliationState = "none" | "needed" | "reconciled";

export interface PaymentRecord {
  readonly merchantId: MerchantId;
  readonly key: IdempotencyKey;
  readonly operation: PaymentOperation;
  readonly requestHash: string;
  readonly amount: Money;
  readonly checkoutId: CheckoutId;
  readonly orderId: OrderId | null;
  readonly status: PaymentStatus;
  readonly providerRef: ProviderRef | null;
  /** The provider's response body, stored verbatim (JSON). */
  readonly response: string | null;
  readonly reconciliation: ReconciliationState;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface BeginPayment {
  readonly merchantId: MerchantId;
  readonly key: IdempotencyKey;
  readonly operation: PaymentOperation;
  readonly requestHash: string;
  readonly amount: Money;
  readonly checkoutId: CheckoutId;
  readonly orderId: OrderId | null;
}

export type BeginResult =
  | { readonly status: "created"; readonly record: PaymentRecord }
  | { readonly status: "existing"; readonly record: PaymentRecord }
  /** Same key (within the merchant), different request hash: nothing is written. */
  | { readonly status: "conflict"; readonly record: PaymentRecord };

export interface PaymentOutcome {
  readonly status: PaymentStatus;
  readonly providerRef?: ProviderRef | null;
  readonly response?: string | null;
  readonly reconciliation?: ReconciliationState;
}

export interface PaymentLedger {
  /** Writes a `pending` row for a new key, or returns the existing row. */
  begin(input: BeginPayment): Promise<BeginResult>;
  /** Records an outcome on an existing row. Throws NotFound for an unknown key. */
  record(merchantId: MerchantId, key: IdempotencyKey, outcome: PaymentOutcome): Promise<PaymentRecord>;
  get(merchantId: MerchantId, key: IdempotencyKey): Promise<PaymentRecord | undefined>;
  findByCheckout(checkoutId: CheckoutId): Promise<PaymentRecord[]>;
  /** Rows in `pending` or `unknown`, or marked reconciliation `needed`; oldest first. */
  needingReconciliation(limit: number): Promise<PaymentRecord[]>;
  all(): Promise<PaymentRecord[]>;
}
