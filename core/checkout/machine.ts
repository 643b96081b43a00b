// The checkout statecharts: one family, three reservation policies built from the same steps in a
// different order. Every transition carries its contract (owner, key, timeout, retry, reconciliation,
// customer fallback) as typed meta; steps are promise actors named here and bound to the ports by
// the coordinator (bindMachine.ts), so the context stays plain data and a snapshot is JSON.
import { assign, fromPromise, setup } from "xstate";
import type { DoneActorEvent, PromiseActorLogic } from "xstate";
import type { StrictStates, StrictTransition, TransitionContract } from "./contract.ts";
import { withContract } from "./contract.ts";
import type { CheckoutContext, CheckoutEvent, CheckoutInput, CheckoutResult, StepKind, StepResult } from "./context.ts";
import { initialContext } from "./context.ts";
import type { CheckoutDeps, CheckoutOutcome, ReservationPolicy } from "./deps.ts";
import type { Step } from "./steps/common.ts";
import { apologize, apologizeContract } from "./steps/apologize.ts";
import { authorize, authorizeContract, voidAuthorization, voidContract } from "./steps/authorize.ts";
import { backorder, backorderContract } from "./steps/backorder.ts";
import { capture, captureContract, refund, refundContract } from "./steps/capture.ts";
import { confirm, confirmContract } from "./steps/confirm.ts";
import { cancelOrder, cancelOrderContract, createOrder, createOrderContract } from "./steps/createOrder.ts";
import { awaitPaymentContract, reconcileContract, reconcilePayment } from "./steps/reconcilePayment.ts";
import { releaseContract, releaseReservation, reserve, reserveContract } from "./steps/reserve.ts";
import { validate, validateContract } from "./steps/validate.ts";

/** Every step, by the name the machines invoke it under. */
export const STEPS = {
  validate,
  reserve,
  releaseReservation,
  createOrder,
  cancelOrder,
  authorize,
  reconcilePayment,
  voidAuthorization,
  confirm,
  capture,
  refund,
  backorder,
  apologize,
} as const satisfies Record<string, Step>;
export type StepName = keyof typeof STEPS;

/** The reference contract of each step, for a team writing its own statechart from the step library. */
export const STEP_CONTRACTS = {
  validate: validateContract,
  reserve: reserveContract,
  releaseReservation: releaseContract,
  createOrder: createOrderContract,
  cancelOrder: cancelOrderContract,
  authorize: authorizeContract,
  reconcilePayment: reconcileContract,
  voidAuthorization: voidContract,
  confirm: confirmContract,
  capture: captureContract,
  refund: refundContract,
  backorder: backorderContract,
  apologize: apologizeContract,
} as const satisfies Record<StepName, TransitionContract>;
const STEP_NAMES = Object.keys(STEPS) as StepName[];

type StepLogic = PromiseActorLogic<StepResult, CheckoutContext>;
type StepActors = { [K in StepName]: StepLogic };

/** Placeholders: an unbound machine can be described and linted, but running it says what is missing. */
const unbound = Object.fromEntries(
  STEP_NAMES.map((name) => [name, fromPromise<StepResult, CheckoutContext>(() => Promise.reject(new Error(`checkout step "${name}" is not bound: use bindCheckout(machine, deps)`)))]),
) as StepActors;

/** Parameters of the one assign action every transition runs. */
interface StepParams {
  readonly attempt?: "reset" | "retry" | "nextAuth";
  /** The outcome a compensation chain will end in (first one wins). */
  readonly outcome?: CheckoutOutcome;
  /** Take the failure reason from the step's result (first one wins). */
  readonly fail?: true;
  /** An explicit reason (overrides). */
  readonly reason?: string;
  /** Back on the happy path (another attempt confirmed): forget the failure. */
  readonly clear?: true;
}

interface IsParams {
  readonly kind: StepKind;
  /** Also require attempt < retryBelow (retry within the same result kind). */
  readonly retryBelow?: number;
  /** Also require that the authorization has been retried fewer than this many times. */
  readonly authRetryBelow?: number;
  /** Also require the buyer's consent to a backorder. */
  readonly backorder?: true;
  /** Also require this intended outcome. */
  readonly outcome?: CheckoutOutcome;
}

