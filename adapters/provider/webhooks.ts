// Webhook delivery as providers actually do it: at least once, possibly duplicated, delayed or out of
// order, retried with backoff for up to 3 days until acknowledged. Driven by an explicit clock value and
// an injected Random (no real timers), so the simulator decides when each delivery happens.
import type { Random } from "../../core/clock.ts";
import type { WebhookEvent } from "../../core/ports/paymentProvider.ts";

export interface WebhookFaults {
  /** Chance that an attempt is also delivered a second time (even after an ack). Default 0. */
  readonly duplicate: number;
  /** Chance that an attempt is held back by up to `delayMsMax`. Default 0. */
  readonly delay: number;
  readonly delayMsMax: number;
  /** Chance that a batch of due deliveries is shuffled. Default 0. */
  readonly reorder: number;
  /** Chance that an attempt is lost in transit (the retry schedule still runs). Default 0. */
  readonly drop: number;
}

export interface WebhookDispatcherOptions {
  /** Where new events come from (the provider model's outbox). */
  readonly source: { takeOutbox(): WebhookEvent[] };
  readonly random: Random;
  readonly faults?: Partial<WebhookFaults>;
  /** First retry delay; doubles per attempt. Default 1 minute. */
  readonly retryBaseMs?: number;
  /** Cap on one retry delay. Default 6 hours. */
  readonly retryDelayMsMax?: number;
  /** No attempt is made later than this after the event was created. Default 3 days (Stripe's). */
  readonly giveUpAfterMs?: number;
}

export interface WebhookDelivery {
  readonly event: WebhookEvent;
  /** 1 for the first attempt; a duplicate carries the attempt it copies. */
  readonly attempt: number;
  readonly duplicate: boolean;
}

export const WEBHOOK_GIVE_UP_AFTER_MS_DEFAULT = 3 * 24 * 60 * 60 * 1000;

interface Tracked {
  readonly event: WebhookEvent;
  readonly seq: number;
  attempts: number;
  /** Null when no further attempt will be made (acked or given up). */
  nextAt: number | null;
  acked: boolean;
}

interface Ghost {
  readonly delivery: WebhookDelivery;
  readonly at: number;
  readonly seq: number;
}

export class WebhookDispatcher {
  private readonly source: WebhookDispatcherOptions["source"];
  private readonly random: Random;
  private readonly faults: WebhookFaults;
  private readonly retryBaseMs: number;
  private readonly retryDelayMsMax: number;
  private readonly giveUpAfterMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private ghosts: Ghost[] = [];
  private seq = 0;

  constructor(options: WebhookDispatcherOptions) {
    this.source = options.source;
    this.random = options.random;
    this.faults = { duplicate: 0, delay: 0, delayMsMax: 0, reorder: 0, drop: 0, ...options.faults };
    for (const [name, p] of Object.entries(this.faults))
      if (name !== "delayMsMax" && !(p >= 0 && p <= 1)) throw new Error(`WebhookDispatcher: fault probability ${name} must be in [0, 1], got ${p}`);
    this.retryBaseMs = options.retryBaseMs ?? 60_000;
    this.retryDelayMsMax = options.retryDelayMsMax ?? 6 * 60 * 60 * 1000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? WEBHOOK_GIVE_UP_AFTER_MS_DEFAULT;
  }

  /**
   * The deliveries to make at `now`: takes new events from the source, then returns every attempt due,
   * oldest first unless reordered. Each attempt schedules the next retry, which `ack` cancels.
   */
  due(now: number): WebhookDelivery[] {
    this.pull();
    const ready: { delivery: WebhookDelivery; at: number; seq: number }[] = [];
    for (const t of this.tracked.values()) {
      if (t.nextAt === null || t.nextAt > now) continue;
      t.attempts++;
      const at = t.nextAt;
      const retryAt = now + Math.min(this.retryBaseMs * 2 ** (t.attempts - 1), this.retryDelayMsMax);
      t.nextAt = retryAt - t.event.createdAt > this.giveUpAfterMs ? null : retryAt;
      const delivery: WebhookDelivery = { event: t.event, attempt: t.attempts, duplicate: false };
      if (this.chance(this.faults.duplicate)) this.ghosts.push({ delivery: { ...delivery, duplicate: true }, at: now + this.delayMs(), seq: ++this.seq });
      if (!this.chance(this.faults.drop)) ready.push({ delivery, at, seq: t.seq });
    }
    const stillWaiting: Ghost[] = [];
    for (const g of this.ghosts) (g.at <= now ? ready : stillWaiting).push(g);
    this.ghosts = stillWaiting;
    ready.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const out = ready.map((r) => r.delivery);
    if (out.length > 1 && this.chance(this.faults.reorder)) this.shuffle(out);
    return out;
  }

  /** The consumer answered 2xx: no more retries for this event (duplicates already in transit still arrive). */
  ack(eventId: string): void {
    const t = this.tracked.get(eventId);
    if (t === undefined) return;
    t.acked = true;
    t.nextAt = null;
  }

  /** Delivers everything due at `now` to `handler`, one at a time; a true answer acknowledges. */
  async tick(now: number, handler: (delivery: WebhookDelivery) => Promise<boolean> | boolean): Promise<{ delivered: number; acked: number }> {
    let delivered = 0;
    let acked = 0;
    for (const d of this.due(now)) {
      delivered++;
      if (await handler(d)) {
        acked++;
        this.ack(d.event.id);
      }
    }
    return { delivered, acked };
  }

  /** When the next attempt or duplicate is due, for a scheduler that advances virtual time; undefined when idle. */
  nextDueAt(): number | undefined {
    this.pull();
    let next: number | undefined;
    for (const t of this.tracked.values()) if (t.nextAt !== null && (next === undefined || t.nextAt < next)) next = t.nextAt;
    for (const g of this.ghosts) if (next === undefined || g.at < next) next = g.at;
    return next;
  }

  /** Events never acknowledged and with no attempt left: the merchant must reconcile them by polling. */
  givenUp(): WebhookEvent[] {
    const out: WebhookEvent[] = [];
    for (const t of this.tracked.values()) if (!t.acked && t.nextAt === null) out.push(t.event);
    return out;
  }

  /** Attempts made so far for an event (0 when unknown). */
  attempts(eventId: string): number {
    return this.tracked.get(eventId)?.attempts ?? 0;
  }

  private pull(): void {
    for (const event of this.source.takeOutbox()) {
      if (this.tracked.has(event.id)) continue;
      this.tracked.set(event.id, { event, seq: ++this.seq, attempts: 0, nextAt: event.createdAt + this.delayMs(), acked: false });
    }
  }

  private delayMs(): number {
    return this.faults.delayMsMax > 0 && this.chance(this.faults.delay) ? 1 + this.random.int(this.faults.delayMsMax) : 0;
  }

  /** Draws only when the fault is switched on, so a fault-free run consumes no randomness. */
  private chance(p: number): boolean {
    return p > 0 && this.random.next() < p;
  }

  private shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
  }
}
