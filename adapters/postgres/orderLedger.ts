// The order ledger on PostgreSQL: the durable commercial record. An append takes a per-order
// advisory lock, folds the stored events through the shared lifecycle, and writes the new events and
// their outbox rows in one transaction. Triggers make events append-only and outbox payloads
// immutable in the database itself; the relay claims pending outbox rows with FOR UPDATE SKIP LOCKED,
// so two relays never publish the same entry at the same time.
import type pg from "pg";
import type { CheckoutId, EventId, OrderId } from "../../core/ids.ts";
import { applyEvent, initialOrderState } from "../../core/orderLifecycle.ts";
import type { AppendResult, NewOrderEvent, OrderEvent, OrderEventBody, OrderLedger, OutboxEntry } from "../../core/ports/orderLedger.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { planAppend } from "../shared/orderAppend.ts";
import { newOrderEvents } from "../shared/orderEventInput.ts";
import { isUniqueViolation, num, PgStore, refuseTrigger, type PostgresStoreOptions } from "./base.ts";

interface EventRow {
  event_id: string;
  order_id: string;
  sequence: number;
  body: string;
  at: string;
}

interface OutboxRow {
  event_id: string;
  order_id: string;
  type: string;
  payload: string;
  published_at: string | null;
}

const toEvent = (r: EventRow): OrderEvent =>
  Object.freeze({ ...(JSON.parse(r.body) as OrderEventBody), eventId: r.event_id as EventId, orderId: r.order_id as OrderId, sequence: r.sequence, at: num(r.at) });

const toOutbox = (r: OutboxRow): OutboxEntry =>
  Object.freeze({
    eventId: r.event_id as EventId,
    orderId: r.order_id as OrderId,
    type: r.type as OutboxEntry["type"],
    payload: r.payload,
    publishedAt: r.published_at === null ? null : num(r.published_at),
  });

/** How often an append is retried when a racing append on another order claimed one of its event ids. */
const APPEND_RACE_RETRIES = 3;

export class PostgresOrderLedger implements OrderLedger {
  private readonly t: { events: string; outbox: string };

  private constructor(private readonly db: PgStore) {
    this.t = { events: db.table("orders_events"), outbox: db.table("orders_outbox") };
  }

  get schema(): string {
    return this.db.schema;
  }
  get pool(): pg.Pool {
    return this.db.pool;
  }

