// The checkout coordinator: a command boundary, not a transaction. It records the submission durably
// (one command per checkout id), runs the statechart against the ports, persists the machine snapshot
// after every transition (in order), and after a crash resumes from that snapshot. The statechart is
// one of the reference policies or any machine bound to a step library (bindMachine.ts), run from its
// transition table (tableMachine.ts) or, when the table cannot interpret it, on an XState actor. The
// simulator drives it with a virtual clock; nothing here reads real time.
import { createActor } from "xstate";
import type { AnyActorRef, AnyStateMachine, Snapshot } from "xstate";
import { CheckoutId } from "../ids.ts";
import type { CheckoutCommand, CommandStatus } from "../ports/checkoutCommands.ts";
import type { CheckoutContext, CheckoutEvent, CheckoutInput, CheckoutResult } from "./context.ts";
import type { CheckoutDeps, CheckoutRequest, ReservationPolicy } from "./deps.ts";
import { attachDeps, bindMachine } from "./bindMachine.ts";
import type { BoundMachine } from "./bindMachine.ts";
import { createCheckoutMachine, STEPS } from "./machine.ts";
import type { CheckoutMachine } from "./machine.ts";
import { hashRequest } from "./requestHash.ts";
import { fromPersisted, persisted, TableActor, type MachineTable, type TableSnapshot } from "./tableMachine.ts";

export { hashRequest } from "./requestHash.ts";

/** XState's clock shape; the simulator's virtual clock implements it. */
export interface TimerClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown; // allowed: an interface, implemented by the virtual clock
  clearTimeout(id: unknown): void;
}

export interface TransitionTaken {
  readonly machineId: string;
  readonly from: string;
  readonly event: string;
  readonly to: string;
}

export interface CheckoutRunOptions {
  readonly policy: ReservationPolicy;
  readonly clock: TimerClock;
  /** Called after every transition (and once with from "(start)" when an actor starts). */
  readonly onTransition?: (t: TransitionTaken) => void;
}

export interface CheckoutHandle {
  readonly checkoutId: CheckoutId;
  /**
   * Settles when the checkout ends and its final snapshot is saved (the save is retried; if it never
   * lands the outcome rejects, unanswered). Never settles after `stop()`.
   */
  readonly outcome: Promise<CheckoutResult>;
  /** A crash: stops the actor, drops it from memory, persists nothing more. */
  stop(): void;
  send(event: CheckoutEvent): void;
}

/** The final snapshot is saved before the buyer is answered: tries, and the spacing between them. */
const FINAL_SAVE_TRIES = 20;
const FINAL_SAVE_RETRY_MS = 500;

const machines = new Map<ReservationPolicy, CheckoutMachine>();
/** The unbound machine of a policy, built once. */
export function checkoutMachine(policy: ReservationPolicy): CheckoutMachine {
  let m = machines.get(policy);
  if (m === undefined) machines.set(policy, (m = createCheckoutMachine(policy)));
  return m;
}

const runnable = new Map<ReservationPolicy, BoundMachine>();
/** The machine of a policy bound to the reference steps (whatever deps each actor is attached to); built once. */
function runnableMachine(policy: ReservationPolicy): BoundMachine {
  let m = runnable.get(policy);
  if (m === undefined) runnable.set(policy, (m = bindMachine(checkoutMachine(policy), STEPS)));
  return m;
}

/**
 * Actors alive in one coordinator process (`deps.node`; the deps object when absent): what a second
 * submit of a running checkout attaches to. A crash starts a new node, so this memory is lost with it.
 */
const liveByNode = new WeakMap<object, Map<string, CheckoutHandle>>();
function liveOf(deps: CheckoutDeps): Map<string, CheckoutHandle> {
  const node = deps.node ?? deps;
  let live = liveByNode.get(node);
  if (live === undefined) liveByNode.set(node, (live = new Map()));
  return live;
}

/**
 * The checkout id keys derive from. With `checkout-key` off the coordinator ignores the client's key
 * and every click is a new checkout: the duplicate-order bug the checker must catch.
 */
export function effectiveCheckoutId(deps: CheckoutDeps, request: CheckoutRequest): CheckoutId {
  return deps.mitigations["checkout-key"] ? request.checkoutId : CheckoutId(`${request.checkoutId}~${request.submission ?? 1}`);
}

function settledHandle(checkoutId: CheckoutId, result: CheckoutResult): CheckoutHandle {
  return { checkoutId, outcome: Promise.resolve(result), stop() {}, send() {} };
}

