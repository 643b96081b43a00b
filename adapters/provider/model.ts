// The payment provider as the bank sees it: its own charge ledger (the ground truth the double-charge
// checker reads) and Stripe's documented idempotency rules. Synchronous at the core so the simulator
// can call it in a hot loop and the HTTP handlers can hold a request "in flight" between begin and finish.
import type { Clock } from "../../core/clock.ts";
import { KEY_LENGTH_MAX, ProviderRef } from "../../core/ids.ts";
import type { IdempotencyKey, MerchantId } from "../../core/ids.ts";
import { isCurrency } from "../../core/money.ts";
import type { Money } from "../../core/money.ts";
import type {
  AuthorizeParams,
  PaymentProvider,
  ProviderCharge,
  ProviderErrorBody,
  ProviderResponse,
  WebhookEvent,
  WebhookEventType,
} from "../../core/ports/paymentProvider.ts";

export type ProviderOperation = "authorize" | "capture" | "void" | "refund";

/** What `declineWhen` sees: enough to decline deterministically by amount, reference or key. */
export interface DeclineInput {
  readonly merchantId: MerchantId;
  readonly key: IdempotencyKey;
  readonly amount: Money;
  readonly reference: string;
}

export interface ProviderModelOptions {
  readonly clock: Clock;
  readonly merchants: readonly MerchantId[];
  /** Deterministic card declines. Default: never decline. */
  readonly declineWhen?: (input: DeclineInput) => boolean;
  /**
   * Asynchronous payments: a card that asks its holder to confirm (`requires_action`, 3-D Secure) or a
   * payment the provider settles later (`processing`). Default: every payment settles at once.
   */
  readonly pendingWhen?: (input: DeclineInput) => "requires_action" | "processing" | undefined;
  /** How long a `processing` payment takes to settle, in clock ms. Default 3000. */
  readonly processingMs?: number;
  /** How long a stored idempotent response is kept, in clock milliseconds. Default 24 h (Stripe's). */
  readonly idempotencyTtlMs?: number;
  /** Per-merchant fixed-window rate limit on mutating requests. Default: none. */
  readonly rateLimit?: { readonly requestsMax: number; readonly windowMs: number };
}

export const IDEMPOTENCY_TTL_MS_DEFAULT = 24 * 60 * 60 * 1000;

/** Parameters after validation: what execution and the idempotency fingerprint use. */
type Request =
  | { readonly operation: "authorize"; readonly amount: Money; readonly reference: string }
  | { readonly operation: "capture"; readonly chargeId: ProviderRef; readonly amount: number }
  | { readonly operation: "void"; readonly chargeId: ProviderRef }
  | { readonly operation: "refund"; readonly chargeId: ProviderRef; readonly amount: number };

/** A request that has started executing and holds its idempotency key until `finish` or `abandon`. */
export interface InFlightRequest {
  readonly ticket: number;
  readonly merchantId: MerchantId;
  readonly key: IdempotencyKey;
  readonly operation: ProviderOperation;
}

export type BeginResult =
  /** Answered without executing: a replay, a validation error, a conflict or a rate-limit rejection. */
  | { readonly kind: "respond"; readonly response: ProviderResponse }
  | { readonly kind: "in-flight"; readonly request: InFlightRequest };

interface StoredKey {
  readonly fingerprint: string;
  readonly createdAt: number;
  /** Null while the first request is still in flight. */
  response: ProviderResponse | null;
  readonly ticket: number;
}

interface Pending {
  readonly request: Request;
  readonly scopedKey: string;
  readonly merchantId: MerchantId;
  readonly key: IdempotencyKey;
}

const errorBody = (type: ProviderErrorBody["error"]["type"], message: string): ProviderErrorBody => ({ error: { type, message } });
const reply = (status: number, body: ProviderCharge | ProviderErrorBody, replayed = false): ProviderResponse => ({ status, body, replayed });
const scope = (merchantId: string, key: string): string => `${merchantId}\u0000${key}`;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v > 0;
const isId = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= KEY_LENGTH_MAX;

