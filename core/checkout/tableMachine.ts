// The coordinator's hot path: the same XState machine definition, interpreted from a transition table
// built once per machine instead of by an XState actor per checkout. An actor costs a system, a
// mailbox, a promise actor per step and a full snapshot object per transition; a checkout here costs
// a context object per transition and nothing else. The XState definition stays the one source of
// truth (`machine`, `lint`, reports read it); this file only reads it.
//
// Only machines of the shape a checkout statechart has are compiled: top-level atomic and final
// states, at most one invoked step per state, `after` delays, event and done/error transitions with
// named or inline guards, and assign actions. Anything else (nested or parallel states, `always`,
// exit actions, sendTo, raise, spawned children...) makes `compileTable` answer the reasons, and the
// coordinator runs the machine on an XState actor as before. tableMachine.test.ts checks, on generated
// event sequences, that every step takes exactly the transition XState's own `transition()` takes.
import type { AnyStateMachine } from "xstate";
import type { StepLibrary } from "./bindMachine.ts";
import type { CheckoutDeps } from "./deps.ts";

export interface MachineEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

type Params = unknown;
type Context = Record<string, unknown>;
type AssignFn = (args: { context: Context; event: MachineEvent; spawn: never; self: undefined; system: undefined }, params: Params) => unknown;
type GuardFn = (args: { context: Context; event: MachineEvent }, params: Params) => boolean;

interface ActionRow {
  readonly assignment: AssignFn | Readonly<Record<string, unknown>>;
  readonly params: Params;
}

interface TransitionRow {
  /** The target state's key; undefined for a targetless transition (actions only). */
  readonly target: string | undefined;
  /** Leave and enter the state again (restarting its step and timers) when the target is itself. */
  readonly reenter: boolean;
  readonly guard?: { readonly fn: GuardFn; readonly params: Params };
  readonly actions: readonly ActionRow[];
}

interface StateRow {
  readonly key: string;
  readonly final: boolean;
  readonly entry: readonly ActionRow[];
  readonly invoke?: { readonly id: string; readonly src: string; readonly input: ((args: { context: Context; event: MachineEvent; self: undefined }) => unknown) | undefined };
  /** Delayed events armed on entry, as XState names them (`xstate.after.<delay>.<machine>.<state>`). */
  readonly after: readonly { readonly eventType: string; readonly delay: number | string }[];
  readonly on: ReadonlyMap<string, readonly TransitionRow[]>;
}

/** A machine compiled to rows; `run` interprets it. */
export interface MachineTable {
  readonly id: string;
  readonly initial: string;
  readonly states: ReadonlyMap<string, StateRow>;
  readonly context: (input: unknown) => Context;
  readonly output: ((context: Context, event: MachineEvent) => unknown) | undefined;
  readonly delays: Readonly<Record<string, unknown>>;
}

/** The parts of XState's state nodes and transitions the compiler reads. */
interface NodeLike {
  readonly key: string;
  readonly type: string;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly always?: readonly unknown[];
  readonly history?: unknown;
  readonly invoke: readonly { readonly id: string; readonly src: unknown; readonly input?: unknown; readonly onSnapshot?: unknown; readonly systemId?: unknown }[];
  readonly after: readonly { readonly delay: number | string; readonly eventType: string }[];
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly initial?: { readonly target: readonly { readonly key: string }[] };
}

interface TransitionLike {
  readonly target?: readonly { readonly key: string; readonly path: readonly string[] }[];
  readonly reenter: boolean;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
}

/** A table, or why the machine must run on an XState actor. */
export type Compiled = { readonly table: MachineTable } | { readonly reasons: readonly string[] };

