// The team's checkout, corrected: the same statechart as broken.ts, except that a reservation that
// fails after the payment was authorized voids the authorization before the order is cancelled, so a
// buyer told "out of stock" holds no money. Passes every scenario (`run --machine ... --seeds 50`).
import { STEP_CONTRACTS as C } from "../../index.ts";
import { teamStates } from "./broken.ts";
import { on, saying, setup, shared, stepState } from "./parts.ts";

export const fixedCheckout = setup.createMachine({
  id: "team-checkout-fixed",
  initial: "validating",
  ...shared,
  states: {
    ...teamStates,
    reservingStock: stepState(
      "reservingStock",
      "reserve",
      [
        on("confirming", C.reserve, "ok"),
        // The fix: out of stock after the money was authorized means voiding it first.
        on("voidingAuthorization", saying("reserve", "\"out of stock: your payment was not taken\" (authorization voided)"), "insufficient", { attempt: "reset", fail: true, outcome: "compensated" }),
      ],
      on("releasingReservation", saying("reserve", "\"we could not hold your items, try again\""), undefined, { attempt: "reset", reason: "inventory-unavailable", outcome: "compensated" }),
    ),
  },
});