/** The outcome of a finished command, with the reason from its final snapshot when there is one. */
function finishedResult(command: CheckoutCommand): CheckoutResult {
  const outcome = command.status as Exclude<CommandStatus, "running">;
  if (command.snapshot !== null) {
    const output = (JSON.parse(command.snapshot) as { output?: CheckoutResult }).output;
    if (output?.reason !== undefined) return { outcome, reason: output.reason };
  }
  return { outcome };
}

/** The shape of a persisted checkout snapshot this module relies on (any machine's). */
interface PersistedCheckout {
  readonly value: unknown;
  readonly context: unknown;
  readonly children?: Readonly<Record<string, { readonly snapshot?: { readonly input?: unknown } }>>;
}

/** Marks a step's input as "the machine's context": the reference steps are invoked with the context itself. */
const CONTEXT_REF = "$context";

/**
 * A reference step's input is the context it was invoked with, which is still the context while the
 * step runs (the context only changes on leaving the state). Storing it once instead of twice halves
 * the snapshot; `expand` puts it back before XState restores the step. A step invoked with other input
 * (a team's machine) is stored as it is.
 */
function compact(p: PersistedCheckout): PersistedCheckout {
  if (p.children === undefined) return p;
  const children: Record<string, unknown> = {};
  for (const [id, child] of Object.entries(p.children)) children[id] = child.snapshot === undefined || child.snapshot.input !== p.context ? child : { ...child, snapshot: { ...child.snapshot, input: CONTEXT_REF } };
  return { ...p, children } as PersistedCheckout;
}

function expand(p: PersistedCheckout): PersistedCheckout {
  if (p.children === undefined) return p;
  for (const child of Object.values(p.children)) if (child.snapshot?.input === CONTEXT_REF) (child.snapshot as { input: unknown }).input = p.context;
  return p;
}

const valueName = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** A fresh start from the input, or a restore from a persisted snapshot (XState ignores the input then). */
interface Start {
  readonly input: CheckoutInput;
  readonly restore?: { readonly snapshot: Snapshot<unknown>; readonly value: string };
}

function start(deps: CheckoutDeps, checkoutId: CheckoutId, bound: BoundMachine, how: Start, options: CheckoutRunOptions): CheckoutHandle {
  const live = liveOf(deps);
  const onTransition = options.onTransition;
  const machineId = bound.id;
  let stopped = false;
  let saving: Promise<unknown> = Promise.resolve();
  let from = "(start)";
  let resolve!: (r: CheckoutResult) => void;
  let reject!: (e: unknown) => void;
  const outcome = new Promise<CheckoutResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  const saved = (status: CommandStatus, json: string) => () => (stopped ? undefined : deps.stores.commands.save(checkoutId, { status, snapshot: json }));
  // A failed save is not fatal: recovery resumes from the previous snapshot and every step is idempotent.
  const ignore = () => undefined;

  let freshStart = how.restore === undefined;
  const onSnapshot = (snapshot: { status: string; value: unknown; output?: unknown; error?: unknown }, eventType: string) => {
    if (stopped) return;
    if (onTransition !== undefined) {
      const to = valueName(snapshot.value);
      onTransition({ machineId, from, event: eventType, to });
      from = to;
    }
    if (snapshot.status === "error") {
      live.delete(checkoutId);
      reject(snapshot.error);
      return;
    }
    const output = snapshot.status === "done" ? resultOf(bound, snapshot) : undefined;
    // A fresh checkout's first snapshot is its initial state, which the record without a snapshot
    // already means (recovery starts such a checkout from its request): nothing to save yet.
    const initial = freshStart;
    freshStart = false;
    if (initial && output === undefined) return;
    const status: CommandStatus = output === undefined ? "running" : output.outcome;
    const json = JSON.stringify(compact(engine.persisted()));
    if (output !== undefined) {
      // The buyer is answered only once the outcome is durable: a lost final save would leave the
      // record running, and recovery would run the checkout again behind the answer the buyer got.
      // Until then the actor stays live, so a double click attaches to it rather than re-running.
      saving = saving.then(() => saveFinal(status, json)).then(
        () => {
          if (stopped) return;
          live.delete(checkoutId);
          resolve(output);
        },
        (e: unknown) => {
          if (stopped) return;
          live.delete(checkoutId);
          reject(e);
        },
      );
      return;
    }
    saving = saving.then(saved(status, json), ignore).then(ignore, ignore);
  };

  const saveFinal = async (status: CommandStatus, json: string): Promise<void> => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await deps.stores.commands.save(checkoutId, { status, snapshot: json });
        return;
      } catch (e) {
        if (attempt >= FINAL_SAVE_TRIES) throw e; // unanswered: the record still says running, and the janitor resumes it
        await new Promise<void>((r) => options.clock.setTimeout(() => r(), FINAL_SAVE_RETRY_MS)); // allowed: the run's TimerClock (virtual in simulation)
      }
    }
  };

  const restore = how.restore;
  if (restore !== undefined) from = restore.value;
  const table = deps.interpreter === "xstate" ? undefined : bound.table;
  const tableStart = table === undefined ? undefined : restore === undefined ? { input: how.input } : tableRestore(table.table, restore.snapshot);
  const engine: Engine = table !== undefined && tableStart !== undefined ? tableEngine(table, deps, options.clock, tableStart, onSnapshot) : xstateEngine(bound, deps, options, how, onSnapshot, onTransition !== undefined, () => from);

  const handle: CheckoutHandle = {
    checkoutId,
    outcome,
    stop() {
      if (stopped) return;
      stopped = true;
      if (live.get(checkoutId) === handle) live.delete(checkoutId);
      engine.stop();
    },
    send(event) {
      if (!stopped) engine.send(event);
    },
  };
  live.set(checkoutId, handle);
  engine.start();
  return handle;
}

