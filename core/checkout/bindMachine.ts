// Binds any XState v5 checkout statechart to a step library, so a team's own machine runs under the
// same coordinator (snapshots, crash and resume) as ours. Two rules make a machine runnable, and both
// are checked up front so a machine that cannot run is refused with every problem named, never half
// way through a simulation: every invoked `src` names a step, and every final state that ends the
// checkout says which outcome it is (`meta: { outcome: "confirmed" | "rejected" | "compensated" }`).
import { fromPromise } from "xstate";
import type { AnyStateMachine } from "xstate";
import type { CheckoutDeps, CheckoutOutcome } from "./deps.ts";
import { compileTable, type MachineTable } from "./tableMachine.ts";

export const OUTCOMES = ["confirmed", "rejected", "compensated"] as const satisfies readonly CheckoutOutcome[];

/**
 * A step a machine invokes by name. The coordinator hands it the deployment's deps; its input is
 * whatever the machine's `invoke.input` passes (the reference steps take the machine's context), and
 * its resolved value is the invoke's `done` output (a thrown error is the invoke's `error`).
 */
export type MachineStep = (deps: CheckoutDeps, input: never) => Promise<unknown>;
export type StepLibrary = Readonly<Record<string, MachineStep>>;

/** A machine the coordinator cannot run; `problems` names each unbound `src` and each final state without an outcome. */
export class MachineBindingError extends Error {
  readonly _tag = "MachineBindingError";
  constructor(
    readonly machineId: string,
    readonly problems: readonly string[],
  ) {
    super(`machine "${machineId}": ${problems.join("; ")}`);
  }
}

export interface BoundMachine {
  readonly id: string;
  /** The machine with every invoked step bound to the deps attached to its actor's system. */
  readonly machine: AnyStateMachine;
  /** The outcome of each top-level final state, by state key. */
  readonly outcomes: ReadonlyMap<string, CheckoutOutcome>;
  /** The machine as a transition table with its steps, when the table can interpret it (tableMachine.ts); else it runs on XState. */
  readonly table?: { readonly table: MachineTable; readonly steps: StepLibrary };
}

/** The parts of XState's StateNode this module reads. */
interface NodeLike {
  readonly key: string;
  readonly path: readonly string[];
  readonly type: string;
  readonly meta?: unknown;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly invoke: readonly { readonly src: unknown }[];
}

const nameOf = (node: NodeLike): string => (node.path.length === 0 ? "(root)" : node.path.join("."));

function walk(node: NodeLike, visit: (n: NodeLike) => void): void {
  visit(node);
  for (const child of Object.values(node.states)) walk(child, visit);
}

const isOutcome = (v: unknown): v is CheckoutOutcome => (OUTCOMES as readonly unknown[]).includes(v);

/** Deps of each running checkout, found through its actor system (set by `attachDeps` before start). */
const depsBySystem = new WeakMap<object, CheckoutDeps>();

export function attachDeps(system: object, deps: CheckoutDeps): void {
  depsBySystem.set(system, deps);
}

/**
 * Checks the machine and binds its steps. Binding with `machine.provide` rebuilds the whole machine,
 * too slow to do per checkout, so it is done once here and each actor's steps find their deps through
 * the actor system.
 */
export function bindMachine(machine: AnyStateMachine, steps: StepLibrary): BoundMachine {
  const root = machine.root as unknown as NodeLike;
  const problems: string[] = [];
  const used = new Set<string>();
  walk(root, (node) => {
    for (const { src } of node.invoke) {
      // XState names inline actor logic `xstate.invoke.<id>`; it cannot reach the deps, nor be restored by name.
      if (typeof src !== "string" || src.startsWith("xstate.invoke.")) problems.push(`state "${nameOf(node)}" invokes inline actor logic: name a step in src instead`);
      else if (!Object.hasOwn(steps, src)) problems.push(`state "${nameOf(node)}" invokes src "${src}", which is no step (known: ${Object.keys(steps).join(", ")})`);
      else used.add(src);
    }
  });

  const outcomes = new Map<string, CheckoutOutcome>();
  if (root.type === "parallel") problems.push("the root is a parallel state: a checkout must end in one top-level final state");
  // Only top-level final states end the checkout; a nested one completes its parent state.
  for (const node of Object.values(root.states)) {
    if (node.type !== "final") continue;
    const outcome = (node.meta as { outcome?: unknown } | undefined)?.outcome;
    if (isOutcome(outcome)) outcomes.set(node.key, outcome);
    else problems.push(`final state "${nameOf(node)}" has no meta.outcome (${OUTCOMES.join(" | ")})${outcome === undefined ? "" : `, got ${JSON.stringify(outcome)}`}`);
  }
  if (root.type !== "parallel" && Object.values(root.states).every((n) => n.type !== "final")) problems.push(`no top-level final state: a checkout must end ${OUTCOMES.join(", ")}`);
  if (problems.length > 0) throw new MachineBindingError(machine.id, problems);

  const actors = Object.fromEntries(
    [...used].map((name) => {
      const step = steps[name]! as (deps: CheckoutDeps, input: unknown) => Promise<unknown>;
      return [
        name,
        fromPromise<unknown, unknown>(({ input, system }) => {
          const deps = depsBySystem.get(system);
          if (deps === undefined) return Promise.reject(new Error(`checkout step "${name}" has no deps: call attachDeps(actor.system, deps) before start`));
          return step(deps, input);
        }),
      ];
    }),
  );
  const provided = machine.provide({ actors } as never);
  const compiled = compileTable(provided);
  return { id: machine.id, machine: provided, outcomes, ...("table" in compiled ? { table: { table: compiled.table, steps } } : {}) };
}
