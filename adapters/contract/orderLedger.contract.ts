// The order ledger contract: every engine (memory, SQLite, a team's own) runs this same suite, so
// "append-only, deduped by event id, legal sequences only, atomic, with an outbox" means one thing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { IllegalTransition, InvalidInput } from "../../core/errors.ts";
import { BuyerId, CheckoutId, EventId, OrderId, ProviderRef, ReservationKey, Sku } from "../../core/ids.ts";
import { applyEvent, canApply, foldOrder, initialOrderState, type OrderState } from "../../core/orderLifecycle.ts";
import type { NewOrderEvent, OrderEvent, OrderEventBody, OrderEventType, OrderLedger } from "../../core/ports/orderLedger.ts";

type Make = (clock: ManualClock) => OrderLedger | Promise<OrderLedger>;

const usd = (amount: number) => ({ amount, currency: "USD" as const });

const bodies: Record<OrderEventType, OrderEventBody> = {
  OrderCreated: {
    type: "OrderCreated",
    checkoutId: CheckoutId("c1"),
    buyerId: BuyerId("b1"),
    lines: [{ sku: Sku("sku-1"), quantity: 2, unitPrice: usd(500), priceVersion: 1 }],
    total: usd(1000),
  },
  InventoryReserved: { type: "InventoryReserved", reservationKey: ReservationKey("c1:reserve") },
  PaymentAuthorized: { type: "PaymentAuthorized", providerRef: ProviderRef("pi_1"), amount: usd(1000) },
  OrderConfirmed: { type: "OrderConfirmed" },
  FulfillmentReleased: { type: "FulfillmentReleased" },
  PaymentCaptured: { type: "PaymentCaptured", providerRef: ProviderRef("pi_1"), amount: usd(1000) },
  PaymentVoided: { type: "PaymentVoided", providerRef: ProviderRef("pi_1") },
  RefundIssued: { type: "RefundIssued", providerRef: ProviderRef("pi_1"), amount: usd(250) },
  Backordered: { type: "Backordered", lines: [{ sku: Sku("sku-1"), quantity: 1 }] },
  OrderCancelled: { type: "OrderCancelled", reason: "buyer asked" },
};
const TYPES = Object.keys(bodies) as OrderEventType[];

const ev = (id: string, type: OrderEventType, over: Partial<Record<string, unknown>> = {}): NewOrderEvent =>
  ({ ...bodies[type], ...over, eventId: EventId(id) }) as NewOrderEvent;

const created = (id: string, checkoutId = "c1") => ev(id, "OrderCreated", { checkoutId: CheckoutId(checkoutId) });

async function outboxSize(l: OrderLedger): Promise<number> {
  return (await l.pendingOutbox(100_000)).length;
}

