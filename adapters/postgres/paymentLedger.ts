// The payment ledger on PostgreSQL: one row per (merchant, idempotency key), written in its own
// transaction before the provider is called, so a crash or lost response leaves a row to reconcile.
// The insert is `ON CONFLICT DO NOTHING`: two racing first attempts with one key make one row.
import type pg from "pg";
import { NotFound } from "../../core/errors.ts";
import type { CheckoutId, IdempotencyKey, MerchantId } from "../../core/ids.ts";
import type { BeginPayment, BeginResult, PaymentLedger, PaymentOutcome, PaymentRecord } from "../../core/ports/paymentLedger.ts";
import { requireNonNegativeInt } from "../../core/validate.ts";
import { beginPayment, paymentKey, paymentOutcome } from "../shared/paymentInput.ts";
import { PgStore, type PostgresStoreOptions } from "./base.ts";
import { paymentRecordOf, type PaymentRow } from "../shared/rows.ts";

const COLUMNS =
  "merchant_id, key, operation, request_hash, amount, currency, checkout_id, order_id, status, provider_ref, response, reconciliation, created_at, updated_at";



export class PostgresPaymentLedger implements PaymentLedger {
  private readonly t: string;

  private constructor(private readonly db: PgStore) {
    this.t = db.table("payments_records");
  }

  get schema(): string {
    return this.db.schema;
  }
  get pool(): pg.Pool {
    return this.db.pool;
  }

  /** Connects and creates the table if it does not exist (safe to call concurrently). */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresPaymentLedger> {
    const db = await PgStore.open("payments", options, async (c, s) => {
      const t = s.table("payments_records");
      await c.query(`CREATE TABLE IF NOT EXISTS ${t} (
        seq bigserial PRIMARY KEY,
        merchant_id text NOT NULL CHECK (length(merchant_id) BETWEEN 1 AND 255),
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        operation text NOT NULL CHECK (operation IN ('authorize', 'capture', 'void', 'refund')),
        request_hash text NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        currency text NOT NULL,
        checkout_id text NOT NULL,
        order_id text,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
        provider_ref text,
        response text,
        reconciliation text NOT NULL CHECK (reconciliation IN ('none', 'needed', 'reconciled')),
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        UNIQUE (merchant_id, key))`);
      await c.query(`CREATE INDEX IF NOT EXISTS payments_records_by_checkout ON ${t} (checkout_id)`);
      await c.query(`CREATE INDEX IF NOT EXISTS payments_records_needing ON ${t} (seq) WHERE status IN ('pending', 'unknown') OR reconciliation = 'needed'`);
    });
    return new PostgresPaymentLedger(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async begin(input: BeginPayment): Promise<BeginResult> {
    const b = beginPayment(input);
    const now = this.db.clock.now();
    const inserted = await this.db.pool.query<PaymentRow>(
      `INSERT INTO ${this.t} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', NULL, NULL, 'none', $9, $9)
       ON CONFLICT (merchant_id, key) DO NOTHING RETURNING ${COLUMNS}`,
      [b.merchantId, b.key, b.operation, b.requestHash, b.amount.amount, b.amount.currency, b.checkoutId, b.orderId, now],
    );
    const created = inserted.rows[0];
    if (created !== undefined) return { status: "created", record: paymentRecordOf(created) };
    // The key exists (ON CONFLICT waited for any racing insert to commit): replay it or refuse it.
    const existing = await this.get(b.merchantId, b.key);
    if (existing === undefined) throw new Error(`payment ${b.merchantId}/${b.key}: conflicting row vanished`);
    return { status: existing.requestHash === b.requestHash ? "existing" : "conflict", record: existing };
  }

  async record(merchantId: MerchantId, key: IdempotencyKey, outcome: PaymentOutcome): Promise<PaymentRecord> {
    const k = paymentKey(merchantId, key);
    const o = paymentOutcome(outcome);
    // A field the outcome leaves out keeps its stored value ($n::boolean says whether it was given).
    const r = await this.db.pool.query<PaymentRow>(
      `UPDATE ${this.t} SET status = $3,
          provider_ref = CASE WHEN $4::boolean THEN $5 ELSE provider_ref END,
          response = CASE WHEN $6::boolean THEN $7 ELSE response END,
          reconciliation = COALESCE($8, reconciliation),
          updated_at = $9
        WHERE merchant_id = $1 AND key = $2 RETURNING ${COLUMNS}`,
      [
        k.merchantId,
        k.key,
        o.status,
        o.providerRef !== undefined,
        o.providerRef ?? null,
        o.response !== undefined,
        o.response ?? null,
        o.reconciliation ?? null,
        this.db.clock.now(),
      ],
    );
    const row = r.rows[0];
    if (row === undefined) throw new NotFound({ entity: "payment", id: `${k.merchantId}/${k.key}`, message: `no payment record for key ${k.key} of merchant ${k.merchantId}` });
    return paymentRecordOf(row);
  }

  async get(merchantId: MerchantId, key: IdempotencyKey): Promise<PaymentRecord | undefined> {
    const r = await this.db.pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${this.t} WHERE merchant_id = $1 AND key = $2`, [merchantId, key]);
    const row = r.rows[0];
    return row && paymentRecordOf(row);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<PaymentRecord[]> {
    const r = await this.db.pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${this.t} WHERE checkout_id = $1 ORDER BY seq`, [checkoutId]);
    return r.rows.map(paymentRecordOf);
  }

  async needingReconciliation(limit: number): Promise<PaymentRecord[]> {
    requireNonNegativeInt(limit, "limit");
    const r = await this.db.pool.query<PaymentRow>(
      `SELECT ${COLUMNS} FROM ${this.t} WHERE status IN ('pending', 'unknown') OR reconciliation = 'needed' ORDER BY seq LIMIT $1`,
      [limit],
    );
    return r.rows.map(paymentRecordOf);
  }

  async all(): Promise<PaymentRecord[]> {
    const r = await this.db.pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${this.t} ORDER BY seq`);
    return r.rows.map(paymentRecordOf);
  }
}