  /** Connects and creates the tables and guards if they do not exist (safe to call concurrently). */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresOrderLedger> {
    const db = await PgStore.open("orders", options, async (c, s) => {
      const events = s.table("orders_events");
      const outbox = s.table("orders_outbox");
      await c.query(`CREATE TABLE IF NOT EXISTS ${events} (
        seq bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE CHECK (length(event_id) BETWEEN 1 AND 255),
        order_id text NOT NULL CHECK (length(order_id) BETWEEN 1 AND 255),
        sequence integer NOT NULL CHECK (sequence >= 1),
        type text NOT NULL,
        checkout_id text,
        body text NOT NULL,
        at bigint NOT NULL,
        UNIQUE (order_id, sequence))`);
      await c.query(`CREATE INDEX IF NOT EXISTS orders_events_by_checkout ON ${events} (checkout_id) WHERE checkout_id IS NOT NULL`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${outbox} (
        seq bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE REFERENCES ${events} (event_id),
        order_id text NOT NULL,
        type text NOT NULL,
        payload text NOT NULL,
        published_at bigint)`);
      await c.query(`CREATE INDEX IF NOT EXISTS orders_outbox_pending ON ${outbox} (seq) WHERE published_at IS NULL`);
      // History is evidence: no UPDATE, DELETE or TRUNCATE of events, whoever holds a connection.
      await refuseTrigger(c, s, "orders_events", "orders_events_append_only", "BEFORE UPDATE OR DELETE", "orders_events is append-only");
      await refuseTrigger(c, s, "orders_events", "orders_events_no_truncate", "BEFORE TRUNCATE", "orders_events is append-only");
      await refuseTrigger(c, s, "orders_outbox", "orders_outbox_payload_immutable", "BEFORE UPDATE OF seq, event_id, order_id, type, payload", "orders_outbox: only published_at may change");
      await refuseTrigger(c, s, "orders_outbox", "orders_outbox_publish_once", "BEFORE UPDATE OF published_at", "orders_outbox: published_at is set once", "OLD.published_at IS NOT NULL");
      await refuseTrigger(c, s, "orders_outbox", "orders_outbox_no_delete_pending", "BEFORE DELETE", "orders_outbox: an unpublished entry cannot be deleted", "OLD.published_at IS NULL");
      await refuseTrigger(c, s, "orders_outbox", "orders_outbox_no_truncate", "BEFORE TRUNCATE", "orders_outbox: entries cannot be truncated");
    });
    return new PostgresOrderLedger(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async append(orderId: OrderId, events: readonly NewOrderEvent[]): Promise<AppendResult> {
    const input = newOrderEvents(orderId, events);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.appendOnce(input.orderId, input.events);
      } catch (err) {
        // Another order's append took one of these event ids between our check and our insert:
        // retried, the id is known and counts as a duplicate, as on every other engine.
        if (!isUniqueViolation(err) || attempt >= APPEND_RACE_RETRIES) throw err;
      }
    }
  }

  private appendOnce(id: string, events: readonly NewOrderEvent[]): Promise<AppendResult> {
    return this.db.tx(async (c) => {
      // One writer per order at a time; readers are never blocked (they see committed events only).
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`orders:${this.db.schema}:${id}`]);
      const existing = (await c.query<EventRow>(`SELECT event_id, order_id, sequence, body, at FROM ${this.t.events} WHERE order_id = $1 ORDER BY sequence`, [id])).rows.map(toEvent);
      const known = new Set(
        (await c.query<{ event_id: string }>(`SELECT event_id FROM ${this.t.events} WHERE event_id = ANY($1::text[])`, [events.map((e) => e.eventId)])).rows.map((r) => r.event_id),
      );
      const state = existing.reduce((s, e) => applyEvent(id, s, e), initialOrderState);
      const plan = planAppend(id, state, events, (eventId) => known.has(eventId));
      const at = this.db.clock.now();
      const appended: OrderEvent[] = [];
      for (const e of plan.write) {
        const { eventId, ...body } = e;
        const event: OrderEvent = Object.freeze({ ...e, orderId: id as OrderId, sequence: existing.length + appended.length + 1, at });
        await c.query(`INSERT INTO ${this.t.events} (event_id, order_id, sequence, type, checkout_id, body, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          eventId,
          id,
          event.sequence,
          e.type,
          e.type === "OrderCreated" ? e.checkoutId : null,
          JSON.stringify(body),
          at,
        ]);
        await c.query(`INSERT INTO ${this.t.outbox} (event_id, order_id, type, payload) VALUES ($1, $2, $3, $4)`, [eventId, id, e.type, JSON.stringify(event)]);
        appended.push(event);
      }
      return { appended, duplicates: plan.duplicates };
    });
  }

  async events(orderId: OrderId): Promise<OrderEvent[]> {
    const r = await this.db.pool.query<EventRow>(`SELECT event_id, order_id, sequence, body, at FROM ${this.t.events} WHERE order_id = $1 ORDER BY sequence`, [orderId]);
    return r.rows.map(toEvent);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<OrderId | undefined> {
    const r = await this.db.pool.query<{ order_id: string }>(`SELECT order_id FROM ${this.t.events} WHERE checkout_id = $1 ORDER BY seq LIMIT 1`, [checkoutId]);
    return r.rows[0]?.order_id as OrderId | undefined;
  }

  async orderIds(): Promise<OrderId[]> {
    // Sorted in JS, not by the database collation, so every engine orders ids the same way.
    const r = await this.db.pool.query<{ order_id: string }>(`SELECT DISTINCT order_id FROM ${this.t.events}`);
    return r.rows.map((x) => x.order_id as OrderId).sort();
  }

  /**
   * Unpublished entries, oldest first. The read skips rows another relay holds in its claim
   * (`publishPending`), so a port-level relay never re-sends what is being sent right now.
   */
  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    requireNonNegativeInt(limit, "limit");
    if (limit === 0) return [];
    const r = await this.db.pool.query<OutboxRow>(
      `SELECT event_id, order_id, type, payload, published_at FROM ${this.t.outbox}
        WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return r.rows.map(toOutbox);
  }

  async markPublished(eventIds: readonly EventId[], at: number): Promise<void> {
    requireNonNegativeInt(at, "at");
    const ids = eventIds.map((id, i) => requireKey(id, `eventIds[${i}]`));
    if (ids.length === 0) return;
    await this.db.pool.query(`UPDATE ${this.t.outbox} SET published_at = $1 WHERE event_id = ANY($2::text[]) AND published_at IS NULL`, [at, ids]);
  }

  /**
   * The relay's claim: in one transaction, locks up to `limit` unpublished entries (FOR UPDATE SKIP
   * LOCKED: entries another relay holds are skipped, not waited for), awaits `publish`, then marks
   * them published at the clock's time. If `publish` throws, nothing is marked and the entries stay
   * pending for the next claim (at least once). Returns the entries published.
   */
  async publishPending(limit: number, publish: (entries: readonly OutboxEntry[]) => Promise<void>): Promise<OutboxEntry[]> {
    requireNonNegativeInt(limit, "limit");
    if (limit === 0) return [];
    return this.db.tx(async (c) => {
      const r = await c.query<OutboxRow>(
        `SELECT event_id, order_id, type, payload, published_at FROM ${this.t.outbox}
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const entries = r.rows.map(toOutbox);
      if (entries.length === 0) return entries;
      await publish(entries);
      await c.query(`UPDATE ${this.t.outbox} SET published_at = $1 WHERE event_id = ANY($2::text[])`, [this.db.clock.now(), entries.map((e) => e.eventId)]);
      return entries;
    });
  }
}
