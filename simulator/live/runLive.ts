// One live run: the same scenario workload, fault plan, system under test, harness processes, history,
// collection and checkers as runScenario (simulator/run.ts), but on real engines, real time and real
// concurrency. Buyers are concurrent async tasks over real connections; faults fire at the client side
// of each port (simulator/live/liveHarness.ts) and by crashing the coordinator (a new process epoch
// that resumes unfinished commands, simulator/system.ts). Not deterministic: the seed decides the
// workload and which faults fire at each opportunity, not the interleaving, so there is no trace hash.
import { DEFAULT_POLICY, type Mitigation, type ReservationPolicy } from "../../core/checkout/deps.ts";
import type { Sku } from "../../core/ids.ts";
import type { CheckResult, Violation, World } from "../../core/invariants/index.ts";
import type { Stores } from "../../core/ports/index.ts";
import type { OrderEvent } from "../../core/ports/orderLedger.ts";
import type { WebhookEvent } from "../../core/ports/paymentProvider.ts";
import { checkStores } from "../conventions.ts";
import { CONSUMERS, type Consumers } from "../consumers.ts";
import type { Coordinator } from "../coordinator.ts";
import { Faults, type FaultPlan } from "../faults.ts";
import { History } from "../history.ts";
import { rootRandom } from "../random.ts";
import { systemOf } from "../monolith/coordinator.ts";
import type { Architecture } from "../run.ts";
import { sortKeys, workloadProvider, type CheckoutFact } from "../run.ts";
import { judgeRun, observeStores, startProcesses } from "../runParts.ts";
import type { RunContext } from "../runContext.ts";
import { timingDefaults, workloadDefaults, type Scenario, type WorkloadConstraints } from "../scenario.ts";
import type { WebhookDelivery } from "../webhookDelivery.ts";
import { seedWorld } from "../worldSetup.ts";
import { LiveHarness } from "./liveHarness.ts";
import { openLiveStores, type LiveEndpoints, type LiveEngine, type LiveStores, type StoreEngines } from "./liveStores.ts";
import { RealClock } from "./realClock.ts";

export interface LiveRunOptions {
  readonly scenario: Scenario;
  /** Decides the workload and the fault choices; not the interleaving. */
  readonly seed: number;
  /** Where the stores live; `sqlite` only with `open` (openLiveStores has no SQLite set). */
  readonly engine: LiveEngine | "sqlite";
  readonly endpoints?: LiveEndpoints;
  /** The safety phase (faults on), in real ms. Default: the scenario's safety phase. Buyers arrive within it. */
  readonly durationMs?: number;
  readonly policy?: ReservationPolicy;
  readonly disable?: readonly Mitigation[];
  readonly swarm?: boolean;
  readonly workload?: WorkloadConstraints;
  readonly faults?: FaultPlan;
  readonly coordinator?: Coordinator;
  /** Bound on the liveness phase (faults healed), real ms. Default: the scenario's. */
  readonly livenessMs?: number;
  /** How long a caller waits for a real (not fault-delayed) answer before it times out. Default 2000 ms. */
  readonly callTimeoutMs?: number;
  /** `split` (the reference, default) or `monolith` (the one-database baseline; `open` must give its database). */
  readonly architecture?: Architecture;
  /** Opens the run's stores instead of `openLiveStores(engine)` (e.g. SQLite, the monolith, counted handles). */
  readonly open?: (clock: RealClock) => Promise<LiveStores>;
  /**
   * Told when a phase begins (`safety` after the world is set up, before any buyer arrives; `end` when the
   * system has stopped, before collection) with the stores and the catalog's SKUs: where a caller
   * starts and stops load of its own (compare's catalog crawler) or reads its meters. Awaited.
   */
  readonly onPhase?: (phase: LivePhase, world: { readonly stores: Stores; readonly skus: readonly Sku[] }) => void | Promise<void>;
}

export type LivePhase = "safety" | "liveness" | "drain" | "end";

