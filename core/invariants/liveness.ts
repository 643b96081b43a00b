// Liveness: once faults stop, every checkout ends (confirmed, rejected or compensated) within the
// liveness phase's bounded virtual time.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { clientCheckoutId, type World } from "./world.ts";

export function liveness(world: World): Verdict {
  if (!world.healed) return { invariant: "liveness", valid: "unknown", violations: [], note: "the run never entered its liveness phase" };
  const violations: Violation[] = [];
  const commandsByClient = new Map<string, string[]>();
  for (const c of world.commands) {
    const id = clientCheckoutId(c.checkoutId);
    commandsByClient.set(id, [...(commandsByClient.get(id) ?? []), c.status]);
    if (c.status === "running") violations.push({ invariant: "liveness", message: `checkout ${c.checkoutId} is still running after the liveness phase`, entities: { checkout: c.checkoutId } });
  }
  const seen = new Set<string>();
  for (const s of world.submissions) {
    if (seen.has(s.checkoutId)) continue;
    seen.add(s.checkoutId);
    if (!commandsByClient.has(s.checkoutId)) violations.push({ invariant: "liveness", message: `checkout ${s.checkoutId} was submitted but never recorded`, entities: { checkout: s.checkoutId } });
  }
  return verdictOf("liveness", violations);
}
