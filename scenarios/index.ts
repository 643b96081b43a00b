// The scenario catalogue, in the order `checkout-sim scenarios` lists it: the article's "Where It
// Breaks" table first, then the harder mixes.
import type { Scenario } from "../simulator/scenario.ts";
import { priceChangeAfterAddToCart } from "./priceChangeAfterAddToCart.ts";
import { duplicateCheckoutSubmission } from "./duplicateCheckoutSubmission.ts";
import { paidOrderCannotReserve } from "./paidOrderCannotReserve.ts";
import { reservationNeverConverts } from "./reservationNeverConverts.ts";
import { paymentSucceedsOrderWriteFails } from "./paymentSucceedsOrderWriteFails.ts";
import { paymentRetryDoubleCharge } from "./paymentRetryDoubleCharge.ts";
import { duplicateEventsDownstream } from "./duplicateEventsDownstream.ts";
import { flashSale } from "./flashSale.ts";
import { slowPaymentOutlivesHold } from "./slowPaymentOutlivesHold.ts";
import { coordinatorCrash } from "./coordinatorCrash.ts";
import { webhookRacesStorefront } from "./webhookRacesStorefront.ts";
import { asyncPaymentSettlesLate } from "./asyncPaymentSettlesLate.ts";
import { webhookStorm } from "./webhookStorm.ts";
import { compensationRacesWebhook } from "./compensationRacesWebhook.ts";
import { editCartWhilePaying } from "./editCartWhilePaying.ts";
import { twoTabsOneCart } from "./twoTabsOneCart.ts";
import { startOverAfterError } from "./startOverAfterError.ts";
import { swarm } from "./swarm.ts";

export const SCENARIOS: readonly Scenario[] = [
  priceChangeAfterAddToCart,
  duplicateCheckoutSubmission,
  paidOrderCannotReserve,
  reservationNeverConverts,
  paymentSucceedsOrderWriteFails,
  paymentRetryDoubleCharge,
  duplicateEventsDownstream,
  flashSale,
  slowPaymentOutlivesHold,
  coordinatorCrash,
  webhookRacesStorefront,
  editCartWhilePaying,
  twoTabsOneCart,
  startOverAfterError,
  asyncPaymentSettlesLate,
  webhookStorm,
  compensationRacesWebhook,
  swarm,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
