// One simulated run, as a sequence: build the world from the seed, start the system under test (its
// coordinator and the jobs it declares) and the harness's own processes (buyers, provider webhooks,
// downstream consumers, nemesis), run a safety phase (faults on) and a liveness phase (faults healed),
// then collect the final world from the stores and the provider's ledger and judge it. Same scenario
// + seed + options -> byte-identical trace. The parts live beside this file: runContext.ts,
// worldSetup.ts, system.ts, buyers.ts, webhookDelivery.ts, consumers.ts, nemesis.ts, collect.ts.
import type { Clock } from "../core/clock.ts";
import type { Stores } from "../core/ports/index.ts";
import { DEFAULT_POLICY, type CheckoutRequest, type Mitigation, type ReservationPolicy } from "../core/checkout/deps.ts";
import type { BuyerAnswer, CheckResult, Submission, Violation, World } from "../core/invariants/index.ts";
import { extraAuthorizationsVoided } from "../core/invariants/noDoubleCharge.ts";
import { ProviderModel } from "../adapters/provider/model.ts";
import { VirtualClock } from "./clock.ts";
import { Faults, type FaultPlan } from "./faults.ts";
import { Harness } from "./harness.ts";
import { History } from "./history.ts";
import { rootRandom, hashString } from "./random.ts";
import { PctStrategy, RandomStrategy, Scheduler, type StrategyName } from "./scheduler.ts";
import { timingDefaults, workloadDefaults, type Scenario, type WorkloadConstraints } from "./scenario.ts";
import type { Coordinator, TransitionTaken } from "./coordinator.ts";
import { openStores, type StoresChoice } from "./stores.ts";
import { MonolithDb } from "../adapters/monolith/monolithDb.ts";
import { sqliteSql } from "../adapters/monolith/sql.ts";
import { openDatabase } from "../adapters/sqlite/db.ts";
import { systemOf } from "./monolith/coordinator.ts";
import { MERCHANT, type RunContext } from "./runContext.ts";
import { seedWorld } from "./worldSetup.ts";
import { checkStores } from "./conventions.ts";
import { judgeRun, observeStores, startProcesses, type Judgement } from "./runParts.ts";
import { exercisedBy } from "../core/exercised/index.ts";

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
  /** What interprets the checkout machine (CheckoutDeps.interpreter): default its transition table; `"xstate"` an actor per checkout. */
  readonly interpreter?: "table" | "xstate";
  /** Keep store and provider operations in the history (default true; benchmarks turn it off). */
  readonly recordOperations?: boolean;
  /** Shrinking overrides: a smaller workload or fault plan than the scenario's. */
  readonly workload?: WorkloadConstraints;
  readonly faults?: FaultPlan;
  /** Shrinking override: a shorter safety phase (fewer faulty steps). */
  readonly safetyMs?: number;
  /** Shrinking override: only these fault firing instances (`SITE@PROCESS/DETAIL#N`, see faults.ts) may fire. */
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
    /** Authorizations beyond a checkout's first that were voided, never captured: held on the card for a while, no money lost. */
    readonly extraAuthorizationsVoided: number;
  };
  /** One row per client checkout id, in order of first submission: what `compare` costs out. */
  readonly checkouts: readonly CheckoutFact[];
  /** The final world the checkers judged (orders, charges, stock levels, published event ids). */
  readonly world: World;
  /**
   * The exercised conditions (core/exercised) this run's history shows, in catalogue order. Empty when
   * operations were not recorded (`recordOperations: false`): then nothing can be said.
   */
  readonly exercised: readonly string[];
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

/** After the liveness phase: long enough for holds to expire and jobs to drain the outbox, reconciliation and webhooks. */
const DRAIN_JOB_ROUNDS_MS = 4 * 1500;
/** While unfinished checkouts remain after the buyers are done, look again this often. */
const SETTLE_CHECK_MS = 1000;

