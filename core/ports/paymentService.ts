// The coordinator's view of payments: the payment ledger plus the provider, behind one idempotent
// call per operation. The ledger row is written before the provider is called; a lost response
// becomes `unknown`, which `reconcile` resolves by key instead of guessing.
import type { CheckoutId, IdempotencyKey, OrderId, ProviderRef } from "../ids.ts";
import type { Money } from "../money.ts";
import type { ProviderCharge } from "./paymentProvider.ts";

export type PaymentResult =
  | { readonly status: "succeeded"; readonly providerRef: ProviderRef; readonly amount: Money }
  | { readonly status: "declined"; readonly reason: string }
  /**
   * The provider may or may not have acted. Never retry with a new key: reconcile. `pending` says the
   * provider did act and is waiting: for the buyer (3-D Secure) or for its own settlement.
   */
  | { readonly status: "unknown"; readonly reason: string; readonly pending?: "requires_action" | "processing" };

export interface AuthorizeCommand {
  readonly checkoutId: CheckoutId;
  readonly orderId: OrderId | null;
  readonly key: IdempotencyKey;
  readonly amount: Money;
}

export interface PaymentService {
  authorize(command: AuthorizeCommand): Promise<PaymentResult>;
  capture(command: { checkoutId: CheckoutId; orderId: OrderId; key: IdempotencyKey; providerRef: ProviderRef; amount: Money }): Promise<PaymentResult>;
  void(command: { checkoutId: CheckoutId; key: IdempotencyKey; providerRef: ProviderRef; amount: Money }): Promise<PaymentResult>;
  refund(command: { checkoutId: CheckoutId; orderId: OrderId; key: IdempotencyKey; providerRef: ProviderRef; amount: Money }): Promise<PaymentResult>;
  /**
   * Finds the truth for an operation after a lost response: looks the key up at the provider
   * (search by idempotency key), records it in the ledger, and returns it. `unknown` when the
   * provider cannot be reached either; a key the provider never saw is `declined` ("not found").
   */
  reconcile(key: IdempotencyKey): Promise<PaymentResult>;
  /**
   * Every charge the provider holds for a checkout (by merchant reference), for finding orphans.
   * Throws when the provider cannot answer: a failed lookup is never "no charges".
   */
  chargesFor?(checkoutId: CheckoutId): Promise<readonly ProviderCharge[]>;
}
