// Every checkout invariant as a pure function of the final world; `checkAll` runs the ones asked
// for and composes their verdicts (false beats unknown beats true).
import { answerMatchesLedger } from "./answerMatchesLedger.ts";
import { catalogPrice } from "./catalogPrice.ts";
import { effectsAtLeastOnce } from "./effectsAtLeastOnce.ts";
import { effectsOnce } from "./effectsOnce.ts";
import { eventsPublished } from "./eventsPublished.ts";
import { noChargeOnFailure } from "./noChargeOnFailure.ts";
import { ledgerAppendOnly } from "./ledgerAppendOnly.ts";
import { liveness } from "./liveness.ts";
import { noDoubleCharge } from "./noDoubleCharge.ts";
import { noLeakedReservation } from "./noLeakedReservation.ts";
import { noOrphanPayment } from "./noOrphanPayment.ts";
import { noOversell } from "./noOversell.ts";
import { oneCompletionPerOrder } from "./oneCompletionPerOrder.ts";
import { oneOrderPerCheckout } from "./oneOrderPerCheckout.ts";
import { orderFacts } from "./orders.ts";
import { paidOrdersHaveStock } from "./paidOrdersHaveStock.ts";
import { promptRelease } from "./promptRelease.ts";
import { soldOrdersKeepTheirMoney } from "./soldOrdersKeepTheirMoney.ts";
// conservation laws (issue 18)
import { eventsAreFacts } from "./eventsAreFacts.ts";
import { moneyReconciles } from "./moneyReconciles.ts";
import { stockConserved } from "./stockConserved.ts";
import { combine, INVARIANTS, type InvariantName, type Validity, type Verdict } from "./verdict.ts";
import { webhooksAcknowledged } from "./webhooksAcknowledged.ts";
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
    "answer-matches-ledger": () => answerMatchesLedger(world, orders),
    "sold-orders-keep-their-money": () => soldOrdersKeepTheirMoney(world, orders),
    "effects-at-least-once": () => effectsAtLeastOnce(world),
    "one-completion-per-order": () => oneCompletionPerOrder(world, orders),
    "prompt-release": () => promptRelease(world),
    "webhooks-acknowledged": () => webhooksAcknowledged(world),
    // conservation laws (issue 18)
    "stock-conserved": () => stockConserved(world, orders),
    "money-reconciles": () => moneyReconciles(world),
    "events-are-facts": () => eventsAreFacts(world),
  };
  const verdicts = invariants.map((name) => run[name]());
  return { valid: combine(verdicts.map((v) => v.valid)), verdicts };
}

/** The invariant each mitigation protects: switching the mitigation off must make it fail. */
export const PROTECTS = {
  reservation: "no-oversell",
  "payment-key": "sold-orders-keep-their-money", // the extra authorization stays on the order, beside the capture: twice its total held
  "checkout-key": "one-order-per-checkout",
  reconciliation: "no-orphan-payment",
  "reservation-expiry": "no-leaked-reservation",
  outbox: "events-published",
  "consumer-dedupe": "effects-once",
  reprice: "catalog-price",
  "compensation-check": "sold-orders-keep-their-money",
  "release-on-failure": "prompt-release",
} as const satisfies Record<string, InvariantName>;
