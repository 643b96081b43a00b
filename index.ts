// The public API of checkout-sim, listed by hand: run the scenarios and checkers against your own
// store adapters or your own coordinator, the way Jepsen tests real databases.
export { runScenario, ARCHITECTURES } from "./simulator/run.ts";
export type { RunOptions, RunResult, Coverage, Architecture } from "./simulator/run.ts";
export type { Scenario, WorkloadConstraints, TimingConstraints } from "./simulator/scenario.ts";
export { FAULT_SITES, firingsOf, parseFiringId } from "./simulator/faults.ts";
export type { FaultPlan, FaultSite, FiringId } from "./simulator/faults.ts";
export type { Coordinator, CheckoutHandleLike, CoordinatorRunOptions, TransitionTaken, TimerClock, SystemJob } from "./simulator/coordinator.ts";
export { referenceCoordinator } from "./simulator/referenceCoordinator.ts";
export { coordinatorFromMachine } from "./simulator/machineCoordinator.ts";
export type { MachineCoordinator, MachineCoordinatorOptions } from "./simulator/machineCoordinator.ts";
// The step library and building blocks for a team's own statechart (docs/api.md, examples/own-machine/).
export { STEPS, STEP_CONTRACTS, checkoutSetup, createCheckoutMachine } from "./core/checkout/machine.ts";
export type { StepName } from "./core/checkout/machine.ts";
export { MachineBindingError, OUTCOMES } from "./core/checkout/bindMachine.ts";
export type { MachineStep, StepLibrary } from "./core/checkout/bindMachine.ts";
export { initialContext, ok, result } from "./core/checkout/context.ts";
export type { CheckoutContext, CheckoutInput, CheckoutResult, CheckoutEvent, ContextPatch, StepKind, StepResult } from "./core/checkout/context.ts";
export { withContract } from "./core/checkout/contract.ts";
export type { TransitionContract, RetryPolicy, StrictStates } from "./core/checkout/contract.ts";
export { lintMachine, formatFinding } from "./core/checkout/lint.ts";
export { describeMachine } from "./core/checkout/describe.ts";
export { referenceJobs, expirySweep, reconciliation, outboxRelay, janitor } from "./core/checkout/jobs.ts";
export { directContext, RoundTripLost } from "./simulator/harness.ts";
export type { SimContext } from "./simulator/harness.ts";
export { ConventionError, HARNESS_CALLS } from "./simulator/conventions.ts";
export { BUYER_PORTS } from "./simulator/buyers.ts";
export { STORE_ENGINES } from "./simulator/stores.ts";
export type { StoresFactory, StoresChoice, OpenedStores } from "./simulator/stores.ts";
export { shrink, counterexample, describeShrink, SHRINK_DIMENSIONS } from "./simulator/shrink.ts";
export type { ShrinkResult, ShrinkConstraints, ShrinkSize, ShrinkDimension } from "./simulator/shrink.ts";
export { slice, operations, formatStep } from "./simulator/counterexample.ts";
export type { Slice, Step, Operation } from "./simulator/counterexample.ts";
export { History } from "./simulator/history.ts";
export type { HistoryEntry, EntryType } from "./simulator/history.ts";
export { STRATEGIES } from "./simulator/scheduler.ts";
export type { StrategyName } from "./simulator/scheduler.ts";
export { replayCommand, WORKLOAD_FLAGS } from "./simulator/replayCommand.ts";
export { SCENARIOS, findScenario } from "./scenarios/index.ts";
export { EXERCISED_CONDITIONS, EXERCISE_NAMES, exercisedBy, findCondition } from "./core/exercised/index.ts";
export type { ExercisedCondition, ExerciseEntry } from "./core/exercised/index.ts";
export { checkAll, PROTECTS, INVARIANTS } from "./core/invariants/index.ts";
export type { World, Verdict, Violation, InvariantName, CheckResult, Validity, Submission, PriceChange, PricingFacts, TaxRateChange, BuyerAnswer, WebhookFact } from "./core/invariants/index.ts";
// conservation laws (issue 18): reading a stream payload's business identity
export { factKey, factOf } from "./core/invariants/index.ts";
export type { FactIdentity, StreamFact } from "./core/invariants/index.ts";
export { createMemoryStores } from "./adapters/memory/index.ts";
export { createSqliteStores } from "./adapters/sqlite/index.ts";
export * from "./core/index.ts";