export async function runScenario(options: RunOptions): Promise<RunResult> {
  const { scenario, seed } = options;
  const workload = { ...workloadDefaults, ...scenario.workload, ...options.workload };
  const timing = { ...timingDefaults, ...scenario.timing, ...(options.safetyMs !== undefined ? { safetyMs: options.safetyMs } : {}) };
  const policy = options.policy ?? scenario.policy ?? DEFAULT_POLICY;
  const monolith = options.architecture === "monolith";
  const disabled = [...(options.disable ?? [])].sort();
  const { mitigations, coordinator } = systemOf(options.architecture, disabled, options.coordinator);
  const stepsMax = options.stepsMax ?? 2_000_000;

  // ---- the run's shared context: random streams, time, scheduler, faults, harness, history ----
  const root = rootRandom(seed);
  const clock = new VirtualClock(0);
  const history = new History(options.recordOperations ?? true);
  const swarmMode = !!(options.swarm ?? scenario.swarm);
  history.add(0, "phase", "sim", "setup", { scenario: scenario.name, seed, policy, disabled, strategy: options.strategy ?? "random", swarm: swarmMode });
  const faults = new Faults(options.faults ?? scenario.faults, root.fork("faults"), history, clock, swarmMode, options.faultFirings);
  const schedulerRandom = root.fork("scheduler");
  const strategy = options.strategy === "pct" ? new PctStrategy(schedulerRandom) : new RandomStrategy(schedulerRandom);
  const scheduler = new Scheduler(clock, strategy, (step, ready) => history.add(clock.now(), "sched", step.process, step.label, { of: ready }));
  const harness = new Harness(scheduler, clock, faults, history, { storeTimeoutMs: timing.storeTimeoutMs, providerTimeoutMs: timing.providerTimeoutMs });
  const ctx: RunContext = { seed, workload, timing, policy, mitigations, clock, history, faults, scheduler, harness, rng: { workload: root.fork("workload") } };

  // ---- the stores and the provider ----
  const opened = openStores(options.stores ?? "memory", clock, harness.simContext());
  const raw: Stores = opened.stores;
  try {
    checkStores(raw);
  } catch (e) {
    opened.close();
    throw e;
  }
  const monolithConnection = monolith ? openDatabase(":memory:") : undefined;
  const monolithDb = monolithConnection ? await MonolithDb.open(sqliteSql(monolithConnection), { clock }) : undefined;
  const closeAll = () => {
    opened.close();
    monolithConnection?.close();
  };
  const stores = observeStores(raw, clock);
  const leavesAtPaymentPage = new Set<string>();
  const provider = workloadProvider(seed, workload, clock, leavesAtPaymentPage);
  const seeded = await seedWorld(ctx, raw, monolithDb);

  // ---- coverage: transitions taken, and which machine state each fault hit ----
  const transitions: Record<string, number> = {};
  const stateFaults: Record<string, number> = {};
  const checkoutState = new Map<string, string>();
  const paths: Record<string, string[]> = {};
  faults.onFire = (site, process) => {
    const state = process.startsWith("checkout:") ? (checkoutState.get(process) ?? "starting") : process.split(":")[0]!;
    const k = `${state} x ${site}`;
    stateFaults[k] = (stateFaults[k] ?? 0) + 1;
  };
  const onTransition = (t: TransitionTaken, process: string) => {
    checkoutState.set(process, t.to);
    const k = `${t.machineId}: ${t.from} --${t.event}--> ${t.to}`;
    transitions[k] = (transitions[k] ?? 0) + 1;
    (paths[process] ??= []).push(k);
  };

  // ---- the system under test, and the harness's own processes around it ----
  const processes = startProcesses(ctx, {
    coordinator,
    stores,
    provider,
    world: seeded,
    leavesAtPaymentPage,
    ...(monolithDb ? { monolithDb } : {}),
    onTransition,
    ...(options.interpreter === undefined ? {} : { interpreter: options.interpreter }),
  });
  const { buyers, system, webhooks } = processes;
  buyers.arrive();

  // ---- safety phase, then liveness phase, then a drain ----
  history.add(clock.now(), "phase", "sim", "safety", { faults: faults.mix() });
  await scheduler.run({ untilTime: timing.safetyMs, stepsMax });
  faults.heal();
  history.add(clock.now(), "phase", "sim", "liveness");
  const livenessEnd = timing.safetyMs + timing.livenessMs;
  let reason = await scheduler.run({ untilTime: livenessEnd, stepsMax, done: () => buyers.busy === 0 && system.liveCheckouts === 0 });
  // Buyers are done; checkouts nobody waits for (a buyer who left, work the system resumed on its own)
  // may still run, as the command records say (read unwrapped, as the checkers read them), and the
  // provider may still be redelivering webhooks.
  const unsettled = async () => webhooks.pending > 0 || (await raw.commands.unfinished()).length > 0;
  while (reason === "done" && (await unsettled())) {
    if (clock.now() >= livenessEnd) reason = "time";
    else {
      const chunk = await scheduler.run({ untilTime: Math.min(clock.now() + SETTLE_CHECK_MS, livenessEnd), stepsMax });
      if (chunk !== "time") reason = chunk;
    }
  }
  await scheduler.run({ untilTime: clock.now() + timing.holdMs + DRAIN_JOB_ROUNDS_MS, stepsMax });
  processes.stop();
  history.add(clock.now(), "phase", "sim", "end", { liveness: reason });

  // ---- collection and judgement ----
  let judged: Judgement;
  try {
    judged = await judgeRun(ctx, { architecture: options.architecture, invariants: scenario.invariants, raw, stores, provider, world: seeded, processes, ...(monolithDb ? { monolithDb } : {}), quiescent: reason === "done" });
  } finally {
    closeAll();
  }
  const { check, violations, world, checkouts } = judged;
  history.add(clock.now(), "phase", "sim", "verdict", { valid: check.valid, violations: violations.length });
  let traceHash: string | undefined;
  return {
    scenario: scenario.name,
    seed,
    policy,
    disabled,
    check,
    violations,
    // Hashing every entry costs about as much as a tenth of a run; most callers (a passing cell of
    // `run`) never read it, so it is computed on first read, from the finished history.
    get traceHash() {
      return (traceHash ??= history.hash());
    },
    history,
    coverage: { transitions: sortKeys(transitions), stateFaults: sortKeys(stateFaults), paths },
    faultMix: faults.mix(),
    stats: {
      buyers: workload.buyers,
      checkouts: checkouts.length,
      outcomes: judged.outcomes,
      steps: scheduler.steps,
      virtualMs: clock.now(),
      faultsFired: sortKeys(Object.fromEntries(faults.fired)),
      extraAuthorizationsVoided: extraAuthorizationsVoided(world),
    },
    checkouts,
    world,
    exercised: history.recordOperations ? exercisedBy(history.entries) : [],
  };
}

