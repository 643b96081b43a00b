// Checkout command records on PostgreSQL: the coordinator's durable memory. The record is written
// before the first step (one row per checkout id, `ON CONFLICT DO NOTHING` so a double submit makes
// one row), and recovery after a crash reads every running checkout with its last snapshot.
import type pg from "pg";
import { NotFound } from "../../core/errors.ts";
import type { BuyerId, CheckoutId } from "../../core/ids.ts";
import type { CheckoutCommand, CheckoutCommandStore, CommandStatus, SubmitResult } from "../../core/ports/checkoutCommands.ts";
import { requireKey } from "../../core/validate.ts";
import { saveInput, submitInput } from "../shared/commandInput.ts";
import { PgStore, type PostgresStoreOptions } from "./base.ts";
import { checkoutCommandOf, type CommandRow } from "../shared/rows.ts";

const COLUMNS = "checkout_id, buyer_id, request_hash, request, status, snapshot, created_at, updated_at";



export class PostgresCheckoutCommands implements CheckoutCommandStore {
  private readonly t: string;

  private constructor(private readonly db: PgStore) {
    this.t = db.table("commands_records");
  }

  get schema(): string {
    return this.db.schema;
  }
  get pool(): pg.Pool {
    return this.db.pool;
  }

  /** Connects and creates the table if it does not exist (safe to call concurrently). */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresCheckoutCommands> {
    const db = await PgStore.open("commands", options, async (c, s) => {
      const t = s.table("commands_records");
      await c.query(`CREATE TABLE IF NOT EXISTS ${t} (
        seq bigserial PRIMARY KEY,
        checkout_id text NOT NULL UNIQUE CHECK (length(checkout_id) BETWEEN 1 AND 255),
        buyer_id text NOT NULL CHECK (length(buyer_id) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        request text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'confirmed', 'rejected', 'compensated')),
        snapshot text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL)`);
      await c.query(`CREATE INDEX IF NOT EXISTS commands_records_running ON ${t} (seq) WHERE status = 'running'`);
    });
    return new PostgresCheckoutCommands(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async submit(input: { checkoutId: CheckoutId; buyerId: BuyerId; requestHash: string; request: string }): Promise<SubmitResult> {
    const s = submitInput(input);
    const now = this.db.clock.now();
    const inserted = await this.db.pool.query<CommandRow>(
      `INSERT INTO ${this.t} (${COLUMNS}) VALUES ($1, $2, $3, $4, 'running', NULL, $5, $5) ON CONFLICT (checkout_id) DO NOTHING RETURNING ${COLUMNS}`,
      [s.checkoutId, s.buyerId, s.requestHash, s.request, now],
    );
    const created = inserted.rows[0];
    if (created !== undefined) return { status: "created", command: checkoutCommandOf(created) };
    const existing = await this.get(s.checkoutId);
    if (existing === undefined) throw new Error(`checkout command ${s.checkoutId}: conflicting row vanished`);
    return { status: existing.requestHash === s.requestHash ? "existing" : "conflict", command: existing };
  }

  async save(checkoutId: CheckoutId, update: { status: CommandStatus; snapshot: string | null }): Promise<CheckoutCommand> {
    const id = requireKey(checkoutId, "checkoutId");
    const u = saveInput(update);
    const r = await this.db.pool.query<CommandRow>(`UPDATE ${this.t} SET status = $2, snapshot = $3, updated_at = $4 WHERE checkout_id = $1 RETURNING ${COLUMNS}`, [
      id,
      u.status,
      u.snapshot,
      this.db.clock.now(),
    ]);
    const row = r.rows[0];
    if (row === undefined) throw new NotFound({ entity: "checkout", id, message: `no checkout command ${id}` });
    return checkoutCommandOf(row);
  }

  async get(checkoutId: CheckoutId): Promise<CheckoutCommand | undefined> {
    const r = await this.db.pool.query<CommandRow>(`SELECT ${COLUMNS} FROM ${this.t} WHERE checkout_id = $1`, [checkoutId]);
    const row = r.rows[0];
    return row && checkoutCommandOf(row);
  }

  async unfinished(): Promise<CheckoutCommand[]> {
    const r = await this.db.pool.query<CommandRow>(`SELECT ${COLUMNS} FROM ${this.t} WHERE status = 'running' ORDER BY seq`);
    return r.rows.map(checkoutCommandOf);
  }

  async all(): Promise<CheckoutCommand[]> {
    const r = await this.db.pool.query<CommandRow>(`SELECT ${COLUMNS} FROM ${this.t} ORDER BY seq`);
    return r.rows.map(checkoutCommandOf);
  }
}
