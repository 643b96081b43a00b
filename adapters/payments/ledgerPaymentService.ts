// The coordinator's payment calls: the ledger row is written before the provider hears of the request,
// so a lost answer leaves a row in `unknown` that reconciliation settles by key, never by guessing or by
// retrying under a new key. No timers or clock reads here: safe under simulation.
import type { Clock } from "../../core/clock.ts";
import { IdempotencyConflict, NotFound } from "../../core/errors.ts";
import type { CheckoutId, IdempotencyKey, MerchantId, OrderId, ProviderRef } from "../../core/ids.ts";
import type { Money } from "../../core/money.ts";
import type { PaymentLedger, PaymentOperation, PaymentRecord } from "../../core/ports/paymentLedger.ts";
import { ProviderUnreachable } from "../../core/ports/paymentProvider.ts";
import type { PaymentProvider, ProviderCharge, ProviderErrorBody, ProviderResponse } from "../../core/ports/paymentProvider.ts";
import type { AuthorizeCommand, PaymentResult, PaymentService } from "../../core/ports/paymentService.ts";
import { ProviderHttpError } from "../provider/providerError.ts";
import { requestHash } from "./requestHash.ts";

export interface LedgerPaymentServiceOptions {
  readonly ledger: PaymentLedger;
  readonly provider: PaymentProvider;
  readonly merchantId: MerchantId;
  /** Accepted for symmetry with the other adapters; the ledger stamps its own times, so it is not read. */
  readonly clock?: Clock;
}

interface Operation {
  readonly operation: PaymentOperation;
  readonly key: IdempotencyKey;
  readonly amount: Money;
  readonly checkoutId: CheckoutId;
  readonly orderId: OrderId | null;
  /** Exactly what goes to the provider: hashed into the ledger row. */
  readonly request: Record<string, unknown>;
  readonly call: () => Promise<ProviderResponse>;
}

type Truth =
  | { readonly status: "succeeded"; readonly charge: ProviderCharge }
  /**
   * The operation did not happen: `declined` when the provider has it and refused it (a card declined,
   * possibly after `processing`), `not_found` when the provider never saw it (safe to send again).
   */
  | { readonly status: "failed"; readonly error: "card_declined" | "not_found"; readonly reason: string }
  /** The provider holds the request and waits (for the buyer, or for its own settlement). */
  | { readonly status: "pending"; readonly charge: ProviderCharge & { readonly status: "requires_action" | "processing" } };

const isPendingCharge = (c: ProviderCharge): c is ProviderCharge & { readonly status: "requires_action" | "processing" } => c.status === "requires_action" || c.status === "processing";

const isErrorBody = (b: unknown): b is ProviderErrorBody => typeof b === "object" && b !== null && "error" in b;
/**
 * A search's answer as a list, or a thrown ProviderHttpError: under a 5xx the provider answers an
 * error object, and reading that as "no charges" would record a charge that exists as not found.
 */
function chargeList(answer: unknown): ProviderCharge[] {
  if (Array.isArray(answer)) return answer as ProviderCharge[];
  const r = answer as { status?: unknown; body?: unknown } | null;
  const status = typeof r?.status === "number" ? r.status : 502;
  throw new ProviderHttpError(status >= 500 ? status : 502, isErrorBody(r?.body) ? r.body : null);
}

const isCharge = (b: unknown): b is ProviderCharge => typeof b === "object" && b !== null && "id" in b && typeof (b as { id: unknown }).id === "string";
/** Errors that leave the provider's side unknown (it may or may not have acted). */
const isUnknownOutcome = (e: unknown): e is ProviderUnreachable | ProviderHttpError =>
  e instanceof ProviderUnreachable || (e instanceof ProviderHttpError && e.status >= 500);

function reasonOf(response: string | null, fallback: string): string {
  if (response === null) return fallback;
  try {
    const body: unknown = JSON.parse(response);
    return isErrorBody(body) ? `${body.error.type}: ${body.error.message}` : fallback;
  } catch {
    return fallback;
  }
}

/** The stored result of a settled row, returned to a retry without asking the provider again. */
function resultOf(row: PaymentRecord): PaymentResult {
  if (row.status === "succeeded" && row.providerRef !== null) return { status: "succeeded", providerRef: row.providerRef, amount: row.amount };
  if (row.status === "failed") return { status: "declined", reason: reasonOf(row.response, "declined") };
  return { status: "unknown", reason: `payment ${row.key} is ${row.status}` };
}

export class LedgerPaymentService implements PaymentService {
  private readonly ledger: PaymentLedger;
  private readonly provider: PaymentProvider;
  private readonly merchantId: MerchantId;

  constructor(options: LedgerPaymentServiceOptions) {
    this.ledger = options.ledger;
    this.provider = options.provider;
    this.merchantId = options.merchantId;
  }

