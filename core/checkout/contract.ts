// The per-transition contract the article asks for ("for every transition define the owner, idempotency
// key, retry behavior, timeout behavior, reconciliation query and customer-visible fallback"), as a type.
// XState's transition `meta` is always optional, so `StrictStates` below is what makes a missing contract
// a compile error: the checkout machines' states are written `satisfies StrictStates`.

/** Who decides the fact a transition records. */
export const OWNERS = ["coordinator", "catalog", "cart", "inventory", "order-ledger", "payment-ledger", "provider", "buyer"] as const;
export type Owner = (typeof OWNERS)[number];

/** Owners whose effects must be replay-safe: their transitions need an idempotency key. */
export const KEYED_OWNERS: readonly Owner[] = ["inventory", "payment-ledger", "provider"];

export interface RetryPolicy {
  /** Retries after the first attempt; then the transition's reconciliation or fallback path is taken. */
  readonly max: number;
  /** How retries are spaced, in words (the timeout itself spaces them under a virtual clock). */
  readonly backoff: string;
  /** Whether a retry reuses the same idempotency key (it must, for any external effect). */
  readonly sameKey: boolean;
}

export interface TransitionContract {
  readonly owner: Owner;
  /** How the key is derived, e.g. "${checkoutId}:reserve". */
  readonly idempotencyKey: string;
  /** How long the step may run before its timeout transition fires (virtual clock ms). */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** The query that finds the truth after a lost response. */
  readonly reconciliation: string;
  /** What the buyer is shown. */
  readonly customerFallback: string;
}

/** The six fields `lint` requires on every transition. */
export const CONTRACT_FIELDS = ["owner", "idempotencyKey", "timeoutMs", "retry", "reconciliation", "customerFallback"] as const;

/** A transition as the checkout machines write it: an object (never a bare target string) with its contract. */
export interface StrictTransition {
  readonly target?: string;
  readonly guard?: unknown;
  readonly actions?: unknown;
  readonly reenter?: boolean;
  readonly description?: string;
  readonly meta: TransitionContract;
}
type StrictTransitions = StrictTransition | readonly StrictTransition[];

/** A state node whose every transition (on, after, always, invoke onDone/onError) carries a contract. */
export interface StrictState {
  readonly type?: "atomic" | "compound" | "parallel" | "final";
  readonly initial?: string;
  readonly states?: Readonly<Record<string, StrictState>>;
  readonly invoke?: {
    readonly id?: string;
    readonly src: string;
    readonly input?: unknown;
    readonly onDone?: StrictTransitions;
    readonly onError?: StrictTransitions;
  };
  readonly on?: Readonly<Record<string, StrictTransitions>>;
  readonly after?: Readonly<Record<number, StrictTransitions>>;
  readonly always?: StrictTransitions;
  readonly entry?: unknown;
  readonly exit?: unknown;
  readonly description?: string;
  /** A top-level final state says which outcome the checkout ends in (core/checkout/bindMachine.ts). */
  readonly meta?: { readonly outcome: "confirmed" | "rejected" | "compensated" };
}
export type StrictStates = Readonly<Record<string, StrictState>>;

/** A contract with some fields replaced, for the transitions of one step that differ only in fallback. */
export const withContract = (base: TransitionContract, patch: Partial<TransitionContract>): TransitionContract => ({ ...base, ...patch });

export const formatRetry = (r: RetryPolicy): string => `max ${r.max}, ${r.backoff}, ${r.sameKey ? "same key" : "new key"}`;
