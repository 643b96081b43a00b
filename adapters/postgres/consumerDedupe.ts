// Consumer dedupe on PostgreSQL: the processed-event record an at-least-once stream's consumers need.
// The (consumer, event id) row is inserted in the same transaction as the consumer's effect, so the
// two commit or roll back together: a redelivery finds the row and skips the effect, and an effect
// that failed leaves no row, so the next delivery runs it again. PostgreSQL rather than Redis because
// Redis has no rollback: a crash between SET NX and the effect would lose one or the other.
import type pg from "pg";
import type { EventId } from "../../core/ids.ts";
import { requireKey } from "../../core/validate.ts";
import { PgStore, type PostgresStoreOptions } from "./base.ts";

/** What an event stream delegates consumeOnce and processedCount to (see adapters/nats/eventStream.ts). */
export interface ConsumerDedupe {
  consumeOnce(consumer: string, eventId: EventId, effect: () => void): Promise<boolean>;
  processedCount(consumer: string): Promise<number>;
}

export class PostgresConsumerDedupe implements ConsumerDedupe {
  private readonly t: string;

  private constructor(private readonly db: PgStore) {
    this.t = db.table("events_processed");
  }

  get schema(): string {
    return this.db.schema;
  }
  get pool(): pg.Pool {
    return this.db.pool;
  }

  static async open(options: PostgresStoreOptions = {}): Promise<PostgresConsumerDedupe> {
    const db = await PgStore.open("events_processed", options, async (c, s) => {
      await c.query(`CREATE TABLE IF NOT EXISTS ${s.table("events_processed")} (
        consumer text NOT NULL CHECK (length(consumer) BETWEEN 1 AND 255),
        event_id text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
        at bigint NOT NULL,
        PRIMARY KEY (consumer, event_id))`);
    });
    return new PostgresConsumerDedupe(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The port's form: a synchronous effect, run while the processed row is inserted but not committed. */
  async consumeOnce(consumer: string, eventId: EventId, effect: () => void): Promise<boolean> {
    return this.consumeOnceWith(consumer, eventId, async () => effect());
  }

  /**
   * The full form for a consumer whose effect is its own SQL: `effect` gets the transaction's client,
   * so its writes and the processed row are one commit. A concurrent delivery of the same event waits
   * on the row's unique key and then sees it (false) or, if this one rolled back, runs the effect.
   */
  async consumeOnceWith(consumer: string, eventId: EventId, effect: (c: pg.PoolClient) => Promise<void>): Promise<boolean> {
    requireKey(consumer, "consumer");
    requireKey(eventId, "eventId");
    return this.db.tx(async (c) => {
      const r = await c.query(`INSERT INTO ${this.t} (consumer, event_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [consumer, eventId, this.db.clock.now()]);
      if (r.rowCount !== 1) return false;
      await effect(c);
      return true;
    });
  }

  async processedCount(consumer: string): Promise<number> {
    const r = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.t} WHERE consumer = $1`, [consumer]);
    return r.rows[0]?.n ?? 0;
  }
}