type OnSnapshot = (snapshot: { status: string; value: unknown; output?: unknown; error?: unknown }, eventType: string) => void;

/** What runs one checkout's machine: the transition table (the hot path) or an XState actor. */
interface Engine {
  start(): void;
  stop(): void;
  send(event: CheckoutEvent): void;
  persisted(): PersistedCheckout;
}

function tableRestore(table: MachineTable, snapshot: Snapshot<unknown>): { restore: TableSnapshot } | undefined {
  const restored = fromPersisted(table, snapshot as unknown as Parameters<typeof fromPersisted>[1]);
  return restored === undefined ? undefined : { restore: restored };
}

function tableEngine(table: NonNullable<BoundMachine["table"]>, deps: CheckoutDeps, clock: TimerClock, how: { input: CheckoutInput } | { restore: TableSnapshot }, onSnapshot: OnSnapshot): Engine {
  const actor = new TableActor(table.table, table.steps, deps, clock as never, how, onSnapshot);
  return {
    start: () => actor.start(),
    stop: () => actor.stop(),
    send: (event) => actor.send(event as never),
    persisted: () => persisted(actor.getSnapshot()) as PersistedCheckout,
  };
}

function xstateEngine(bound: BoundMachine, deps: CheckoutDeps, options: CheckoutRunOptions, how: Start, onSnapshot: OnSnapshot, inspect: boolean, from: () => string): Engine {
  const machine = bound.machine;
  const restore = how.restore;
  const actor: AnyActorRef = createActor(machine, {
    input: how.input,
    clock: options.clock,
    ...(restore === undefined ? {} : { snapshot: restore.snapshot }),
    ...(inspect ? { inspect: inspector() } : {}),
  });
  function inspector() {
    return (ev: { type: string; actorRef?: unknown; event?: { type: string }; snapshot?: unknown }) => {
      if (ev.type === "@xstate.snapshot" && ev.actorRef === actor) onSnapshot(ev.snapshot as never, ev.event?.type ?? "");
    };
  }
  if (!inspect) actor.subscribe({ next: (s) => onSnapshot(s as never, ""), error: (e) => onSnapshot({ status: "error", value: from(), error: e }, "") });
  let stopped = false;
  return {
    start() {
      attachDeps(actor.system, deps);
      actor.start();
      if (restore !== undefined && !stopped) rearmTimeouts(machine, actor, restore.value);
    },
    stop() {
      stopped = true;
      actor.stop();
    },
    send: (event) => actor.send(event),
    persisted: () => actor.getPersistedSnapshot() as unknown as PersistedCheckout,
  };
}

/**
 * How a finished checkout ended: the outcome its final state declares (`meta.outcome`, checked when
 * the machine was bound) and the reason the machine's output gives, if any.
 */
function resultOf(bound: BoundMachine, snapshot: { value: unknown; output?: unknown }): CheckoutResult {
  const output = snapshot.output as { outcome?: unknown; reason?: unknown } | undefined;
  const outcome = bound.outcomes.get(valueName(snapshot.value)) ?? "rejected"; // every top-level final state has one (bindMachine)
  return typeof output?.reason === "string" ? { outcome, reason: output.reason } : { outcome };
}

