// The external payment provider, seen as a port: an in-process model under simulation, an HTTP
// client (fetch) against msw handlers or a real provider otherwise. Semantics follow Stripe's
// documented idempotency: same key + same parameters replays the first stored response.
import type { IdempotencyKey, MerchantId, ProviderRef } from "../ids.ts";
import type { Money } from "../money.ts";

/**
 * `requires_action`: the card asks the buyer to confirm (3-D Secure); no money is held until they do.
 * `processing`: the provider settles later and says so by webhook (authorized or declined).
 */
export type ChargeStatus = "authorized" | "captured" | "voided" | "declined" | "requires_action" | "processing";

/** The provider's (the bank's) record of money moved. The double-charge checker reads these. */
export interface ProviderCharge {
  readonly id: ProviderRef;
  readonly merchantId: MerchantId;
  readonly amount: Money;
  readonly status: ChargeStatus;
  readonly capturedAmount: number;
  readonly refundedAmount: number;
  /** The merchant's reference (the checkout id), searchable. */
  readonly reference: string;
  /** The idempotency key of the authorize request that created it. */
  readonly idempotencyKey: IdempotencyKey;
  readonly createdAt: number;
}

export interface ProviderErrorBody {
  readonly error: { readonly type: "card_declined" | "idempotency_error" | "invalid_request" | "conflict" | "rate_limited" | "api_error" | "not_found" | "authentication"; readonly message: string };
}

/** A completed HTTP-level exchange: a status code and a JSON body. */
export interface ProviderResponse<T = ProviderCharge> {
  readonly status: number;
  readonly body: T | ProviderErrorBody;
  /** True when the provider replayed a stored response for this idempotency key. */
  readonly replayed: boolean;
}

/**
 * The outcome is unknown to the caller: the request or its response was lost, timed out, or the
 * connection reset. The charge may or may not exist; reconcile by key, never retry with a new key.
 */
export class ProviderUnreachable extends Error {
  readonly _tag = "ProviderUnreachable";
  constructor(readonly reason: "timeout" | "connection-reset" | "request-lost", message?: string) {
    super(message ?? `payment provider unreachable: ${reason}`);
  }
}

export interface AuthorizeParams {
  readonly amount: Money;
  readonly reference: string;
}

export interface PaymentProvider {
  authorize(merchant: MerchantId, key: IdempotencyKey, params: AuthorizeParams): Promise<ProviderResponse>;
  capture(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse>;
  void(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef }): Promise<ProviderResponse>;
  refund(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse>;
  retrieve(merchant: MerchantId, chargeId: ProviderRef): Promise<ProviderResponse>;
  /** Charges whose authorize request carried this idempotency key (0 or 1). */
  searchByKey(merchant: MerchantId, key: IdempotencyKey): Promise<ProviderCharge[]>;
  /** Charges created with this merchant reference (a checkout id); more than one means a double charge. */
  searchByReference(merchant: MerchantId, reference: string): Promise<ProviderCharge[]>;
}

export type WebhookEventType = "charge.authorized" | "charge.declined" | "charge.captured" | "charge.voided" | "charge.refunded";

export interface WebhookEvent {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly chargeId: ProviderRef;
  readonly merchantId: MerchantId;
  readonly reference: string;
  readonly amount: Money;
  readonly createdAt: number;
}