/** Compiles `machine` (with its implementations provided) into a table, or names what the table cannot interpret. */
export function compileTable(machine: AnyStateMachine): Compiled {
  const reasons: string[] = [];
  const root = machine.root as unknown as NodeLike;
  const impl = machine.implementations as { actions: Record<string, unknown>; guards: Record<string, unknown>; delays: Record<string, unknown> };
  const config = machine.config as { context?: unknown; output?: unknown; on?: unknown };

  const action = (a: unknown, where: string): ActionRow | undefined => {
    let fn: unknown = a;
    let params: Params = undefined;
    if (typeof a === "string") fn = impl.actions[a];
    else if (typeof a === "object" && a !== null && "type" in a) {
      fn = impl.actions[(a as { type: string }).type];
      params = (a as { params?: unknown }).params;
    }
    const assignment = (fn as { type?: unknown; assignment?: unknown } | undefined)?.type === "xstate.assign" ? (fn as { assignment: unknown }).assignment : undefined;
    if (assignment === undefined || (typeof assignment !== "function" && (typeof assignment !== "object" || assignment === null))) {
      reasons.push(`${where}: action ${describe(a)} is not an assign`);
      return undefined;
    }
    return { assignment: assignment as ActionRow["assignment"], params };
  };
  const actions = (list: readonly unknown[], where: string): ActionRow[] => list.flatMap((a) => action(a, where) ?? []);

  const guard = (g: unknown, where: string): TransitionRow["guard"] => {
    if (g === undefined) return undefined;
    let fn: unknown = g;
    let params: Params = undefined;
    if (typeof g === "string") fn = impl.guards[g];
    else if (typeof g === "object" && g !== null && "type" in g) {
      fn = impl.guards[(g as { type: string }).type];
      params = (g as { params?: unknown }).params;
    }
    // Higher-order guards (and/or/not, stateIn) carry a `check`; they read more than context and event.
    if (typeof fn !== "function" || "check" in fn) {
      reasons.push(`${where}: guard ${describe(g)} is not a plain guard function`);
      return undefined;
    }
    return { fn: fn as GuardFn, params };
  };

  if (root.type !== "compound") reasons.push(`the root is ${root.type}: only compound roots are interpreted`);
  if (root.entry.length > 0 || root.exit.length > 0 || root.transitions.size > 0 || (root.always?.length ?? 0) > 0) reasons.push("the root has entry, exit, always or event transitions");
  if (typeof config.output !== "function" && config.output !== undefined) reasons.push("the machine output is not a function");

  const states = new Map<string, StateRow>();
  for (const node of Object.values(root.states)) {
    const where = `state "${node.key}"`;
    if (node.type !== "atomic" && node.type !== "final") reasons.push(`${where} is ${node.type}: only atomic and final states are interpreted`);
    if (node.exit.some((a) => !isAfterCancel(a, node))) reasons.push(`${where} has exit actions`);
    if ((node.always?.length ?? 0) > 0) reasons.push(`${where} has always transitions`);
    if (node.invoke.length > 1) reasons.push(`${where} invokes ${node.invoke.length} steps`);
    const inv = node.invoke[0];
    if (inv !== undefined && (typeof inv.src !== "string" || inv.onSnapshot !== undefined || inv.systemId !== undefined)) reasons.push(`${where} invokes in a way the table does not interpret`);
    if (inv !== undefined && inv.input !== undefined && typeof inv.input !== "function") reasons.push(`${where} passes a non-function input`);
    const entry = actions(
      node.entry.filter((a) => !isAfterRaise(a, node)),
      `${where} entry`,
    );
    const on = new Map<string, TransitionRow[]>();
    for (const [eventType, list] of node.transitions) {
      if (eventType.includes("*")) reasons.push(`${where} has a wildcard transition "${eventType}"`);
      on.set(
        eventType,
        list.map((t) => {
          const targets = t.target ?? [];
          if (targets.length > 1 || targets.some((n) => n.path.length !== 1)) reasons.push(`${where} on "${eventType}" targets a nested or several states`);
          const g = guard(t.guard, `${where} on "${eventType}"`);
          return { target: targets[0]?.key, reenter: t.reenter, ...(g === undefined ? {} : { guard: g }), actions: actions(t.actions, `${where} on "${eventType}"`) };
        }),
      );
    }
    states.set(node.key, {
      key: node.key,
      final: node.type === "final",
      entry,
      ...(inv === undefined ? {} : { invoke: { id: inv.id, src: inv.src as string, input: inv.input as NonNullable<StateRow["invoke"]>["input"] } }),
      after: dedupeAfter(node.after),
      on,
    });
  }
  const initial = root.initial?.target[0]?.key;
  if (initial === undefined) reasons.push("no initial state");
  if (reasons.length > 0) return { reasons };

  const context = config.context;
  return {
    table: {
      id: machine.id,
      initial: initial!,
      states,
      context: typeof context === "function" ? (input) => (context as (a: { input: unknown; self: undefined; spawn: never }) => Context)({ input, self: undefined, spawn: noSpawn }) : () => ({ ...(context as Context | undefined) }),
      output: typeof config.output === "function" ? (ctx, event) => (config.output as (a: { context: Context; event: MachineEvent; self: undefined }) => unknown)({ context: ctx, event, self: undefined }) : undefined,
      delays: impl.delays,
    },
  };
}

const describe = (a: unknown): string => (typeof a === "string" ? `"${a}"` : typeof a === "object" && a !== null && "type" in a ? `"${String((a as { type: unknown }).type)}"` : "(inline)");
const noSpawn = (() => {
  throw new Error("spawn inside an assign is not interpreted by the table: run this machine on XState");
}) as never;

