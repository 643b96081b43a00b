// Stock is conserved, the way a warehouse reconciles its count: per SKU x location, on hand equals
// receipts - shipments + adjustments; every increase other than a receipt is a restock (a cancellation
// or a return) tied to an order, and no order puts back more units than left the shelf for it; units
// sold never exceed units physically received (receipts only: restocks and adjustments do not count,
// which is the gap no-oversell's "received" leaves open).
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { unitsSold, type OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

const at = (m: { sku: string; location: string }): string => `${m.sku}@${m.location}`;

export function stockConserved(world: World, orders: readonly OrderFacts[]): Verdict {
  const movements = world.movements;
  if (movements === undefined) return { invariant: "stock-conserved", valid: "unknown", violations: [], note: "the world carries no stock movements" };
  const violations: Violation[] = [];
  const v = (message: string, entities: Record<string, string>) => violations.push({ invariant: "stock-conserved", message, entities });

  // 1. On hand is the sum of the movements, by kind.
  const byLevel = new Map<string, { receipts: number; shipments: number; adjustments: number }>();
  for (const m of movements) {
    const sums = byLevel.get(at(m)) ?? { receipts: 0, shipments: 0, adjustments: 0 };
    if (m.kind === "receipt") sums.receipts += m.delta;
    else if (m.kind === "shipment") sums.shipments -= m.delta;
    else sums.adjustments += m.delta;
    byLevel.set(at(m), sums);
  }
  for (const l of world.levels) {
    const s = byLevel.get(at(l)) ?? { receipts: 0, shipments: 0, adjustments: 0 };
    const expected = s.receipts - s.shipments + s.adjustments;
    if (l.onHand !== expected)
      v(`${at(l)}: on hand ${l.onHand}, but receipts ${s.receipts} - shipments ${s.shipments} + adjustments ${s.adjustments} = ${expected}`, { sku: l.sku, location: l.location });
  }

  // 2. Every increase other than a receipt is a restock tied to an order, within what the order took.
  const checkoutsWithOrder = new Set<string>();
  for (const events of Object.values(world.orders)) for (const e of events) if (e.type === "OrderCreated") checkoutsWithOrder.add(e.checkoutId);
  const perOrder = new Map<string, { checkoutId: string; sku: string; location: string; took: number; putBack: number; restocks: string[] }>();
  for (const m of movements) {
    if (m.kind === "receipt" || m.checkoutId === undefined) {
      if (m.kind !== "receipt" && m.delta > 0)
        v(`movement ${m.id}: +${m.delta} ${at(m)} (${m.kind}) raises on hand without being a receipt or a restock tied to an order`, { movement: m.id, sku: m.sku, location: m.location });
      continue;
    }
    const k = `${m.checkoutId}|${at(m)}`;
    const o = perOrder.get(k) ?? { checkoutId: m.checkoutId, sku: m.sku, location: m.location, took: 0, putBack: 0, restocks: [] };
    if (m.delta < 0) o.took -= m.delta;
    else {
      o.putBack += m.delta;
      o.restocks.push(m.id);
    }
    perOrder.set(k, o);
  }
  for (const o of [...perOrder.values()].sort((a, b) => cmp(`${a.checkoutId}|${a.sku}|${a.location}`, `${b.checkoutId}|${b.sku}|${b.location}`))) {
    if (o.putBack === 0) continue;
    const entities = { checkout: o.checkoutId, sku: o.sku, location: o.location, movements: o.restocks.slice(0, 5).join(",") };
    if (!checkoutsWithOrder.has(o.checkoutId))
      v(`checkout ${o.checkoutId}: ${o.restocks.length} restock(s) of ${o.putBack} units of ${o.sku}@${o.location}, but the checkout has no order`, entities);
    if (o.putBack > o.took)
      v(`checkout ${o.checkoutId}: put back ${o.putBack} units of ${o.sku}@${o.location} in ${o.restocks.length} restock(s) (${o.restocks.slice(0, 3).join(", ")}), but only ${o.took} left the shelf for it`, entities);
  }

  // 3. Units sold never exceed units physically received.
  const receipts = new Map<string, number>();
  for (const m of movements) if (m.kind === "receipt") receipts.set(m.sku, (receipts.get(m.sku) ?? 0) + m.delta);
  const sold = unitsSold(orders);
  for (const [sku, s] of [...sold].sort(([a], [b]) => cmp(a, b))) {
    const r = receipts.get(sku) ?? 0;
    if (s.units > r) v(`${sku}: ${s.units} units in ${s.orders.length} sold orders, only ${r} physically received (receipts; restocks and adjustments do not count)`, { sku, orders: s.orders.slice(0, 5).join(",") });
  }
  return verdictOf("stock-conserved", violations);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

