// Liveness: once faults stop, every checkout a buyer submitted and waited for got a final answer
// (confirmed, rejected or compensated) within the liveness phase's bounded virtual time. Judged from
// what buyers were told; command records still `running` are evidence of a stuck checkout too.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { clientCheckoutId, type BuyerAnswer, type World } from "./world.ts";

export function liveness(world: World): Verdict {
  if (!world.healed) return { invariant: "liveness", valid: "unknown", violations: [], note: "the run never entered its liveness phase" };
  const violations: Violation[] = [];
  for (const c of world.commands) {
    if (c.status === "running") violations.push({ invariant: "liveness", message: `checkout ${c.checkoutId} is still running after the liveness phase (its command record says so)`, entities: { checkout: c.checkoutId } });
  }
  if (world.answers !== undefined) violations.push(...unanswered(world, world.answers));
  else violations.push(...unrecorded(world));
  return verdictOf("liveness", violations);
}

/** Checkouts whose buyer waited and never heard a final answer. Buyers who left on purpose are not owed one. */
function unanswered(world: World, answers: readonly BuyerAnswer[]): Violation[] {
  const left = new Set(world.abandoned ?? []);
  const last = new Map<string, BuyerAnswer>();
  for (const a of answers) if (a.answer !== "no-answer" || !last.has(a.checkoutId) || last.get(a.checkoutId)!.answer === "no-answer") last.set(a.checkoutId, a);
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const s of world.submissions) {
    if (seen.has(s.checkoutId) || left.has(s.checkoutId)) continue;
    seen.add(s.checkoutId);
    const a = last.get(s.checkoutId);
    if (a === undefined || a.answer === "no-answer")
      violations.push({ invariant: "liveness", message: `checkout ${s.checkoutId}: its buyer never got a final answer${a ? ` (last asked at t=${a.at}ms, no answer)` : ""}`, entities: { checkout: s.checkoutId } });
  }
  return violations;
}

/** Worlds without recorded answers: every submitted checkout must at least have a command record. */
function unrecorded(world: World): Violation[] {
  const recorded = new Set(world.commands.map((c) => clientCheckoutId(c.checkoutId)));
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const s of world.submissions) {
    if (seen.has(s.checkoutId)) continue;
    seen.add(s.checkoutId);
    if (!recorded.has(s.checkoutId)) violations.push({ invariant: "liveness", message: `checkout ${s.checkoutId} was submitted but never recorded`, entities: { checkout: s.checkoutId } });
  }
  return violations;
}
