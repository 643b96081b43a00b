// The crash test's victim: writes checkouts to a SQLite file in an endless loop, one transaction per
// store step as the coordinator would, and prints a line after each commit, so the parent that kills
// it with SIGKILL knows what must have survived. Run: node --import tsx crashChild.ts FILE TAG SEED
import { writeSync } from "node:fs";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, CheckoutId, EventId, keys, MerchantId, ProviderRef } from "../../core/ids.ts";
import type { NewOrderEvent, OrderLine } from "../../core/ports/orderLedger.ts";
import { CRASH_CONSUMER, CRASH_INITIAL_STOCK, CRASH_LOCATION, CRASH_SKUS, mulberry32, openCrashStores } from "./crashWorkload.ts";

const [file, tag, seedText] = process.argv.slice(2);
if (!file || !tag || !seedText) throw new Error("usage: crashChild.ts FILE TAG SEED");
const random = mulberry32(Number(seedText));
const int = (n: number) => Math.floor(random() * n);
const clock = new ManualClock(1_000_000 * Number(seedText));
const s = openCrashStores(file, clock);
const merchant = MerchantId("m-crash");
const shipped = s.db.prepare("INSERT INTO crash_shipments (event_id) VALUES (?)");

/** Printed only after the write it names has committed: the parent's list of what must survive. */
const committed = (...fields: string[]) => writeSync(1, `${fields.join(" ")}\n`);

for (const sku of CRASH_SKUS) await s.inventory.recordMovement({ id: `initial:${sku}`, sku, location: CRASH_LOCATION, kind: "receipt", delta: CRASH_INITIAL_STOCK });
committed("READY");

for (let i = 0; ; i++) {
  clock.advance(1);
  const checkoutId = CheckoutId(`${tag}-${i}`);
  const orderId = keys.order(checkoutId);
  const event = (type: string) => EventId(`${orderId}:${type}`);
  const skus = CRASH_SKUS.filter(() => random() < 0.5);
  const lines: OrderLine[] = (skus.length > 0 ? skus : [CRASH_SKUS[int(4)]!]).map((sku) => ({
    sku,
    quantity: 1 + int(3),
    unitPrice: { amount: 100 * (1 + int(50)), currency: "EUR" },
    priceVersion: 1,
  }));
  const total = { amount: lines.reduce((sum, l) => sum + l.quantity * l.unitPrice.amount, 0), currency: "EUR" as const };

  if (i % 8 === 7) {
    const restock = await s.inventory.recordMovement({ id: `restock:${checkoutId}`, sku: CRASH_SKUS[int(4)]!, location: CRASH_LOCATION, kind: "receipt", delta: 10 });
    committed("I", restock.id);
  }

  const request = JSON.stringify({ checkoutId, lines });
  await s.commands.submit({ checkoutId, buyerId: BuyerId(`buyer-${int(20)}`), requestHash: `hash:${request.length}:${i}`, request });
  committed("C", checkoutId);

  const reservationKey = keys.reserve(checkoutId);
  const reserved = await s.inventory.reserve({
    key: reservationKey,
    checkoutId,
    lines: lines.map((l) => ({ sku: l.sku, location: CRASH_LOCATION, quantity: l.quantity })),
    expiresAt: clock.now() + 1_000_000,
  });
  if (!reserved.ok) {
    await s.commands.save(checkoutId, { status: "rejected", snapshot: '{"value":"outOfStock"}' });
    committed("D", checkoutId, "rejected");
    continue;
  }
  committed("R", reservationKey);

  await s.orders.append(orderId, [{ type: "OrderCreated", eventId: event("OrderCreated"), checkoutId, buyerId: BuyerId("b"), lines, total }]);
  committed("E", event("OrderCreated"));

  const authKey = keys.authorize(checkoutId);
  await s.payments.begin({ merchantId: merchant, key: authKey, operation: "authorize", requestHash: `auth:${total.amount}`, amount: total, checkoutId, orderId });
  committed("B", authKey);
  const approved = random() < 0.85;
  const providerRef = ProviderRef(`pi_${tag}_${i}`);
  await s.payments.record(merchant, authKey, approved ? { status: "succeeded", providerRef, response: `{"id":"${providerRef}"}` } : { status: "failed", response: '{"error":"declined"}' });
  committed("P", authKey, approved ? "succeeded" : "failed");

  const more: NewOrderEvent[] = approved
    ? [
        { type: "InventoryReserved", eventId: event("InventoryReserved"), reservationKey },
        { type: "PaymentAuthorized", eventId: event("PaymentAuthorized"), providerRef, amount: total },
        { type: "OrderConfirmed", eventId: event("OrderConfirmed") },
      ]
    : [{ type: "OrderCancelled", eventId: event("OrderCancelled"), reason: "payment declined" }];
  await s.orders.append(orderId, more);
  for (const e of more) committed("E", e.eventId);

  if (approved) {
    await s.inventory.commit(reservationKey);
    committed("K", reservationKey);
  } else {
    await s.inventory.release(reservationKey);
    committed("L", reservationKey);
  }

  const pending = await s.orders.pendingOutbox(20);
  for (const p of pending) {
    await s.events.publish({ eventId: p.eventId, topic: "orders", payload: p.payload });
    committed("S", p.eventId);
  }
  await s.orders.markPublished(pending.map((p) => p.eventId), clock.now());
  committed("M", ...pending.map((p) => p.eventId));

  const deliveries = await s.events.poll(CRASH_CONSUMER, 20);
  for (const d of deliveries) await s.events.consumeOnce(CRASH_CONSUMER, d.eventId, () => void shipped.run(d.eventId));
  const last = deliveries.at(-1);
  if (last) await s.events.commitOffset(CRASH_CONSUMER, last.offset);

  await s.commands.save(checkoutId, { status: approved ? "confirmed" : "compensated", snapshot: `{"value":"${approved ? "confirmed" : "compensated"}"}` });
  committed("D", checkoutId, approved ? "confirmed" : "compensated");
}
