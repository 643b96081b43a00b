// Verdicts compose as in Jepsen: false beats unknown beats true.

export const INVARIANTS = [
  "no-oversell",
  "no-double-charge",
  "one-order-per-checkout",
  "no-orphan-payment",
  "no-charge-on-failure",
  "paid-orders-have-stock",
  "no-leaked-reservation",
  "events-published",
  "effects-once",
  "catalog-price",
  "ledger-append-only",
  "liveness",
  "answer-matches-ledger",
  "sold-orders-keep-their-money",
  "effects-at-least-once",
  "one-completion-per-order",
  "prompt-release",
  "webhooks-acknowledged",
  // conservation laws (issue 18): every unit, cent and event accounted for
  "stock-conserved",
  "money-reconciles",
  "events-are-facts",
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export type Validity = true | false | "unknown";

export interface Violation {
  readonly invariant: InvariantName;
  readonly message: string;
  /** The entities involved: order, sku, checkout, key... */
  readonly entities: Readonly<Record<string, string>>;
}

export interface Verdict {
  readonly invariant: InvariantName;
  readonly valid: Validity;
  readonly violations: readonly Violation[];
  /** Why the verdict is unknown, when it is. */
  readonly note?: string;
}

export function combine(verdicts: readonly Validity[]): Validity {
  if (verdicts.includes(false)) return false;
  if (verdicts.includes("unknown")) return "unknown";
  return true;
}

/** A verdict from a list of violations: none means valid. */
export function verdictOf(invariant: InvariantName, violations: readonly Violation[]): Verdict {
  return { invariant, valid: violations.length === 0, violations };
}
