// What the checkers judge: the final stores, the provider's own ledger and facts the harness saw
// during the run. Everything is plain data, so a checker is a pure function.
import type { CheckoutCommand } from "../ports/checkoutCommands.ts";
import type { Reservation, StockLevel, StockMovement } from "../ports/inventory.ts";
import type { OrderEvent, OrderEventType } from "../ports/orderLedger.ts";
import type { PaymentRecord } from "../ports/paymentLedger.ts";
import type { ProviderCharge } from "../ports/paymentProvider.ts";
import type { Money } from "../money.ts";
import type { ShippingRule } from "../pricing.ts";

export interface PriceChange {
  readonly sku: string;
  readonly version: number;
  readonly price: Money;
  readonly at: number;
}

/** A tax category's rate from `at` on (basis points); the first one for a category is its initial rate. */
export interface TaxRateChange {
  readonly category: string;
  readonly rateBps: number;
  readonly at: number;
}

/** What `catalog-price` needs to judge tax and shipping; absent: only the arithmetic of each order is checked. */
export interface PricingFacts {
  /** SKU -> tax category (SKUs absent here are untaxed). */
  readonly categories: Readonly<Record<string, string>>;
  /** Every rate each category had, in time order. */
  readonly taxRates: readonly TaxRateChange[];
  /** The merchant's shipping rule; absent: no shipping. */
  readonly shipping?: ShippingRule;
}

export interface Submission {
  /** The client's checkout id (its idempotency key), before any coordinator rewriting. */
  readonly checkoutId: string;
  readonly buyerId: string;
  readonly at: number;
  /** 1 for the first click, 2 for a double click or retry. */
  readonly submission: number;
  /** What the buyer submitted (the cart as priced on the checkout page); absent in older worlds. */
  readonly lines?: readonly { readonly sku: string; readonly quantity: number }[];
}

/** What a buyer was told about a checkout: the storefront's answer, as the harness saw it delivered. */
export interface BuyerAnswer {
  /** The client's checkout id. */
  readonly checkoutId: string;
  readonly buyerId: string;
  /** Which click the answer belongs to. */
  readonly submission: number;
  readonly at: number;
  /** A final outcome, or `no-answer` when the buyer stopped waiting (timeout, error, crash). */
  readonly answer: "confirmed" | "rejected" | "compensated" | "no-answer";
  readonly reason?: string;
}

/** One provider webhook and what became of its deliveries. */
export interface WebhookFact {
  readonly eventId: string;
  readonly type: string;
  readonly chargeId: string;
  readonly reference: string;
  /** Delivery attempts made, duplicates included. */
  readonly attempts: number;
  /** Some delivery was answered with success. */
  readonly acknowledged: boolean;
  /** The provider stopped retrying without an acknowledgement. */
  readonly gaveUp: boolean;
}

/**
 * An order event's business identity: which order, which event type, at which position in the
 * order's stream. Two messages with one identity are one fact, whatever their wire message ids.
 */
export interface FactIdentity {
  readonly orderId: string;
  readonly type: OrderEventType;
  /** The position the payload claims (null when it names none: it cannot be a ledger fact). */
  readonly sequence: number | null;
  /** The ledger event id the payload carries (null when it carries none). */
  readonly eventId: string | null;
}

/** One delivery the event stream holds, and the order event its payload names, if it names one. */
export interface StreamFact {
  /** The wire message id the stream delivered it under. */
  readonly messageId: string;
  readonly offset: number;
  readonly topic: string;
  /** Absent when the payload is not an order event (a customer notification, say). */
  readonly fact?: FactIdentity;
}

