// The order ledger in memory: the simulation default. Frozen events in per-order arrays, a global
// event-id set for dedupe, the fold cached per order, and an outbox array scanned from a cursor.
import type { Clock } from "../../core/clock.ts";
import type { CheckoutId, EventId, OrderId } from "../../core/ids.ts";
import { initialOrderState, type OrderState } from "../../core/orderLifecycle.ts";
import type { AppendResult, NewOrderEvent, OrderEvent, OrderLedger, OutboxEntry } from "../../core/ports/orderLedger.ts";
import { requireNonNegativeInt } from "../../core/validate.ts";
import { planAppend } from "../shared/orderAppend.ts";
import { newOrderEvents } from "../shared/orderEventInput.ts";

interface OrderStream {
  readonly events: OrderEvent[];
  state: OrderState;
}

interface OutboxRow {
  readonly eventId: EventId;
  readonly orderId: OrderId;
  readonly type: OutboxEntry["type"];
  readonly payload: string;
  publishedAt: number | null;
}

export class MemoryOrderLedger implements OrderLedger {
  private readonly clock: Clock;
  private readonly orders = new Map<string, OrderStream>();
  private readonly eventIds = new Set<string>();
  private readonly byCheckout = new Map<string, OrderId>();
  private readonly outbox: OutboxRow[] = [];
  private readonly outboxIndex = new Map<string, number>();
  /** Every outbox row before this index is published. */
  private firstPending = 0;

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
  }

  async append(orderId: OrderId, events: readonly NewOrderEvent[]): Promise<AppendResult> {
    const input = newOrderEvents(orderId, events);
    const stream = this.orders.get(input.orderId);
    const plan = planAppend(input.orderId, stream?.state ?? initialOrderState, input.events, (id) => this.eventIds.has(id));
    if (plan.write.length === 0) return { appended: [], duplicates: plan.duplicates };
    const target = stream ?? { events: [], state: initialOrderState };
    if (!stream) this.orders.set(input.orderId, target);
    const at = this.clock.now();
    const appended: OrderEvent[] = [];
    for (const e of plan.write) {
      const event: OrderEvent = Object.freeze({ ...e, orderId, sequence: target.events.length + 1, at });
      target.events.push(event);
      this.eventIds.add(event.eventId);
      if (event.type === "OrderCreated" && !this.byCheckout.has(event.checkoutId)) this.byCheckout.set(event.checkoutId, orderId);
      this.outboxIndex.set(event.eventId, this.outbox.length);
      this.outbox.push({ eventId: event.eventId, orderId, type: event.type, payload: JSON.stringify(event), publishedAt: null });
      appended.push(event);
    }
    target.state = plan.state;
    return { appended, duplicates: plan.duplicates };
  }

  async events(orderId: OrderId): Promise<OrderEvent[]> {
    return this.orders.get(orderId)?.events.slice() ?? [];
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<OrderId | undefined> {
    return this.byCheckout.get(checkoutId);
  }

  async orderIds(): Promise<OrderId[]> {
    return ([...this.orders.keys()] as OrderId[]).sort();
  }

  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    requireNonNegativeInt(limit, "limit");
    while (this.firstPending < this.outbox.length && this.outbox[this.firstPending]!.publishedAt !== null) this.firstPending++;
    const out: OutboxEntry[] = [];
    for (let i = this.firstPending; i < this.outbox.length && out.length < limit; i++) {
      const row = this.outbox[i]!;
      if (row.publishedAt === null) out.push({ ...row });
    }
    return out;
  }

  async markPublished(eventIds: readonly EventId[], at: number): Promise<void> {
    requireNonNegativeInt(at, "at");
    for (const id of eventIds) {
      const i = this.outboxIndex.get(id);
      if (i === undefined) continue;
      const row = this.outbox[i]!;
      if (row.publishedAt === null) row.publishedAt = at;
    }
  }
}