/** Shape validation only: failures here are never stored under the idempotency key. */
function validate(operation: ProviderOperation, params: unknown): Request | string {
  if (!isRecord(params)) return "request body must be a JSON object";
  if (operation === "authorize") {
    const amount = params["amount"];
    if (!isRecord(amount)) return "amount is required";
    if (!isPositiveInt(amount["amount"])) return `amount must be a positive integer number of minor units, got ${JSON.stringify(amount["amount"])}`;
    if (!isCurrency(amount["currency"])) return `unknown currency ${JSON.stringify(amount["currency"])}`;
    if (!isId(params["reference"])) return `reference must be a string of 1..${KEY_LENGTH_MAX} characters`;
    return { operation, amount: { amount: amount["amount"], currency: amount["currency"] }, reference: params["reference"] };
  }
  const chargeId = params["chargeId"];
  if (!isId(chargeId)) return "chargeId is required";
  if (operation === "void") return { operation, chargeId: ProviderRef(chargeId) };
  const amount = params["amount"];
  if (!isPositiveInt(amount)) return `amount must be a positive integer number of minor units, got ${JSON.stringify(amount)}`;
  return { operation, chargeId: ProviderRef(chargeId), amount };
}

/** Same key + same fingerprint = the same request (Stripe compares the parameters and the endpoint). */
function fingerprint(r: Request): string {
  switch (r.operation) {
    case "authorize":
      return `authorize|${r.amount.amount}|${r.amount.currency}|${r.reference}`;
    case "capture":
    case "refund":
      return `${r.operation}|${r.chargeId}|${r.amount}`;
    case "void":
      return `void|${r.chargeId}`;
  }
}

export class ProviderModel implements PaymentProvider {
  private readonly clock: Clock;
  private readonly merchantSet: ReadonlySet<string>;
  private readonly declineWhen: (input: DeclineInput) => boolean;
  private readonly ttlMs: number;
  private readonly rateLimit: { readonly requestsMax: number; readonly windowMs: number } | undefined;

  private readonly chargeById = new Map<string, ProviderCharge>();
  private readonly chargesByKey = new Map<string, ProviderRef[]>();
  private readonly chargesByReference = new Map<string, ProviderRef[]>();
  private readonly keys = new Map<string, StoredKey>();
  private readonly pending = new Map<number, Pending>();
  private readonly rateWindows = new Map<string, { start: number; count: number }>();
  private readonly eventLog: WebhookEvent[] = [];
  private outbox: WebhookEvent[] = [];
  private chargeSeq = 0;
  private readonly pendingWhen: (input: DeclineInput) => "requires_action" | "processing" | undefined;
  private readonly processingMs: number;
  /** Processing payments and how each settles, in order of creation. */
  private settlements: { readonly chargeId: ProviderRef; readonly at: number; readonly declines: boolean }[] = [];
  private eventSeq = 0;
  private ticketSeq = 0;

  constructor(options: ProviderModelOptions) {
    if (options.merchants.length === 0) throw new Error("ProviderModel: merchants must name at least one merchant");
    const ttl = options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS_DEFAULT;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new Error(`ProviderModel: idempotencyTtlMs must be a positive integer, got ${ttl}`);
    this.clock = options.clock;
    this.merchantSet = new Set(options.merchants);
    this.declineWhen = options.declineWhen ?? (() => false);
    this.pendingWhen = options.pendingWhen ?? (() => undefined);
    this.processingMs = options.processingMs ?? 3000;
    this.ttlMs = ttl;
    this.rateLimit = options.rateLimit;
  }

  merchants(): MerchantId[] {
    return [...this.merchantSet] as MerchantId[];
  }

  hasMerchant(merchantId: string): merchantId is MerchantId {
    return this.merchantSet.has(merchantId);
  }

