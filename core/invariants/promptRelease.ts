// A failed checkout frees its hold when it ends: once its buyer is told a failure at time T, every
// hold it placed is released (status `released`) by T + PROMPT_RELEASE_MS, not left to the expiry
// sweep while other buyers are turned away as "sold out". A hold that lapses on its own within that
// bound is no harm. Release times are those the harness saw the system's own release calls report.
import { finalAnswers, isFailure } from "./answers.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { clientCheckoutId, type World } from "./world.ts";

const invariant = "prompt-release";

/** The allowed delay between the buyer's failure answer and the release: a compensation's timeout (2 s) plus one round of the system's own cleanup (1 s). */
export const PROMPT_RELEASE_MS = 3000;

export function promptRelease(world: World): Verdict {
  if (world.answers === undefined) return { invariant, valid: true, violations: [], note: "the world records no buyer answers: nothing to judge" };
  const answers = finalAnswers(world);
  const releasedAt = world.releasedAt ?? {};
  const violations: Violation[] = [];
  let unsettled = false;
  for (const r of world.reservations) {
    const checkoutId = clientCheckoutId(r.checkoutId);
    const a = answers.get(checkoutId);
    if (a === undefined || !isFailure(a.last) || r.status === "committed") continue;
    // A clock jump (an NTP step: a fault) moves time, not work: jumped time after the answer is not delay.
    const due = a.firstAt + PROMPT_RELEASE_MS + jumpedAfter(world, a.firstAt);
    if (r.expiresAt <= due) continue; // it lapsed on its own within the bound
    const told = `told "${a.last.answer}"${a.last.reason !== undefined ? ` (${a.last.reason})` : ""} at t=${a.firstAt}ms`;
    const at = releasedAt[r.key];
    if (r.status === "released" && (at === undefined || at <= due)) continue;
    if (r.status === "held" && !world.quiescent) {
      unsettled = true;
      continue;
    }
    const what = r.status === "released" ? `released only at t=${at}ms` : r.status === "expired" ? `left to the expiry sweep (expiry t=${r.expiresAt}ms)` : `still held at the end (expiry t=${r.expiresAt}ms)`;
    violations.push({ invariant, message: `checkout ${checkoutId}: ${told}; its hold ${r.key} on ${r.lines.map((l) => `${l.quantity} ${l.sku}`).join(", ")} was ${what}`, entities: { checkout: checkoutId, reservation: r.key } });
  }
  if (violations.length === 0 && unsettled) return { invariant, valid: "unknown", violations: [], note: "failed checkouts still held stock when the run ended unsettled" };
  return verdictOf(invariant, violations);
}

/** Milliseconds the clock jumped forward after `t` (the nemesis's clock.jump fault). */
function jumpedAfter(world: World, t: number): number {
  return (world.clockJumps ?? []).filter((j) => j.at > t).reduce((n, j) => n + j.ms, 0);
}