const outputOf = (event: unknown): StepResult | undefined => (event as Partial<DoneActorEvent<StepResult>>).output;

export const checkoutSetup = setup({
  types: {
    context: {} as CheckoutContext,
    events: {} as CheckoutEvent,
    input: {} as CheckoutInput,
    output: {} as CheckoutResult,
    transitionMeta: {} as TransitionContract,
  },
  actors: unbound,
  actions: {
    step: assign(({ context, event }, p: StepParams) => {
      const out = outputOf(event);
      const patch = out?.patch;
      let reason = context.reason;
      let outcome = context.outcome;
      if (p.clear) {
        reason = null;
        outcome = null;
      }
      if (p.fail && reason === null && out?.reason !== undefined) reason = out.reason;
      if (p.reason !== undefined) reason = p.reason;
      if (p.outcome !== undefined && outcome === null) outcome = p.outcome;
      const attempt = p.attempt === "retry" ? context.attempt + 1 : p.attempt === "reset" ? 0 : p.attempt === "nextAuth" ? context.authAttempt + 1 : context.attempt;
      const providerRef = event.type === "payment.settled" ? event.providerRef : context.providerRef;
      return { ...context, ...patch, ...(patch?.providerRef === undefined ? { providerRef } : {}), reason, outcome, attempt };
    }),
    markAuth: assign({ authAttempt: ({ context }) => context.attempt }),
    finish: assign({ outcome: (_, p: { outcome: CheckoutOutcome }) => p.outcome }),
  },
  guards: {
    is: ({ context, event }, p: IsParams) => {
      const out = outputOf(event);
      if (out === undefined || out.kind !== p.kind) return false;
      if (p.retryBelow !== undefined && context.attempt >= p.retryBelow) return false;
      if (p.authRetryBelow !== undefined && context.authAttempt >= p.authRetryBelow) return false;
      if (p.backorder && context.request.allowBackorder !== true) return false;
      if (p.outcome !== undefined && context.outcome !== p.outcome) return false;
      return true;
    },
    retryLeft: ({ context }, p: { max: number }) => context.attempt < p.max,
    outcomeIs: ({ context }, p: { outcome: CheckoutOutcome }) => context.outcome === p.outcome,
  },
});

type Guard = { readonly type: "is"; readonly params: IsParams } | { readonly type: "retryLeft"; readonly params: { max: number } } | { readonly type: "outcomeIs"; readonly params: { outcome: CheckoutOutcome } };
type Tx = StrictTransition & { readonly guard?: Guard; readonly actions: { readonly type: "step"; readonly params: StepParams } };

const tx = (target: string, meta: TransitionContract, params: StepParams = {}, guard?: Guard, reenter?: boolean): Tx => ({
  target,
  meta,
  actions: { type: "step", params },
  ...(guard === undefined ? {} : { guard }),
  ...(reenter ? { reenter } : {}),
});
const is = (kind: StepKind, extra: Omit<IsParams, "kind"> = {}): Guard => ({ type: "is", params: { kind, ...extra } });

const input = ({ context }: { context: CheckoutContext }): CheckoutContext => context;

/**
 * A state that invokes one step. A thrown error or the timeout re-enters it with the same key while
 * retries are left (attempt counter in context), then takes the `exhausted` transitions.
 */
interface StateExtra {
  readonly entry?: { readonly type: "markAuth" };
  readonly on?: { readonly "payment.settled": Tx };
}

function stepState<S extends StepName>(state: string, step: S, c: TransitionContract, done: readonly Tx[], exhausted: readonly Tx[], extra: StateExtra = {}) {
  const retry = tx(state, c, { attempt: "retry" }, { type: "retryLeft", params: { max: c.retry.max } }, true);
  const giveUp = [retry, ...exhausted];
  return {
    ...extra,
    invoke: { id: step, src: step, input, onDone: done, onError: giveUp },
    after: { [c.timeoutMs]: giveUp },
  } as const;
}

