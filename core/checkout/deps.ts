// What a checkout needs from the world: the stores, the payment service, a clock, and which
// mitigations are on. Simulator and production hand in different implementations of the same ports.
import type { Clock } from "../clock.ts";
import type { BuyerId, CheckoutId, LocationId, MerchantId, Sku } from "../ids.ts";
import type { Currency, Money } from "../money.ts";
import type { PaymentService, Stores } from "../ports/index.ts";
import type { ShippingRule } from "../pricing.ts";

export const POLICIES = ["reserve-before-payment", "reserve-after-authorization", "async-reservation"] as const;
export type ReservationPolicy = (typeof POLICIES)[number];
export const DEFAULT_POLICY: ReservationPolicy = "reserve-before-payment";

/**
 * Each mitigation can be switched off (`--disable NAME`) to prove that the checker guarding it
 * catches the bug. All are on in the reference implementation.
 */
export const MITIGATIONS = [
  "checkout-key", // one order per checkout submission (command record keyed by checkout id)
  "payment-key", // same idempotency key on every authorize retry
  "reservation", // stock is reserved atomically instead of read-then-sold
  "reservation-expiry", // held reservations expire and are swept
  "reconciliation", // unknown payment outcomes are reconciled by key; orphans voided
  "consumer-dedupe", // downstream consumers dedupe by event id
  "reprice", // checkout reprices the cart against the catalog
  "outbox", // order events are published through the transactional outbox
  "compensation-check", // a compensation first reads the order ledger and stops if another attempt confirmed the order
  "release-on-failure", // a failed checkout releases its hold when it ends, not at expiry
] as const;
export type Mitigation = (typeof MITIGATIONS)[number];
export type Mitigations = Readonly<Record<Mitigation, boolean>>;

export const allMitigationsOn: Mitigations = Object.fromEntries(MITIGATIONS.map((m) => [m, true])) as Record<Mitigation, boolean>;

export function mitigationsWithout(disabled: readonly Mitigation[]): Mitigations {
  return Object.fromEntries(MITIGATIONS.map((m) => [m, !disabled.includes(m)])) as Record<Mitigation, boolean>;
}

export interface CheckoutDeps {
  readonly stores: Stores;
  readonly payments: PaymentService;
  readonly clock: Clock;
  readonly merchantId: MerchantId;
  /** Where stock is reserved from (one location in the reference). */
  readonly location: LocationId;
  /** How long a reservation holds stock before the expiry sweep may take it back. */
  readonly holdMs: number;
  /** The merchant's shipping rule (core/pricing.ts): one shipping line per order. Absent: no shipping. */
  readonly shipping?: ShippingRule;
  readonly mitigations: Mitigations;
  /**
   * The running coordinator process this call belongs to (one object per process lifetime). State a
   * coordinator keeps in memory (its live checkout actors) is keyed by it, so a crash, which starts
   * a new process, loses that memory and nothing else. Absent: the deps object itself.
   */
  readonly node?: object;
  /** The reservation policy this deployment runs (what recovery restarts a checkout with). */
  readonly policy?: ReservationPolicy;
  /**
   * What interprets the checkout machine: its transition table when it compiles to one (default: the
   * fast path, core/checkout/tableMachine.ts) or an XState actor per checkout (`"xstate"`). Machines
   * the table cannot interpret always run on XState. Both take the same transitions.
   */
  readonly interpreter?: "table" | "xstate";
}

/** What the buyer submits: the cart as they saw it, under a client-supplied checkout id. */
export interface CheckoutRequest {
  readonly checkoutId: CheckoutId;
  readonly buyerId: BuyerId;
  readonly currency: Currency;
  /** The cart's lines as submitted: price (and tax rate) snapshots from add-to-cart; checkout reprices them. */
  readonly lines: readonly { readonly sku: Sku; readonly quantity: number; readonly priceSnapshot: Money; readonly priceVersion: number; readonly taxRateBps?: number }[];
  /** The buyer's click count for this checkout id: 1 for the first submit, 2 for a double click or retry. */
  readonly submission?: number;
  /** The buyer accepts a backorder if stock runs out after acceptance (async-reservation); otherwise apology + void. */
  readonly allowBackorder?: boolean;
}

/** How a checkout ended; every checkout must reach one once faults stop (liveness). */
export type CheckoutOutcome = "confirmed" | "rejected" | "compensated";
