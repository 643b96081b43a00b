// One simulated run: build the world from the seed, let buyers, jobs and the nemesis act through the
// scheduler during a safety phase (faults on) and a liveness phase (faults healed), then judge the
// final world with the checkers. Same scenario + seed + options -> byte-identical trace.
import { keys, MerchantId, LocationId, Sku, BuyerId, CheckoutId, IdempotencyKey } from "../core/ids.ts";
import { money, type Currency } from "../core/money.ts";
import type { Stores } from "../core/ports/index.ts";
import type { PaymentProvider, WebhookEvent } from "../core/ports/paymentProvider.ts";
import type { OrderEvent, OrderLedger } from "../core/ports/orderLedger.ts";
import { mitigationsWithout, DEFAULT_POLICY, MITIGATIONS, type CheckoutDeps, type CheckoutRequest, type Mitigation, type ReservationPolicy } from "../core/checkout/deps.ts";
import { checkAll, clientCheckoutId, type CheckResult, type PriceChange, type Submission, type Violation, type World } from "../core/invariants/index.ts";
import { ProviderModel } from "../adapters/provider/model.ts";
import { LedgerPaymentService } from "../adapters/payments/ledgerPaymentService.ts";
import { VirtualClock } from "./clock.ts";
import { Faults, type FaultPlan } from "./faults.ts";
import { Harness, methodsOf, type ProcessRef } from "./harness.ts";
import { History } from "./history.ts";
import { rootRandom, hashString, type SeededRandom } from "./random.ts";
import { PctStrategy, RandomStrategy, Scheduler, type StrategyName } from "./scheduler.ts";
import { timingDefaults, workloadDefaults, type Scenario, type WorkloadConstraints } from "./scenario.ts";
import type { CheckoutHandleLike, Coordinator, TransitionTaken } from "./coordinator.ts";
import { referenceCoordinator } from "./referenceCoordinator.ts";
import { openStores, type StoresChoice } from "./stores.ts";
import { collectWorld } from "./collect.ts";
import { MonolithDb } from "../adapters/monolith/monolithDb.ts";
import { openDatabase } from "../adapters/sqlite/db.ts";
import { createMonolithCoordinator } from "./monolith/coordinator.ts";
import { MONOLITH_INVARIANTS, monolithOrders, monolithWorld } from "./monolith/collect.ts";

export interface RunOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  /** Overrides the scenario's policy. */
  readonly policy?: ReservationPolicy;
  /** `memory` (default), `sqlite`, or a factory for a team's own adapters. */
  readonly stores?: StoresChoice;
  /** Mitigations switched off, to prove the checkers catch their bugs. */
  readonly disable?: readonly Mitigation[];
  /** Draw the fault mix from the seed (swarm testing). */
  readonly swarm?: boolean;
  readonly strategy?: StrategyName;
  /** A team's own coordinator; default: the reference statecharts in core/checkout. */
  readonly coordinator?: Coordinator;
  /** Keep store and provider operations in the history (default true; benchmarks turn it off). */
  readonly recordOperations?: boolean;
  /** Shrinking overrides: a smaller workload or fault plan than the scenario's. */
  readonly workload?: WorkloadConstraints;
  readonly faults?: FaultPlan;
  /** Shrinking override: a shorter safety phase (fewer faulty steps). */
  readonly safetyMs?: number;
  /** Shrinking override: only these fault firing instances (`site#n`, see faults.ts) may fire. */
  readonly faultFirings?: readonly string[];
  /** Hard bound on scheduler steps per phase. Default 2,000,000. */
  readonly stepsMax?: number;
  /** `split` (the reference design, default) or `monolith` (the one-database baseline). */
  readonly architecture?: Architecture;
}

