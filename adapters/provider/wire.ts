// The provider's HTTP wire format, shared by the msw handlers and the fetch client so both agree on
// paths, headers and body shapes without the client importing msw.
import type { MerchantId } from "../../core/ids.ts";

export const PROVIDER_BASE_URL = "https://provider.test";
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** Set to "true" on a response replayed from the idempotency store (Stripe's header name). */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** Test-mode API keys name their merchant, like Stripe's `sk_test_...`. */
export const testApiKey = (merchant: MerchantId | string): string => `sk_test_${merchant}`;

export const paths = {
  charges: "/v1/charges",
  charge: (id: string) => `/v1/charges/${encodeURIComponent(id)}`,
  capture: (id: string) => `/v1/charges/${encodeURIComponent(id)}/capture`,
  void: (id: string) => `/v1/charges/${encodeURIComponent(id)}/void`,
  refund: (id: string) => `/v1/charges/${encodeURIComponent(id)}/refunds`,
} as const;

/** Authorize body on the wire is flat, as in Stripe: `{ amount, currency, reference }`. */
export interface AuthorizeWireBody {
  readonly amount: number;
  readonly currency: string;
  readonly reference: string;
}
