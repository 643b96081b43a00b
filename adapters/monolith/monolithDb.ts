// The "one database, one transaction" baseline the article warns about, built faithfully so its
// failure modes show: a bare quantity column, order rows updated in place, and a checkout
// transaction that reads at its start and writes at its end with the payment call in between.
import type { SqliteDb } from "../sqlite/db.ts";
import type { Clock } from "../../core/clock.ts";

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
}

/** What a checkout transaction read when it began: the stale snapshot its writes are computed from. */
export interface TxSnapshot {
  readonly qty: Readonly<Record<string, number>>;
}

export class MonolithDb {
  private readonly readQty;
  private readonly setQty;
  private readonly insertOrder;
  private readonly updateStatus;
  private nextOrder = 1;

  constructor(private readonly db: SqliteDb, private readonly options: { clock: Clock }) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS mono_products (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS mono_orders (
        id TEXT PRIMARY KEY, checkout_id TEXT NOT NULL, buyer_id TEXT NOT NULL, status TEXT NOT NULL,
        total INTEGER NOT NULL, lines TEXT NOT NULL, shipping INTEGER NOT NULL DEFAULT 0, charge_id TEXT, created_at INTEGER NOT NULL);
    `);
    this.readQty = db.prepare<[string], { qty: number }>("SELECT qty FROM mono_products WHERE sku = ?");
    this.setQty = db.prepare<[number, string]>("UPDATE mono_products SET qty = ? WHERE sku = ?");
    this.insertOrder = db.prepare("INSERT INTO mono_orders (id, checkout_id, buyer_id, status, total, lines, shipping, charge_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.updateStatus = db.prepare<[string, string]>("UPDATE mono_orders SET status = ? WHERE id = ?");
  }

  async stock(sku: string, qty: number): Promise<void> {
    this.db.prepare("INSERT INTO mono_products (sku, qty) VALUES (?, ?) ON CONFLICT(sku) DO UPDATE SET qty = excluded.qty").run(sku, qty);
  }

  /** BEGIN: the transaction reads the quantity column. */
  async begin(skus: readonly string[]): Promise<TxSnapshot> {
    const qty: Record<string, number> = {};
    for (const sku of skus) qty[sku] = this.readQty.get(sku)?.qty ?? 0;
    return { qty };
  }

  /** COMMIT: writes quantities computed from the snapshot (a lost update under concurrency) and the order row. */
  async commit(snapshot: TxSnapshot, order: Omit<MonolithOrder, "id" | "createdAt">): Promise<MonolithOrder> {
    const id = `o-${this.nextOrder++}`;
    const createdAt = this.options.clock.now();
    this.db.transaction(() => {
      const needed = new Map<string, number>();
      for (const l of order.lines) needed.set(l.sku, (needed.get(l.sku) ?? 0) + l.quantity);
      for (const [sku, n] of needed) this.setQty.run((snapshot.qty[sku] ?? 0) - n, sku);
      this.insertOrder.run(id, order.checkoutId, order.buyerId, order.status, order.total, JSON.stringify(order.lines), order.shipping, order.chargeId, createdAt);
    })();
    return { ...order, id, createdAt };
  }

  /** Order rows are mutable documents here: status is overwritten, history is gone. */
  async setStatus(orderId: string, status: string): Promise<void> {
    this.updateStatus.run(status, orderId);
  }

  async orders(): Promise<MonolithOrder[]> {
    const rows = this.db.prepare("SELECT * FROM mono_orders ORDER BY created_at, id").all() as { id: string; checkout_id: string; buyer_id: string; status: string; total: number; lines: string; shipping: number; charge_id: string | null; created_at: number }[];
    return rows.map((r) => ({ id: r.id, checkoutId: r.checkout_id, buyerId: r.buyer_id, status: r.status, total: r.total, lines: JSON.parse(r.lines), shipping: r.shipping, chargeId: r.charge_id, createdAt: r.created_at }));
  }
}