/** XState arms `after` with a delayed raise in entry and cancels it in exit; the table arms its own timers. */
function isAfterRaise(a: unknown, node: NodeLike): boolean {
  const id = (a as { type?: unknown; id?: unknown }).id;
  return (a as { type?: unknown }).type === "xstate.raise" && node.after.some((t) => t.eventType === id);
}
function isAfterCancel(a: unknown, node: NodeLike): boolean {
  return (a as { type?: unknown }).type === "xstate.cancel" && node.after.length > 0;
}

/** XState lists one `after` entry per transition; one timer per delay is armed. */
function dedupeAfter(after: NodeLike["after"]): StateRow["after"] {
  const seen = new Set<string>();
  return after.filter((t) => !seen.has(t.eventType) && seen.add(t.eventType)).map((t) => ({ eventType: t.eventType, delay: t.delay }));
}

/** A snapshot of a table-run machine, in the shape (and JSON) of XState's persisted snapshot. */
export interface TableSnapshot {
  readonly status: "active" | "done" | "error";
  readonly value: string;
  readonly context: Context;
  readonly output?: unknown;
  readonly error?: unknown;
  /** The invoked step of the current state and its input. */
  readonly child?: { readonly id: string; readonly src: string; readonly input: unknown };
}

/** XState's persisted JSON shape, so a table snapshot restores on XState and the other way round. */
export function persisted(s: TableSnapshot): unknown {
  const children = s.child === undefined || s.status === "done" ? {} : { [s.child.id]: { snapshot: { status: "active", input: s.child.input }, src: s.child.src, syncSnapshot: false } };
  return { status: s.status, ...(s.status === "done" ? { output: s.output } : {}), ...(s.status === "error" ? { error: s.error } : {}), value: s.value, historyValue: {}, context: s.context, children };
}

/** The pure half: one event against one snapshot, as XState's `transition()` would take it. */
export interface Step {
  readonly next: TableSnapshot;
  /** Whether the current state was left (its step and timers stop; the target's start). */
  readonly entered: boolean;
}

/** Selects and takes the transition `event` enables in `s`; `entered` is false when none is enabled or it stays in the state. */
export function step(table: MachineTable, s: TableSnapshot, event: MachineEvent): Step {
  if (s.status !== "active") return { next: s, entered: false };
  const row = table.states.get(s.value)!;
  const candidates = row.on.get(event.type);
  let context = s.context;
  const chosen = candidates?.find((t) => t.guard === undefined || t.guard.fn({ context, event }, resolveParams(t.guard.params, context, event)));
  if (chosen === undefined) {
    // As in XState: an actor's error that no transition takes fails the whole machine.
    if (event.type.startsWith("xstate.error.actor")) return { next: { ...s, status: "error", error: event["error"] }, entered: false };
    return { next: s, entered: false };
  }
  context = runActions(chosen.actions, context, event);
  if (chosen.target === undefined || (chosen.target === s.value && !chosen.reenter)) return { next: { ...s, context, ...(s.child === undefined ? {} : { child: s.child }) }, entered: false };
  return { next: enter(table, chosen.target, context, event), entered: true };
}

/** The snapshot on entering `key`: entry actions, the step's input, and a top-level final state's output. */
export function enter(table: MachineTable, key: string, context0: Context, event: MachineEvent): TableSnapshot {
  const row = table.states.get(key)!;
  const context = runActions(row.entry, context0, event);
  if (row.final) return { status: "done", value: key, context, output: table.output?.(context, event) };
  if (row.invoke === undefined) return { status: "active", value: key, context };
  const input = row.invoke.input === undefined ? undefined : row.invoke.input({ context, event, self: undefined });
  return { status: "active", value: key, context, child: { id: row.invoke.id, src: row.invoke.src, input } };
}

export function initialSnapshot(table: MachineTable, input: unknown): TableSnapshot {
  return enter(table, table.initial, table.context(input), { type: "xstate.init", input });
}

function resolveParams(params: Params, context: Context, event: MachineEvent): Params {
  return typeof params === "function" ? (params as (a: { context: Context; event: MachineEvent }) => unknown)({ context, event }) : params;
}

function runActions(actions: readonly ActionRow[], context0: Context, event: MachineEvent): Context {
  let context = context0;
  for (const a of actions) {
    const params = resolveParams(a.params, context, event);
    const args = { context, event, spawn: noSpawn, self: undefined, system: undefined };
    let partial: Record<string, unknown>;
    if (typeof a.assignment === "function") partial = a.assignment(args, params) as Record<string, unknown>;
    else {
      partial = {};
      for (const [k, v] of Object.entries(a.assignment)) partial[k] = typeof v === "function" ? (v as AssignFn)(args, params) : v;
    }
    context = Object.assign({}, context, partial);
  }
  return context;
}

/** The clock the table arms `after` delays on (the coordinator's TimerClock). */
interface Timers {
  setTimeout(fn: () => void, ms: number): unknown; // allowed: an interface, implemented by the virtual clock
  clearTimeout(id: unknown): void;
}

