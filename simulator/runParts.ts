// The parts a simulated run (run.ts) and a live run (live/runLive.ts) share, so the two cannot drift
// apart: the stores as the checkers observe them, the system and the harness's processes around it,
// and the collection and judgement at the end. Only time differs: the scheduler's virtual clock, or
// real time in live mode.
import type { Clock } from "../core/clock.ts";
import { checkAll, type CheckResult, type Violation, type World } from "../core/invariants/index.ts";
import type { Stores } from "../core/ports/index.ts";
import type { InventoryStore } from "../core/ports/inventory.ts";
import type { OrderEvent, OrderLedger } from "../core/ports/orderLedger.ts";
import type { MonolithDb } from "../adapters/monolith/monolithDb.ts";
import type { ProviderModel } from "../adapters/provider/model.ts";
import { Buyers } from "./buyers.ts";
import { collectWorld } from "./collect.ts";
import { Consumers } from "./consumers.ts";
import { checkOrders } from "./conventions.ts";
import type { Coordinator, TransitionTaken } from "./coordinator.ts";
import { methodsOf } from "./harness.ts";
import { judgedInvariants, monolithJudgedWorld } from "./monolith/collect.ts";
import { startAdmin, startNemesis } from "./nemesis.ts";
import type { Architecture, CheckoutFact } from "./run.ts";
import { checkoutFacts, sortKeys } from "./run.ts";
import { foreverAlive, type RunContext } from "./runContext.ts";
import { SystemUnderTest } from "./system.ts";
import { WebhookDelivery } from "./webhookDelivery.ts";
import type { SeededWorld } from "./worldSetup.ts";

/** The stores the system is given, observed: every appended event and when each hold was first released. */
export interface ObservedStores {
  readonly observed: Stores;
  readonly appended: OrderEvent[];
  readonly releasedAt: Record<string, number>;
}

export function observeStores(raw: Stores, clock: Clock): ObservedStores {
  const appended: OrderEvent[] = [];
  const releasedAt: Record<string, number> = {};
  return { observed: { ...raw, orders: observeAppends(raw.orders, appended), inventory: observeReleases(raw.inventory, releasedAt, clock) }, appended, releasedAt };
}

