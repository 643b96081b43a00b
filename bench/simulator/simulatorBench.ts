// How fast the simulator runs checkouts, and what the harness costs: simulated checkouts per second
// on memory stores with every checker on, against the same checkouts run straight through the
// coordinator and the raw stores (no scheduler, no faults, no history).
import { Bench } from "tinybench";
import { CheckoutId, BuyerId, LocationId, MerchantId, Sku } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import { allMitigationsOn, type CheckoutDeps, type CheckoutRequest } from "../../core/checkout/deps.ts";
import { createMemoryStores } from "../../adapters/memory/index.ts";
import { ProviderModel } from "../../adapters/provider/model.ts";
import { LedgerPaymentService } from "../../adapters/payments/ledgerPaymentService.ts";
import { VirtualClock } from "../../simulator/clock.ts";
import { runScenario } from "../../simulator/run.ts";
import { referenceCoordinator } from "../../simulator/referenceCoordinator.ts";
import type { Scenario } from "../../simulator/scenario.ts";

export interface SimulatorBenchResult {
  readonly checkoutsPerSecond: number;
  readonly overheadRatio: number;
  readonly straightCheckoutsPerSecond: number;
  readonly checkoutsPerRun: number;
  readonly stepsPerSecond: number;
  readonly stepsPerCheckout: number;
}

export interface SuiteBenchResult {
  /** Worker threads the suite ran on. */
  readonly workers: number;
  /** Wall time of every scenario x `seeds` seeds on all workers. */
  readonly suiteSeconds: number;
  /** The same suite on one worker, divided by `suiteSeconds`. */
  readonly parallelSpeedup: number;
  readonly suiteSeeds: number;
}

/** A fault-free workload large enough that per-run setup does not dominate. */
const benchScenario: Scenario = {
  name: "bench",
  description: "fault-free checkouts for throughput",
  invariants: ["no-oversell", "no-double-charge", "one-order-per-checkout", "no-orphan-payment", "paid-orders-have-stock", "no-leaked-reservation", "events-published", "effects-once", "catalog-price", "ledger-append-only", "liveness"],
  workload: { buyers: 200, skus: 20, hotSkus: 5, stockPerSku: 1000, abandonRate: 0, declineRate: 0, arrivalWindowMs: 2000 },
  faults: {},
  timing: { safetyMs: 3000, livenessMs: 20000 },
};

async function straightCheckouts(count: number): Promise<void> {
  const clock = new VirtualClock(0);
  const stores = createMemoryStores(clock);
  const merchantId = MerchantId("m-1");
  const provider = new ProviderModel({ clock, merchants: [merchantId] });
  const deps: CheckoutDeps = {
    stores,
    payments: new LedgerPaymentService({ ledger: stores.payments, provider, merchantId, clock }),
    clock,
    merchantId,
    location: LocationId("loc-1"),
    holdMs: 4000,
    mitigations: allMitigationsOn,
  };
  const sku = Sku("sku-1");
  const price = money(1000, "USD");
  const product = await stores.catalog.upsertProduct({ sku, title: "Bench", description: "bench", price });
  await stores.inventory.recordMovement({ id: "r", sku, location: deps.location, kind: "receipt", delta: count * 2 });
  for (let i = 0; i < count; i++) {
    const request: CheckoutRequest = { checkoutId: CheckoutId(`c-${i}`), buyerId: BuyerId(`b-${i}`), currency: "USD", lines: [{ sku, quantity: 1, priceSnapshot: price, priceVersion: product.priceVersion }] };
    const handle = await referenceCoordinator.submit(deps, request, { policy: "reserve-before-payment", clock });
    await handle.outcome;
  }
}

export async function benchSimulator(options: { timeMs?: number } = {}): Promise<SimulatorBenchResult> {
  const timeMs = options.timeMs ?? 3000;
  let checkoutsPerRun = 0;
  let steps = 0;
  let seed = 1;
  const straightCount = 200;
  const bench = new Bench({ time: timeMs, warmupIterations: 1, iterations: 3 });
  bench
    .add("simulated", async () => {
      const r = await runScenario({ scenario: benchScenario, seed: seed++, recordOperations: false });
      checkoutsPerRun = r.stats.checkouts;
      steps = r.stats.steps;
    })
    .add("straight", async () => {
      await straightCheckouts(straightCount);
    });
  await bench.run();
  const [simulated, straight] = bench.tasks;
  const meanMs = (t: typeof simulated) => {
    const r = t?.result as { latency?: { mean?: number } } | undefined;
    return r?.latency?.mean ?? NaN;
  };
  const simPerSec = (checkoutsPerRun / meanMs(simulated)) * 1000;
  const straightPerSec = (straightCount / meanMs(straight)) * 1000;
  return {
    checkoutsPerSecond: Math.round(simPerSec),
    overheadRatio: Math.round((straightPerSec / simPerSec) * 100) / 100,
    straightCheckoutsPerSecond: Math.round(straightPerSec),
    checkoutsPerRun,
    stepsPerSecond: Math.round((steps / meanMs(simulated)) * 1000),
    stepsPerCheckout: Math.round(steps / Math.max(1, checkoutsPerRun)),
  };
}

/**
 * Every built-in scenario x `seeds` seeds, as `run` runs them (all checkers, histories recorded), once on
 * one worker and once on `workers`: the wall time a CI step would take, and what the threads buy.
 */
export async function benchSuite(options: { seeds?: number; workers?: number; onProgress?: (line: string) => void } = {}): Promise<SuiteBenchResult> {
  const { SCENARIOS } = await import("../../scenarios/index.ts");
  const { runJobs } = await import("../../simulator/workers/pool.ts");
  const { availableParallelism } = await import("node:os");
  const seeds = options.seeds ?? 100;
  const workers = options.workers ?? availableParallelism();
  const jobs = SCENARIOS.flatMap((s) => Array.from({ length: seeds }, (_, i) => ({ scenario: s.name, seed: i + 1, options: {}, checkDeterminism: false })));
  const timed = async (n: number) => {
    const started = performance.now();
    await runJobs(jobs, n, () => undefined, { threadForOne: true });
    return (performance.now() - started) / 1000;
  };
  options.onProgress?.(`suite: ${jobs.length} runs on ${workers} workers...`);
  const all = await timed(workers);
  options.onProgress?.(`suite: the same on 1 worker...`);
  const one = workers > 1 ? await timed(1) : all;
  return { workers, suiteSeconds: Math.round(all * 10) / 10, parallelSpeedup: Math.round((one / all) * 100) / 100, suiteSeeds: seeds };
}