  /**
   * A mutating request arrives. Validation failures, unknown merchants, rate-limit rejections,
   * idempotency mismatches and in-flight conflicts are answered here and never stored; a known key
   * replays its stored response; otherwise the key is locked and the request is in flight.
   */
  begin(merchantId: string, key: unknown, operation: ProviderOperation, params: unknown): BeginResult {
    if (!this.merchantSet.has(merchantId)) return respond(reply(401, errorBody("authentication", "unknown merchant or API key")));
    if (typeof key !== "string" || key.length === 0) return respond(reply(400, errorBody("invalid_request", "an Idempotency-Key is required")));
    if (key.length > KEY_LENGTH_MAX) return respond(reply(400, errorBody("invalid_request", `Idempotency-Key must be at most ${KEY_LENGTH_MAX} characters, got ${key.length}`)));
    const request = validate(operation, params);
    if (typeof request === "string") return respond(reply(400, errorBody("invalid_request", request)));
    if (this.rateLimited(merchantId)) return respond(reply(429, errorBody("rate_limited", "too many requests; retry later with the same key")));

    const now = this.clock.now();
    const scopedKey = scope(merchantId, key);
    const print = fingerprint(request);
    const stored = this.keys.get(scopedKey);
    if (stored !== undefined) {
      const expired = stored.response !== null && now - stored.createdAt >= this.ttlMs;
      if (!expired) {
        if (stored.fingerprint !== print)
          return respond(reply(400, errorBody("idempotency_error", `Idempotency-Key ${JSON.stringify(key)} was used with different parameters or endpoint`)));
        if (stored.response === null) return respond(reply(409, errorBody("conflict", "a request with this Idempotency-Key is still in flight; retry later")));
        return respond({ ...stored.response, replayed: true });
      }
    }
    const ticket = ++this.ticketSeq;
    this.keys.set(scopedKey, { fingerprint: print, createdAt: now, response: null, ticket });
    this.pending.set(ticket, { request, scopedKey, merchantId: merchantId as MerchantId, key: key as IdempotencyKey });
    return { kind: "in-flight", request: { ticket, merchantId: merchantId as MerchantId, key: key as IdempotencyKey, operation } };
  }

  /** Executes an in-flight request and stores its status and body under the key (declines included). */
  finish(inFlight: InFlightRequest): ProviderResponse {
    const p = this.pending.get(inFlight.ticket);
    if (p === undefined) throw new Error(`ProviderModel.finish: ticket ${inFlight.ticket} is not in flight`);
    this.pending.delete(inFlight.ticket);
    const response = this.execute(p);
    const stored = this.keys.get(p.scopedKey);
    if (stored !== undefined && stored.ticket === inFlight.ticket) stored.response = response;
    return response;
  }

  /** Releases an in-flight key without executing (the server died before doing anything): nothing is stored. */
  abandon(inFlight: InFlightRequest): void {
    const p = this.pending.get(inFlight.ticket);
    if (p === undefined) return;
    this.pending.delete(inFlight.ticket);
    const stored = this.keys.get(p.scopedKey);
    if (stored !== undefined && stored.ticket === inFlight.ticket) this.keys.delete(p.scopedKey);
  }

  /** begin + finish in one step: the request is never observably in flight. */
  request(merchantId: string, key: unknown, operation: ProviderOperation, params: unknown): ProviderResponse {
    const begun = this.begin(merchantId, key, operation, params);
    return begun.kind === "respond" ? begun.response : this.finish(begun.request);
  }

  retrieveNow(merchantId: string, chargeId: string): ProviderResponse {
    if (!this.merchantSet.has(merchantId)) return reply(401, errorBody("authentication", "unknown merchant or API key"));
    const charge = this.chargeById.get(chargeId);
    if (charge === undefined || charge.merchantId !== merchantId) return reply(404, errorBody("not_found", `no such charge ${JSON.stringify(chargeId)}`));
    return reply(200, charge);
  }

  findByKey(merchantId: string, key: string): ProviderCharge[] {
    return this.lookup(this.chargesByKey.get(scope(merchantId, key)));
  }

  findByReference(merchantId: string, reference: string): ProviderCharge[] {
    return this.lookup(this.chargesByReference.get(scope(merchantId, reference)));
  }

