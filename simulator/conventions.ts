// The few conventions a team's system must follow for the harness to run and judge it (docs/api.md
// lists them). A system that breaks one is refused with an error naming the convention, before or
// after the run, never judged with a false violation.
import type { Stores } from "../core/ports/index.ts";
import { clientCheckoutId, type Submission } from "../core/invariants/world.ts";
import type { OrderEvent } from "../core/ports/orderLedger.ts";
import type { Coordinator } from "./coordinator.ts";

export class ConventionError extends Error {
  readonly _tag = "ConventionError";
  constructor(message: string) {
    super(`checkout-sim convention broken: ${message}`);
  }
}

/** The port methods the harness itself calls: world setup, the storefront, consumers, recovery, collection. */
export const HARNESS_CALLS: Readonly<Record<keyof Stores, readonly string[]>> = {
  catalog: ["upsertProduct", "getProduct", "search", "setPrice"],
  cart: ["get", "addLine", "setQuantity", "clear"],
  inventory: ["recordMovement", "levels", "movements", "findByCheckout"],
  orders: ["orderIds", "events"],
  payments: ["all"],
  events: ["poll", "commitOffset", "consumeOnce"],
  commands: ["unfinished", "all"],
};

export function checkStores(stores: Stores): void {
  for (const [store, methods] of Object.entries(HARNESS_CALLS) as [keyof Stores, readonly string[]][]) {
    const s = (stores as Partial<Stores>)[store] as unknown as Record<string, unknown> | undefined;
    if (s === undefined || s === null) throw new ConventionError(`the stores factory returned no \`${store}\` store (all seven ports are required)`);
    for (const m of methods) if (typeof s[m] !== "function") throw new ConventionError(`stores.${store} has no ${m}() method, which the harness calls`);
  }
}

export function checkCoordinator(coordinator: Coordinator): void {
  for (const m of ["submit", "resume", "handleWebhook"] as const)
    if (typeof coordinator[m] !== "function") throw new ConventionError(`the coordinator has no ${m}() method`);
  const names = new Set<string>();
  for (const job of coordinator.jobs ?? []) {
    if (typeof job.name !== "string" || job.name.length === 0) throw new ConventionError("a system job has no name");
    if (names.has(job.name)) throw new ConventionError(`two system jobs are named "${job.name}"`);
    names.add(job.name);
    if (!Number.isFinite(job.periodMs) || job.periodMs <= 0) throw new ConventionError(`system job "${job.name}" has periodMs ${job.periodMs}; it must be a positive number of ms`);
    if (typeof job.run !== "function") throw new ConventionError(`system job "${job.name}" has no run() function`);
  }
}

/** Orders carry the client's checkout id (optionally `~n` suffixed): how a checker ties an order to a buyer. */
export function checkOrders(orders: Readonly<Record<string, readonly OrderEvent[]>>, submissions: readonly Submission[]): void {
  const submitted = new Set(submissions.map((s) => s.checkoutId));
  for (const [orderId, events] of Object.entries(orders)) {
    const created = events.find((e) => e.type === "OrderCreated") as { checkoutId?: string } | undefined;
    if (created?.checkoutId === undefined) continue;
    if (!submitted.has(clientCheckoutId(created.checkoutId)))
      throw new ConventionError(`order ${orderId} carries checkout id "${created.checkoutId}", which no buyer submitted: OrderCreated.checkoutId must be the client's checkout id (a "~n" suffix is allowed)`);
  }
}
