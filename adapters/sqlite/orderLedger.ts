// The order ledger on SQLite: the durable record. Events and their outbox rows are written in one
// BEGIN IMMEDIATE transaction; triggers make the events table append-only and outbox payloads
// immutable, so even a buggy caller with SQL access cannot rewrite history.
import type { Clock } from "../../core/clock.ts";
import type { CheckoutId, EventId, OrderId } from "../../core/ids.ts";
import { applyEvent, initialOrderState } from "../../core/orderLifecycle.ts";
import type { AppendResult, NewOrderEvent, OrderEvent, OrderEventBody, OrderLedger, OutboxEntry } from "../../core/ports/orderLedger.ts";
import { requireNonNegativeInt } from "../../core/validate.ts";
import { planAppend } from "../shared/orderAppend.ts";
import { newOrderEvents } from "../shared/orderEventInput.ts";
import { immediate, type SqliteDb } from "./db.ts";
import type Database from "better-sqlite3";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders_events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  order_id TEXT NOT NULL,
  sequence INTEGER NOT NULL CHECK (sequence >= 1),
  type TEXT NOT NULL,
  checkout_id TEXT,
  body TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (order_id, sequence)
);
CREATE INDEX IF NOT EXISTS orders_events_by_checkout ON orders_events (checkout_id) WHERE checkout_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS orders_outbox (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE REFERENCES orders_events (event_id),
  order_id TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  published_at INTEGER
);
CREATE INDEX IF NOT EXISTS orders_outbox_pending ON orders_outbox (seq) WHERE published_at IS NULL;
CREATE TRIGGER IF NOT EXISTS orders_events_no_update BEFORE UPDATE ON orders_events
  BEGIN SELECT RAISE(ABORT, 'orders_events is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS orders_events_no_delete BEFORE DELETE ON orders_events
  BEGIN SELECT RAISE(ABORT, 'orders_events is append-only: DELETE refused'); END;
CREATE TRIGGER IF NOT EXISTS orders_outbox_payload_immutable BEFORE UPDATE OF seq, event_id, order_id, type, payload ON orders_outbox
  BEGIN SELECT RAISE(ABORT, 'orders_outbox: only published_at may change'); END;
CREATE TRIGGER IF NOT EXISTS orders_outbox_publish_once BEFORE UPDATE OF published_at ON orders_outbox WHEN OLD.published_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'orders_outbox: published_at is set once'); END;
CREATE TRIGGER IF NOT EXISTS orders_outbox_no_delete_pending BEFORE DELETE ON orders_outbox WHEN OLD.published_at IS NULL
  BEGIN SELECT RAISE(ABORT, 'orders_outbox: an unpublished entry cannot be deleted'); END;
`;

interface EventRow {
  event_id: string;
  order_id: string;
  sequence: number;
  body: string;
  at: number;
}

interface OutboxRow {
  event_id: string;
  order_id: string;
  type: string;
  payload: string;
  published_at: number | null;
}

const toEvent = (r: EventRow): OrderEvent =>
  Object.freeze({ ...(JSON.parse(r.body) as OrderEventBody), eventId: r.event_id as EventId, orderId: r.order_id as OrderId, sequence: r.sequence, at: r.at });

const toOutbox = (r: OutboxRow): OutboxEntry => ({
  eventId: r.event_id as EventId,
  orderId: r.order_id as OrderId,
  type: r.type as OutboxEntry["type"],
  payload: r.payload,
  publishedAt: r.published_at,
});

export class SqliteOrderLedger implements OrderLedger {
  private readonly clock: Clock;
  private readonly q: {
    eventsOf: Database.Statement<[string], EventRow>;
    exists: Database.Statement<[string], { one: number }>;
    insertEvent: Database.Statement<[string, string, number, string, string | null, string, number]>;
    insertOutbox: Database.Statement<[string, string, string, string]>;
    byCheckout: Database.Statement<[string], { order_id: string }>;
    orderIds: Database.Statement<[], { order_id: string }>;
    pending: Database.Statement<[number], OutboxRow>;
    publish: Database.Statement<[number, string]>;
  };

  constructor(private readonly db: SqliteDb, options: { clock: Clock }) {
    this.clock = options.clock;
    db.exec(SCHEMA);
    this.q = {
      eventsOf: db.prepare("SELECT event_id, order_id, sequence, body, at FROM orders_events WHERE order_id = ? ORDER BY sequence"),
      exists: db.prepare("SELECT 1 AS one FROM orders_events WHERE event_id = ?"),
      insertEvent: db.prepare("INSERT INTO orders_events (event_id, order_id, sequence, type, checkout_id, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      insertOutbox: db.prepare("INSERT INTO orders_outbox (event_id, order_id, type, payload) VALUES (?, ?, ?, ?)"),
      byCheckout: db.prepare("SELECT order_id FROM orders_events WHERE checkout_id = ? ORDER BY seq LIMIT 1"),
      orderIds: db.prepare("SELECT DISTINCT order_id FROM orders_events"),
      pending: db.prepare("SELECT event_id, order_id, type, payload, published_at FROM orders_outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?"),
      publish: db.prepare("UPDATE orders_outbox SET published_at = ? WHERE event_id = ? AND published_at IS NULL"),
    };
  }

  async append(orderId: OrderId, events: readonly NewOrderEvent[]): Promise<AppendResult> {
    const input = newOrderEvents(orderId, events);
    const id = input.orderId;
    return immediate(this.db, () => {
      const existing = this.q.eventsOf.all(id).map(toEvent);
      const state = existing.reduce((s, e) => applyEvent(id, s, e), initialOrderState);
      const plan = planAppend(id, state, input.events, (eventId) => this.q.exists.get(eventId) !== undefined);
      const at = this.clock.now();
      const appended: OrderEvent[] = [];
      for (const e of plan.write) {
        const { eventId, ...body } = e;
        const event: OrderEvent = Object.freeze({ ...e, orderId: id as OrderId, sequence: existing.length + appended.length + 1, at });
        this.q.insertEvent.run(eventId, id, event.sequence, e.type, e.type === "OrderCreated" ? e.checkoutId : null, JSON.stringify(body), at);
        this.q.insertOutbox.run(eventId, id, e.type, JSON.stringify(event));
        appended.push(event);
      }
      return { appended, duplicates: plan.duplicates };
    });
  }

  async events(orderId: OrderId): Promise<OrderEvent[]> {
    return this.q.eventsOf.all(orderId).map(toEvent);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<OrderId | undefined> {
    return this.q.byCheckout.get(checkoutId)?.order_id as OrderId | undefined;
  }

  async orderIds(): Promise<OrderId[]> {
    // Sorted in JS, not by SQLite collation, so every engine orders ids the same way.
    return this.q.orderIds.all().map((r) => r.order_id as OrderId).sort();
  }

  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    requireNonNegativeInt(limit, "limit");
    return this.q.pending.all(limit).map(toOutbox);
  }

  async markPublished(eventIds: readonly EventId[], at: number): Promise<void> {
    requireNonNegativeInt(at, "at");
    immediate(this.db, () => {
      for (const id of eventIds) this.q.publish.run(at, id);
    });
  }
}
