// No leaked reservation: after quiescence no hold is still `held` past its expiry; abandoned and
// failed checkouts give their stock back.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

export function noLeakedReservation(world: World): Verdict {
  if (!world.quiescent) return { invariant: "no-leaked-reservation", valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const violations: Violation[] = [];
  for (const r of world.reservations) {
    if (r.status === "held" && r.expiresAt <= world.now)
      violations.push({ invariant: "no-leaked-reservation", message: `reservation ${r.key} still holds ${r.lines.map((l) => `${l.quantity} ${l.sku}`).join(", ")} ${world.now - r.expiresAt} ms past its expiry`, entities: { reservation: r.key, checkout: r.checkoutId } });
  }
  return verdictOf("no-leaked-reservation", violations);
}
