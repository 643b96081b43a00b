// The PaymentProvider port over HTTP (fetch), for the msw handlers or a real provider. Transport
// failures are retried with backoff and the SAME idempotency key (so a retry can only replay, never
// charge twice); what is still unknown after the last attempt surfaces as ProviderUnreachable.
// Uses real time (Effect timeout and schedule): outside simulated runs only.
import { Data, Effect, Schedule } from "effect";
import type { IdempotencyKey, MerchantId, ProviderRef } from "../../core/ids.ts";
import { ProviderUnreachable } from "../../core/ports/paymentProvider.ts";
import type { AuthorizeParams, PaymentProvider, ProviderCharge, ProviderErrorBody, ProviderResponse } from "../../core/ports/paymentProvider.ts";
import { ProviderHttpError } from "./providerError.ts";
import { IDEMPOTENCY_KEY_HEADER, PROVIDER_BASE_URL, REPLAYED_HEADER, paths, testApiKey } from "./wire.ts";
import type { AuthorizeWireBody } from "./wire.ts";

export interface HttpPaymentProviderOptions {
  /** Default https://provider.test (the msw handlers). */
  readonly baseUrl?: string;
  /** Default `sk_test_<merchant>`. */
  readonly apiKeyFor?: (merchant: MerchantId) => string;
  /** Per attempt. Default 5000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, same key each time. Default 2. */
  readonly retries?: number;
  /** First backoff delay, doubling per retry. Default 100. */
  readonly retryBaseMs?: number;
  readonly fetch?: typeof fetch;
}

/** Statuses worth retrying with the same key: in flight elsewhere, rate limited, or a server error. */
const RETRYABLE_STATUS = new Set([409, 429, 500, 502, 503, 504]);

class RetryableStatus extends Data.TaggedError("RetryableStatus")<{ readonly response: ProviderResponse }> {}
class Unreachable extends Data.TaggedError("Unreachable")<{ readonly error: ProviderUnreachable }> {}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProviderUnreachable };

function toUnreachable(cause: unknown): Unreachable {
  const name = typeof cause === "object" && cause !== null && "name" in cause ? String((cause as { name: unknown }).name) : "";
  const reason = name === "TimeoutError" || name === "AbortError" ? "timeout" : "connection-reset";
  return new Unreachable({ error: new ProviderUnreachable(reason, `payment provider unreachable (${reason}): ${String(cause)}`) });
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { type: "api_error", message: `non-JSON response (${res.status}): ${text.slice(0, 200)}` } } satisfies ProviderErrorBody;
  }
}

export class HttpPaymentProvider implements PaymentProvider {
  private readonly baseUrl: string;
  private readonly apiKeyFor: (merchant: MerchantId) => string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpPaymentProviderOptions = {}) {
    this.baseUrl = options.baseUrl ?? PROVIDER_BASE_URL;
    this.apiKeyFor = options.apiKeyFor ?? testApiKey;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.fetchImpl = options.fetch ?? fetch;
    if (!(this.timeoutMs > 0)) throw new Error(`HttpPaymentProvider: timeoutMs must be positive, got ${this.timeoutMs}`);
    if (!Number.isSafeInteger(this.retries) || this.retries < 0) throw new Error(`HttpPaymentProvider: retries must be a non-negative integer, got ${this.retries}`);
  }

  authorize(merchant: MerchantId, key: IdempotencyKey, params: AuthorizeParams): Promise<ProviderResponse> {
    const body: AuthorizeWireBody = { amount: params.amount.amount, currency: params.amount.currency, reference: params.reference };
    return this.post(merchant, key, paths.charges, body);
  }
  capture(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse> {
    return this.post(merchant, key, paths.capture(params.chargeId), { amount: params.amount });
  }
  void(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef }): Promise<ProviderResponse> {
    return this.post(merchant, key, paths.void(params.chargeId), {});
  }
  refund(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse> {
    return this.post(merchant, key, paths.refund(params.chargeId), { amount: params.amount });
  }
  retrieve(merchant: MerchantId, chargeId: ProviderRef): Promise<ProviderResponse> {
    return this.send(merchant, paths.charge(chargeId), { method: "GET" });
  }
  searchByKey(merchant: MerchantId, key: IdempotencyKey): Promise<ProviderCharge[]> {
    return this.search(merchant, `idempotency_key=${encodeURIComponent(key)}`);
  }
  searchByReference(merchant: MerchantId, reference: string): Promise<ProviderCharge[]> {
    return this.search(merchant, `reference=${encodeURIComponent(reference)}`);
  }

  private post(merchant: MerchantId, key: IdempotencyKey, path: string, body: object): Promise<ProviderResponse> {
    return this.send(merchant, path, { method: "POST", headers: { [IDEMPOTENCY_KEY_HEADER]: key, "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  private async search(merchant: MerchantId, query: string): Promise<ProviderCharge[]> {
    const response = await this.send(merchant, `${paths.charges}?${query}`, { method: "GET" });
    if (response.status !== 200) throw new ProviderHttpError(response.status, response.body as ProviderErrorBody);
    return (response.body as unknown as { data: ProviderCharge[] }).data;
  }

  /** One exchange with retries; every attempt reuses the same request (and so the same idempotency key). */
  private async send(merchant: MerchantId, path: string, init: RequestInit): Promise<ProviderResponse> {
    const url = `${this.baseUrl}${path}`;
    const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.apiKeyFor(merchant)}` };
    const attempt = Effect.tryPromise({
      try: async (signal) => {
        const res = await this.fetchImpl(url, { ...init, headers, signal });
        const body = (await readBody(res)) as ProviderResponse["body"];
        return { status: res.status, body, replayed: res.headers.get(REPLAYED_HEADER) === "true" } satisfies ProviderResponse;
      },
      catch: toUnreachable,
    }).pipe(
      Effect.timeout(this.timeoutMs),
      Effect.mapError((e) => (e._tag === "Unreachable" ? e : new Unreachable({ error: new ProviderUnreachable("timeout") }))),
      Effect.flatMap((r) => (RETRYABLE_STATUS.has(r.status) ? Effect.fail(new RetryableStatus({ response: r })) : Effect.succeed(r))),
    );
    const program = attempt.pipe(
      Effect.retry({ schedule: Schedule.exponential(this.retryBaseMs), times: this.retries }),
      Effect.match({
        onSuccess: (value): Outcome<ProviderResponse> => ({ ok: true, value }),
        onFailure: (e): Outcome<ProviderResponse> => (e._tag === "RetryableStatus" ? { ok: true, value: e.response } : { ok: false, error: e.error }),
      }),
    );
    const outcome = await Effect.runPromise(program);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}