export interface LiveRunResult {
  readonly mode: "live";
  readonly deterministic: false;
  readonly scenario: string;
  readonly seed: number;
  readonly engine: LiveEngine | "sqlite";
  readonly architecture: Architecture;
  readonly stores: StoreEngines;
  readonly policy: ReservationPolicy;
  readonly disabled: readonly Mitigation[];
  readonly check: CheckResult;
  readonly violations: readonly Violation[];
  readonly history: History;
  readonly faultMix: Record<string, number>;
  readonly stats: {
    readonly buyers: number;
    readonly checkouts: number;
    readonly outcomes: Record<string, number>;
    /** Port calls made through the live harness (each an invoke in the history). */
    readonly operations: number;
    /** Faults fired, all sites together, and per site. */
    readonly faults: number;
    readonly faultsFired: Record<string, number>;
    /** Real calls slower than their caller's timeout without an injected fault. */
    readonly slowCalls: number;
    /** Real time of port calls that reached an engine, ms. */
    readonly callMs: { readonly p50: number; readonly p99: number; readonly max: number };
    readonly crashes: number;
    /** Real ms of each phase. */
    readonly safetyMs: number;
    readonly livenessMs: number;
    readonly drainMs: number;
    readonly elapsedMs: number;
    /** "done": every checkout ended once faults healed; "time": the liveness bound ran out. */
    readonly liveness: "done" | "time";
    /** The world was settled when collected (no open command, outbox, hold, webhook or unconsumed event). */
    readonly settled: boolean;
  };
  readonly checkouts: readonly CheckoutFact[];
  readonly world: World;
  /** The provider's own record of every money step (authorized, declined, captured, voided, refunded) and when. */
  readonly providerEvents: readonly WebhookEvent[];
}

/** Default wait for a real answer (see LiveHarnessOptions.callTimeoutMs). */
export const CALL_TIMEOUT_MS = 2000;
/** How often the liveness and drain phases look at the world. */
const LOOK_EVERY_MS = 100;
/** After the buyers are done: bound on waiting for holds, the outbox, webhooks and consumers to settle. */
const DRAIN_JOB_ROUNDS_MS = 4 * 1500;
/** After the run: how long to wait for calls still in flight to come back before collecting. */
const IN_FLIGHT_GRACE_MS = 3000;

/** Waits real time, whatever jumps the run's clock makes. */
const wallSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)); // live mode: real time
const wallNow = () => performance.now(); // live mode: real time

