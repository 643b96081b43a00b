// Order facts every checker needs, folded once: what each order sold, whether it is paid, and how
// it ended. An order whose events do not fold is reported by ledger-append-only, and skipped here.
import { foldOrder, type OrderState } from "../orderLifecycle.ts";
import type { OrderEvent } from "../ports/orderLedger.ts";
import type { World } from "./world.ts";

export interface OrderFacts {
  readonly orderId: string;
  readonly checkoutId: string;
  readonly state: OrderState;
  readonly events: readonly OrderEvent[];
  readonly lines: readonly { sku: string; quantity: number; unitPrice: number; priceVersion: number; taxRateBps?: number; tax: number }[];
  /** The shipping line (0 when the order has none). */
  readonly shipping: number;
  /** The full total the order records: lines + tax + shipping. */
  readonly total: number;
  readonly createdAt: number;
  /** Confirmed (or further) and neither cancelled, refunded nor backordered: units left the shelf. */
  readonly sold: boolean;
  readonly providerRefs: ReadonlySet<string>;
}

const SOLD = new Set(["confirmed", "released", "captured"]);

export function orderFacts(world: World): OrderFacts[] {
  const out: OrderFacts[] = [];
  for (const [orderId, events] of Object.entries(world.orders)) {
    const created = events.find((e) => e.type === "OrderCreated");
    if (!created || created.type !== "OrderCreated") continue;
    let state: OrderState;
    try {
      state = foldOrder(events);
    } catch {
      continue;
    }
    const providerRefs = new Set<string>();
    for (const e of events) if (e.type === "PaymentAuthorized" || e.type === "PaymentCaptured") providerRefs.add(e.providerRef);
    out.push({
      orderId,
      checkoutId: created.checkoutId,
      state,
      events,
      lines: created.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice.amount, priceVersion: l.priceVersion, ...(l.taxRateBps === undefined ? {} : { taxRateBps: l.taxRateBps }), tax: l.tax?.amount ?? 0 })),
      shipping: created.shipping?.amount ?? 0,
      total: created.total.amount,
      createdAt: created.at,
      sold: SOLD.has(state.status),
      providerRefs,
    });
  }
  return out.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
}

/** Units in sold (paid, not backordered) orders per SKU, with the orders that sold them. */
export function unitsSold(orders: readonly OrderFacts[]): Map<string, { units: number; orders: string[] }> {
  const sold = new Map<string, { units: number; orders: string[] }>();
  for (const o of orders) {
    if (!o.sold || o.state.backordered) continue;
    for (const line of o.lines) {
      const s = sold.get(line.sku) ?? { units: 0, orders: [] };
      s.units += line.quantity;
      s.orders.push(o.orderId);
      sold.set(line.sku, s);
    }
  }
  return sold;
}
