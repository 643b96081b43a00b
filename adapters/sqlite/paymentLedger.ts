// The payment ledger on SQLite: one row per (merchant, idempotency key), written in its own
// transaction before the provider is called, so a crash or lost response leaves a row to reconcile.
import type { Clock } from "../../core/clock.ts";
import { NotFound } from "../../core/errors.ts";
import type { CheckoutId, IdempotencyKey, MerchantId } from "../../core/ids.ts";
import type { BeginPayment, BeginResult, PaymentLedger, PaymentOutcome, PaymentRecord } from "../../core/ports/paymentLedger.ts";
import { requireNonNegativeInt } from "../../core/validate.ts";
import { beginPayment, paymentKey, paymentOutcome } from "../shared/paymentInput.ts";
import { immediate, type SqliteDb } from "./db.ts";
import type Database from "better-sqlite3";
import { paymentRecordOf, type PaymentRow } from "../shared/rows.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS payments_records (
  seq INTEGER PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  key TEXT NOT NULL,
  operation TEXT NOT NULL CHECK (operation IN ('authorize', 'capture', 'void', 'refund')),
  request_hash TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  currency TEXT NOT NULL,
  checkout_id TEXT NOT NULL,
  order_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
  provider_ref TEXT,
  response TEXT,
  reconciliation TEXT NOT NULL CHECK (reconciliation IN ('none', 'needed', 'reconciled')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (merchant_id, key)
);
CREATE INDEX IF NOT EXISTS payments_records_by_checkout ON payments_records (checkout_id);
CREATE INDEX IF NOT EXISTS payments_records_needing ON payments_records (seq)
  WHERE status IN ('pending', 'unknown') OR reconciliation = 'needed';
`;

const COLUMNS =
  "merchant_id, key, operation, request_hash, amount, currency, checkout_id, order_id, status, provider_ref, response, reconciliation, created_at, updated_at";



export class SqlitePaymentLedger implements PaymentLedger {
  private readonly clock: Clock;
  private readonly q: {
    get: Database.Statement<[string, string], PaymentRow>;
    insert: Database.Statement<[string, string, string, string, number, string, string, string | null, number, number]>;
    update: Database.Statement<[string, string | null, string | null, string, number, string, string]>;
    byCheckout: Database.Statement<[string], PaymentRow>;
    needing: Database.Statement<[number], PaymentRow>;
    all: Database.Statement<[], PaymentRow>;
  };

  constructor(private readonly db: SqliteDb, options: { clock: Clock }) {
    this.clock = options.clock;
    db.exec(SCHEMA);
    this.q = {
      get: db.prepare(`SELECT ${COLUMNS} FROM payments_records WHERE merchant_id = ? AND key = ?`),
      insert: db.prepare(
        `INSERT INTO payments_records (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, 'none', ?, ?)`,
      ),
      update: db.prepare(
        "UPDATE payments_records SET status = ?, provider_ref = ?, response = ?, reconciliation = ?, updated_at = ? WHERE merchant_id = ? AND key = ?",
      ),
      byCheckout: db.prepare(`SELECT ${COLUMNS} FROM payments_records WHERE checkout_id = ? ORDER BY seq`),
      needing: db.prepare(
        `SELECT ${COLUMNS} FROM payments_records WHERE status IN ('pending', 'unknown') OR reconciliation = 'needed' ORDER BY seq LIMIT ?`,
      ),
      all: db.prepare(`SELECT ${COLUMNS} FROM payments_records ORDER BY seq`),
    };
  }

  async begin(input: BeginPayment): Promise<BeginResult> {
    const b = beginPayment(input);
    return immediate(this.db, (): BeginResult => {
      const existing = this.q.get.get(b.merchantId, b.key);
      if (existing) return { status: existing.request_hash === b.requestHash ? "existing" : "conflict", record: paymentRecordOf(existing) };
      const now = this.clock.now();
      this.q.insert.run(b.merchantId, b.key, b.operation, b.requestHash, b.amount.amount, b.amount.currency, b.checkoutId, b.orderId, now, now);
      return { status: "created", record: paymentRecordOf(this.q.get.get(b.merchantId, b.key)!) };
    });
  }

  async record(merchantId: MerchantId, key: IdempotencyKey, outcome: PaymentOutcome): Promise<PaymentRecord> {
    const k = paymentKey(merchantId, key);
    const o = paymentOutcome(outcome);
    return immediate(this.db, () => {
      const existing = this.q.get.get(k.merchantId, k.key);
      if (!existing) throw new NotFound({ entity: "payment", id: `${k.merchantId}/${k.key}`, message: `no payment record for key ${k.key} of merchant ${k.merchantId}` });
      this.q.update.run(
        o.status,
        o.providerRef === undefined ? existing.provider_ref : o.providerRef,
        o.response === undefined ? existing.response : o.response,
        o.reconciliation ?? existing.reconciliation,
        this.clock.now(),
        k.merchantId,
        k.key,
      );
      return paymentRecordOf(this.q.get.get(k.merchantId, k.key)!);
    });
  }

  async get(merchantId: MerchantId, key: IdempotencyKey): Promise<PaymentRecord | undefined> {
    const r = this.q.get.get(merchantId, key);
    return r && paymentRecordOf(r);
  }

  async findByCheckout(checkoutId: CheckoutId): Promise<PaymentRecord[]> {
    return this.q.byCheckout.all(checkoutId).map(paymentRecordOf);
  }

  async needingReconciliation(limit: number): Promise<PaymentRecord[]> {
    requireNonNegativeInt(limit, "limit");
    return this.q.needing.all(limit).map(paymentRecordOf);
  }

  async all(): Promise<PaymentRecord[]> {
    return this.q.all.all().map(paymentRecordOf);
  }
}