export async function runLive(options: LiveRunOptions): Promise<LiveRunResult> {
  const { scenario, seed, engine } = options;
  const started = wallNow();
  const baseTiming = { ...timingDefaults, ...scenario.timing };
  const durationMs = options.durationMs ?? baseTiming.safetyMs;
  const timing = { ...baseTiming, safetyMs: durationMs, ...(options.livenessMs !== undefined ? { livenessMs: options.livenessMs } : {}) };
  const merged = { ...workloadDefaults, ...scenario.workload, ...options.workload };
  const workload = { ...merged, arrivalWindowMs: Math.min(merged.arrivalWindowMs, durationMs) };
  const policy = options.policy ?? scenario.policy ?? DEFAULT_POLICY;
  const disabled = [...(options.disable ?? [])].sort();
  const architecture = options.architecture ?? "split";
  const { mitigations, coordinator } = systemOf(architecture, disabled, options.coordinator);
  if (options.open === undefined && engine === "sqlite") throw new Error("runLive: engine sqlite needs `open` (openLiveStores has no SQLite set)");

  const root = rootRandom(seed);
  const clock = new RealClock();
  const history = new History(true);
  const swarm = !!(options.swarm ?? scenario.swarm);
  history.add(0, "phase", "live", "setup", { scenario: scenario.name, seed, policy, disabled, engine, architecture, swarm, durationMs, deterministic: false });
  const faults = new Faults(options.faults ?? scenario.faults, root.fork("faults"), history, clock, swarm);
  const harness = new LiveHarness(clock, faults, history, { storeTimeoutMs: timing.storeTimeoutMs, providerTimeoutMs: timing.providerTimeoutMs, callTimeoutMs: options.callTimeoutMs ?? CALL_TIMEOUT_MS });
  const ctx: RunContext = { seed, workload, timing, policy, mitigations, clock, history, faults, scheduler: harness, harness, rng: { workload: root.fork("workload") } };

  const opened = options.open ? await options.open(clock) : await openLiveStores(engine as LiveEngine, clock, options.endpoints ?? {});
  try {
    const monolithDb = architecture === "monolith" ? opened.monolith : undefined;
    if (architecture === "monolith" && monolithDb === undefined) throw new Error("runLive: the monolith architecture needs `open` to give its database (LiveStores.monolith)");
    const raw: Stores = opened.stores;
    checkStores(raw);
    const stores = observeStores(raw, clock);
    const leavesAtPaymentPage = new Set<string>();
    const provider = workloadProvider(seed, workload, clock, leavesAtPaymentPage);
    const seeded = await seedWorld(ctx, raw, monolithDb);
    const phase = async (p: LivePhase) => options.onPhase?.(p, { stores: raw, skus: seeded.skus });

    const processes = startProcesses(ctx, { coordinator, stores, provider, world: seeded, leavesAtPaymentPage, ...(monolithDb ? { monolithDb } : {}) });
    const { buyers, system, webhooks, consumers } = processes;
    await phase("safety");
    buyers.arrive();

    // ---- safety phase: faults on, for the duration ----
    history.add(clock.now(), "phase", "live", "safety", { faults: faults.mix() });
    const safetyStart = wallNow();
    await wallSleep(durationMs);
    faults.heal();

    // ---- liveness phase: faults healed; every checkout must end (buyers answered, no unfinished record,
    // no webhook the provider is still redelivering), as in a simulated run ----
    history.add(clock.now(), "phase", "live", "liveness");
    await phase("liveness");
    const livenessStart = wallNow();
    let liveness: "done" | "time" = "time";
    while (wallNow() - livenessStart < timing.livenessMs) {
      if (buyers.busy === 0 && system.liveCheckouts === 0 && webhooks.pending === 0 && (await raw.commands.unfinished()).length === 0) {
        liveness = "done";
        break;
      }
      await wallSleep(LOOK_EVERY_MS);
    }

    // ---- drain: the system's jobs settle holds, the outbox and reconciliation; webhooks and consumers catch up ----
    await phase("drain");
    const drainStart = wallNow();
    let settled = false;
    while (wallNow() - drainStart < timing.holdMs + DRAIN_JOB_ROUNDS_MS) {
      if (await isSettled(raw, provider, webhooks, consumers, stores.appended)) {
        settled = true;
        break;
      }
      await wallSleep(LOOK_EVERY_MS);
    }
    processes.stop();
    const drainEnd = wallNow();
    await harness.idle(IN_FLIGHT_GRACE_MS);
    harness.close();
    history.add(clock.now(), "phase", "live", "end", { liveness, settled });
    await phase("end");

    // ---- collection and judgement, exactly as a simulated run ----
    const { check, violations, world, checkouts, outcomes } = await judgeRun(ctx, { architecture, invariants: scenario.invariants, raw, stores, provider, world: seeded, processes, ...(monolithDb ? { monolithDb } : {}), quiescent: liveness === "done" });
    history.add(clock.now(), "phase", "live", "verdict", { valid: check.valid, violations: violations.length });

    const calls = harness.stats();
    const faultsFired = sortKeys(Object.fromEntries(faults.fired));
    return {
      mode: "live",
      deterministic: false,
      scenario: scenario.name,
      seed,
      engine,
      architecture,
      stores: opened.engines,
      policy,
      disabled,
      check,
      violations,
      history,
      faultMix: faults.mix(),
      stats: {
        buyers: workload.buyers,
        checkouts: checkouts.length,
        outcomes,
        operations: calls.operations,
        faults: Object.values(faultsFired).reduce((a, b) => a + b, 0),
        faultsFired,
        slowCalls: calls.slowCalls,
        callMs: calls.callMs,
        crashes: faultsFired["coordinator.crash"] ?? 0,
        safetyMs: Math.round(livenessStart - safetyStart),
        livenessMs: Math.round(drainStart - livenessStart),
        drainMs: Math.round(drainEnd - drainStart),
        elapsedMs: Math.round(wallNow() - started),
        liveness,
        settled,
      },
      checkouts,
      world,
      providerEvents: provider.events(),
    };
  } finally {
    clock.close();
    await opened.close();
  }
}

/**
 * Nothing left for the system's jobs or the harness's processes to do: no unfinished command, no
 * pending outbox entry, no hold still held, every webhook acknowledged or given up, no payment still
 * processing at the provider, every appended event effected by every consumer. Reads only, straight
 * from the stores, as the collector does.
 */
async function isSettled(raw: Stores, provider: ReturnType<typeof workloadProvider>, webhooks: WebhookDelivery, consumers: Consumers, appended: readonly OrderEvent[]): Promise<boolean> {
  if ((await raw.commands.unfinished()).length > 0) return false;
  if ((await raw.orders.pendingOutbox(1)).length > 0) return false;
  if (raw.inventory.all !== undefined && (await raw.inventory.all()).some((r) => r.status === "held")) return false;
  const facts = webhooks.results();
  if (facts.length < provider.events().length || facts.some((f) => !f.acknowledged && !f.gaveUp)) return false;
  if (provider.charges().some((c) => c.status === "processing")) return false;
  const effects = consumers.results();
  for (const consumer of CONSUMERS) for (const e of appended) if ((effects[consumer]?.[e.eventId] ?? 0) === 0) return false;
  return true;
}