export function orderLedgerContract(name: string, make: Make): void {
  describe(`order ledger contract (${name})`, () => {
    const fresh = async () => {
      const clock = new ManualClock(1_000);
      return { clock, ledger: await make(clock) };
    };
    const o1 = OrderId("o1");

    it("appends events with sequences from 1 and the clock's time, and folds them into the order state", async () => {
      const { clock, ledger } = await fresh();
      const r1 = await ledger.append(o1, [created("e1")]);
      clock.advance(5);
      const r2 = await ledger.append(o1, [ev("e2", "InventoryReserved"), ev("e3", "PaymentAuthorized"), ev("e4", "OrderConfirmed")]);
      expect(r1).toEqual({ appended: [expect.objectContaining({ eventId: "e1", orderId: "o1", sequence: 1, at: 1_000, type: "OrderCreated" })], duplicates: 0 });
      expect(r2.appended.map((e) => [e.eventId, e.sequence, e.at])).toEqual([["e2", 2, 1_005], ["e3", 3, 1_005], ["e4", 4, 1_005]]);
      const events = await ledger.events(o1);
      expect(events).toEqual([...r1.appended, ...r2.appended]);
      expect(events[0]).toEqual({ ...bodies.OrderCreated, eventId: "e1", orderId: "o1", sequence: 1, at: 1_000 });
      expect(foldOrder(events)).toMatchObject({ status: "confirmed", inventoryReserved: true, authorized: true, total: usd(1000) });
      expect(await ledger.events(OrderId("unknown"))).toEqual([]);
    });

    it("keeps an order's tax lines and shipping line as written, and refuses an amount in another currency", async () => {
      const { ledger } = await fresh();
      const taxed = {
        lines: [
          { sku: Sku("sku-1"), quantity: 2, unitPrice: usd(500), priceVersion: 1, taxRateBps: 2000, tax: usd(200) },
          { sku: Sku("sku-2"), quantity: 1, unitPrice: usd(333), priceVersion: 3 },
        ],
        shipping: usd(495),
        total: usd(1000 + 200 + 333 + 495),
      };
      await ledger.append(o1, [ev("e1", "OrderCreated", taxed)]);
      const [stored] = await ledger.events(o1);
      expect(stored).toEqual({ ...bodies.OrderCreated, ...taxed, eventId: "e1", orderId: "o1", sequence: 1, at: 1_000 });
      expect(stored?.type === "OrderCreated" && stored.lines[1]).not.toHaveProperty("tax");
      const eur = { amount: 495, currency: "EUR" as const };
      await expect(ledger.append(OrderId("o2"), [ev("e2", "OrderCreated", { ...taxed, shipping: eur })])).rejects.toBeInstanceOf(InvalidInput);
      await expect(ledger.append(OrderId("o3"), [ev("e3", "OrderCreated", { ...taxed, lines: [{ ...taxed.lines[0], tax: { amount: 200, currency: "EUR" } }] })])).rejects.toBeInstanceOf(InvalidInput);
      await expect(ledger.append(OrderId("o4"), [ev("e4", "OrderCreated", { ...taxed, lines: [{ ...taxed.lines[0], taxRateBps: -5 }] })])).rejects.toBeInstanceOf(InvalidInput);
      expect(await ledger.orderIds()).toEqual(["o1"]);
    });

    it("treats a known event id as a no-op, within a batch, across calls and across orders", async () => {
      const { ledger } = await fresh();
      await ledger.append(o1, [created("e1")]);
      const again = await ledger.append(o1, [created("e1"), ev("e2", "InventoryReserved"), ev("e2", "InventoryReserved")]);
      expect(again.duplicates).toBe(2);
      expect(again.appended.map((e) => e.eventId)).toEqual(["e2"]);
      // A retry whose every event is known writes nothing, even when the events would now be illegal.
      expect(await ledger.append(o1, [created("e1"), ev("e2", "InventoryReserved")])).toEqual({ appended: [], duplicates: 2 });
      const other = await ledger.append(OrderId("o2"), [created("e1", "c2")]);
      expect(other).toEqual({ appended: [], duplicates: 1 });
      expect((await ledger.events(o1)).map((e) => e.eventId)).toEqual(["e1", "e2"]);
      expect(await ledger.orderIds()).toEqual(["o1"]);
      expect(await outboxSize(ledger)).toBe(2);
    });

    it("refuses an illegal sequence with IllegalTransition and writes nothing", async () => {
      const { ledger } = await fresh();
      await expect(ledger.append(o1, [ev("e0", "PaymentCaptured")])).rejects.toBeInstanceOf(IllegalTransition);
      expect(await ledger.orderIds()).toEqual([]);
      await ledger.append(o1, [created("e1")]);
      await expect(ledger.append(o1, [created("e1b")])).rejects.toBeInstanceOf(IllegalTransition);
      await expect(ledger.append(o1, [ev("e2", "FulfillmentReleased")])).rejects.toMatchObject({ _tag: "IllegalTransition", orderId: "o1", from: "created", event: "FulfillmentReleased" });
      expect((await ledger.events(o1)).map((e) => e.eventId)).toEqual(["e1"]);
      expect(await outboxSize(ledger)).toBe(1);
    });

    it("appends a batch atomically: one illegal event keeps the legal ones before it out too", async () => {
      const { ledger } = await fresh();
      await ledger.append(o1, [created("e1")]);
      await expect(ledger.append(o1, [ev("e2", "InventoryReserved"), ev("e3", "PaymentAuthorized"), ev("e4", "PaymentCaptured")])).rejects.toBeInstanceOf(IllegalTransition);
      expect((await ledger.events(o1)).map((e) => e.eventId)).toEqual(["e1"]);
      expect(await outboxSize(ledger)).toBe(1);
      // The ids of the refused batch are not burnt: a corrected retry writes them.
      const ok = await ledger.append(o1, [ev("e2", "InventoryReserved"), ev("e3", "PaymentAuthorized"), ev("e4", "OrderConfirmed")]);
      expect(ok.appended.map((e) => e.sequence)).toEqual([2, 3, 4]);
    });

    it("finds the order of a checkout through its OrderCreated event, and lists order ids sorted", async () => {
      const { ledger } = await fresh();
      await ledger.append(OrderId("o-b"), [created("b1", "cb")]);
      await ledger.append(OrderId("o-a"), [created("a1", "ca")]);
      expect(await ledger.findByCheckout(CheckoutId("ca"))).toBe("o-a");
      expect(await ledger.findByCheckout(CheckoutId("cb"))).toBe("o-b");
      expect(await ledger.findByCheckout(CheckoutId("nope"))).toBeUndefined();
      expect(await ledger.orderIds()).toEqual(["o-a", "o-b"]);
    });

    it("puts every appended event in the outbox, oldest first, until it is marked published", async () => {
      const { clock, ledger } = await fresh();
      await ledger.append(o1, [created("e1")]);
      await ledger.append(OrderId("o2"), [created("f1", "c2")]);
      await ledger.append(o1, [ev("e2", "InventoryReserved")]);
      const pending = await ledger.pendingOutbox(10);
      expect(pending.map((p) => [p.eventId, p.orderId, p.type, p.publishedAt])).toEqual([
        ["e1", "o1", "OrderCreated", null],
        ["f1", "o2", "OrderCreated", null],
        ["e2", "o1", "InventoryReserved", null],
      ]);
      const events = await ledger.events(o1);
      expect(JSON.parse(pending[0]!.payload)).toEqual(JSON.parse(JSON.stringify(events[0])));
      expect((await ledger.pendingOutbox(2)).map((p) => p.eventId)).toEqual(["e1", "f1"]);
      expect(await ledger.pendingOutbox(0)).toEqual([]);
      clock.advance(10);
      await ledger.markPublished([EventId("f1"), EventId("unknown")], clock.now());
      expect((await ledger.pendingOutbox(10)).map((p) => p.eventId)).toEqual(["e1", "e2"]);
      await ledger.markPublished([EventId("e1"), EventId("e2"), EventId("f1")], clock.now() + 1);
      expect(await ledger.pendingOutbox(10)).toEqual([]);
      await ledger.append(o1, [ev("e3", "PaymentAuthorized")]);
      expect((await ledger.pendingOutbox(10)).map((p) => p.eventId)).toEqual(["e3"]);
    });

    it("never hands out its internal state: mutating inputs or results leaves history unchanged", async () => {
      const { ledger } = await fresh();
      const input = { ...created("e1"), lines: [{ sku: Sku("sku-1"), quantity: 2, unitPrice: usd(500), priceVersion: 1 }] };
      const result = await ledger.append(o1, [input]);
      input.lines[0]!.quantity = 99;
      const list = await ledger.events(o1);
      list.push(list[0]!);
      try {
        (result.appended[0] as { sequence: number }).sequence = 7;
      } catch {
        // frozen: also fine
      }
      const again = await ledger.events(o1);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ sequence: 1, lines: [{ quantity: 2 }] });
      const pending = await ledger.pendingOutbox(10);
      try {
        (pending[0] as { publishedAt: number | null }).publishedAt = 5;
      } catch {
        // frozen: also fine
      }
      expect(await outboxSize(ledger)).toBe(1);
    });

    describe("bad input gets InvalidInput and writes nothing", () => {
      const long = "x".repeat(256);
      const cases: [string, () => [string, NewOrderEvent[]]][] = [
        ["empty order id", () => ["", [created("e1")]]],
        ["order id longer than 255", () => [long, [created("e1")]]],
        ["empty event id", () => ["o1", [created("")]]],
        ["event id longer than 255", () => ["o1", [created(long)]]],
        ["non-integer total", () => ["o1", [ev("e1", "OrderCreated", { total: usd(10.5) })]]],
        ["negative total", () => ["o1", [ev("e1", "OrderCreated", { total: usd(-1) })]]],
        ["unknown currency", () => ["o1", [ev("e1", "OrderCreated", { total: { amount: 1, currency: "XXX" } })]]],
        ["mixed currencies", () => ["o1", [ev("e1", "OrderCreated", { total: { amount: 1000, currency: "EUR" } })]]],
        ["zero quantity", () => ["o1", [ev("e1", "OrderCreated", { lines: [{ sku: "s", quantity: 0, unitPrice: usd(1), priceVersion: 1 }] })]]],
        ["no lines", () => ["o1", [ev("e1", "OrderCreated", { lines: [] })]]],
        ["empty checkout id", () => ["o1", [created("e1", "")]]],
        ["unknown event type", () => ["o1", [{ eventId: EventId("e1"), type: "Teleported" } as unknown as NewOrderEvent]]],
        ["bad event after a good one", () => ["o1", [created("e1"), ev("e2", "PaymentAuthorized", { amount: usd(1.25) })]]],
      ];
      for (const [label, args] of cases)
        it(label, async () => {
          const { ledger } = await fresh();
          const [orderId, events] = args();
          await expect(ledger.append(OrderId(orderId), events)).rejects.toBeInstanceOf(InvalidInput);
          expect(await ledger.orderIds()).toEqual([]);
          expect(await outboxSize(ledger)).toBe(0);
        });

      it("an amount in another currency than the order's", async () => {
        const { ledger } = await fresh();
        await ledger.append(o1, [created("e1")]);
        await expect(ledger.append(o1, [ev("e2", "PaymentAuthorized", { amount: { amount: 1000, currency: "EUR" } })])).rejects.toBeInstanceOf(InvalidInput);
        expect(await ledger.events(o1)).toHaveLength(1);
      });

      it("a negative outbox limit", async () => {
        const { ledger } = await fresh();
        await expect(ledger.pendingOutbox(-1)).rejects.toBeInstanceOf(InvalidInput);
      });
    });

    it("model-based: no command sequence mutates history, writes an illegal event or drifts from the fold", async () => {
      await checkOrderLedgerModel(make);
    });
  });
}

