// Every checkout invariant as a pure function of the final world; `checkAll` runs the ones asked
// for and composes their verdicts (false beats unknown beats true).
import { catalogPrice } from "./catalogPrice.ts";
import { effectsOnce } from "./effectsOnce.ts";
import { eventsPublished } from "./eventsPublished.ts";
import { noChargeOnFailure } from "./noChargeOnFailure.ts";
import { ledgerAppendOnly } from "./ledgerAppendOnly.ts";
import { liveness } from "./liveness.ts";
import { noDoubleCharge } from "./noDoubleCharge.ts";
import { noLeakedReservation } from "./noLeakedReservation.ts";
import { noOrphanPayment } from "./noOrphanPayment.ts";
import { noOversell } from "./noOversell.ts";
import { oneOrderPerCheckout } from "./oneOrderPerCheckout.ts";
import { orderFacts } from "./orders.ts";
import { paidOrdersHaveStock } from "./paidOrdersHaveStock.ts";
import { combine, INVARIANTS, type InvariantName, type Validity, type Verdict } from "./verdict.ts";
import type { World } from "./world.ts";

export * from "./verdict.ts";
export * from "./world.ts";

export interface CheckResult {
  readonly valid: Validity;
  readonly verdicts: readonly Verdict[];
}

export function checkAll(world: World, invariants: readonly InvariantName[] = INVARIANTS): CheckResult {
  const orders = orderFacts(world);
  const run: Record<InvariantName, () => Verdict> = {
    "no-oversell": () => noOversell(world, orders),
    "no-double-charge": () => noDoubleCharge(world, orders),
    "one-order-per-checkout": () => oneOrderPerCheckout(orders),
    "no-orphan-payment": () => noOrphanPayment(world, orders),
    "no-charge-on-failure": () => noChargeOnFailure(world, orders),
    "paid-orders-have-stock": () => paidOrdersHaveStock(world, orders),
    "no-leaked-reservation": () => noLeakedReservation(world),
    "events-published": () => eventsPublished(world),
    "effects-once": () => effectsOnce(world),
    "catalog-price": () => catalogPrice(world, orders),
    "ledger-append-only": () => ledgerAppendOnly(world),
    liveness: () => liveness(world),
  };
  const verdicts = invariants.map((name) => run[name]());
  return { valid: combine(verdicts.map((v) => v.valid)), verdicts };
}

/** The invariant each mitigation protects: switching the mitigation off must make it fail. */
export const PROTECTS = {
  reservation: "no-oversell",
  "payment-key": "no-double-charge",
  "checkout-key": "one-order-per-checkout",
  reconciliation: "no-orphan-payment",
  "reservation-expiry": "no-leaked-reservation",
  outbox: "events-published",
  "consumer-dedupe": "effects-once",
  reprice: "catalog-price",
} as const satisfies Record<string, InvariantName>;
