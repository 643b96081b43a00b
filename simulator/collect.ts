// Reads the final world straight from the unwrapped stores and the provider's ledger, after the run:
// checkers judge the truth, not what some process believed.
import type { Stores } from "../core/ports/index.ts";
import type { OrderEvent } from "../core/ports/orderLedger.ts";
import type { Reservation, StockMovement } from "../core/ports/inventory.ts";
import { factOf, type BuyerAnswer, type PriceChange, type PricingFacts, type StreamFact, type Submission, type WebhookFact, type World } from "../core/invariants/world.ts";
import type { CheckoutId } from "../core/ids.ts";
import type { ProviderModel } from "../adapters/provider/model.ts";

export interface CollectInput {
  readonly stores: Stores;
  readonly provider: ProviderModel;
  readonly now: number;
  readonly appended: readonly OrderEvent[];
  readonly priceChanges: readonly PriceChange[];
  /** Tax categories, rates and the shipping rule the world was set up with (catalog-price). */
  readonly pricing?: PricingFacts;
  readonly submissions: readonly Submission[];
  readonly effects: World["effects"];
  /** Consumer effects per business identity; absent for harnesses that do not count them. */
  readonly factEffects?: World["factEffects"];
  readonly outcomes: World["outcomes"];
  readonly answers: readonly BuyerAnswer[];
  readonly abandoned: readonly string[];
  readonly webhooks: readonly WebhookFact[];
  readonly clockJumps?: readonly { readonly at: number; readonly ms: number }[];
  /** Reservation key -> when the system's release call released it (as the harness observed). */
  readonly releasedAt?: Readonly<Record<string, number>>;
  readonly healed: boolean;
  readonly quiescent: boolean;
}

export async function collectWorld(input: CollectInput): Promise<World> {
  const { stores } = input;
  const levels = await stores.inventory.levels();
  const received: Record<string, number> = {};
  const movements: StockMovement[] = [];
  for (const l of levels) {
    const moves = await stores.inventory.movements(l.sku, l.location);
    movements.push(...moves);
    received[`${l.sku}@${l.location}`] = moves.filter((m) => m.kind !== "shipment").reduce((n, m) => n + m.delta, 0);
  }
  const commands = await stores.commands.all();
  const reservations = await allReservations(stores, [...input.submissions.map((s) => s.checkoutId), ...commands.map((c) => c.checkoutId)]);
  const orders: Record<string, OrderEvent[]> = {};
  for (const id of await stores.orders.orderIds()) orders[id] = await stores.orders.events(id);
  const published = new Set<string>();
  const eventBusinessKeys: Record<string, string> = {};
  const stream: StreamFact[] = [];
  for (let batch = await stores.events.poll("__checker__", 10_000); batch.length > 0; batch = await stores.events.poll("__checker__", 10_000)) {
    for (const d of batch) {
      published.add(d.eventId);
      const key = businessKey(d.payload);
      if (key !== undefined) eventBusinessKeys[d.eventId] = key;
      const fact = factOf(d.payload);
      stream.push({ messageId: d.eventId, offset: d.offset, topic: d.topic, ...(fact === undefined ? {} : { fact }) });
    }
    await stores.events.commitOffset("__checker__", batch[batch.length - 1]!.offset);
  }
  return {
    now: input.now,
    levels,
    received,
    reservations,
    orders,
    appended: input.appended,
    payments: await stores.payments.all(),
    charges: input.provider.charges(),
    commands,
    published,
    effects: input.effects,
    priceChanges: input.priceChanges,
    ...(input.pricing !== undefined ? { pricing: input.pricing } : {}),
    submissions: input.submissions,
    outcomes: input.outcomes,
    answers: input.answers,
    abandoned: input.abandoned,
    webhooks: input.webhooks,
    ...(input.clockJumps !== undefined ? { clockJumps: input.clockJumps } : {}),
    eventBusinessKeys,
    ...(input.releasedAt !== undefined ? { releasedAt: input.releasedAt } : {}),
    movements,
    stream,
    ...(input.factEffects === undefined ? {} : { factEffects: input.factEffects }),
    healed: input.healed,
    quiescent: input.quiescent,
  };
}

/**
 * Every reservation, from the inventory store itself. An adapter without `all()` is asked per checkout
 * id the buyers sent and the command records name (and their `~n` forms for rewritten ids).
 */
async function allReservations(stores: Stores, checkoutIds: readonly string[]): Promise<Reservation[]> {
  if (stores.inventory.all !== undefined) return stores.inventory.all();
  const reservations: Reservation[] = [];
  const seenKeys = new Set<string>();
  const ids = new Set(checkoutIds);
  for (const id of [...ids]) for (let n = 1; n <= 3; n++) ids.add(`${id.split("~")[0]}~${n}`);
  for (const id of [...ids].sort()) {
    for (const r of await stores.inventory.findByCheckout(id as CheckoutId)) {
      if (!seenKeys.has(r.key)) reservations.push(r);
      seenKeys.add(r.key);
    }
  }
  return reservations;
}

/** An event's business identity, `${orderId}:${type}`, from a JSON payload that names both. */
function businessKey(payload: string): string | undefined {
  try {
    const p = JSON.parse(payload) as { orderId?: unknown; type?: unknown };
    return typeof p.orderId === "string" && typeof p.type === "string" ? `${p.orderId}:${p.type}` : undefined;
  } catch {
    return undefined;
  }
}
