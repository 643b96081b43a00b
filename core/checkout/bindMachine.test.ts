// Goal: any XState v5 machine runs under the reference coordinator once bound: its own steps get the
// deployment's deps and the invoke's input, a named `after` delay and a guard run on the clock the
// coordinator is handed (also after a crash and resume from the command record), final states end
// in the outcome their `meta.outcome` names; and a machine that cannot run is refused up front with
// every problem named.
import { describe, expect, it } from "vitest";
import { createMachine, fromPromise, setup } from "xstate";
import { makeWorld, settle } from "../../test/checkoutWorld.ts";
import { CheckoutId } from "../ids.ts";
import { bindMachine, MachineBindingError, type StepLibrary } from "./bindMachine.ts";
import { resumeCheckout, submitCheckout } from "./coordinator.ts";
import type { CheckoutDeps } from "./deps.ts";
import { STEPS } from "./machine.ts";

/** A team's machine: look the buyer up, then wait for a slow partner with a named, context-derived timeout. */
/** Declared so the machine type-checks; the coordinator binds `src` names to steps, replacing these. */
const declared = fromPromise<unknown, unknown>(() => Promise.reject(new Error("unbound")));

const patient = setup({
  types: { context: {} as { buyer: string; patienceMs: number }, input: {} as { request: { buyerId: string } } },
  actors: { lookUp: declared, partner: declared },
  delays: { PATIENCE: ({ context }) => context.patienceMs },
  guards: { stillPatient: ({ context }) => context.patienceMs > 0 },
}).createMachine({
  id: "patient",
  initial: "lookingUp",
  context: ({ input }) => ({ buyer: input.request.buyerId, patienceMs: 3_000 }),
  output: () => ({ reason: "partner-too-slow" }),
  states: {
    lookingUp: { invoke: { src: "lookUp", input: ({ context }: { context: { buyer: string } }) => ({ buyer: context.buyer }), onDone: "waiting", onError: "failed" } },
    waiting: {
      invoke: { src: "partner", onDone: "done", onError: "failed" },
      after: { PATIENCE: { target: "failed", guard: "stillPatient" } },
    },
    done: { type: "final", meta: { outcome: "confirmed" } },
    failed: { type: "final", meta: { outcome: "rejected" } },
  },
});

function teamSteps() {
  const seen: { deps: CheckoutDeps; input: unknown }[] = [];
  const steps: StepLibrary = {
    lookUp: async (deps: CheckoutDeps, input: { buyer: string }) => void seen.push({ deps, input }),
    partner: () => new Promise<never>(() => {}), // never answers: only the timeout ends the wait
  };
  return { seen, steps };
}

describe("bindMachine + the coordinator, with a team's own machine and steps", () => {
  it("hands its steps the deps and the invoke's input, and times out on the given clock by a named delay and guard", async () => {
    const w = await makeWorld();
    const { seen, steps } = teamSteps();
    const bound = bindMachine(patient, steps);
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy: "reserve-before-payment", clock: w.timers }, bound);
    await settle();
    expect(seen).toEqual([{ deps: w.deps, input: { buyer: "buyer-c-1" } }]);
    let result: unknown;
    void handle.outcome.then((r) => (result = r));
    w.timers.advance(2_999);
    await settle();
    expect(result).toBeUndefined();
    w.timers.advance(1);
    await settle();
    expect(result).toEqual({ outcome: "rejected", reason: "partner-too-slow" });
    expect((await w.stores.commands.get(CheckoutId("c-1")))?.status).toBe("rejected");
  });

  it("resumes after a crash from the persisted snapshot and re-arms the named delay from its full length", async () => {
    const w = await makeWorld();
    const { steps } = teamSteps();
    const bound = bindMachine(patient, steps);
    const options = { policy: "reserve-before-payment" as const, clock: w.timers };
    const first = await submitCheckout(w.deps, w.request("c-1"), options, bound);
    await settle();
    w.timers.advance(1_000);
    first.stop(); // the crash: memory is lost, the command record is not
    const command = await w.stores.commands.get(CheckoutId("c-1"));
    expect(command?.status).toBe("running");
    expect(JSON.parse(command!.snapshot!).value).toBe("waiting");
    const resumed = await resumeCheckout(w.deps, command!, options, bound);
    let result: unknown;
    void resumed.outcome.then((r) => (result = r));
    w.timers.advance(2_999);
    await settle();
    expect(result).toBeUndefined();
    w.timers.advance(1);
    await settle();
    expect(result).toEqual({ outcome: "rejected", reason: "partner-too-slow" });
  });

  it("refuses a machine naming every src with no step and every final state without meta.outcome", () => {
    const m = createMachine({
      id: "sloppy",
      initial: "paying",
      states: {
        paying: { invoke: { src: "chargeCard", onDone: "paid", onError: "failed" } },
        paid: { type: "final", meta: { outcome: "confirmed" } },
        failed: { type: "final" },
        odd: { type: "final", meta: { outcome: "maybe" } },
      },
    });
    let error: unknown;
    try {
      bindMachine(m, STEPS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MachineBindingError);
    expect((error as MachineBindingError).problems).toEqual([
      expect.stringMatching(/^state "paying" invokes src "chargeCard", which is no step \(known: validate, reserve, /),
      'final state "failed" has no meta.outcome (confirmed | rejected | compensated)',
      'final state "odd" has no meta.outcome (confirmed | rejected | compensated), got "maybe"',
    ]);
    expect((error as Error).message).toMatch(/^machine "sloppy": state "paying" invokes src "chargeCard"/);
  });

  it("refuses inline actor logic and a machine with no final state", () => {
    const m = createMachine({ id: "inline", initial: "a", states: { a: { invoke: { src: fromPromise(async () => 1), onDone: "a" } } } });
    expect(() => bindMachine(m, STEPS)).toThrow(/state "a" invokes inline actor logic: name a step in src instead; no top-level final state/);
  });

  it("a team's step under a library name replaces the library's", async () => {
    const w = await makeWorld();
    const calls: string[] = [];
    const m = createMachine({ id: "own-validate", initial: "v", states: { v: { invoke: { src: "validate", onDone: "ok", onError: "ok" } }, ok: { type: "final", meta: { outcome: "confirmed" } } } });
    const bound = bindMachine(m, { ...STEPS, validate: async () => void calls.push("ours") });
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy: "reserve-before-payment", clock: w.timers }, bound);
    expect(await handle.outcome).toEqual({ outcome: "confirmed" });
    expect(calls).toEqual(["ours"]);
  });
});