/** Records every event the ledger reports appended, so ledger-append-only can check it later. */
function observeAppends(ledger: OrderLedger, sink: OrderEvent[]): OrderLedger {
  const observed: Record<string, unknown> = {};
  for (const m of methodsOf(ledger)) observed[m] = (ledger as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.bind(ledger);
  observed["append"] = async (orderId: Parameters<OrderLedger["append"]>[0], events: Parameters<OrderLedger["append"]>[1]) => {
    const result = await ledger.append(orderId, events);
    sink.push(...result.appended);
    return result;
  };
  return observed as unknown as OrderLedger;
}

/**
 * Records when each hold was first released by the system's own release call (prompt-release judges
 * the delay between a failure answer and the release). Observes the answer; changes nothing.
 */
function observeReleases(inventory: InventoryStore, sink: Record<string, number>, clock: Clock): InventoryStore {
  const observed: Record<string, unknown> = {};
  for (const m of methodsOf(inventory)) observed[m] = (inventory as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.bind(inventory);
  observed["release"] = async (key: Parameters<InventoryStore["release"]>[0]) => {
    const result = await inventory.release(key);
    if (result.ok && result.reservation.status === "released" && sink[key] === undefined) sink[key] = clock.now();
    return result;
  };
  return observed as unknown as InventoryStore;
}

export interface ProcessesOptions {
  readonly coordinator: Coordinator;
  readonly stores: ObservedStores;
  readonly provider: ProviderModel;
  readonly world: Pick<SeededWorld, "skus" | "priceChanges">;
  readonly leavesAtPaymentPage: Set<string>;
  readonly monolithDb?: MonolithDb;
  readonly onTransition?: (t: TransitionTaken, process: string) => void;
  readonly interpreter?: "table" | "xstate";
}

/** The system under test and the harness's processes around it, started (buyers arrive when the caller says). */
export interface RunProcesses {
  readonly system: SystemUnderTest;
  readonly buyers: Buyers;
  readonly webhooks: WebhookDelivery;
  readonly consumers: Consumers;
  readonly clockJumps: ReturnType<typeof startNemesis>;
  /** Every process stops: the system's jobs, webhooks, consumers, the nemesis and the admin. */
  stop(): void;
}

export function startProcesses(ctx: RunContext, o: ProcessesOptions): RunProcesses {
  const { harness } = ctx;
  const { observed } = o.stores;
  const monolithDb = o.monolithDb;
  const system = new SystemUnderTest(ctx, {
    coordinator: o.coordinator,
    stores: observed,
    provider: o.provider,
    ...(monolithDb ? { extras: (p) => ({ monolith: harness.wrap("db", monolithDb, p) }) } : {}),
    ...(o.onTransition ? { onTransition: o.onTransition } : {}),
    ...(o.interpreter === undefined ? {} : { interpreter: o.interpreter }),
  });
  const eventsMethods = methodsOf(observed.events);
  const catalogMethods = methodsOf(observed.catalog);
  const buyers = new Buyers(ctx, system, observed, o.world.skus, o.provider, o.leavesAtPaymentPage);
  const webhooks = new WebhookDelivery(ctx, o.provider, system);
  const consumers = new Consumers(ctx, (p) => harness.wrap("events", observed.events, foreverAlive(p), "store", eventsMethods));
  let running = true;
  const isRunning = () => running;
  system.startJobs();
  webhooks.start(isRunning);
  consumers.start(isRunning);
  const clockJumps = startNemesis(ctx, system, isRunning);
  startAdmin(ctx, (p) => ({ catalog: harness.wrap("catalog", observed.catalog, foreverAlive(p), "store", catalogMethods) }), o.world.skus, o.world.priceChanges, isRunning);
  return {
    system,
    buyers,
    webhooks,
    consumers,
    clockJumps,
    stop() {
      running = false;
      system.stop();
    },
  };
}

export interface JudgeInput {
  readonly architecture: Architecture | undefined;
  readonly invariants: Parameters<typeof judgedInvariants>[1];
  /** The stores unwrapped: the checkers read them as they end, never through the harness. */
  readonly raw: Stores;
  readonly stores: ObservedStores;
  readonly provider: ProviderModel;
  readonly world: Pick<SeededWorld, "priceChanges" | "pricing">;
  readonly processes: RunProcesses;
  readonly monolithDb?: MonolithDb;
  /** Every checkout ended once faults healed (liveness is judged only then). */
  readonly quiescent: boolean;
}

export interface Judgement {
  readonly world: World;
  readonly check: CheckResult;
  readonly violations: readonly Violation[];
  readonly checkouts: readonly CheckoutFact[];
  /** How many checkouts ended in each outcome, as their buyers were told. */
  readonly outcomes: Record<string, number>;
}

/** Collects the final world from the stores, the provider and what buyers were told, and judges it. */
export async function judgeRun(ctx: RunContext, j: JudgeInput): Promise<Judgement> {
  const { buyers, consumers, system, webhooks, clockJumps } = j.processes;
  const records = buyers.records;
  const collected = await collectWorld({
    stores: j.raw,
    provider: j.provider,
    now: ctx.clock.now(),
    appended: j.stores.appended,
    priceChanges: j.world.priceChanges,
    pricing: j.world.pricing,
    submissions: records.submissions,
    effects: consumers.results(),
    factEffects: consumers.factResults(),
    outcomes: system.outcomes,
    answers: records.answers,
    abandoned: records.abandoned,
    webhooks: webhooks.results(),
    clockJumps,
    releasedAt: j.stores.releasedAt,
    healed: true,
    quiescent: j.quiescent,
  });
  const world = j.monolithDb ? await monolithJudgedWorld(collected, j.monolithDb, records) : collected;
  checkOrders(world.orders, records.submissions);
  const check = checkAll(world, judgedInvariants(j.architecture, j.invariants));
  const violations = check.verdicts.flatMap((v) => v.violations);
  const checkouts = checkoutFacts(records.submissions, records.requestedLines, records.answers);
  const outcomes: Record<string, number> = {};
  for (const c of checkouts) if (c.outcome !== undefined) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
  return { world, check, violations, checkouts, outcomes: sortKeys(outcomes) };
}
