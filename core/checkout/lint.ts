// Checks any XState machine against the checkout contract rules: every transition carries the six
// contract fields; keyed owners (inventory, payments, provider) name an idempotency key; every state
// is reachable and can still end; every invoking or waiting state has an error or timeout path.
// Pure: a machine definition in, findings out.
import type { AnyStateMachine } from "xstate";
import { CONTRACT_FIELDS, KEYED_OWNERS } from "./contract.ts";
import type { Owner } from "./contract.ts";
import type { NodeLike, RawTransition } from "./describe.ts";
import { entered, machineGraph, stateName } from "./describe.ts";

export interface Finding {
  readonly machineId: string;
  readonly state: string;
  /** Set for transition findings. */
  readonly transition?: { readonly event: string; readonly to: string };
  readonly problem: string;
}

export function formatFinding(f: Finding): string {
  return f.transition === undefined ? `${f.machineId}: ${f.state}: ${f.problem}` : `${f.machineId}: ${f.state} --${f.transition.event}--> ${f.transition.to}: ${f.problem}`;
}

function fieldMissing(meta: Readonly<Record<string, unknown>> | undefined, field: (typeof CONTRACT_FIELDS)[number]): boolean {
  const v = meta?.[field];
  switch (field) {
    case "timeoutMs":
      return typeof v !== "number" || !Number.isFinite(v) || v <= 0;
    case "retry": {
      if (typeof v !== "object" || v === null) return true;
      const r = v as Record<string, unknown>;
      return typeof r["max"] !== "number" || typeof r["backoff"] !== "string" || r["backoff"] === "" || typeof r["sameKey"] !== "boolean";
    }
    default:
      return typeof v !== "string" || v.trim() === "";
  }
}

function contractFindings(machineId: string, t: RawTransition): Finding[] {
  const at = { machineId, state: t.from, transition: { event: t.event, to: t.to } };
  if (t.meta === undefined) return [{ ...at, problem: `no contract (missing ${CONTRACT_FIELDS.join(", ")})` }];
  const missing = CONTRACT_FIELDS.filter((f) => fieldMissing(t.meta, f));
  const owner = t.meta["owner"];
  const keyed = typeof owner === "string" && KEYED_OWNERS.includes(owner as Owner);
  const out: Finding[] = [];
  if (keyed && missing.includes("idempotencyKey")) out.push({ ...at, problem: `owned by ${String(owner)} but has no idempotency key` });
  const rest = keyed ? missing.filter((f) => f !== "idempotencyKey") : missing;
  if (rest.length > 0) out.push({ ...at, problem: `missing contract field${rest.length > 1 ? "s" : ""} ${rest.join(", ")}` });
  return out;
}

const ancestorsAndSelf = (n: NodeLike): NodeLike[] => {
  const out: NodeLike[] = [];
  for (let cur: NodeLike | undefined = n; cur !== undefined; cur = cur.parent) out.push(cur);
  return out;
};

const isInternal = (eventType: string) => eventType === "" || eventType.startsWith("xstate.");

export function lintMachine(machine: AnyStateMachine): Finding[] {
  const g = machineGraph(machine);
  const id = g.id;
  const findings: Finding[] = [];
  for (const t of g.transitions) findings.push(...contractFindings(id, t));

  const [root] = g.nodes;
  if (root === undefined) return findings;
  const byName = new Map(g.nodes.map((n) => [stateName(n), n]));
  const outgoing = new Map<NodeLike, NodeLike[]>();
  for (const t of g.transitions) {
    const from = byName.get(t.from);
    const to = byName.get(t.to);
    if (from === undefined || to === undefined) continue;
    const list = outgoing.get(from) ?? [];
    list.push(to);
    outgoing.set(from, list);
  }

  // Reachability: entering a node enters its ancestors and its initial descendants.
  const reachable = new Set<NodeLike>();
  const queue: NodeLike[] = [];
  const enter = (n: NodeLike) => {
    for (const e of [...ancestorsAndSelf(n), ...entered(n)])
      if (!reachable.has(e)) {
        reachable.add(e);
        queue.push(e);
      }
  };
  enter(root);
  while (queue.length > 0) for (const to of outgoing.get(queue.shift()!) ?? []) enter(to);
  const leaves = g.nodes.filter((n) => n !== root && Object.keys(n.states).length === 0 && n.type !== "history");
  for (const n of g.nodes) if (n !== root && n.type !== "history" && !reachable.has(n)) findings.push({ machineId: id, state: stateName(n), problem: "unreachable state" });

  // Can a leaf still end? Final leaves can; a leaf can if a transition of it or an ancestor enters a node that can.
  const canEnd = new Set<NodeLike>(leaves.filter((n) => n.type === "final"));
  const entersEnding = (target: NodeLike) => entered(target).some((e) => canEnd.has(e));
  for (let changed = true; changed; ) {
    changed = false;
    for (const leaf of leaves) {
      if (canEnd.has(leaf)) continue;
      if (ancestorsAndSelf(leaf).some((a) => (outgoing.get(a) ?? []).some(entersEnding))) {
        canEnd.add(leaf);
        changed = true;
      }
    }
  }
  for (const leaf of leaves) if (reachable.has(leaf) && !canEnd.has(leaf)) findings.push({ machineId: id, state: stateName(leaf), problem: "no path to a final state" });

  // Invoking or waiting states need a way out when the other side never answers.
  for (const leaf of leaves) {
    if (leaf.type === "final") continue;
    const chain = ancestorsAndSelf(leaf);
    const hasTimeout = chain.some((a) => a.after.length > 0);
    if (hasTimeout) continue;
    for (const inv of leaf.invoke) {
      const onError = chain.some((a) => a.transitions.has(`xstate.error.actor.${inv.id}`));
      if (!onError) findings.push({ machineId: id, state: stateName(leaf), problem: `invokes ${inv.id} with no onError and no timeout (after)` });
    }
    if (leaf.invoke.length > 0) continue;
    const hasAlways = chain.some((a) => (a.always?.length ?? 0) > 0);
    const waits = chain.some((a) => [...a.transitions.keys()].some((e) => !isInternal(e)));
    if (!hasAlways && waits) findings.push({ machineId: id, state: stateName(leaf), problem: "waits for external events with no timeout (after)" });
  }
  return findings;
}

/** Duck-typed: a user's module may load its own copy of xstate, so `instanceof` is not enough. */
export function isStateMachine(value: unknown): value is AnyStateMachine {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v["getInitialSnapshot"] === "function" && typeof v["provide"] === "function" && typeof v["root"] === "object" && v["root"] !== null && typeof v["id"] === "string";
}
