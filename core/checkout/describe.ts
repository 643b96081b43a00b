// Reads a machine's definition (not a running actor) into plain rows: every state, every transition
// with a readable event label and its contract. The `machine` renderers and `lint` both start here,
// and it works on any XState v5 machine, not only ours.
import type { AnyStateMachine } from "xstate";
import type { RetryPolicy } from "./contract.ts";

/** The parts of XState's StateNode this walk reads. */
interface NodeLike {
  readonly key: string;
  readonly path: readonly string[];
  readonly type: string;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly parent?: NodeLike | undefined;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[] | undefined;
  readonly invoke: readonly { readonly id: string }[];
  readonly after: readonly { readonly eventType: string; readonly delay: number | string }[];
  readonly initial?: { readonly target: readonly NodeLike[] } | undefined;
}

interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
  readonly meta?: unknown;
  readonly reenter?: boolean;
}

export interface RawTransition {
  readonly from: string;
  readonly event: string;
  /** The XState event type the transition listens to ("" for `always`). */
  readonly eventType: string;
  readonly to: string;
  readonly meta: Readonly<Record<string, unknown>> | undefined;
}

export interface MachineGraph {
  readonly id: string;
  readonly nodes: readonly NodeLike[];
  readonly transitions: readonly RawTransition[];
}

export interface DescribedTransition {
  readonly from: string;
  readonly event: string;
  readonly to: string;
  readonly owner: string;
  readonly idempotencyKey: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly reconciliation: string;
  readonly customerFallback: string;
}

export interface MachineDescription {
  readonly id: string;
  readonly policy: string;
  /** The state a new checkout starts in. */
  readonly initial: string;
  readonly states: readonly string[];
  readonly transitions: readonly DescribedTransition[];
}

/** A state's name: its path below the root ("reserving", or "payment.pending" when nested). */
export const stateName = (node: NodeLike): string => (node.path.length === 0 ? "(root)" : node.path.join("."));

function guardLabel(guard: unknown): string {
  if (guard === undefined) return "";
  if (typeof guard === "string") return ` [${guard}]`;
  if (typeof guard === "function") return ` [${guard.name || "guard"}]`;
  if (typeof guard === "object" && guard !== null && "type" in guard) {
    const { type, params } = guard as { type: string; params?: Record<string, unknown> };
    if (type === "is" && params !== undefined) {
      const parts = [String(params["kind"])];
      if (params["backorder"]) parts.push("backorder agreed");
      if (params["retryBelow"] !== undefined) parts.push(`retry ≤ ${String(params["retryBelow"])}`);
      if (params["outcome"] !== undefined) parts.push(`outcome ${String(params["outcome"])}`);
      return ` [${parts.join(", ")}]`;
    }
    if (type === "retryLeft" && params !== undefined) return ` [retry ≤ ${String(params["max"])}]`;
    if (type === "outcomeIs" && params !== undefined) return ` [outcome ${String(params["outcome"])}]`;
    return ` [${type}]`;
  }
  return " [guard]";
}

/** XState's internal event types as a reader would say them. */
export function eventLabel(eventType: string): string {
  if (eventType === "") return "always";
  if (eventType.startsWith("xstate.done.actor.")) return `done.${eventType.slice("xstate.done.actor.".length)}`;
  if (eventType.startsWith("xstate.error.actor.")) return `error.${eventType.slice("xstate.error.actor.".length)}`;
  if (eventType.startsWith("xstate.done.state.")) return "done";
  if (eventType.startsWith("xstate.after.")) {
    const delay = eventType.slice("xstate.after.".length).split(".")[0] ?? "";
    return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  }
  return eventType;
}

function allNodes(root: NodeLike): NodeLike[] {
  const out: NodeLike[] = [];
  const visit = (n: NodeLike) => {
    out.push(n);
    for (const child of Object.values(n.states)) visit(child);
  };
  visit(root);
  return out;
}

/** Every node and transition of a machine definition, in definition order. */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = machine.root as unknown as NodeLike;
  const nodes = allNodes(root);
  const transitions: RawTransition[] = [];
  for (const node of nodes) {
    const from = stateName(node);
    const lists = [...node.transitions.values(), ...(node.always === undefined ? [] : [node.always])];
    for (const list of lists)
      for (const t of list) {
        const targets = t.target === undefined || t.target.length === 0 ? [node] : t.target;
        for (const target of targets)
          transitions.push({
            from,
            event: eventLabel(t.eventType) + guardLabel(t.guard),
            eventType: t.eventType,
            to: stateName(target),
            meta: typeof t.meta === "object" && t.meta !== null ? (t.meta as Record<string, unknown>) : undefined,
          });
      }
  }
  return { id: machine.id, nodes, transitions };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const retryOf = (v: unknown): RetryPolicy => {
  const r = (typeof v === "object" && v !== null ? v : {}) as Partial<RetryPolicy>;
  return { max: typeof r.max === "number" ? r.max : 0, backoff: str(r.backoff), sameKey: r.sameKey === true };
};

/** The contract view of a machine: states, and one row per transition with its six fields. */
export function describeMachine(machine: AnyStateMachine, policy = ""): MachineDescription {
  const g = machineGraph(machine);
  const ctxPolicy = policy || policyOf(machine);
  return {
    id: g.id,
    policy: ctxPolicy,
    initial: (g.nodes[0]?.initial?.target ?? []).map(stateName)[0] ?? "",
    states: g.nodes.filter((n) => n.path.length > 0).map(stateName),
    transitions: g.transitions.map((t) => ({
      from: t.from,
      event: t.event,
      to: t.to,
      owner: str(t.meta?.["owner"]),
      idempotencyKey: str(t.meta?.["idempotencyKey"]),
      timeoutMs: typeof t.meta?.["timeoutMs"] === "number" ? t.meta["timeoutMs"] : 0,
      retry: retryOf(t.meta?.["retry"]),
      reconciliation: str(t.meta?.["reconciliation"]),
      customerFallback: str(t.meta?.["customerFallback"]),
    })),
  };
}

/** Our machines are named `checkout-<policy>`; others have no policy. */
function policyOf(machine: AnyStateMachine): string {
  return machine.id.startsWith("checkout-") ? machine.id.slice("checkout-".length) : "";
}

/** Initial descendants entered when a node is entered (compound: its initial child; parallel: every region). */
export function entered(node: NodeLike): NodeLike[] {
  if (node.type === "parallel") return Object.values(node.states).flatMap(entered);
  if (node.type === "compound") {
    const initial = node.initial?.target ?? [];
    return [node, ...initial.flatMap(entered)];
  }
  return [node];
}

export type { NodeLike };
