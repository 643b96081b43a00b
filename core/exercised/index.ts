// "Sometimes" assertions (Antithesis; FoundationDB's code probes): each names a dangerous moment a
// scenario exists to create. A scenario declares the ones its motivation depends on, and a run in
// which none of its seeds hit one is vacuous: its green verdicts proved nothing about that moment.
import { answerLostAfterEffect } from "./answerLostAfterEffect.ts";
import { concurrentLastUnit } from "./concurrentLastUnit.ts";
import { crashMidCheckout } from "./crashMidCheckout.ts";
import { doubleSubmitInFlight } from "./doubleSubmitInFlight.ts";
import { duplicateEventDelivered } from "./duplicateEventDelivered.ts";
import { duplicateWebhookInFlight } from "./duplicateWebhookInFlight.ts";
import type { ExerciseEntry, ExercisedCondition } from "./entry.ts";
import { holdExpiredDuringPayment } from "./holdExpiredDuringPayment.ts";
import { orderWriteFailedAfterPayment } from "./orderWriteFailedAfterPayment.ts";
import { priceChangedAfterAdd } from "./priceChangedAfterAdd.ts";
import { webhookBeforeStorefront } from "./webhookBeforeStorefront.ts";
import { cartEditedDuringCheckout } from "./cartEditedDuringCheckout.ts";
import { twoCheckoutsInFlight } from "./twoCheckoutsInFlight.ts";
import { startedOverAfterFailure } from "./startedOverAfterFailure.ts";
import { compensationAfterWebhookConfirmed } from "./compensationAfterWebhookConfirmed.ts";

export type { ExerciseEntry, ExercisedCondition } from "./entry.ts";

export const EXERCISED_CONDITIONS = [
  doubleSubmitInFlight,
  answerLostAfterEffect,
  concurrentLastUnit,
  webhookBeforeStorefront,
  duplicateWebhookInFlight,
  crashMidCheckout,
  holdExpiredDuringPayment,
  priceChangedAfterAdd,
  duplicateEventDelivered,
  orderWriteFailedAfterPayment,
  cartEditedDuringCheckout,
  twoCheckoutsInFlight,
  startedOverAfterFailure,
  compensationAfterWebhookConfirmed,
] as const satisfies readonly ExercisedCondition[];

export type ExerciseName = (typeof EXERCISED_CONDITIONS)[number]["name"];
export const EXERCISE_NAMES: readonly ExerciseName[] = EXERCISED_CONDITIONS.map((c) => c.name);

/** The conditions (of those asked) that held in one run's history, in catalogue order. */
export function exercisedBy(entries: readonly ExerciseEntry[], names: readonly string[] = EXERCISE_NAMES): ExerciseName[] {
  return EXERCISED_CONDITIONS.filter((c) => names.includes(c.name) && c.holds(entries)).map((c) => c.name);
}

export function findCondition(name: string): ExercisedCondition | undefined {
  return EXERCISED_CONDITIONS.find((c) => c.name === name);
}