  /** Every charge ever created, in creation order, at its current state. */
  charges(): ProviderCharge[] {
    return [...this.chargeById.values()];
  }

  /** Every webhook event ever emitted, in emission order. */
  events(): WebhookEvent[] {
    return [...this.eventLog];
  }

  /** Hands the events emitted since the last call to the dispatcher. */
  takeOutbox(): WebhookEvent[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  // --- the buyer's side and the provider's own progress (not part of the merchant's port) ---

  /** Charges of a reference waiting for their holder's confirmation: what the buyer's browser shows. */
  pendingActions(merchant: MerchantId, reference: string): ProviderCharge[] {
    return this.findByReference(merchant, reference).filter((c) => c.status === "requires_action");
  }

  /** The card holder confirms (3-D Secure passed): the charge is authorized and a webhook says so. */
  confirmAction(chargeId: ProviderRef): boolean {
    const charge = this.chargeById.get(chargeId);
    if (charge === undefined || charge.status !== "requires_action") return false;
    this.update({ ...charge, status: "authorized" }, "charge.authorized", charge.amount.amount);
    return true;
  }

  /** Settles every processing payment whose time has come (authorized or declined, with its webhook). */
  settleDue(): void {
    const now = this.clock.now();
    const due = this.settlements.filter((s) => s.at <= now);
    if (due.length === 0) return;
    this.settlements = this.settlements.filter((s) => s.at > now);
    for (const s of due) {
      const charge = this.chargeById.get(s.chargeId);
      if (charge === undefined || charge.status !== "processing") continue;
      if (s.declines) this.update({ ...charge, status: "declined" }, "charge.declined", charge.amount.amount);
      else this.update({ ...charge, status: "authorized" }, "charge.authorized", charge.amount.amount);
    }
  }

  // --- PaymentProvider port (async shell over the synchronous core) ---

  async authorize(merchant: MerchantId, key: IdempotencyKey, params: AuthorizeParams): Promise<ProviderResponse> {
    return this.request(merchant, key, "authorize", params);
  }
  async capture(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse> {
    return this.request(merchant, key, "capture", params);
  }
  async void(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef }): Promise<ProviderResponse> {
    return this.request(merchant, key, "void", params);
  }
  async refund(merchant: MerchantId, key: IdempotencyKey, params: { chargeId: ProviderRef; amount: number }): Promise<ProviderResponse> {
    return this.request(merchant, key, "refund", params);
  }
  async retrieve(merchant: MerchantId, chargeId: ProviderRef): Promise<ProviderResponse> {
    return this.retrieveNow(merchant, chargeId);
  }
  async searchByKey(merchant: MerchantId, key: IdempotencyKey): Promise<ProviderCharge[]> {
    return this.findByKey(merchant, key);
  }
  async searchByReference(merchant: MerchantId, reference: string): Promise<ProviderCharge[]> {
    return this.findByReference(merchant, reference);
  }

  // --- internals ---

  private lookup(ids: readonly ProviderRef[] | undefined): ProviderCharge[] {
    if (ids === undefined) return [];
    const out: ProviderCharge[] = [];
    for (const id of ids) {
      const c = this.chargeById.get(id);
      if (c !== undefined) out.push(c);
    }
    return out;
  }

  private rateLimited(merchantId: string): boolean {
    const limit = this.rateLimit;
    if (limit === undefined) return false;
    const now = this.clock.now();
    let w = this.rateWindows.get(merchantId);
    if (w === undefined || now - w.start >= limit.windowMs) {
      w = { start: now, count: 0 };
      this.rateWindows.set(merchantId, w);
    }
    if (w.count >= limit.requestsMax) return true;
    w.count++;
    return false;
  }

  /** Execution: every answer from here on (declines and state errors included) is stored under the key. */
  private execute(p: Pending): ProviderResponse {
    const r = p.request;
    if (r.operation === "authorize") return this.executeAuthorize(p.merchantId, p.key, r.amount, r.reference);
    const charge = this.chargeById.get(r.chargeId);
    if (charge === undefined || charge.merchantId !== p.merchantId) return reply(404, errorBody("not_found", `no such charge ${JSON.stringify(r.chargeId)}`));
    switch (r.operation) {
      case "capture": {
        if (charge.status !== "authorized") return reply(400, errorBody("invalid_request", `charge ${charge.id} is ${charge.status}; only an authorized charge can be captured`));
        if (r.amount > charge.amount.amount) return reply(400, errorBody("invalid_request", `capture amount ${r.amount} exceeds the authorized ${charge.amount.amount}`));
        return this.update({ ...charge, status: "captured", capturedAmount: r.amount }, "charge.captured", r.amount);
      }
      case "void": {
        // Cancelling a payment that still waits for its holder is a void too (Stripe cancels the intent).
        if (charge.status !== "authorized" && charge.status !== "requires_action")
          return reply(400, errorBody("invalid_request", `charge ${charge.id} is ${charge.status}; only an authorized charge can be voided`));
        return this.update({ ...charge, status: "voided" }, "charge.voided", charge.amount.amount);
      }
      case "refund": {
        if (charge.status !== "captured") return reply(400, errorBody("invalid_request", `charge ${charge.id} is ${charge.status}; only a captured charge can be refunded`));
        const refundable = charge.capturedAmount - charge.refundedAmount;
        if (r.amount > refundable) return reply(400, errorBody("invalid_request", `refund amount ${r.amount} exceeds the refundable ${refundable}`));
        return this.update({ ...charge, refundedAmount: charge.refundedAmount + r.amount }, "charge.refunded", r.amount);
      }
    }
  }

  private executeAuthorize(merchantId: MerchantId, key: IdempotencyKey, amount: Money, reference: string): ProviderResponse {
    const declined = this.declineWhen({ merchantId, key, amount, reference });
    const pending = this.pendingWhen({ merchantId, key, amount, reference });
    // A processing payment may still be declined, later; a card that asks for action declines at once.
    const status = pending === "processing" ? "processing" : declined ? "declined" : (pending ?? "authorized");
    const charge: ProviderCharge = {
      id: ProviderRef(`ch_${++this.chargeSeq}`),
      merchantId,
      amount,
      status,
      capturedAmount: 0,
      refundedAmount: 0,
      reference,
      idempotencyKey: key,
      createdAt: this.clock.now(),
    };
    this.chargeById.set(charge.id, charge);
    push(this.chargesByKey, scope(merchantId, key), charge.id);
    push(this.chargesByReference, scope(merchantId, reference), charge.id);
    if (status === "processing") {
      this.settlements.push({ chargeId: charge.id, at: this.clock.now() + this.processingMs, declines: declined });
      return reply(200, charge);
    }
    if (status === "requires_action") return reply(200, charge);
    this.emit(declined ? "charge.declined" : "charge.authorized", charge, amount.amount);
    return declined ? reply(402, errorBody("card_declined", `the card was declined (charge ${charge.id})`)) : reply(200, charge);
  }

  /** Charges are replaced, never mutated, so a stored response keeps the snapshot it was sent with. */
  private update(next: ProviderCharge, type: WebhookEventType, amount: number): ProviderResponse {
    this.chargeById.set(next.id, next);
    this.emit(type, next, amount);
    return reply(200, next);
  }

  private emit(type: WebhookEventType, charge: ProviderCharge, amount: number): void {
    const event: WebhookEvent = {
      id: `evt_${++this.eventSeq}`,
      type,
      chargeId: charge.id,
      merchantId: charge.merchantId,
      reference: charge.reference,
      amount: { amount, currency: charge.amount.currency },
      createdAt: this.clock.now(),
    };
    this.eventLog.push(event);
    this.outbox.push(event);
  }
}

function respond(response: ProviderResponse): BeginResult {
  return { kind: "respond", response };
}

function push(map: Map<string, ProviderRef[]>, k: string, id: ProviderRef): void {
  const list = map.get(k);
  if (list === undefined) map.set(k, [id]);
  else list.push(id);
}