/**
 * The payment provider as the workload sees it. Cards decline, ask for 3-D Secure or settle later by
 * hash of the checkout (not the PRNG), so a workload without them draws exactly as before; a buyer who
 * leaves at the payment page is one whose card asked for a confirmation they never gave.
 */
export function workloadProvider(seed: number, workload: typeof workloadDefaults, clock: Clock, leavesAtPaymentPage: ReadonlySet<string>): ProviderModel {
  const drawn = (what: string, reference: string, rate: number) => rate > 0 && hashString(`${seed}:${what}${reference}`) / 4294967296 < rate;
  return new ProviderModel({
    clock,
    merchants: [MERCHANT],
    processingMs: workload.processingMs,
    declineWhen: (input) => drawn("", input.reference, workload.declineRate),
    pendingWhen: (input) =>
      leavesAtPaymentPage.has(input.reference) || drawn("3ds:", input.reference, workload.paymentActionRate)
        ? "requires_action"
        : drawn("processing:", input.reference, workload.processingRate)
          ? "processing"
          : undefined,
  });
}

/** One row per client checkout id: its first click and the last final answer its buyer was told. */
export function checkoutFacts(submissions: readonly Submission[], requested: ReadonlyMap<string, CheckoutRequest["lines"]>, answers: readonly BuyerAnswer[]): CheckoutFact[] {
  type Fact = { -readonly [K in keyof CheckoutFact]: CheckoutFact[K] };
  const facts = new Map<string, Fact>();
  for (const s of submissions) {
    if (facts.has(s.checkoutId)) continue;
    const lines = (requested.get(s.checkoutId) ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity }));
    facts.set(s.checkoutId, { checkoutId: s.checkoutId, buyerId: s.buyerId, lines, submittedAt: s.at });
  }
  for (const a of answers) {
    const fact = facts.get(a.checkoutId);
    if (!fact || a.answer === "no-answer") continue;
    fact.outcome = a.answer;
    fact.endedAt = a.at;
    if (a.reason === undefined) delete fact.reason;
    else fact.reason = a.reason;
  }
  return [...facts.values()];
}

export const sortKeys = <T,>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