export const ARCHITECTURES = ["split", "monolith"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export interface Coverage {
  /** `machine: from --EVENT--> to` -> times taken. */
  readonly transitions: Record<string, number>;
  /** `state x fault site` -> times a fault hit a checkout in that state. */
  readonly stateFaults: Record<string, number>;
  /** Checkout process -> the transitions it took, in order (`machine: from --EVENT--> to`); the report draws one. */
  readonly paths?: Record<string, string[]>;
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: ReservationPolicy;
  readonly disabled: readonly Mitigation[];
  readonly check: CheckResult;
  readonly violations: readonly Violation[];
  readonly traceHash: string;
  readonly history: History;
  readonly coverage: Coverage;
  readonly faultMix: Record<string, number>;
  readonly stats: {
    readonly buyers: number;
    readonly checkouts: number;
    readonly outcomes: Record<string, number>;
    readonly steps: number;
    readonly virtualMs: number;
    readonly faultsFired: Record<string, number>;
  };
  /** One row per client checkout id, in order of first submission: what `compare` costs out. */
  readonly checkouts: readonly CheckoutFact[];
  /** The final world the checkers judged (orders, charges, stock levels, published event ids). */
  readonly world: World;
}

/** A checkout as its buyer lived it: first click, and how and when the coordinator ended it. */
export interface CheckoutFact {
  readonly checkoutId: string;
  readonly buyerId: string;
  /** What the buyer asked for. */
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
  /** Virtual ms of the buyer's first submission. */
  readonly submittedAt: number;
  /** Virtual ms when the checkout last reported an outcome (absent: it never ended). */
  readonly endedAt?: number;
  readonly outcome?: string;
  /** The machine's reason, e.g. `insufficient-stock`, `backordered`, `payment-unresolved`. */
  readonly reason?: string;
}

const MERCHANT = MerchantId("m-1");
const LOCATION = LocationId("loc-1");
const CURRENCY: Currency = "USD";
const JOB_PERIOD_MS = { expiry: 1000, reconcile: 1500, relay: 400, consumers: 500, webhooks: 250, nemesis: 1000, admin: 1200, janitor: 3000 } as const;
const CONSUMERS = ["email", "fulfillment"] as const;

/** Port method lists: the harness wraps exactly these, so adapters may carry other helpers. */
const PROVIDER_METHODS = ["authorize", "capture", "void", "refund", "retrieve", "searchByKey", "searchByReference"] as const;

export async function runScenario(options: RunOptions): Promise<RunResult> {
  const { scenario, seed } = options;
  const w = { ...workloadDefaults, ...scenario.workload, ...options.workload };
  const timing = { ...timingDefaults, ...scenario.timing, ...(options.safetyMs !== undefined ? { safetyMs: options.safetyMs } : {}) };
  const policy = options.policy ?? scenario.policy ?? DEFAULT_POLICY;
  const monolith = options.architecture === "monolith";
  const disabled = [...(options.disable ?? [])].sort();
  // The monolith has none of the split design's mitigations: no keys, no reservations, no jobs.
  const mitigations = mitigationsWithout(monolith ? MITIGATIONS : disabled);
  const coordinator = options.coordinator ?? (monolith ? createMonolithCoordinator(MERCHANT) : referenceCoordinator);
  const stepsMax = options.stepsMax ?? 2_000_000;

  const root = rootRandom(seed);
  const rng = {
    scheduler: root.fork("scheduler"),
    faults: root.fork("faults"),
    workload: root.fork("workload"),
  };
  const clock = new VirtualClock(0);
  const history = new History(options.recordOperations ?? true);
  const swarmMode = !!(options.swarm ?? scenario.swarm);
  history.add(0, "phase", "sim", "setup", { scenario: scenario.name, seed, policy, disabled, strategy: options.strategy ?? "random", swarm: swarmMode });
  const faults = new Faults(options.faults ?? scenario.faults, rng.faults, history, clock, swarmMode, options.faultFirings);
  const strategy = options.strategy === "pct" ? new PctStrategy(rng.scheduler) : new RandomStrategy(rng.scheduler);
  const scheduler = new Scheduler(clock, strategy, (step, ready) => history.add(clock.now(), "sched", step.process, step.label, { of: ready }));
  const harness = new Harness(scheduler, clock, faults, history, { storeTimeoutMs: timing.storeTimeoutMs, providerTimeoutMs: timing.providerTimeoutMs });

  const opened = openStores(options.stores ?? "memory", clock);
  const raw: Stores = opened.stores;
  const monolithConnection = monolith ? openDatabase(":memory:") : undefined;
  const monolithDb = monolithConnection ? new MonolithDb(monolithConnection, { clock }) : undefined;
  const appended: OrderEvent[] = [];
  const observed: Stores = { ...raw, orders: observeAppends(raw.orders, appended) };
  const provider = new ProviderModel({
    clock,
    merchants: [MERCHANT],
    declineWhen: (input) => hashString(`${seed}:${input.reference}`) / 4294967296 < w.declineRate,
  });

  // ---- world setup (before the run: not scheduled, not faulted) ----
  const skus = Array.from({ length: w.skus }, (_, i) => Sku(`sku-${i + 1}`));
  const priceChanges: PriceChange[] = [];
  for (const [i, sku] of skus.entries()) {
    const price = money(1000 + 250 * i, CURRENCY);
    const product = await raw.catalog.upsertProduct({ sku, title: `Product ${i + 1} ${WORDS[i % WORDS.length]}`, description: `A ${WORDS[(i + 3) % WORDS.length]} thing`, price });
    priceChanges.push({ sku, version: product.priceVersion, price, at: 0 });
    await raw.inventory.recordMovement({ id: `receipt-${sku}`, sku, location: LOCATION, kind: "receipt", delta: w.stockPerSku });
    await monolithDb?.stock(sku, w.stockPerSku);
  }

  // ---- coverage ----
  const transitions: Record<string, number> = {};
  const stateFaults: Record<string, number> = {};
  /** Each checkout process's current machine state, for state x fault coverage. */
  const checkoutState = new Map<string, string>();
  const paths: Record<string, string[]> = {};
  const onTransition = (t: TransitionTaken, process: string) => {
    const k = `${t.machineId}: ${t.from} --${t.event}--> ${t.to}`;
    transitions[k] = (transitions[k] ?? 0) + 1;
    (paths[process] ??= []).push(k);
  };
  faults.onFire = (site, process) => {
    const state = process.startsWith("checkout:") ? (checkoutState.get(process) ?? "starting") : process.split(":")[0]!;
    const k = `${state} x ${site}`;
    stateFaults[k] = (stateFaults[k] ?? 0) + 1;
  };

  // ---- the coordinator process: epochs, crash and recovery ----
  let epoch = 0;
  const live = new Map<string, CheckoutHandleLike>();
  const outcomes: Record<string, string> = {};
  // Kept beside `outcomes` (and never written to the trace) so the trace hash stays as it was.
  const ended: Record<string, { at: number; reason?: string }> = {};
  const processOf = (name: string, ofEpoch = epoch): ProcessRef => ({ name, get alive() { return ofEpoch === epoch; } });
  const foreverAlive = (name: string): ProcessRef => ({ name, alive: true });

  const methods = Object.fromEntries(STORE_NAMES.map((s) => [s, methodsOf(observed[s])])) as Record<keyof Stores, string[]>;
  const wrappedMonolith = (process: ProcessRef) => (monolithDb ? { monolith: harness.wrap("db", monolithDb, process) } : {});
  const depsFor = (process: ProcessRef): CheckoutDeps => {
    const stores = Object.fromEntries(STORE_NAMES.map((s) => [s, harness.wrap(s, observed[s], process, "store", methods[s])])) as unknown as Stores;
    const wrappedProvider = harness.wrap<PaymentProvider>("provider", provider, process, "provider", PROVIDER_METHODS);
    const payments = new LedgerPaymentService({ ledger: stores.payments, provider: wrappedProvider, merchantId: MERCHANT, clock });
    // `provider` and `monolith` are extras the monolith baseline reads; the reference ignores them.
    return { stores, payments, clock, merchantId: MERCHANT, location: LOCATION, holdMs: timing.holdMs, mitigations, provider: wrappedProvider, ...wrappedMonolith(process) } as unknown as CheckoutDeps;
  };

  const runOptions = (checkoutProcess: string) => ({
    policy,
    clock,
    onTransition: (t: TransitionTaken) => {
      checkoutState.set(checkoutProcess, t.to);
      onTransition(t, checkoutProcess);
    },
  });

  const track = (handle: CheckoutHandleLike, ofEpoch: number) => {
    live.set(handle.checkoutId, handle);
    handle.outcome.then(
      (o) => {
        if (ofEpoch !== epoch) return;
        outcomes[handle.checkoutId] = o.outcome;
        ended[handle.checkoutId] = o.reason === undefined ? { at: clock.now() } : { at: clock.now(), reason: o.reason };
        history.add(clock.now(), "note", `checkout:${handle.checkoutId}`, "outcome", o);
        if (live.get(handle.checkoutId) === handle) live.delete(handle.checkoutId);
      },
      () => undefined,
    );
    return handle;
  };

  /** Submits (or re-attaches to) a checkout on the current coordinator epoch. */
  const submit = async (request: CheckoutRequest): Promise<CheckoutHandleLike> => {
    const existing = live.get(request.checkoutId);
    if (existing && mitigations["checkout-key"]) return existing;
    const name = `checkout:${request.checkoutId}${request.submission && request.submission > 1 ? `#${request.submission}` : ""}`;
    const ofEpoch = epoch;
    const handle = await coordinator.submit(depsFor(processOf(name, ofEpoch)), request, runOptions(name));
    if (ofEpoch !== epoch) {
      handle.stop();
      throw new Error("coordinator crashed");
    }
    return track(handle, ofEpoch);
  };

  const crash = () => {
    epoch++;
    for (const h of live.values()) h.stop();
    live.clear();
    history.add(clock.now(), "note", "nemesis", "coordinator-crash", { epoch, inFlight: scheduler.pending });
    clock.setTimeout(() => void recover(epoch), 500); // allowed: the virtual clock
  };

  /**
   * Resumes unfinished checkouts that no live actor drives: after a crash all of them, and on the
   * janitor's rounds those idle for a while (a lost final save, a submit whose answer was lost).
   */
  const recover = async (ofEpoch: number, idleMs = 0) => {
    // The janitor outlives crashes (its queries must always end); a recovery belongs to its epoch.
    const p = idleMs > 0 ? foreverAlive("job:janitor") : processOf(`recovery#${ofEpoch}`, ofEpoch);
    const deps = depsFor(p);
    let unfinished;
    try {
      unfinished = await deps.stores.commands.unfinished();
    } catch {
      if (ofEpoch === epoch && idleMs === 0) clock.setTimeout(() => void recover(ofEpoch), 500); // allowed (virtual clock): try again later
      return;
    }
    const idle = unfinished.filter((c) => !live.has(c.checkoutId) && c.updatedAt <= clock.now() - idleMs);
    if (idle.length === 0) return;
    history.add(clock.now(), "note", p.name, "recover", { checkouts: idle.map((c) => c.checkoutId) });
    for (const command of idle) {
      if (ofEpoch !== epoch || live.has(command.checkoutId)) continue;
      const name = `checkout:${command.checkoutId}`;
      const handle = await coordinator.resume(depsFor(processOf(name, ofEpoch)), command, runOptions(name));
      if (ofEpoch !== epoch) return handle.stop();
      track(handle, ofEpoch);
    }
  };

  // ---- buyers ----
  const submissions: Submission[] = [];
  const requestedLines = new Map<string, CheckoutRequest["lines"]>();
  let buyersActive = 0;
  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(() => resolve(), ms)); // allowed: the virtual clock
  const withTimeout = <T,>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => undefined)]);
  /** Buyers retry a failed request a few times, like a browser would, then give up. */
  const attempt = async <T,>(fn: () => Promise<T>, tries = 3): Promise<T | undefined> => {
    for (let i = 0; i < tries; i++) {
      try {
        return await fn();
      } catch {
        await sleep(100 * (i + 1));
      }
    }
    return undefined;
  };

  const buyer = async (n: number, r: SeededRandom) => {
    buyersActive++;
    try {
      const buyerId = BuyerId(`b-${n}`);
      const p = foreverAlive(`buyer:${n}`);
      const deps = depsFor(p);
      await attempt(() => deps.stores.catalog.search(r.pick(WORDS)));
      const lineCount = r.between(1, w.linesMax);
      for (let i = 0; i < lineCount; i++) {
        const sku = r.chance(0.8) ? skus[r.int(Math.min(w.hotSkus, skus.length))]! : r.pick(skus);
        const product = await attempt(() => deps.stores.catalog.getProduct(sku));
        if (!product) continue;
        const quantity = r.between(1, w.quantityMax);
        await attempt(() => deps.stores.cart.addLine(buyerId, { sku, quantity, priceSnapshot: product.price, priceVersion: product.priceVersion }));
      }
      if (r.chance(w.abandonRate)) {
        history.add(clock.now(), "note", p.name, "abandon-cart");
        return;
      }
      await sleep(r.between(0, 1500)); // the buyer looks at the cart; prices may change meanwhile
      for (let round = 1; round <= 2; round++) {
        const cart = await attempt(() => deps.stores.cart.get(buyerId));
        if (!cart || cart.lines.length === 0) return;
        const checkoutId = CheckoutId(`c-${n}-${round}`);
        if (round === 1 && faults.fire("buyer.abandon", p.name, checkoutId)) {
          // Leaves at the payment page. Reserving before payment means the hold was taken when the
          // checkout began, and it sits until the expiry sweep; the other policies had reserved nothing yet.
          if (policy === "reserve-before-payment" && mitigations.reservation)
            await attempt(() => deps.stores.inventory.reserve({ key: keys.reserve(checkoutId), checkoutId, lines: cart.lines.map((l) => ({ sku: l.sku, location: LOCATION, quantity: l.quantity })), expiresAt: clock.now() + timing.holdMs }));
          return;
        }
        const outcome = await checkout(p.name, buyerId, checkoutId, cart.lines, r);
        if (outcome?.outcome === "confirmed") {
          await attempt(() => deps.stores.cart.clear(buyerId));
          return;
        }
        if (outcome?.reason !== "price-changed") return;
        // Reprice: the buyer is shown the new prices, accepts them, and checks out again.
        for (const line of cart.lines) {
          const product = await attempt(() => deps.stores.catalog.getProduct(line.sku));
          if (product) await attempt(() => deps.stores.cart.setQuantity(buyerId, line.sku, 0));
          if (product) await attempt(() => deps.stores.cart.addLine(buyerId, { sku: line.sku, quantity: line.quantity, priceSnapshot: product.price, priceVersion: product.priceVersion }));
        }
      }
    } finally {
      buyersActive--;
    }
  };

  const checkout = async (process: string, buyerId: BuyerId, checkoutId: CheckoutId, lines: CheckoutRequest["lines"], r: SeededRandom) => {
    const waitMs = timing.holdMs * 2;
    let result: { outcome: string; reason?: string } | undefined;
    const doubleClick = faults.fire("buyer.double-submit", process, checkoutId);
    requestedLines.set(checkoutId, lines);
    // Decided by hash, not by the PRNG, so a workload without backorders draws exactly as before.
    const acceptsBackorder = w.backorderRate > 0 && hashString(`${seed}:backorder:${checkoutId}`) / 4294967296 < w.backorderRate;
    for (let submission = 1; !result; submission++) {
      if (submission > 1 + w.buyerRetries) {
        // Out of patience while faults last: the buyer comes back once the network heals and asks
        // again with the same key (liveness is judged with faults healed).
        if (submission > 1 + w.buyerRetries + 5) break;
        while (faults.active) await sleep(1000);
      }
      const request: CheckoutRequest = { checkoutId, buyerId, currency: CURRENCY, lines, submission, ...(acceptsBackorder ? { allowBackorder: true } : {}) };
      submissions.push({ checkoutId, buyerId, at: clock.now(), submission });
      history.add(clock.now(), "invoke", process, "checkout", { checkoutId, submission });
      const pending = submit(request).then((h) => h.outcome);
      if (doubleClick && submission === 1) {
        const again: CheckoutRequest = { ...request, submission: 2 };
        submissions.push({ checkoutId, buyerId, at: clock.now(), submission: 2 });
        void submit(again).then((h) => h.outcome).catch(() => undefined);
        submission++;
      }
      result = await withTimeout(pending.catch(() => undefined), waitMs);
      history.add(clock.now(), result ? "ok" : "info", process, "checkout", result ?? "no answer");
    }
    void r;
    return result;
  };

  // ---- background jobs ----
  let jobsStopped = false;
  const every = (name: string, periodMs: number, body: (deps: CheckoutDeps, p: ProcessRef) => Promise<unknown>) => {
    const p = foreverAlive(name);
    const deps = depsFor(p);
    const tick = () => {
      if (jobsStopped) return;
      body(deps, p).catch(() => undefined).finally(() => {
        if (!jobsStopped) clock.setTimeout(tick, periodMs); // allowed: the virtual clock
      });
    };
    clock.setTimeout(tick, periodMs); // allowed: the virtual clock
  };

  if (mitigations["reservation-expiry"]) every("job:expiry", JOB_PERIOD_MS.expiry, (d) => d.stores.inventory.expireDue(clock.now()));

  if (mitigations.outbox)
    every("job:relay", JOB_PERIOD_MS.relay, async (d, p) => {
      const pending = await d.stores.orders.pendingOutbox(50);
      for (const entry of pending) {
        const event = { eventId: entry.eventId, topic: "orders", payload: entry.payload };
        await d.stores.events.publish(event);
        if (faults.fire("stream.duplicate", p.name, entry.eventId)) await d.stores.events.publish(event);
      }
      if (pending.length > 0) await d.stores.orders.markPublished(pending.map((e) => e.eventId), clock.now());
    });

  const effects: Record<string, Record<string, number>> = {};
  for (const consumer of CONSUMERS) {
    effects[consumer] = {};
    every(`consumer:${consumer}`, JOB_PERIOD_MS.consumers, async (d) => {
      const deliveries = await d.stores.events.poll(consumer, 50);
      for (const delivery of deliveries) {
        const effect = () => {
          const counts = effects[consumer]!;
          counts[delivery.eventId] = (counts[delivery.eventId] ?? 0) + 1;
        };
        if (mitigations["consumer-dedupe"]) await d.stores.events.consumeOnce(consumer, delivery.eventId, effect);
        else effect();
        await d.stores.events.commitOffset(consumer, delivery.offset);
      }
    });
  }

  if (mitigations.reconciliation)
    every("job:reconcile", JOB_PERIOD_MS.reconcile, async (d) => {
      for (const row of await d.stores.payments.needingReconciliation(20)) await d.payments.reconcile(row.key);
      // Orphans, found by provider reference: a checkout that ended without an order must hold no money.
      const provider = (d as SimDeps).provider;
      for (const command of await d.stores.commands.all()) {
        if (command.status !== "rejected" && command.status !== "compensated") continue;
        // A backorder ends "compensated" yet keeps its authorization to capture on shipment: not an orphan.
        const orderId = await d.stores.orders.findByCheckout(command.checkoutId);
        if (orderId !== undefined && (await d.stores.orders.events(orderId)).some((e) => e.type === "Backordered")) continue;
        for (const charge of await provider.searchByReference(MERCHANT, command.checkoutId)) {
          if (charge.status !== "authorized") continue;
          await d.payments.void({ checkoutId: command.checkoutId, key: IdempotencyKey(`${keys.void(command.checkoutId)}:${charge.id}`), providerRef: charge.id, amount: charge.amount });
        }
      }
    });

  const webhookQueue: WebhookEvent[] = [];
  every("webhooks", JOB_PERIOD_MS.webhooks, async (d, p) => {
    webhookQueue.push(...provider.takeOutbox());
    if (webhookQueue.length > 1 && faults.fire("webhook.reorder", p.name)) webhookQueue.reverse();
    const batch = webhookQueue.splice(0, webhookQueue.length);
    for (const event of batch) {
      if (faults.fire("webhook.delay", p.name, event.id)) {
        webhookQueue.push(event); // retried on a later tick
        continue;
      }
      await coordinator.handleWebhook(d, event).catch(() => webhookQueue.push(event));
      if (faults.fire("webhook.duplicate", p.name, event.id)) await coordinator.handleWebhook(d, event).catch(() => undefined);
    }
  });

  every("job:janitor", JOB_PERIOD_MS.janitor, () => recover(epoch, JOB_PERIOD_MS.janitor));

  every("nemesis", JOB_PERIOD_MS.nemesis, async (_d, p) => {
    if (faults.fire("coordinator.crash", p.name)) crash();
    if (faults.fire("clock.jump", p.name)) clock.jump(timing.holdMs + 1);
  });

  every("admin", JOB_PERIOD_MS.admin, async (d, p) => {
    if (!faults.fire("admin.price-change", p.name)) return;
    const sku = skus[rng.workload.int(Math.min(w.hotSkus + 1, skus.length))]!;
    const current = await d.stores.catalog.getProduct(sku);
    if (!current) return;
    const price = money(current.price.amount + 100 * rng.workload.between(1, 5), CURRENCY);
    const updated = await d.stores.catalog.setPrice(sku, price);
    priceChanges.push({ sku, version: updated.priceVersion, price, at: clock.now() });
  });

  // ---- buyers arrive ----
  for (let n = 1; n <= w.buyers; n++) {
    const r = rng.workload.fork(`buyer:${n}`);
    clock.setTimeout(() => void buyer(n, r), rng.workload.int(w.arrivalWindowMs)); // allowed: the virtual clock
  }

  // ---- safety phase, then liveness phase ----
  history.add(clock.now(), "phase", "sim", "safety", { faults: faults.mix() });
  await scheduler.run({ untilTime: timing.safetyMs, stepsMax });
  faults.heal();
  history.add(clock.now(), "phase", "sim", "liveness");
  const livenessEnd = timing.safetyMs + timing.livenessMs;
  const reason = await scheduler.run({ untilTime: livenessEnd, stepsMax, done: () => buyersActive === 0 && live.size === 0 });
  // Let holds expire and background jobs drain the outbox, reconciliation and webhooks.
  await scheduler.run({ untilTime: clock.now() + timing.holdMs + 4 * JOB_PERIOD_MS.reconcile, stepsMax });
  jobsStopped = true;
  history.add(clock.now(), "phase", "sim", "end", { liveness: reason });

  const collected: World = await collectWorld({
    stores: raw,
    provider,
    now: clock.now(),
    appended,
    priceChanges,
    submissions,
    effects,
    outcomes,
    healed: true,
    quiescent: reason === "done",
  });
  const world = monolithDb ? monolithWorld({ ...collected, commands: commandsFromOutcomes(submissions, outcomes) }, await monolithOrders(monolithDb, CURRENCY)) : collected;
  opened.close();
  monolithConnection?.close();
  const invariants = monolith ? scenario.invariants.filter((i) => MONOLITH_INVARIANTS.includes(i)) : scenario.invariants;
  const check = checkAll(world, invariants);
  const violations = check.verdicts.flatMap((v) => v.violations);
  history.add(clock.now(), "phase", "sim", "verdict", { valid: check.valid, violations: violations.length });

  const outcomeCounts: Record<string, number> = {};
  for (const o of Object.values(outcomes)) outcomeCounts[o] = (outcomeCounts[o] ?? 0) + 1;
  return {
    scenario: scenario.name,
    seed,
    policy,
    disabled,
    check,
    violations,
    traceHash: history.hash(),
    history,
    coverage: { transitions: sortKeys(transitions), stateFaults: sortKeys(stateFaults), paths },
    faultMix: faults.mix(),
    stats: {
      buyers: w.buyers,
      checkouts: new Set(submissions.map((s) => s.checkoutId)).size,
      outcomes: sortKeys(outcomeCounts),
      steps: scheduler.steps,
      virtualMs: clock.now(),
      faultsFired: sortKeys(Object.fromEntries(faults.fired)),
    },
    checkouts: checkoutFacts(submissions, requestedLines, outcomes, ended),
    world,
  };
}