// ---- model-based test: a deliberately naive model of the ledger --------------------------------

/**
 * Runs random sequences of appends (legal, illegal, duplicate ids), reads and outbox publishes
 * against a fresh ledger per run, comparing with a naive model; rejects with the shrunk
 * counterexample. Exported so a deliberately broken ledger can show the check is able to fail.
 */
export async function checkOrderLedgerModel(make: Make, numRuns = 60): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(commandArbs, { maxCommands: 40 }), async (cmds) => {
      await fc.asyncModelRun(async () => ({ model: emptyModel(), real: await make(new ManualClock(0)) }), cmds);
    }),
    { numRuns },
  );
}

interface ModelOrder {
  ids: string[];
  state: OrderState;
}
interface Model {
  orders: Map<string, ModelOrder>;
  ids: Set<string>;
  total: number;
  published: number;
  /** What each order's events looked like when last read: later reads must extend it. */
  lastRead: Map<string, OrderEvent[]>;
}
const emptyModel = (): Model => ({ orders: new Map(), ids: new Set(), total: 0, published: 0, lastRead: new Map() });

type Cmd = fc.AsyncCommand<Model, OrderLedger>;

class AppendCmd implements Cmd {
  constructor(readonly orderId: string, readonly batch: readonly { id: string; type: OrderEventType }[]) {}
  check = () => true;
  async run(m: Model, r: OrderLedger): Promise<void> {
    const order = m.orders.get(this.orderId) ?? { ids: [], state: initialOrderState };
    const seen = new Set<string>();
    const written: string[] = [];
    let duplicates = 0;
    let state = order.state;
    let legal = true;
    for (const { id, type } of this.batch) {
      if (m.ids.has(id) || seen.has(id)) {
        duplicates++;
        continue;
      }
      seen.add(id);
      try {
        state = applyEvent(this.orderId, state, bodies[type]);
        written.push(id);
      } catch {
        legal = false;
        break;
      }
    }
    const before = await r.events(OrderId(this.orderId));
    const outboxBefore = await outboxSize(r);
    const attempt = r.append(OrderId(this.orderId), this.batch.map((e) => ev(e.id, e.type)));
    if (!legal) {
      await expect(attempt).rejects.toBeInstanceOf(IllegalTransition);
      expect(await r.events(OrderId(this.orderId))).toEqual(before);
      expect(await outboxSize(r)).toBe(outboxBefore);
      return;
    }
    const result = await attempt;
    expect(result.appended.map((e) => e.eventId)).toEqual(written);
    expect(result.duplicates).toBe(duplicates);
    for (const id of written) m.ids.add(id);
    if (written.length > 0) m.orders.set(this.orderId, { ids: [...order.ids, ...written], state });
    m.total += written.length;
    const after = await r.events(OrderId(this.orderId));
    expect(after.slice(0, before.length), "history before the append is a prefix of history after it").toEqual(before);
    expect(after.map((e) => e.eventId)).toEqual(m.orders.get(this.orderId)?.ids ?? []);
  }
  toString = () => `append(${this.orderId}, [${this.batch.map((e) => `${e.id}:${e.type}`).join(", ")}])`;
}

