// Every webhook is eventually acknowledged: a provider that gives up on an event after its retries
// (a handler that throws for a checkout it does not know, an event type it refuses) leaves the
// merchant blind to a payment fact and pages the provider's support. Judged from World.webhooks.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

const invariant = "webhooks-acknowledged";

export function webhooksAcknowledged(world: World): Verdict {
  if (world.webhooks === undefined) return { invariant, valid: true, violations: [], note: "the world records no webhooks: nothing to judge" };
  const violations: Violation[] = [];
  let pending = 0;
  for (const w of world.webhooks) {
    if (w.gaveUp)
      violations.push({ invariant, message: `webhook ${w.eventId} (${w.type}, charge ${w.chargeId}, checkout ${w.reference}) was refused ${w.attempts} times; the provider gave up`, entities: { event: w.eventId, charge: w.chargeId, checkout: w.reference } });
    else if (!w.acknowledged) pending++;
  }
  if (violations.length === 0 && pending > 0) {
    if (!world.quiescent) return { invariant, valid: "unknown", violations: [], note: `${pending} webhooks still being redelivered when the run ended` };
    for (const w of world.webhooks)
      if (!w.gaveUp && !w.acknowledged)
        violations.push({ invariant, message: `webhook ${w.eventId} (${w.type}, checkout ${w.reference}) was never acknowledged after ${w.attempts} attempts`, entities: { event: w.eventId, checkout: w.reference } });
  }
  return verdictOf(invariant, violations);
}
