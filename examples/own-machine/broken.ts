// A team's checkout statechart written from checkout-sim's step library. It authorizes the payment
// before reserving stock (sell more, hold nothing for buyers who leave) and, when the reservation then
// fails, cancels the order without voiding the authorization: money held for a rejected checkout.
// `npx checkout-sim run --machine examples/own-machine/broken.ts --seeds 20` catches it (README.md).
import { STEP_CONTRACTS as C, withContract } from "../../index.ts";
import { end, on, saying, setup, shared, stepState } from "./parts.ts";

/** Waiting for a payment the provider holds (the buyer confirms with their bank): look again every 2 s, 5 times. */
const AWAIT = withContract(C.reconcilePayment, {
  idempotencyKey: "${checkoutId}:auth (the same authorization, looked up again)",
  timeoutMs: 2_000,
  retry: { max: 5, backoff: "every 2 s", sameKey: true },
  customerFallback: "\"confirm the payment with your bank\" (3-D Secure), or \"payment processing\"",
});

/** The states, exported so fixed.ts can show its one-transition fix against them. */
export const teamStates = {
    validating: stepState("validating", "validate", [on("creatingOrder", C.validate, "ok"), on("rejected", C.validate, "rejected", { fail: true, outcome: "rejected" })], on("rejected", saying("validate", "\"checkout is unavailable, try again\""), undefined, { reason: "catalog-unavailable", outcome: "rejected" })),
    creatingOrder: stepState("creatingOrder", "createOrder", [on("authorizing", C.createOrder, "ok")], on("cancellingOrder", C.createOrder, undefined, { attempt: "reset", reason: "order-ledger-unavailable", outcome: "rejected" })),
    authorizing: stepState(
      "authorizing",
      "authorize",
      [
        on("reservingStock", C.authorize, "ok"),
        on("cancellingOrder", saying("authorize", "\"payment declined: try another card\""), "declined", { attempt: "reset", fail: true, outcome: "rejected" }),
        on("reconcilingPayment", C.authorize, "unknown"),
        // The provider holds the payment (3-D Secure, processing): look again in a while.
        on("awaitingPayment", AWAIT, "pending"),
      ],
      on("reconcilingPayment", C.authorize),
    ),
    awaitingPayment: { after: { [AWAIT.timeoutMs]: on("reconcilingPayment", AWAIT, undefined, {}) } },
    reconcilingPayment: stepState(
      "reconcilingPayment",
      "reconcilePayment",
      [
        on("reservingStock", C.reconcilePayment, "ok"),
        on("cancellingOrder", saying("reconcilePayment", "\"payment not taken: try again\""), "not-found", { attempt: "reset", fail: true, outcome: "rejected" }),
        on("cancellingOrder", saying("reconcilePayment", "\"payment not taken: try again\""), "declined", { attempt: "reset", fail: true, outcome: "rejected" }),
        on("awaitingPayment", AWAIT, { kind: "pending", retryBelow: AWAIT.retry.max }, { attempt: "retry" }),
        on("cancellingOrder", withContract(AWAIT, { customerFallback: "\"payment not completed; any hold on your card is released\"" }), "pending", { attempt: "reset", reason: "payment-not-completed", outcome: "rejected" }),
        on("voidingAuthorization", saying("reconcilePayment", "\"we could not confirm your payment; any charge will be voided\""), "unknown", { attempt: "reset", reason: "payment-unresolved", outcome: "compensated" }),
      ],
      on("voidingAuthorization", saying("reconcilePayment", "\"we could not confirm your payment; any charge will be voided\""), undefined, { attempt: "reset", reason: "payment-unresolved", outcome: "compensated" }),
    ),
    reservingStock: stepState(
      "reservingStock",
      "reserve",
      [
        on("confirming", C.reserve, "ok"),
        // The bug: the money was authorized a step ago, and this path forgets it. The buyer is told
        // "out of stock" while the authorization still holds their money.
        on("cancellingOrder", C.reserve, "insufficient", { attempt: "reset", fail: true, outcome: "rejected" }),
      ],
      on("releasingReservation", saying("reserve", "\"we could not hold your items, try again\""), undefined, { attempt: "reset", reason: "inventory-unavailable", outcome: "compensated" }),
    ),
    confirming: stepState(
      "confirming",
      "confirm",
      [
        on("capturing", C.confirm, "ok"),
        on("voidingAuthorization", saying("confirm", "\"the item is no longer available; you were not charged\""), "reservation-lost", { attempt: "reset", fail: true, outcome: "compensated" }),
        on("voidingAuthorization", saying("confirm", "\"order cancelled; you were not charged\""), "rejected", { attempt: "reset", fail: true, outcome: "compensated" }),
      ],
      on("releasingReservation", saying("confirm", "\"we could not confirm your order; you were not charged\""), undefined, { attempt: "reset", reason: "confirm-failed", outcome: "compensated" }),
    ),
    capturing: stepState("capturing", "capture", [on("confirmed", C.capture, "ok"), on("confirmed", C.capture, "declined", { fail: true }), on("confirmed", C.capture, "unknown", { reason: "capture-unreconciled" })], on("confirmed", C.capture, undefined, { reason: "capture-unreconciled" })),
    releasingReservation: stepState("releasingReservation", "releaseReservation", [on("voidingAuthorization", C.releaseReservation, "ok"), on("capturing", saying("releaseReservation", "\"order confirmed\" (another attempt completed it)"), "paid")], on("voidingAuthorization", C.releaseReservation)),
    voidingAuthorization: stepState(
      "voidingAuthorization",
      "voidAuthorization",
      [on("cancellingOrder", C.voidAuthorization, "ok"), on("capturing", saying("voidAuthorization", "\"order confirmed\" (another attempt completed it)"), "paid"), on("refunding", saying("voidAuthorization", "\"you will be refunded\""), "declined")],
      on("cancellingOrder", saying("voidAuthorization", "\"any charge will be released by your bank\" (reconciliation voids it)")),
    ),
    refunding: stepState("refunding", "refund", [on("cancellingOrder", C.refund, "ok"), on("cancellingOrder", saying("refund", "\"support will refund you\""), "declined", { attempt: "reset", reason: "refund-refused" })], on("cancellingOrder", saying("refund", "\"support will refund you\""), undefined, { attempt: "reset", reason: "refund-incomplete" })),
    cancellingOrder: stepState(
      "cancellingOrder",
      "cancelOrder",
      [on("capturing", saying("cancelOrder", "\"order confirmed\" (another attempt completed it)"), "paid"), on("rejected", C.cancelOrder, { kind: "ok", outcome: "rejected" }, {}), on("compensated", C.cancelOrder, "ok", {})],
      on("compensated", saying("cancelOrder", "order shown as failed; ledger cancellation retried by support"), undefined, {}),
    ),
    confirmed: end("confirmed"),
    rejected: end("rejected"),
    compensated: end("compensated"),
};

export const brokenCheckout = setup.createMachine({ id: "team-checkout-broken", initial: "validating", ...shared, states: teamStates });