const gaveUp = (c: TransitionContract, fallback: string): TransitionContract => withContract(c, { customerFallback: fallback });
// `meta.outcome` is what the coordinator reads (core/checkout/bindMachine.ts); `finish` puts it in the output.
const final = (outcome: CheckoutOutcome) => ({ type: "final", meta: { outcome }, entry: { type: "finish", params: { outcome } } }) as const;

function states(policy: ReservationPolicy) {
  const rb = policy === "reserve-before-payment";
  const as = policy === "async-reservation";
  const afterValidate = rb ? "reservingStock" : "creatingOrder";
  const afterAuthorize = rb ? "confirming" : "reservingStock";
  // Before payment nothing is owed, so a failure ends "rejected"; after it, compensation ends "compensated".
  const unwindPayment = rb ? "releasingReservation" : "cancellingOrder";
  const settled: Tx = tx(afterAuthorize, withContract(authorizeContract, { owner: "provider", customerFallback: "\"payment received\"" }), { attempt: "reset" });

  const shared = {
    validating: stepState(
      "validating",
      "validate",
      validateContract,
      [tx(afterValidate, validateContract, { attempt: "reset" }, is("ok")), tx("rejected", validateContract, { fail: true, outcome: "rejected" }, is("rejected"))],
      [tx("rejected", gaveUp(validateContract, "\"checkout is unavailable, try again\" (cart kept)"), { reason: "catalog-unavailable", outcome: "rejected" })],
    ),
    reservingStock: stepState(
      "reservingStock",
      "reserve",
      reserveContract,
      rb
        ? [tx("creatingOrder", reserveContract, { attempt: "reset" }, is("ok")), tx("rejected", reserveContract, { fail: true, outcome: "rejected" }, is("insufficient"))]
        : as
          ? [
              tx("confirming", reserveContract, { attempt: "reset" }, is("ok")),
              tx("backordering", withContract(reserveContract, { customerFallback: "\"back-ordered: ships when stock arrives\"" }), { attempt: "reset", fail: true, outcome: "compensated" }, is("insufficient", { backorder: true })),
              tx("apologizing", withContract(reserveContract, { customerFallback: "apology: sold out after acceptance, authorization voided" }), { attempt: "reset", fail: true, outcome: "compensated" }, is("insufficient")),
            ]
          : [
              tx("confirming", reserveContract, { attempt: "reset" }, is("ok")),
              tx("voidingAuthorization", withContract(reserveContract, { customerFallback: "\"out of stock: your payment was not taken\" (authorization voided)" }), { attempt: "reset", fail: true, outcome: "compensated" }, is("insufficient")),
            ],
      [tx("releasingReservation", gaveUp(reserveContract, "\"we could not hold your items, try again\""), { attempt: "reset", reason: "inventory-unavailable", outcome: rb ? "rejected" : "compensated" })],
    ),
    creatingOrder: stepState(
      "creatingOrder",
      "createOrder",
      createOrderContract,
      [tx("authorizing", createOrderContract, { attempt: "reset" }, is("ok"))],
      [tx(rb ? "releasingReservation" : "cancellingOrder", createOrderContract, { attempt: "reset", reason: "order-ledger-unavailable", outcome: "rejected" })],
    ),
    authorizing: stepState(
      "authorizing",
      "authorize",
      authorizeContract,
      [
        tx(afterAuthorize, authorizeContract, { attempt: "reset" }, is("ok")),
        tx(unwindPayment, withContract(authorizeContract, { customerFallback: "\"payment declined: try another card\"" }), { attempt: "reset", fail: true, outcome: "rejected" }, is("declined")),
        tx("reconcilingPayment", authorizeContract, { attempt: "reset" }, is("unknown")),
        tx("awaitingPayment", awaitPaymentContract, { attempt: "reset" }, is("pending")),
      ],
      [tx("reconcilingPayment", authorizeContract, { attempt: "reset" })],
      { entry: { type: "markAuth" }, on: { "payment.settled": settled } },
    ),
    // The provider holds the payment (the buyer confirms with their bank, or it settles later): look
    // again every few seconds, a bounded number of times, then give up and unwind.
    awaitingPayment: {
      after: { [awaitPaymentContract.timeoutMs]: [tx("reconcilingPayment", awaitPaymentContract)] },
      on: { "payment.settled": settled },
    },
    reconcilingPayment: stepState(
      "reconcilingPayment",
      "reconcilePayment",
      reconcileContract,
      [
        tx(afterAuthorize, reconcileContract, { attempt: "reset" }, is("ok")),
        // The provider never got the request: send it again (same key) while authorize retries are left.
        tx("authorizing", withContract(reconcileContract, { customerFallback: "\"payment is being confirmed\"" }), { attempt: "nextAuth" }, is("not-found", { authRetryBelow: authorizeContract.retry.max })),
        tx(unwindPayment, withContract(reconcileContract, { customerFallback: "\"payment not taken: try again\"" }), { attempt: "reset", fail: true, outcome: "rejected" }, is("not-found")),
        tx(unwindPayment, withContract(reconcileContract, { customerFallback: "\"payment not taken: try again\"" }), { attempt: "reset", fail: true, outcome: "rejected" }, is("declined")),
        tx("reconcilingPayment", reconcileContract, { attempt: "retry" }, is("unknown", { retryBelow: reconcileContract.retry.max }), true),
        tx("awaitingPayment", awaitPaymentContract, { attempt: "retry" }, is("pending", { retryBelow: awaitPaymentContract.retry.max })),
        tx(unwindPayment, withContract(awaitPaymentContract, { customerFallback: "\"payment not completed; any hold on your card is released\"" }), { attempt: "reset", reason: "payment-not-completed", outcome: "rejected" }, is("pending")),
        tx(unwindPayment, withContract(reconcileContract, { customerFallback: "\"we could not confirm your payment; any charge will be voided\"" }), { attempt: "reset", reason: "payment-unresolved", outcome: "compensated" }, is("unknown")),
      ],
      [tx(unwindPayment, withContract(reconcileContract, { customerFallback: "\"we could not confirm your payment; any charge will be voided\"" }), { attempt: "reset", reason: "payment-unresolved", outcome: "compensated" })],
      { on: { "payment.settled": settled } },
    ),
    confirming: stepState(
      "confirming",
      "confirm",
      confirmContract,
      [
        tx("capturing", confirmContract, { attempt: "reset" }, is("ok")),
        tx("voidingAuthorization", withContract(confirmContract, { customerFallback: "\"the item is no longer available; you were not charged\"" }), { attempt: "reset", fail: true, outcome: "compensated" }, is("reservation-lost")),
        tx("voidingAuthorization", withContract(confirmContract, { customerFallback: "\"order cancelled; you were not charged\"" }), { attempt: "reset", fail: true, outcome: "compensated" }, is("rejected")),
      ],
      [tx("releasingReservation", gaveUp(confirmContract, "\"we could not confirm your order; you were not charged\""), { attempt: "reset", reason: "confirm-failed", outcome: "compensated" })],
    ),
    capturing: stepState(
      "capturing",
      "capture",
      captureContract,
      [
        tx("confirmed", captureContract, { attempt: "reset" }, is("ok")),
        tx("confirmed", withContract(captureContract, { customerFallback: "\"order confirmed\"; payment team follows up on the declined capture" }), { fail: true }, is("declined")),
        tx("capturing", captureContract, { attempt: "retry" }, is("unknown", { retryBelow: captureContract.retry.max }), true),
        tx("confirmed", captureContract, { reason: "capture-unreconciled" }, is("unknown")),
      ],
      [tx("confirmed", captureContract, { reason: "capture-unreconciled" })],
    ),
    releasingReservation: stepState(
      "releasingReservation",
      "releaseReservation",
      releaseContract,
      [
        tx("voidingAuthorization", releaseContract, { attempt: "reset" }, is("ok")),
        tx("confirming", withContract(releaseContract, { customerFallback: "\"order confirmed\" (another attempt completed it)" }), { attempt: "reset", clear: true }, is("paid")),
      ],
      [tx("voidingAuthorization", releaseContract, { attempt: "reset" })],
    ),
    voidingAuthorization: stepState(
      "voidingAuthorization",
      "voidAuthorization",
      voidContract,
      [
        tx("cancellingOrder", voidContract, { attempt: "reset" }, is("ok")),
        tx("capturing", withContract(voidContract, { customerFallback: "\"order confirmed\" (another attempt completed it)" }), { attempt: "reset", clear: true }, is("paid")),
        tx("refunding", withContract(voidContract, { customerFallback: "\"you will be refunded\"" }), { attempt: "reset" }, is("declined")),
      ],
      [tx("cancellingOrder", gaveUp(voidContract, "\"any charge will be released by your bank\" (reconciliation voids it)"), { attempt: "reset" })],
    ),
    refunding: stepState(
      "refunding",
      "refund",
      refundContract,
      [tx("cancellingOrder", refundContract, { attempt: "reset" }, is("ok")), tx("cancellingOrder", withContract(refundContract, { customerFallback: "\"support will refund you\"" }), { attempt: "reset", reason: "refund-refused" }, is("declined"))],
      [tx("cancellingOrder", gaveUp(refundContract, "\"support will refund you\""), { attempt: "reset", reason: "refund-incomplete" })],
    ),
    cancellingOrder: stepState(
      "cancellingOrder",
      "cancelOrder",
      cancelOrderContract,
      [
        tx("capturing", withContract(cancelOrderContract, { customerFallback: "\"order confirmed\" (another attempt completed it)" }), { attempt: "reset", clear: true }, is("paid")),
        tx("rejected", cancelOrderContract, {}, is("ok", { outcome: "rejected" })),
        tx("compensated", cancelOrderContract, {}, is("ok")),
      ],
      [
        tx("rejected", gaveUp(cancelOrderContract, "order shown as failed; ledger cancellation retried by support"), {}, { type: "outcomeIs", params: { outcome: "rejected" } }),
        tx("compensated", gaveUp(cancelOrderContract, "order shown as failed; ledger cancellation retried by support"), {}),
      ],
    ),
    confirmed: final("confirmed"),
    rejected: final("rejected"),
    compensated: final("compensated"),
  };
  if (!as) return shared;
  return {
    ...shared,
    backordering: stepState(
      "backordering",
      "backorder",
      backorderContract,
      [
        tx("compensated", backorderContract, { reason: "backordered" }, is("ok")),
        tx("capturing", withContract(backorderContract, { customerFallback: "\"order confirmed\" (another attempt completed it)" }), { attempt: "reset", clear: true }, is("paid")),
      ],
      [tx("apologizing", gaveUp(backorderContract, "apology: sold out after acceptance, authorization voided"), { attempt: "reset" })],
    ),
    apologizing: stepState(
      "apologizing",
      "apologize",
      apologizeContract,
      [tx("voidingAuthorization", apologizeContract, { attempt: "reset" })],
      [tx("voidingAuthorization", apologizeContract, { attempt: "reset" })],
    ),
  };
}

export const machineId = (policy: ReservationPolicy): string => `checkout-${policy}`;

/** One machine of the family. The states are checked against StrictStates: no transition without its contract. */
export function createCheckoutMachine(policy: ReservationPolicy) {
  const s = states(policy) satisfies StrictStates;
  return checkoutSetup.createMachine({
    id: machineId(policy),
    initial: "validating",
    context: ({ input }) => initialContext(input),
    output: ({ context }) => (context.reason === null ? { outcome: context.outcome ?? "rejected" } : { outcome: context.outcome ?? "rejected", reason: context.reason }),
    states: s,
  });
}

export type CheckoutMachine = ReturnType<typeof createCheckoutMachine>;

/**
 * Binds the named steps to one set of ports. The deps live in the actor logic, never in the context.
 * (The coordinator binds once per machine instead: core/checkout/bindMachine.ts.)
 */
export function bindCheckout(machine: CheckoutMachine, deps: CheckoutDeps): CheckoutMachine {
  const actors = Object.fromEntries(STEP_NAMES.map((name) => [name, fromPromise<StepResult, CheckoutContext>(({ input }) => STEPS[name](deps, input))])) as StepActors;
  return machine.provide({ actors });
}

