// The decision half of an order-ledger append, shared by every engine: which events are new, whether
// the lifecycle allows them, and the resulting state. Engines only read their current state and write
// the plan, so duplicate handling and legality cannot drift between memory, SQLite and later engines.
import { InvalidInput } from "../../core/errors.ts";
import { applyEvent, type OrderState } from "../../core/orderLifecycle.ts";
import type { NewOrderEvent } from "../../core/ports/orderLedger.ts";

export interface AppendPlan {
  /** Events to write, in order; their sequences follow the order's current length. */
  readonly write: readonly NewOrderEvent[];
  readonly duplicates: number;
  readonly state: OrderState;
}

/**
 * Skips event ids the ledger already holds (or that repeat earlier in the batch), folds the rest
 * onto `state`, and throws IllegalTransition (from the fold) before anything is written. Amounts
 * must be in the order's currency.
 */
export function planAppend(orderId: string, state: OrderState, events: readonly NewOrderEvent[], known: (eventId: string) => boolean): AppendPlan {
  const write: NewOrderEvent[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let s = state;
  for (const e of events) {
    if (seen.has(e.eventId) || known(e.eventId)) {
      duplicates++;
      continue;
    }
    seen.add(e.eventId);
    s = applyEvent(orderId, s, e);
    if ("amount" in e && s.total !== null && e.amount.currency !== s.total.currency)
      throw new InvalidInput({ field: "amount", message: `order ${orderId}: ${e.type} is in ${e.amount.currency} but the order is in ${s.total.currency}` });
    write.push(e);
  }
  return { write, duplicates, state: s };
}
