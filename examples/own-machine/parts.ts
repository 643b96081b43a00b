// The team's building blocks for writing a checkout statechart from checkout-sim's step library: one
// state per step (retry while the step's contract allows, then give up), and final states that say
// their outcome. broken.ts and fixed.ts differ only in their states, where the design lives.
import { STEP_CONTRACTS, checkoutSetup, initialContext, withContract } from "../../index.ts";
import type { CheckoutContext, CheckoutOutcome, StepKind, StepName, TransitionContract } from "../../index.ts";

/** What a transition does to the context: the reference machine's one `step` action (merges the step's result). */
interface Effect {
  readonly attempt?: "reset" | "retry";
  /** The outcome the compensation chain ends in (the first one set wins). */
  readonly outcome?: CheckoutOutcome;
  /** Keep the step's reason (e.g. `insufficient-stock`) as the checkout's reason. */
  readonly fail?: true;
  readonly reason?: string;
}

/** Which step result a transition takes: its kind, and optionally the intended outcome or a retry bound. */
export interface When {
  readonly kind: StepKind;
  readonly outcome?: CheckoutOutcome;
  /** Only while the current step's attempt counter is below this. */
  readonly retryBelow?: number;
}

type Guard = { readonly type: "is"; readonly params: When } | { readonly type: "retryLeft"; readonly params: { readonly max: number } };

export interface Tx {
  readonly target: string;
  readonly meta: TransitionContract;
  readonly actions: { readonly type: "step"; readonly params: Effect };
  readonly guard?: Guard;
  readonly reenter?: true;
}

/** A transition to `target` when the step's result is `when` (a kind, or a kind with conditions); any result when omitted. */
export function on(target: string, meta: TransitionContract, when?: StepKind | When, effect: Effect = { attempt: "reset" }): Tx {
  const guard: Guard | undefined = when === undefined ? undefined : { type: "is", params: typeof when === "string" ? { kind: when } : when };
  return { target, meta, actions: { type: "step", params: effect }, ...(guard === undefined ? {} : { guard }) };
}

/** A customer fallback that differs from the step's contract. */
export const saying = (step: StepName, customerFallback: string): TransitionContract => withContract(STEP_CONTRACTS[step], { customerFallback });

/**
 * A state that invokes one library step with the context as input. A thrown error or the contract's
 * timeout re-enters it (same idempotency key) while retries are left, then takes `giveUp`.
 */
export function stepState<S extends StepName>(self: string, src: S, done: readonly Tx[], giveUp: Tx) {
  const c = STEP_CONTRACTS[src];
  const retry: Tx = { target: self, meta: c, actions: { type: "step", params: { attempt: "retry" } }, guard: { type: "retryLeft", params: { max: c.retry.max } }, reenter: true };
  return {
    invoke: { id: src, src, input: ({ context }: { context: CheckoutContext }) => context, onDone: [...done], onError: [retry, giveUp] },
    after: { [c.timeoutMs]: [retry, giveUp] },
  };
}

/** A final state: the coordinator reads `meta.outcome`. */
export const end = (outcome: CheckoutOutcome) => ({ type: "final" as const, meta: { outcome } });

/** The machine's setup and the parts every machine of the team shares: context from the input, output with the reason. */
export const setup = checkoutSetup;
export const shared = {
  context: ({ input }: { input: Parameters<typeof initialContext>[0] }) => initialContext(input),
  output: ({ context }: { context: CheckoutContext }) => (context.reason === null ? { outcome: context.outcome ?? "rejected" } : { outcome: context.outcome ?? "rejected", reason: context.reason }),
} as const;