  authorize(command: AuthorizeCommand): Promise<PaymentResult> {
    const params = { amount: command.amount, reference: command.checkoutId as string };
    return this.run({
      operation: "authorize",
      key: command.key,
      amount: command.amount,
      checkoutId: command.checkoutId,
      orderId: command.orderId,
      request: { operation: "authorize", ...params },
      call: () => this.provider.authorize(this.merchantId, command.key, params),
    });
  }

  capture(command: { checkoutId: CheckoutId; orderId: OrderId; key: IdempotencyKey; providerRef: ProviderRef; amount: Money }): Promise<PaymentResult> {
    const params = { chargeId: command.providerRef, amount: command.amount.amount };
    return this.run({
      operation: "capture",
      key: command.key,
      amount: command.amount,
      checkoutId: command.checkoutId,
      orderId: command.orderId,
      request: { operation: "capture", ...params, currency: command.amount.currency },
      call: () => this.provider.capture(this.merchantId, command.key, params),
    });
  }

  void(command: { checkoutId: CheckoutId; key: IdempotencyKey; providerRef: ProviderRef; amount: Money }): Promise<PaymentResult> {
    const params = { chargeId: command.providerRef };
    return this.run({
      operation: "void",
      key: command.key,
      amount: command.amount,
      checkoutId: command.checkoutId,
      orderId: null,
      request: { operation: "void", ...params, amount: command.amount },
      call: () => this.provider.void(this.merchantId, command.key, params),
    });
  }

  refund(command: { checkoutId: CheckoutId; orderId: OrderId; key: IdempotencyKey; providerRef: ProviderRef; amount: Money }): Promise<PaymentResult> {
    const params = { chargeId: command.providerRef, amount: command.amount.amount };
    return this.run({
      operation: "refund",
      key: command.key,
      amount: command.amount,
      checkoutId: command.checkoutId,
      orderId: command.orderId,
      request: { operation: "refund", ...params, currency: command.amount.currency },
      call: () => this.provider.refund(this.merchantId, command.key, params),
    });
  }

  async reconcile(key: IdempotencyKey): Promise<PaymentResult> {
    const row = await this.ledger.get(this.merchantId, key);
    if (row === undefined) throw new NotFound({ entity: "payment", id: key, message: `no payment ledger row for key ${key}; nothing was ever sent under it` });
    if ((row.status === "succeeded" || row.status === "failed") && row.reconciliation !== "needed") return resultOf(row);
    let truth: Truth;
    try {
      truth = await this.findTruth(row);
    } catch (e) {
      if (!isUnknownOutcome(e)) throw e;
      return this.recordUnknown(row.key, `reconciliation could not reach the provider: ${(e as Error).message}`);
    }
    if (truth.status === "pending") return this.recordPending(row.key, truth.charge);
    if (truth.status === "failed") {
      // "Not found" describes the provider as it was when asked: an attempt under the same key may have
      // succeeded and recorded it since (a resend, a late answer). A success is never overwritten by it.
      const current = await this.ledger.get(this.merchantId, key);
      if (current?.status === "succeeded") return resultOf(current);
    }
    const recorded =
      truth.status === "succeeded"
        ? await this.ledger.record(this.merchantId, key, { status: "succeeded", providerRef: truth.charge.id, response: JSON.stringify(truth.charge), reconciliation: "reconciled" })
        : await this.ledger.record(this.merchantId, key, {
            status: "failed",
            response: JSON.stringify({ error: { type: truth.error, message: truth.reason } } satisfies ProviderErrorBody),
            reconciliation: "reconciled",
          });
    return resultOf(recorded);
  }

  /**
   * Every charge the provider holds for a checkout (by merchant reference): how reconciliation finds
   * orphans. Throws when the provider cannot answer; a failed lookup never reads as "no charges".
   */
  async chargesFor(checkoutId: CheckoutId): Promise<readonly ProviderCharge[]> {
    return chargeList(await this.provider.searchByReference(this.merchantId, checkoutId));
  }

  // --- internals ---