class ReadCmd implements Cmd {
  constructor(readonly orderId: string) {}
  check = () => true;
  async run(m: Model, r: OrderLedger): Promise<void> {
    const events = await r.events(OrderId(this.orderId));
    const previous = m.lastRead.get(this.orderId) ?? [];
    expect(events.slice(0, previous.length)).toEqual(previous);
    const order = m.orders.get(this.orderId);
    expect(events.map((e) => e.eventId)).toEqual(order?.ids ?? []);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(foldOrder(events)).toEqual(order?.state ?? initialOrderState);
    expect(await r.orderIds()).toEqual([...m.orders.keys()].sort());
    m.lastRead.set(this.orderId, events);
  }
  toString = () => `read(${this.orderId})`;
}

class PublishCmd implements Cmd {
  constructor(readonly count: number) {}
  check = () => true;
  async run(m: Model, r: OrderLedger): Promise<void> {
    const pending = await r.pendingOutbox(1_000);
    expect(pending).toHaveLength(m.total - m.published);
    const batch = pending.slice(0, this.count);
    await r.markPublished(batch.map((p) => p.eventId), 1);
    m.published += batch.length;
  }
  toString = () => `publish(${this.count})`;
}

/** Appends an event the lifecycle allows next (picked at run time from the model), so histories grow long. */
class AppendLegalCmd implements Cmd {
  constructor(readonly orderId: string, readonly id: string, readonly pick: number) {}
  check = () => true;
  async run(m: Model, r: OrderLedger): Promise<void> {
    const state = m.orders.get(this.orderId)?.state ?? initialOrderState;
    const allowed = TYPES.filter((t) => canApply(state, t));
    if (allowed.length === 0) return;
    await new AppendCmd(this.orderId, [{ id: this.id, type: allowed[this.pick % allowed.length]! }]).run(m, r);
  }
  toString = () => `appendLegal(${this.orderId}, ${this.id}, #${this.pick})`;
}

const orderIdArb = fc.constantFrom("o1", "o2");
/** A small id pool, so duplicates (in a batch, across calls, across orders) are common. */
const idArb = fc.constantFrom(...Array.from({ length: 30 }, (_, i) => `e${i + 1}`));
const eventArb = fc.record({ id: idArb, type: fc.constantFrom(...TYPES) });
const commandArbs = [
  fc.tuple(orderIdArb, fc.array(eventArb, { minLength: 1, maxLength: 4 })).map(([o, b]) => new AppendCmd(o, b)),
  fc.tuple(orderIdArb, eventArb.map((e) => ({ ...e, type: "OrderCreated" as const }))).map(([o, e]) => new AppendCmd(o, [e])),
  // Listed three times: legal appends are what make histories long enough to be worth mutating.
  ...Array.from({ length: 3 }, () => fc.tuple(orderIdArb, idArb, fc.nat({ max: 9 })).map(([o, id, pick]) => new AppendLegalCmd(o, id, pick))),
  orderIdArb.map((o) => new ReadCmd(o)),
  fc.nat({ max: 3 }).map((n) => new PublishCmd(n)),
];
