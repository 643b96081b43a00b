// The "one database, one transaction" baseline the article warns about, built faithfully so its
// failure modes show: a bare quantity column on the products table the catalog also reads, order
// rows updated in place (only the last status and when it was set survive), and a checkout that
// reads at its start and writes at its end with the payment call in between. One implementation on
// SQLite and PostgreSQL (sql.ts); the catalog and cart over the same tables are catalog.ts, cart.ts.
import type { Clock } from "../../core/clock.ts";
import { int, type MonolithSql } from "./sql.ts";

export interface MonolithProduct {
  readonly sku: string;
  readonly price: number;
  readonly qty: number;
}

export interface MonolithOrder {
  readonly id: string;
  readonly checkoutId: string;
  readonly buyerId: string;
  readonly status: string;
  /** Lines + their tax + shipping. */
  readonly total: number;
  readonly lines: readonly { sku: string; quantity: number; unitPrice: number; priceVersion: number; taxRateBps?: number; tax?: number }[];
  readonly shipping: number;
  readonly chargeId: string | null;
  readonly createdAt: number;
  /** When the row was last written: the time of its current status, and of nothing before it. */
  readonly updatedAt: number;
}

/** What a checkout transaction read when it began: the stale snapshot its writes are computed from. */
export interface TxSnapshot {
  readonly qty: Readonly<Record<string, number>>;
}

/**
 * One table for products (catalog facts, the search column and the quantity column together), one for
 * orders, one for carts: the schema a single application grows. BIGINT reads as INTEGER on SQLite.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS mono_products (
  sku TEXT PRIMARY KEY, qty BIGINT NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', words TEXT NOT NULL DEFAULT '',
  price_amount BIGINT NOT NULL DEFAULT 0, price_currency TEXT NOT NULL DEFAULT '', price_version BIGINT NOT NULL DEFAULT 0,
  availability_hint BIGINT);
CREATE TABLE IF NOT EXISTS mono_orders (
  id TEXT PRIMARY KEY, checkout_id TEXT NOT NULL, buyer_id TEXT NOT NULL, status TEXT NOT NULL,
  total BIGINT NOT NULL, lines TEXT NOT NULL, shipping BIGINT NOT NULL DEFAULT 0, charge_id TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS mono_carts (
  buyer_id TEXT PRIMARY KEY, version BIGINT NOT NULL, updated_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, lines TEXT NOT NULL);
`;

interface OrderRow {
  id: string;
  checkout_id: string;
  buyer_id: string;
  status: string;
  total: number | string;
  lines: string;
  shipping: number | string;
  charge_id: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** Creates the monolith's tables (once per database; the catalog and cart open on the same one). */
export async function migrateMonolith(sql: MonolithSql): Promise<void> {
  await sql.exec(SCHEMA);
}

export class MonolithDb {
  private nextOrder = 1;

  private constructor(private readonly sql: MonolithSql, private readonly options: { clock: Clock }) {}

  static async open(sql: MonolithSql, options: { clock: Clock }): Promise<MonolithDb> {
    await migrateMonolith(sql);
    return new MonolithDb(sql, options);
  }

  async stock(sku: string, qty: number): Promise<void> {
    await this.sql.run("INSERT INTO mono_products (sku, qty) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET qty = excluded.qty", [sku, qty]);
  }

  /** BEGIN: the transaction reads the quantity column. */
  async begin(skus: readonly string[]): Promise<TxSnapshot> {
    const qty: Record<string, number> = {};
    for (const sku of skus) {
      const [row] = await this.sql.all<{ qty: number | string }>("SELECT qty FROM mono_products WHERE sku = ?", [sku]);
      qty[sku] = row === undefined ? 0 : int(row.qty);
    }
    return { qty };
  }

  /** COMMIT: writes quantities computed from the snapshot (a lost update under concurrency) and the order row. */
  async commit(snapshot: TxSnapshot, order: Omit<MonolithOrder, "id" | "createdAt" | "updatedAt">): Promise<MonolithOrder> {
    const id = `o-${this.nextOrder++}`;
    const createdAt = this.options.clock.now();
    const needed = new Map<string, number>();
    for (const l of order.lines) needed.set(l.sku, (needed.get(l.sku) ?? 0) + l.quantity);
    await this.sql.batch([
      ...[...needed].map(([sku, n]) => ({ sql: "UPDATE mono_products SET qty = ? WHERE sku = ?", params: [(snapshot.qty[sku] ?? 0) - n, sku] })),
      {
        sql: "INSERT INTO mono_orders (id, checkout_id, buyer_id, status, total, lines, shipping, charge_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params: [id, order.checkoutId, order.buyerId, order.status, order.total, JSON.stringify(order.lines), order.shipping, order.chargeId, createdAt, createdAt],
      },
    ]);
    return { ...order, id, createdAt, updatedAt: createdAt };
  }

  /** Order rows are mutable documents here: status is overwritten, the previous one and its time are gone. */
  async setStatus(orderId: string, status: string): Promise<void> {
    await this.sql.run("UPDATE mono_orders SET status = ?, updated_at = ? WHERE id = ?", [status, this.options.clock.now(), orderId]);
  }

  async orders(): Promise<MonolithOrder[]> {
    const rows = await this.sql.all<OrderRow>("SELECT * FROM mono_orders ORDER BY created_at, id");
    return rows.map((r) => ({
      id: r.id,
      checkoutId: r.checkout_id,
      buyerId: r.buyer_id,
      status: r.status,
      total: int(r.total),
      lines: JSON.parse(r.lines),
      shipping: int(r.shipping),
      chargeId: r.charge_id,
      createdAt: int(r.created_at),
      updatedAt: int(r.updated_at),
    }));
  }
}