export interface World {
  /** Virtual time at the end of the run. */
  readonly now: number;
  readonly levels: readonly StockLevel[];
  /** Units received per `sku@location` (sum of receipt and adjustment movements). */
  readonly received: Readonly<Record<string, number>>;
  readonly reservations: readonly Reservation[];
  /** Every order's events as the ledger holds them at the end. */
  readonly orders: Readonly<Record<string, readonly OrderEvent[]>>;
  /** Every event the run saw appended, in append order: the ledger must still hold each unchanged. */
  readonly appended: readonly OrderEvent[];
  readonly payments: readonly PaymentRecord[];
  readonly charges: readonly ProviderCharge[];
  readonly commands: readonly CheckoutCommand[];
  /** Event ids that reached the event stream at least once. */
  readonly published: ReadonlySet<string>;
  /** Downstream effects: consumer -> event id -> how many times the effect ran. */
  readonly effects: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly priceChanges: readonly PriceChange[];
  /** Tax categories, their rate history and the shipping rule (catalog-price); absent in worlds built before tax. */
  readonly pricing?: PricingFacts;
  readonly submissions: readonly Submission[];
  /** Checkouts that ended, by the checkout id the coordinator used: outcome. */
  readonly outcomes: Readonly<Record<string, string>>;
  /**
   * Every answer each buyer was told, in order (absent in worlds built before answers were recorded).
   * Liveness is judged from these: what buyers saw, not what the system says of itself.
   */
  readonly answers?: readonly BuyerAnswer[];
  /** Client checkout ids whose buyer left on purpose after submitting (never waited for an answer). */
  readonly abandoned?: readonly string[];
  /** Forward clock jumps during the run (the `clock.jump` fault): at what time, by how many ms. */
  readonly clockJumps?: readonly { readonly at: number; readonly ms: number }[];
  /** The provider's webhooks and their deliveries. */
  readonly webhooks?: readonly WebhookFact[];
  /**
   * The business identity of each event that reached the stream: event id -> `${orderId}:${type}`,
   * parsed from the payload (JSON with `orderId` and `type`); events without them are absent.
   */
  readonly eventBusinessKeys?: Readonly<Record<string, string>>;
  /** Reservation key -> virtual ms at which the system's own release call released the hold. */
  readonly releasedAt?: Readonly<Record<string, number>>;
  // ---- conservation laws (issue 18); optional, so hand-built worlds stay valid ----
  /** Every stock movement the inventory holds, per SKU x location in the store's order (stock-conserved). */
  readonly movements?: readonly StockMovement[];
  /** Every delivery on the event stream, in offset order, with its business identity (events-are-facts). */
  readonly stream?: readonly StreamFact[];
  /** Downstream effects per business identity: consumer -> `factKey` -> times the effect ran (events-are-facts). */
  readonly factEffects?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** True when the run reached its liveness phase, faults healed (liveness is judged only then). */
  readonly healed: boolean;
  /** True when every buyer and checkout finished within the liveness phase: the end state is settled. */
  readonly quiescent: boolean;
}

/** The client's checkout id behind a coordinator checkout id (`c-1~2` -> `c-1` when checkout keys are off). */
export const clientCheckoutId = (checkoutId: string): string => {
  const i = checkoutId.indexOf("~");
  return i < 0 ? checkoutId : checkoutId.slice(0, i);
};

const ORDER_EVENT_TYPES: ReadonlySet<string> = new Set(
  Object.keys({
    OrderCreated: true,
    InventoryReserved: true,
    PaymentAuthorized: true,
    OrderConfirmed: true,
    FulfillmentReleased: true,
    PaymentCaptured: true,
    PaymentVoided: true,
    RefundIssued: true,
    Backordered: true,
    OrderCancelled: true,
  } satisfies Record<OrderEventType, true>),
);

/** Parsed payloads: every consumer parses every delivery, duplicates included (a pure function, so a memo; bounded). */
const factMemo = new Map<string, FactIdentity | undefined>();
const FACT_MEMO_MAX = 50_000;

/** The order event a stream payload names (JSON with an order id and an order event type), or undefined. */
export function factOf(payload: string): FactIdentity | undefined {
  if (factMemo.has(payload)) return factMemo.get(payload);
  if (factMemo.size >= FACT_MEMO_MAX) factMemo.clear();
  const fact = parseFact(payload);
  factMemo.set(payload, fact);
  return fact;
}

function parseFact(payload: string): FactIdentity | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const { orderId, type, sequence, eventId } = body as Record<string, unknown>;
  if (typeof orderId !== "string" || typeof type !== "string" || !ORDER_EVENT_TYPES.has(type)) return undefined;
  return {
    orderId,
    type: type as OrderEventType,
    sequence: typeof sequence === "number" && Number.isSafeInteger(sequence) ? sequence : null,
    eventId: typeof eventId === "string" ? eventId : null,
  };
}

/** One string per business identity: `order#sequence:type`. */
export const factKey = (f: Pick<FactIdentity, "orderId" | "type" | "sequence">): string => `${f.orderId}#${f.sequence ?? "?"}:${f.type}`;