  private async run(op: Operation): Promise<PaymentResult> {
    const begun = await this.ledger.begin({
      merchantId: this.merchantId,
      key: op.key,
      operation: op.operation,
      requestHash: requestHash(op.request),
      amount: op.amount,
      checkoutId: op.checkoutId,
      orderId: op.orderId,
    });
    if (begun.status === "conflict")
      throw new IdempotencyConflict({ key: op.key, message: `payment key ${op.key} was already used for a different ${begun.record.operation} request` });
    // A settled row answers the retry itself; a pending or unknown one is asked again under the SAME key,
    // which the provider either replays or executes for the first time.
    if (begun.record.status === "succeeded" || (begun.record.status === "failed" && !neverReachedProvider(begun.record))) return resultOf(begun.record);

    let response: ProviderResponse;
    try {
      response = await op.call();
    } catch (e) {
      const reason = e instanceof ProviderUnreachable ? `provider unreachable: ${e.reason}` : `provider call failed: ${String(e)}`;
      const unknown = await this.recordUnknown(op.key, reason);
      if (e instanceof ProviderUnreachable) return unknown;
      throw e;
    }
    const wasNeeded = begun.record.reconciliation === "needed";
    const settledReconciliation = wasNeeded ? "reconciled" : "none";
    if (response.status >= 200 && response.status < 300 && isCharge(response.body) && isPendingCharge(response.body)) return this.recordPending(op.key, response.body);
    if (response.status >= 200 && response.status < 300 && isCharge(response.body)) {
      const row = await this.ledger.record(this.merchantId, op.key, {
        status: "succeeded",
        providerRef: response.body.id,
        response: JSON.stringify(response.body),
        reconciliation: settledReconciliation,
      });
      return resultOf(row);
    }
    // 409: another attempt with this key is in flight and will record its own outcome. 429: nothing ran.
    // Either way the row stays pending (queued for reconciliation) and the caller learns nothing yet.
    if (response.status === 409 || response.status === 429) return { status: "unknown", reason: `provider answered ${response.status}; row left pending` };
    if (response.status >= 500 || !isErrorBody(response.body))
      return this.recordUnknown(op.key, `provider answered ${response.status}: the operation may or may not have happened`);
    const row = await this.ledger.record(this.merchantId, op.key, { status: "failed", response: JSON.stringify(response.body), reconciliation: settledReconciliation });
    return resultOf(row);
  }

  /**
   * Marks a row unknown (reconciliation needed) unless a concurrent attempt already settled it. A row
   * settled as "the provider never saw it" is not settled against this attempt, which the provider may
   * just have processed (a 5xx after processing): it goes back to unknown.
   */
  private async recordUnknown(key: IdempotencyKey, reason: string): Promise<PaymentResult> {
    const current = await this.ledger.get(this.merchantId, key);
    const settled = current !== undefined && (current.status === "succeeded" || (current.status === "failed" && !neverReachedProvider(current)));
    if (settled && current.reconciliation !== "needed") return resultOf(current);
    await this.ledger.record(this.merchantId, key, { status: "unknown", reconciliation: "needed" });
    return { status: "unknown", reason };
  }

  /** The provider acted and waits: the row stays open for reconciliation, with the charge it made. */
  private async recordPending(key: IdempotencyKey, charge: ProviderCharge & { readonly status: "requires_action" | "processing" }): Promise<PaymentResult> {
    await this.ledger.record(this.merchantId, key, { status: "unknown", providerRef: charge.id, response: JSON.stringify(charge), reconciliation: "needed" });
    return { status: "unknown", reason: `payment ${charge.id} is ${charge.status}`, pending: charge.status };
  }

  /** Asks the provider what actually happened to the operation behind this row. */
  private async findTruth(row: PaymentRecord): Promise<Truth> {
    if (row.operation === "authorize") {
      const charges = chargeList(await this.provider.searchByKey(this.merchantId, row.key));
      const charge = charges[charges.length - 1];
      if (charge === undefined) return { status: "failed", error: "not_found", reason: `not found: the provider has no charge for key ${row.key}` };
      if (charge.status === "declined") return { status: "failed", error: "card_declined", reason: `the card was declined (charge ${charge.id})` };
      if (isPendingCharge(charge)) return { status: "pending", charge };
      return { status: "succeeded", charge };
    }
    // Capture, void and refund leave no searchable key: read the state of the charge they act on.
    const chargeId = await this.chargeOf(row);
    if (chargeId === undefined) return { status: "failed", error: "not_found", reason: `not found: no authorized charge for checkout ${row.checkoutId}` };
    const got = await this.provider.retrieve(this.merchantId, chargeId);
    if (got.status >= 500) throw new ProviderHttpError(got.status, isErrorBody(got.body) ? got.body : null);
    if (!isCharge(got.body)) return { status: "failed", error: "not_found", reason: `not found: charge ${chargeId}` };
    const charge = got.body;
    const happened =
      row.operation === "capture" ? charge.status === "captured" : row.operation === "void" ? charge.status === "voided" : charge.refundedAmount >= row.amount.amount;
    return happened ? { status: "succeeded", charge } : { status: "failed", error: "not_found", reason: `not found: the provider shows no ${row.operation} on charge ${charge.id} (${charge.status})` };
  }

  private async chargeOf(row: PaymentRecord): Promise<ProviderRef | undefined> {
    const rows = await this.ledger.findByCheckout(row.checkoutId);
    const auth = rows.find((r) => r.operation === "authorize" && r.status === "succeeded" && r.providerRef !== null);
    if (auth?.providerRef) return auth.providerRef;
    const charges = chargeList(await this.provider.searchByReference(this.merchantId, row.checkoutId));
    return charges.find((c) => c.status !== "declined")?.id;
  }
}

/**
 * A row that reconciliation settled as "the provider has no such request": sending it again under
 * the same key is safe (the provider executes it once, or replays it if the first copy lands late).
 */
function neverReachedProvider(row: PaymentRecord): boolean {
  if (row.response === null) return false;
  try {
    return (JSON.parse(row.response) as Partial<ProviderErrorBody>).error?.type === "not_found";
  } catch {
    return false;
  }
}
