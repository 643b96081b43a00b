// The event stream on SQLite: an append-only log with per-consumer committed offsets, and a
// processed-id table that consumeOnce writes in the same transaction as the consumer's effect.
import type { Clock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { EventId } from "../../core/ids.ts";
import type { Delivery, EventStream, StreamEvent } from "../../core/ports/eventStream.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { streamEvent } from "../shared/streamInput.ts";
import { immediate, type SqliteDb } from "./db.ts";
import type Database from "better-sqlite3";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events_log (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events_offsets (
  consumer TEXT PRIMARY KEY,
  committed INTEGER NOT NULL CHECK (committed >= 0)
);
CREATE TABLE IF NOT EXISTS events_processed (
  consumer TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (consumer, event_id)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS events_log_no_update BEFORE UPDATE ON events_log
  BEGIN SELECT RAISE(ABORT, 'events_log is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS events_log_no_delete BEFORE DELETE ON events_log
  BEGIN SELECT RAISE(ABORT, 'events_log is append-only: DELETE refused'); END;
`;

interface Row {
  position: number;
  event_id: string;
  topic: string;
  payload: string;
}

const toDelivery = (r: Row): Delivery => ({ eventId: r.event_id as EventId, topic: r.topic, payload: r.payload, offset: r.position });

export class SqliteEventStream implements EventStream {
  private readonly clock: Clock;
  private readonly q: {
    insert: Database.Statement<[string, string, string, number]>;
    committed: Database.Statement<[string], { committed: number }>;
    after: Database.Statement<[number, number], Row>;
    last: Database.Statement<[], { last: number | null }>;
    commit: Database.Statement<[string, number]>;
    markProcessed: Database.Statement<[string, string, number]>;
    processedCount: Database.Statement<[string], { n: number }>;
  };

  constructor(private readonly db: SqliteDb, options: { clock: Clock }) {
    this.clock = options.clock;
    db.exec(SCHEMA);
    this.q = {
      insert: db.prepare("INSERT INTO events_log (event_id, topic, payload, at) VALUES (?, ?, ?, ?)"),
      committed: db.prepare("SELECT committed FROM events_offsets WHERE consumer = ?"),
      after: db.prepare("SELECT position, event_id, topic, payload FROM events_log WHERE position > ? ORDER BY position LIMIT ?"),
      last: db.prepare("SELECT max(position) AS last FROM events_log"),
      commit: db.prepare(
        "INSERT INTO events_offsets (consumer, committed) VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE SET committed = max(committed, excluded.committed)",
      ),
      markProcessed: db.prepare("INSERT OR IGNORE INTO events_processed (consumer, event_id, at) VALUES (?, ?, ?)"),
      processedCount: db.prepare("SELECT count(*) AS n FROM events_processed WHERE consumer = ?"),
    };
  }

  async publish(event: StreamEvent): Promise<Delivery> {
    const e = streamEvent(event);
    const info = this.q.insert.run(e.eventId, e.topic, e.payload, this.clock.now());
    return { ...e, offset: Number(info.lastInsertRowid) };
  }

  async poll(consumer: string, limit: number): Promise<Delivery[]> {
    requireKey(consumer, "consumer");
    requireNonNegativeInt(limit, "limit");
    return this.q.after.all(this.q.committed.get(consumer)?.committed ?? 0, limit).map(toDelivery);
  }

  async commitOffset(consumer: string, offset: number): Promise<void> {
    requireKey(consumer, "consumer");
    requireNonNegativeInt(offset, "offset");
    immediate(this.db, () => {
      const last = this.q.last.get()?.last ?? 0;
      if (offset > last) throw new InvalidInput({ field: "offset", message: `offset ${offset} is past the end of the stream (${last})` });
      this.q.commit.run(consumer, offset);
    });
  }

  async consumeOnce(consumer: string, eventId: EventId, effect: () => void): Promise<boolean> {
    requireKey(consumer, "consumer");
    requireKey(eventId, "eventId");
    // The effect runs inside the transaction: if it throws, the processed row rolls back with it.
    return immediate(this.db, () => {
      if (this.q.markProcessed.run(consumer, eventId, this.clock.now()).changes === 0) return false;
      effect();
      return true;
    });
  }

  async processedCount(consumer: string): Promise<number> {
    return this.q.processedCount.get(consumer)?.n ?? 0;
  }
}
