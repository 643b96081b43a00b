// No leaked reservation: after quiescence no hold is still `held` past its expiry, and no stock is
// held that no live hold accounts for (a hold the run never saw a checkout for still shows in the
// level). Abandoned and failed checkouts give their stock back.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

export function noLeakedReservation(world: World): Verdict {
  if (!world.quiescent) return { invariant: "no-leaked-reservation", valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const violations: Violation[] = [];
  const liveHeld = new Map<string, number>();
  for (const r of world.reservations) {
    if (r.status !== "held") continue;
    if (r.expiresAt <= world.now) {
      violations.push({ invariant: "no-leaked-reservation", message: `reservation ${r.key} still holds ${r.lines.map((l) => `${l.quantity} ${l.sku}`).join(", ")} ${world.now - r.expiresAt} ms past its expiry`, entities: { reservation: r.key, checkout: r.checkoutId } });
      continue;
    }
    for (const l of r.lines) liveHeld.set(`${l.sku}@${l.location}`, (liveHeld.get(`${l.sku}@${l.location}`) ?? 0) + l.quantity);
  }
  const reported = new Set(violations.flatMap((v) => world.reservations.filter((r) => r.key === v.entities["reservation"]).flatMap((r) => r.lines.map((l) => `${l.sku}@${l.location}`))));
  for (const level of world.levels) {
    const at = `${level.sku}@${level.location}`;
    const unexplained = level.held - (liveHeld.get(at) ?? 0);
    if (unexplained > 0 && !reported.has(at))
      violations.push({ invariant: "no-leaked-reservation", message: `${at}: ${unexplained} units still held after quiescence by holds no live checkout owns`, entities: { sku: level.sku, location: level.location } });
  }
  return verdictOf("no-leaked-reservation", violations);
}