/** The parts of a machine snapshot and its state nodes that re-arming reads. */
interface ActiveSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context: unknown;
  readonly _nodes: readonly { readonly after: readonly { readonly delay: number | string; readonly eventType: string }[] }[];
}

/**
 * Delayed events are not part of a persisted snapshot (XState keeps actor references there), so a
 * restored actor re-arms the timeouts of every state it is in, from the full timeout on the clock.
 * A named delay is resolved through the machine's `delays` implementations.
 */
function rearmTimeouts(machine: AnyStateMachine, actor: AnyActorRef, value: string): void {
  const snapshot = actor.getSnapshot() as ActiveSnapshot;
  if (snapshot.status !== "active" || valueName(snapshot.value) !== value) return;
  for (const node of snapshot._nodes)
    for (const t of node.after) {
      const delay = delayOf(machine, t.delay, snapshot.context);
      if (delay === undefined) continue;
      actor.system.scheduler.cancel(actor, t.eventType); // never two timers under one id: the first could not be cancelled
      actor.system.scheduler.schedule(actor, actor, { type: t.eventType }, delay, t.eventType);
    }
}

function delayOf(machine: AnyStateMachine, delay: number | string, context: unknown): number | undefined {
  if (typeof delay === "number") return delay;
  const named = (machine.implementations.delays as Record<string, unknown>)[delay];
  if (typeof named === "number") return named;
  if (typeof named === "function") {
    const ms = (named as (a: { context: unknown; event: { type: string } }, p: undefined) => unknown)({ context, event: { type: "xstate.restore" } }, undefined);
    return typeof ms === "number" ? ms : undefined;
  }
  return undefined;
}

/**
 * Submits a checkout. A new checkout id starts an actor; a known one with the same request attaches
 * (finished: its outcome; running here: the live actor's handle; running elsewhere or crashed: resumed
 * from its snapshot); the same id with a different request is rejected without running anything.
 * The machine is `bound` (coordinatorFromMachine), else the reference machine of `options.policy`.
 */
export async function submitCheckout(deps: CheckoutDeps, request: CheckoutRequest, options: CheckoutRunOptions, bound?: BoundMachine): Promise<CheckoutHandle> {
  const checkoutId = effectiveCheckoutId(deps, request);
  const r = await deps.stores.commands.submit({ checkoutId, buyerId: request.buyerId, requestHash: hashRequest(request), request: JSON.stringify(request) });
  switch (r.status) {
    case "created":
      // A double click whose copy overtook this one may already have started the actor (it found
      // the record "existing" with no snapshot yet): attach to it instead of racing a second actor.
      return liveOf(deps).get(checkoutId) ?? start(deps, checkoutId, bound ?? runnableMachine(options.policy), { input: { request, checkoutId, policy: options.policy } }, options);
    case "conflict":
      return settledHandle(checkoutId, { outcome: "rejected", reason: "idempotency-conflict" });
    case "existing":
      return resumeCheckout(deps, r.command, options, bound);
  }
}

/**
 * Recovery after a crash: restores the actor from the command's persisted snapshot (a pending step
 * restarts; steps are idempotent, so that is safe) or restarts from the request when no snapshot was
 * saved yet. A finished command returns its outcome; a checkout already live here returns its handle.
 */
export async function resumeCheckout(deps: CheckoutDeps, command: CheckoutCommand, options: CheckoutRunOptions, bound?: BoundMachine): Promise<CheckoutHandle> {
  const checkoutId = command.checkoutId;
  if (command.status !== "running") return settledHandle(checkoutId, finishedResult(command));
  const live = liveOf(deps).get(checkoutId);
  if (live !== undefined) return live;
  if (command.snapshot === null) {
    const request = JSON.parse(command.request) as CheckoutRequest;
    return start(deps, checkoutId, bound ?? runnableMachine(options.policy), { input: { request, checkoutId, policy: options.policy } }, options);
  }
  const snapshot = expand(JSON.parse(command.snapshot) as PersistedCheckout) as PersistedCheckout & Snapshot<unknown>;
  // A reference checkout resumes under the policy it started with; XState ignores the input on a restore.
  const policy = bound === undefined ? (snapshot.context as CheckoutContext).policy : options.policy;
  const input: CheckoutInput = { request: JSON.parse(command.request) as CheckoutRequest, checkoutId, policy };
  return start(deps, checkoutId, bound ?? runnableMachine(policy), { input, restore: { snapshot, value: valueName(snapshot.value) } }, options);
}
