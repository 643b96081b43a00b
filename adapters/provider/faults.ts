// Provider faults chosen per request by the caller (the simulator's PRNG), including the ones behind real
// incidents: the charge happened and the answer got lost. No real timers: waiting goes through `sleep`.
import type { IdempotencyKey, MerchantId, ProviderRef } from "../../core/ids.ts";
import { ProviderUnreachable } from "../../core/ports/paymentProvider.ts";
import type { AuthorizeParams, PaymentProvider, ProviderCharge, ProviderResponse } from "../../core/ports/paymentProvider.ts";
import type { ProviderModel, ProviderOperation } from "./model.ts";
import { ProviderHttpError } from "./providerError.ts";

export type Fault =
  /** The request is in flight this long (its key is locked); at or beyond the client timeout the client times out. */
  | { readonly kind: "latency"; readonly ms: number }
  /** Nothing executes; the client gives up after its timeout (ProviderUnreachable "request-lost"). */
  | { readonly kind: "request-lost" }
  /** 503 before processing: nothing executes, nothing is stored under the key. */
  | { readonly kind: "error-before" }
  /** Executes (and stores), then the client sees a 500. */
  | { readonly kind: "error-after" }
  /** Executes (and stores), then the connection resets (ProviderUnreachable "connection-reset"). */
  | { readonly kind: "reset-after" }
  /** Executes (and stores), the response never arrives; the client times out (ProviderUnreachable "timeout"). */
  | { readonly kind: "response-lost" };

export type FaultKind = Fault["kind"];
export type ProviderCall = ProviderOperation | "retrieve" | "searchByKey" | "searchByReference";

export interface FaultContext {
  readonly merchantId: MerchantId;
  /** The idempotency key (mutations, searchByKey), charge id (retrieve) or reference (searchByReference). */
  readonly subject: string;
}

export interface FaultyProviderOptions {
  readonly model: ProviderModel;
  /** Asked once per call; null means no fault. */
  readonly decide: (operation: ProviderCall, context: FaultContext) => Fault | null;
  /** The client's timeout, in the same milliseconds as `sleep`. */
  readonly timeoutMs: number;
  /** Virtual sleep (the simulator's scheduler). Default: resolves at once, so latency only reorders nothing. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const serverError = (status: number, message: string): ProviderResponse => ({ status, body: { error: { type: "api_error", message } }, replayed: false });
const noSleep = (): Promise<void> => Promise.resolve();

export class FaultyProvider implements PaymentProvider {
  private readonly model: ProviderModel;
  private readonly decide: FaultyProviderOptions["decide"];
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: FaultyProviderOptions) {
    if (!(options.timeoutMs > 0)) throw new Error(`FaultyProvider: timeoutMs must be positive, got ${options.timeoutMs}`);
    this.model = options.model;
    this.decide = options.decide;
    this.timeoutMs = options.timeoutMs;
    this.sleep = options.sleep ?? noSleep;
  }

  authorize(merchant: MerchantId, key: IdempotencyKey, params: AuthorizeParams): Promise<ProviderResponse> {
    return this.mutate("authorize", merchant, key, params);
  }
  capture(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse> {
    return this.mutate("capture", merchant, key, params);
  }
  void(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef }): Promise<ProviderResponse> {
    return this.mutate("void", merchant, key, params);
  }
  refund(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse> {
    return this.mutate("refund", merchant, key, params);
  }

  async retrieve(merchant: MerchantId, chargeId: ProviderRef): Promise<ProviderResponse> {
    const fault = this.decide("retrieve", { merchantId: merchant, subject: chargeId });
    if (fault?.kind === "error-before") return serverError(503, "service unavailable");
    if (fault?.kind === "error-after") return serverError(500, "internal error");
    await this.readFault(fault);
    return this.model.retrieveNow(merchant, chargeId);
  }
  async searchByKey(merchant: MerchantId, key: IdempotencyKey): Promise<ProviderCharge[]> {
    await this.readFault(this.decide("searchByKey", { merchantId: merchant, subject: key }), true);
    return this.model.findByKey(merchant, key);
  }
  async searchByReference(merchant: MerchantId, reference: string): Promise<ProviderCharge[]> {
    await this.readFault(this.decide("searchByReference", { merchantId: merchant, subject: reference }), true);
    return this.model.findByReference(merchant, reference);
  }

  /** Reads have no effect to lose, so every fault just delays or fails the answer. */
  private async readFault(fault: Fault | null, throwOnServerError = false): Promise<void> {
    if (fault === null) return;
    switch (fault.kind) {
      case "latency":
        if (fault.ms >= this.timeoutMs) {
          await this.sleep(this.timeoutMs);
          throw new ProviderUnreachable("timeout");
        }
        await this.sleep(fault.ms);
        return;
      case "request-lost":
        await this.sleep(this.timeoutMs);
        throw new ProviderUnreachable("request-lost");
      case "response-lost":
        await this.sleep(this.timeoutMs);
        throw new ProviderUnreachable("timeout");
      case "reset-after":
        throw new ProviderUnreachable("connection-reset");
      case "error-before":
      case "error-after":
        if (throwOnServerError) throw new ProviderHttpError(fault.kind === "error-before" ? 503 : 500, { error: { type: "api_error", message: "server error" } });
        return;
    }
  }

  private async mutate(operation: ProviderOperation, merchant: MerchantId, key: IdempotencyKey, params: unknown): Promise<ProviderResponse> {
    const fault = this.decide(operation, { merchantId: merchant, subject: key });
    if (fault === null) return this.model.request(merchant, key, operation, params);
    switch (fault.kind) {
      case "request-lost":
        await this.sleep(this.timeoutMs);
        throw new ProviderUnreachable("request-lost");
      case "error-before":
        return serverError(503, "service unavailable; nothing was processed");
      case "error-after":
        this.model.request(merchant, key, operation, params);
        return serverError(500, "internal error after processing");
      case "reset-after":
        this.model.request(merchant, key, operation, params);
        throw new ProviderUnreachable("connection-reset");
      case "response-lost":
        this.model.request(merchant, key, operation, params);
        await this.sleep(this.timeoutMs);
        throw new ProviderUnreachable("timeout");
      case "latency":
        return this.slow(fault.ms, merchant, key, operation, params);
    }
  }

  /** The key stays locked for the whole latency, so a concurrent retry with the same key sees 409. */
  private async slow(ms: number, merchant: MerchantId, key: IdempotencyKey, operation: ProviderOperation, params: unknown): Promise<ProviderResponse> {
    const begun = this.model.begin(merchant, key, operation, params);
    if (begun.kind === "respond") {
      await this.sleep(Math.min(ms, this.timeoutMs));
      if (ms >= this.timeoutMs) throw new ProviderUnreachable("timeout");
      return begun.response;
    }
    if (ms < this.timeoutMs) {
      await this.sleep(ms);
      return this.model.finish(begun.request);
    }
    // The provider finishes after the client has given up: the charge appears later, unseen.
    void this.sleep(ms).then(() => this.model.finish(begun.request));
    await this.sleep(this.timeoutMs);
    throw new ProviderUnreachable("timeout");
  }
}