/**
 * One running checkout on a table: starts the current state's step (through the step library with the
 * deployment's deps), arms its delays on the given clock, and tells `onSnapshot` after every event it
 * processes (also one that changes nothing, as an XState actor does), with the event's type.
 */
export class TableActor {
  private snapshot: TableSnapshot;
  private timers: unknown[] = [];
  /** Bumped whenever the state is left: a step's late answer or an old timer is then ignored. */
  private generation = 0;
  private stopped = false;
  private processing = false;
  private readonly mailbox: MachineEvent[] = [];

  constructor(
    private readonly table: MachineTable,
    private readonly steps: StepLibrary,
    private readonly deps: CheckoutDeps,
    private readonly clock: Timers,
    start: { readonly input: unknown } | { readonly restore: TableSnapshot },
    private readonly onSnapshot: (s: TableSnapshot, eventType: string) => void,
  ) {
    this.snapshot = "restore" in start ? start.restore : initialSnapshot(table, start.input);
  }

  getSnapshot(): TableSnapshot {
    return this.snapshot;
  }

  /** Runs the current state (a restored one too: its step restarts, its delays re-arm in full). */
  start(): void {
    this.activate();
    this.onSnapshot(this.snapshot, "xstate.init");
  }

  stop(): void {
    this.stopped = true;
    this.deactivate();
  }

  send(event: MachineEvent): void {
    if (this.stopped) return;
    this.mailbox.push(event);
    if (this.processing) return; // sent from inside a transition's callbacks: taken after it
    this.processing = true;
    try {
      for (let e = this.mailbox.shift(); e !== undefined && !this.stopped; e = this.mailbox.shift()) this.process(e);
    } finally {
      this.processing = false;
    }
  }

  private process(event: MachineEvent): void {
    let result: Step;
    try {
      result = step(this.table, this.snapshot, event);
    } catch (error) {
      this.deactivate();
      this.snapshot = { status: "error", value: this.snapshot.value, context: this.snapshot.context, error };
      this.onSnapshot(this.snapshot, event.type);
      return;
    }
    if (result.entered || result.next.status !== "active") this.deactivate();
    this.snapshot = result.next;
    if (result.entered) this.activate();
    this.onSnapshot(this.snapshot, event.type);
  }

  /** Arms the current state's delays, then starts its step (XState's order: entry's delayed raises, then the invoke). */
  private activate(): void {
    const s = this.snapshot;
    if (s.status !== "active") return;
    const row = this.table.states.get(s.value)!;
    const generation = this.generation;
    for (const after of row.after) {
      const ms = this.delayOf(after.delay, s.context);
      if (ms === undefined) continue;
      this.timers.push(this.clock.setTimeout(() => { // allowed: the coordinator's TimerClock (virtual in simulation)
        if (this.generation === generation) this.send({ type: after.eventType });
      }, ms));
    }
    const child = s.child;
    if (child === undefined) return;
    let pending: Promise<unknown>;
    try {
      pending = this.steps[child.src]!(this.deps, child.input as never);
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (output) => {
        if (this.generation === generation) this.send({ type: `xstate.done.actor.${child.id}`, output, actorId: child.id });
      },
      (error: unknown) => {
        if (this.generation === generation) this.send({ type: `xstate.error.actor.${child.id}`, error, actorId: child.id });
      },
    );
  }

  private deactivate(): void {
    this.generation++;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
  }

  private delayOf(delay: number | string, context: Context): number | undefined {
    if (typeof delay === "number") return delay;
    const named = this.table.delays[delay];
    if (typeof named === "number") return named;
    if (typeof named === "function") {
      const ms = (named as (a: { context: Context; event: MachineEvent }, p: undefined) => unknown)({ context, event: { type: "xstate.init" } }, undefined);
      return typeof ms === "number" ? ms : undefined;
    }
    return undefined;
  }
}

/** Reads a persisted snapshot (XState's JSON shape) back into a table snapshot. */
export function fromPersisted(table: MachineTable, p: { status: string; value: unknown; context: unknown; children?: Readonly<Record<string, { snapshot?: { input?: unknown }; src?: unknown }>> }): TableSnapshot | undefined {
  if (p.status !== "active" || typeof p.value !== "string" || !table.states.has(p.value)) return undefined;
  const row = table.states.get(p.value)!;
  const context = p.context as Context;
  if (row.invoke === undefined) return { status: "active", value: p.value, context };
  const persistedChild = p.children?.[row.invoke.id];
  const input = persistedChild === undefined ? (row.invoke.input === undefined ? undefined : row.invoke.input({ context, event: { type: "xstate.init" }, self: undefined })) : persistedChild.snapshot?.input;
  return { status: "active", value: p.value, context, child: { id: row.invoke.id, src: row.invoke.src, input } };
}
