// The transition table must take exactly the transitions XState takes on the same definition: checked
// step by step against XState's own pure `transition()` on generated event sequences, for the three
// reference policies and a team's machine; then the same runs end to end through both interpreters.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createMachine, initialTransition, transition } from "xstate";
import type { AnyStateMachine } from "xstate";
import { bindMachine } from "./bindMachine.ts";
import { checkoutMachine } from "./coordinator.ts";
import { POLICIES } from "./deps.ts";
import type { StepKind } from "./context.ts";
import { STEPS } from "./machine.ts";
import { compileTable, initialSnapshot, persisted, step, type MachineEvent, type MachineTable, type TableSnapshot } from "./tableMachine.ts";
import { fixedCheckout } from "../../examples/own-machine/fixed.ts";
import { brokenCheckout } from "../../examples/own-machine/broken.ts";
import { runScenario } from "../../simulator/run.ts";
import { findScenario } from "../../scenarios/index.ts";

const KINDS: readonly StepKind[] = ["ok", "rejected", "insufficient", "declined", "not-found", "unknown", "pending", "paid", "reservation-lost"];

/** What to do next, resolved against the state the machine is in when it comes. */
const anEvent = fc.record({
  what: fc.oneof({ weight: 6, arbitrary: fc.constant("done") }, { weight: 2, arbitrary: fc.constantFrom("error", "after") }, { weight: 1, arbitrary: fc.constantFrom("settled", "stray") }),
  /** Mostly a result the state's transitions name (else a random walk rarely leaves the first state), sometimes any. */
  kind: fc.nat(),
  anyKind: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  reason: fc.option(fc.constantFrom("price-changed", "card-declined", "sold-out"), { nil: undefined }),
  providerRef: fc.constantFrom("ch_1", "ch_2"),
  total: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  /** The same kind of event several times in a row: how a step's retries run out. */
  times: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 6 }) }),
});
type Pick = typeof anEvent extends fc.Arbitrary<infer T> ? T : never;

/** The event `pick` means in state `s` of `table` (done/error of its step, one of its delays, a webhook, or noise). */
function eventFor(table: MachineTable, s: TableSnapshot, pick: Pick): MachineEvent {
  const row = table.states.get(s.value)!;
  const child = s.child?.id ?? "none";
  switch (pick.what) {
    case "done": {
      const named = [...new Set((row.on.get(`xstate.done.actor.${child}`) ?? []).flatMap((t) => ((t.guard?.params as { kind?: StepKind } | undefined)?.kind ? [(t.guard!.params as { kind: StepKind }).kind] : [])))];
      const kinds = pick.anyKind || named.length === 0 ? KINDS : named;
      const kind = kinds[pick.kind % kinds.length]!;
      const patch = pick.total === undefined ? undefined : { total: { amount: pick.total, currency: "USD" }, providerRef: pick.providerRef };
      return { type: `xstate.done.actor.${child}`, actorId: child, output: { kind, ...(pick.reason ? { reason: pick.reason } : {}), ...(patch ? { patch } : {}) } };
    }
    case "error":
      return { type: `xstate.error.actor.${child}`, actorId: child, error: new Error("store unavailable") };
    case "after":
      return { type: row.after[0]?.eventType ?? "xstate.after.none" };
    case "settled":
      return { type: "payment.settled", providerRef: pick.providerRef };
    default:
      return { type: "buyer.left" };
  }
}

const INPUT = { checkoutId: "c-1", policy: "reserve-before-payment", request: { checkoutId: "c-1", buyerId: "b-1", currency: "USD", lines: [{ sku: "sku-1", quantity: 2, priceSnapshot: { amount: 1250, currency: "USD" }, priceVersion: 1 }] } };

/** Runs `picks` through both interpreters, comparing the persisted snapshot (state, context, output, step input) after every event. */
function sameWalk(machine: AnyStateMachine, picks: readonly Pick[], input: unknown = INPUT, visited = new Set<string>()): void {
  const compiled = compileTable(machine);
  if (!("table" in compiled)) throw new Error(`not compiled: ${compiled.reasons.join("; ")}`);
  const table = compiled.table;
  let [x] = initialTransition(machine, input as never);
  let t = initialSnapshot(table, input);
  expect(JSON.stringify(persisted(t))).toBe(JSON.stringify(machine.getPersistedSnapshot(x)));
  for (const pick of picks)
    for (let n = 0; n < pick.times && t.status === "active"; n++) {
      const event = eventFor(table, t, pick);
      [x] = transition(machine, x, event as never);
      t = step(table, t, event).next;
      visited.add(t.value);
      expect({ event: event.type, snapshot: JSON.stringify(persisted(t)) }).toEqual({ event: event.type, snapshot: JSON.stringify(machine.getPersistedSnapshot(x)) });
    }
}

describe("the transition table takes XState's transitions", () => {
  for (const policy of POLICIES) {
    it(`${policy}: every generated event sequence, snapshot for snapshot`, () => {
      const { machine, table } = bindMachine(checkoutMachine(policy), STEPS);
      const visited = new Set<string>();
      fc.assert(
        fc.property(fc.array(anEvent, { minLength: 1, maxLength: 60 }), fc.boolean(), (picks, allowBackorder) => sameWalk(machine, picks, { ...INPUT, policy, request: { ...INPUT.request, allowBackorder } }, visited)),
        { numRuns: 800, seed: 20261130 },
      );
      // The walks reach every state of the machine, so every state's transitions were compared.
      expect([...visited].sort()).toEqual([...table!.table.states.keys()].sort());
    });
  }

  it("a team's machine (examples/own-machine) too", () => {
    for (const m of [fixedCheckout, brokenCheckout]) {
      const { machine } = bindMachine(m, STEPS);
      fc.assert(fc.property(fc.array(anEvent, { minLength: 1, maxLength: 30 }), (picks) => sameWalk(machine, picks)), { numRuns: 150 });
    }
  });
});

describe("what the table does not interpret runs on XState", () => {
  it("names nested states, always transitions and non-assign actions", () => {
    const nested = createMachine({ id: "nested", initial: "a", states: { a: { initial: "x", states: { x: {} } } } });
    const always = createMachine({ id: "always", initial: "a", states: { a: { always: { target: "b" } }, b: { type: "final" } } });
    const logs = createMachine({ id: "logs", initial: "a", states: { a: { entry: () => undefined } } });
    for (const [m, words] of [
      [nested, "compound"],
      [always, "always"],
      [logs, "not an assign"],
    ] as const) {
      const c = compileTable(m);
      expect("reasons" in c && c.reasons.join("; ")).toContain(words);
    }
  });

  it("the reference machines compile", () => {
    for (const policy of POLICIES) expect(bindMachine(checkoutMachine(policy), STEPS).table).toBeDefined();
  });
});

describe("whole runs: the same trace through the table and through XState actors", () => {
  const runs = [
    ["flash-sale", 3, "reserve-before-payment"],
    ["coordinator-crash", 2, "reserve-after-authorization"],
    ["webhook-races-storefront", 1, "async-reservation"],
    ["swarm", 4, "reserve-before-payment"],
  ] as const;
  for (const [name, seed, policy] of runs) {
    it(`${name} seed ${seed} under ${policy}`, async () => {
      const scenario = findScenario(name)!;
      const table = await runScenario({ scenario, seed, policy });
      const actors = await runScenario({ scenario, seed, policy, interpreter: "xstate" });
      expect(table.traceHash).toBe(actors.traceHash);
      expect(table.coverage.transitions).toEqual(actors.coverage.transitions);
    });
  }
});
