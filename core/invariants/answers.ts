// What each buyer was finally told, folded once from World.answers: the business invariants judge a
// checkout by the answer its buyer saw, never by what the system says of itself.
import type { BuyerAnswer, World } from "./world.ts";

export interface FinalAnswer {
  readonly checkoutId: string;
  /** The last final (non-`no-answer`) answer: what the buyer ended up believing. */
  readonly last: BuyerAnswer;
  /** When the buyer was first told a final answer. */
  readonly firstAt: number;
}

/** Client checkout id -> its final answer; checkouts whose buyer never heard one are absent. */
export function finalAnswers(world: World): Map<string, FinalAnswer> {
  const out = new Map<string, FinalAnswer>();
  for (const a of world.answers ?? []) {
    if (a.answer === "no-answer") continue;
    const seen = out.get(a.checkoutId);
    out.set(a.checkoutId, { checkoutId: a.checkoutId, last: a, firstAt: seen === undefined ? a.at : Math.min(seen.firstAt, a.at) });
  }
  return out;
}

/**
 * A failure as the buyer reads it: rejected, or compensated for any reason but a backorder (a
 * backordered order stands, keeps its authorization and ships later).
 */
export const isFailure = (a: BuyerAnswer): boolean => a.answer === "rejected" || (a.answer === "compensated" && a.reason !== "backordered");