/** Joins first submissions with the outcomes, which are keyed by coordinator checkout id (`c-1~2` without checkout keys). */
function checkoutFacts(submissions: readonly Submission[], requested: ReadonlyMap<string, CheckoutRequest["lines"]>, outcomes: Readonly<Record<string, string>>, ended: Readonly<Record<string, { at: number; reason?: string }>>): CheckoutFact[] {
  type Fact = { -readonly [K in keyof CheckoutFact]: CheckoutFact[K] };
  const facts = new Map<string, Fact>();
  for (const s of submissions) {
    if (facts.has(s.checkoutId)) continue;
    const lines = (requested.get(s.checkoutId) ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity }));
    facts.set(s.checkoutId, { checkoutId: s.checkoutId, buyerId: s.buyerId, lines, submittedAt: s.at });
  }
  for (const [id, outcome] of Object.entries(outcomes)) {
    const fact = facts.get(clientCheckoutId(id));
    const end = ended[id];
    if (!fact || !end) continue;
    // Several coordinator checkouts for one client id (keys off): a confirmation is what the buyer saw.
    if (fact.outcome === "confirmed" && outcome !== "confirmed") continue;
    fact.outcome = outcome;
    fact.endedAt = end.at;
    if (end.reason === undefined) delete fact.reason;
    else fact.reason = end.reason;
  }
  return [...facts.values()];
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

/** Deps as the simulator builds them: the reference reads CheckoutDeps; jobs and the monolith also reach the provider. */
type SimDeps = CheckoutDeps & { readonly provider: PaymentProvider };

const STORE_NAMES = ["catalog", "cart", "inventory", "orders", "payments", "events", "commands"] as const satisfies readonly (keyof Stores)[];

/** The monolith keeps no checkout records; its buyers' submissions and answers stand in for them. */
function commandsFromOutcomes(submissions: readonly Submission[], outcomes: Readonly<Record<string, string>>): World["commands"] {
  const seen = new Map<string, Submission>();
  for (const s of submissions) if (!seen.has(s.checkoutId)) seen.set(s.checkoutId, s);
  return [...seen.values()].map((s) => ({
    checkoutId: CheckoutId(s.checkoutId),
    buyerId: BuyerId(s.buyerId),
    requestHash: "",
    request: "",
    status: (outcomes[s.checkoutId] as "confirmed" | "rejected" | "compensated" | undefined) ?? "running",
    snapshot: null,
    createdAt: s.at,
    updatedAt: s.at,
  }));
}

const sortKeys = <T,>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const WORDS = ["red", "linen", "shirt", "oak", "lamp", "wool", "socks", "steel", "kettle", "blue"] as const;
