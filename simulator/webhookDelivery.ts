// The payment provider's webhook delivery, as providers send them: at least once, late, reordered,
// duplicated after an acknowledgement, and duplicated *concurrently* (a sender that timed out retries
// while the first delivery is still being handled). A refusal, a throw or silence is redelivered with
// backoff until a bounded number of attempts, then the provider gives up. Every attempt and its answer
// is in the history; what became of each webhook is a fact the checkers read.
import type { WebhookEvent } from "../core/ports/paymentProvider.ts";
import type { WebhookFact } from "../core/invariants/world.ts";
import type { ProviderModel } from "../adapters/provider/model.ts";
import { summarize } from "./harness.ts";
import { every, HARNESS_PERIOD_MS, sleep, type RunContext } from "./runContext.ts";
import type { SystemUnderTest } from "./system.ts";

/** How long the provider waits for the merchant's endpoint to answer one delivery. */
const DELIVERY_TIMEOUT_MS = 1500;
/** Redelivery backoff: first retry after this, doubling, capped. */
const RETRY_BASE_MS = 500;
const RETRY_DELAY_MS_MAX = 8000;
/** Attempts before the provider gives up on an event (Stripe retries for days; virtual time is shorter). */
export const WEBHOOK_ATTEMPTS_MAX = 8;

interface Queued {
  readonly event: WebhookEvent;
  dueAt: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class WebhookDelivery {
  private readonly queue: Queued[] = [];
  private readonly facts = new Map<string, Mutable<WebhookFact>>();
  private readonly process = "provider:webhooks";

  constructor(
    private readonly ctx: RunContext,
    private readonly provider: ProviderModel,
    private readonly system: SystemUnderTest,
  ) {}

  /** Starts the sender's loop; it runs until `running()` turns false. */
  start(running: () => boolean): void {
    every(this.ctx.clock, HARNESS_PERIOD_MS.webhooks, running, async () => this.tick());
  }

  /** Webhooks neither acknowledged nor given up on: the provider is still trying. */
  get pending(): number {
    let n = 0;
    for (const f of this.facts.values()) if (!f.acknowledged && !f.gaveUp) n++;
    return n;
  }

  /** What became of every webhook the provider sent, in order of creation. */
  results(): WebhookFact[] {
    return [...this.facts.values()].map((f) => ({ ...f }));
  }

  private tick(): void {
    const { clock, faults } = this.ctx;
    this.provider.settleDue(); // the provider's own progress: processing payments settle on its clock
    for (const event of this.provider.takeOutbox()) {
      this.queue.push({ event, dueAt: clock.now() });
      this.facts.set(event.id, { eventId: event.id, type: event.type, chargeId: event.chargeId, reference: event.reference, attempts: 0, acknowledged: false, gaveUp: false });
    }
    const due = this.queue.filter((q) => q.dueAt <= clock.now());
    if (due.length === 0) return;
    if (due.length > 1 && faults.fire("webhook.reorder", this.process)) due.reverse();
    for (const q of due) {
      if (faults.fire("webhook.delay", this.process, q.event.id)) {
        q.dueAt = clock.now() + HARNESS_PERIOD_MS.webhooks; // held back in transit
        continue;
      }
      this.queue.splice(this.queue.indexOf(q), 1);
      void this.send(q.event);
      if (faults.fire("webhook.concurrent-duplicate", this.process, q.event.id)) void this.send(q.event);
    }
  }

  /** One delivery attempt: the merchant's answer decides whether (and when) the provider tries again. */
  private async send(event: WebhookEvent): Promise<void> {
    const { clock, history, faults } = this.ctx;
    const fact = this.facts.get(event.id)!;
    const attempt = ++fact.attempts;
    const op = history.newOp();
    history.add(clock.now(), "invoke", this.process, "webhook.deliver", { eventId: event.id, type: event.type, reference: event.reference, attempt }, op);
    const answer = await Promise.race([
      this.system.handleWebhook(event, attempt).then(
        (handled: unknown) => ({ handled }),
        (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
      ),
      sleep(clock, DELIVERY_TIMEOUT_MS).then(() => "timeout" as const),
    ]);
    if (answer !== "timeout" && "handled" in answer) {
      history.add(clock.now(), "ok", this.process, "webhook.deliver", { eventId: event.id, attempt, handled: summarize(answer.handled) }, op);
      fact.acknowledged = true;
      // At least once: an acknowledged event may still arrive again.
      if (faults.fire("webhook.duplicate", this.process, event.id)) this.queue.push({ event, dueAt: clock.now() });
      return;
    }
    history.add(clock.now(), answer === "timeout" ? "info" : "fail", this.process, "webhook.deliver", answer === "timeout" ? { eventId: event.id, attempt, timeout: DELIVERY_TIMEOUT_MS } : { eventId: event.id, attempt, ...answer }, op);
    if (fact.acknowledged || this.queue.some((q) => q.event.id === event.id)) return; // another copy already settled or is queued
    if (fact.attempts >= WEBHOOK_ATTEMPTS_MAX) {
      fact.gaveUp = true;
      history.add(clock.now(), "note", this.process, "webhook-gave-up", { eventId: event.id, attempts: fact.attempts });
      return;
    }
    const backoff = Math.min(RETRY_DELAY_MS_MAX, RETRY_BASE_MS * 2 ** (attempt - 1));
    this.queue.push({ event, dueAt: clock.now() + backoff });
  }
}
