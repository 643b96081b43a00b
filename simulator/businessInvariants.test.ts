// Goal: each business invariant is shown able to fail on a plausible broken system (the bugs from
// public incident reports that no mitigation switch of the reference reaches), and the reference
// holds it on the same scenario and seeds. The switches (compensation-check, release-on-failure,
// payment-key) are in mitigations.test.ts.
import { describe, expect, it } from "vitest";
import { createMemoryStores } from "../adapters/memory/index.ts";
import type { Clock } from "../core/clock.ts";
import { EventId, IdempotencyKey } from "../core/ids.ts";
import type { PaymentService, Stores } from "../core/ports/index.ts";
import type { EventStream } from "../core/ports/eventStream.ts";
import type { InvariantName } from "../core/invariants/verdict.ts";
import { foldOrder } from "../core/orderLifecycle.ts";
import { isPaid } from "../core/checkout/steps/common.ts";
import type { CheckoutDeps } from "../core/checkout/deps.ts";
import { findScenario } from "../scenarios/index.ts";
import type { Coordinator } from "./coordinator.ts";
import { referenceCoordinator } from "./referenceCoordinator.ts";
import { runScenario, type RunOptions } from "./run.ts";

/** Runs the broken system and the reference on the same seeds: the broken one is caught, the reference holds. */
async function caughtAndHeld(invariant: InvariantName, options: RunOptions, broken: Partial<RunOptions>, seeds: readonly number[]): Promise<string> {
  let caught: string | undefined;
  for (const seed of seeds) {
    const bad = await runScenario({ ...options, ...broken, seed });
    caught ??= bad.violations.find((v) => v.invariant === invariant)?.message;
    const reference = await runScenario({ ...options, seed });
    expect(reference.violations.map((v) => `${v.invariant}: ${v.message}`), `reference, seed ${seed}`).toEqual([]);
  }
  expect(caught, `${invariant} caught within seeds ${seeds.join(", ")}`).toBeDefined();
  return caught!;
}

/** The confirmed order of a checkout, read through the coordinator's own deps. */
async function paidOrder(deps: CheckoutDeps, checkoutId: string): Promise<string | undefined> {
  const orderId = await deps.stores.orders.findByCheckout(checkoutId as never);
  if (orderId === undefined) return undefined;
  return isPaid(foldOrder(await deps.stores.orders.events(orderId))) ? orderId : undefined;
}

describe("business invariants catch broken systems", () => {
  it("answer-matches-ledger: a storefront that shows \"payment failed\" after a fixed wait while the checkout goes on", async () => {
    // The classic payment page: a spinner with a 1.5 s timeout that reports failure, while the order
    // and the charge complete behind it.
    const impatient: Coordinator = {
      ...referenceCoordinator,
      async submit(deps, request, options) {
        const handle = await referenceCoordinator.submit(deps, request, options);
        const failed = new Promise<{ outcome: "rejected"; reason: string }>((resolve) => options.clock.setTimeout(() => resolve({ outcome: "rejected", reason: "payment-failed" }), 1500)); // allowed: the run's virtual clock
        return { ...handle, outcome: Promise.race([handle.outcome, failed]) };
      },
    };
    const message = await caughtAndHeld("answer-matches-ledger", { scenario: findScenario("async-payment-settles-late")!, seed: 1 }, { coordinator: impatient }, [1]);
    expect(message).toMatch(/told "rejected" \(payment-failed\).*(order .* stands|still holds|took)/);
  });

  it("answer-matches-ledger: a checkout that re-reads the cart after submission sells what the other tab put there", async () => {
    const rereads: Coordinator = {
      ...referenceCoordinator,
      async submit(deps, request, options) {
        await new Promise<void>((resolve) => options.clock.setTimeout(() => resolve(), 1200)); // allowed: the run's virtual clock
        const cart = await deps.stores.cart.get(request.buyerId);
        const lines = cart !== undefined && cart.lines.length > 0 ? cart.lines : request.lines;
        return referenceCoordinator.submit(deps, { ...request, lines }, options);
      },
    };
    const message = await caughtAndHeld("answer-matches-ledger", { scenario: findScenario("edit-cart-while-paying")!, seed: 1 }, { coordinator: rereads }, [1, 2]);
    expect(message).toMatch(/not the .* the buyer submitted/);
  });

  it("no-double-charge: a capture step that captures every authorization of the checkout is caught (a real double capture)", async () => {
    // With retries under fresh keys (payment-key off) a checkout holds several authorizations; this
    // capture takes them all.
    const capturesAll = (deps: CheckoutDeps): CheckoutDeps => {
      const base = deps.payments;
      const payments: PaymentService = Object.assign(Object.create(base) as PaymentService, {
        async capture(command: Parameters<PaymentService["capture"]>[0]) {
          const first = await base.capture(command);
          for (const c of (await base.chargesFor?.(command.checkoutId)) ?? [])
            if (c.status === "authorized" && c.id !== command.providerRef) await base.capture({ ...command, key: IdempotencyKey(`${command.key}:${c.id}`), providerRef: c.id });
          return first;
        },
      });
      return { ...deps, payments };
    };
    const greedy: Coordinator = {
      ...referenceCoordinator,
      submit: (deps, request, options) => referenceCoordinator.submit(capturesAll(deps), request, options),
      resume: (deps, command, options) => referenceCoordinator.resume(capturesAll(deps), command, options),
    };
    let caught: string | undefined;
    for (let seed = 1; seed <= 3 && caught === undefined; seed++) {
      const r = await runScenario({ scenario: findScenario("payment-retry-double-charge")!, seed, coordinator: greedy, disable: ["payment-key"] });
      caught = r.violations.find((v) => v.invariant === "no-double-charge")?.message;
    }
    expect(caught).toMatch(/was captured 2 times|captured .* > order total/);
    // The same switch with the reference's capture takes one charge: the extra authorization is voided, not a second charge.
    const plain = await runScenario({ scenario: findScenario("payment-retry-double-charge")!, seed: 1, disable: ["payment-key"] });
    expect(plain.violations.filter((v) => v.invariant === "no-double-charge")).toEqual([]);
  });

  it("effects-at-least-once: an event stream that records a delivery as processed even when its effect threw", async () => {
    const swallowing = (inner: EventStream): EventStream => ({
      publish: (e) => inner.publish(e),
      poll: (c, n) => inner.poll(c, n),
      commitOffset: (c, o) => inner.commitOffset(c, o),
      processedCount: (c) => inner.processedCount(c),
      // Marks the event done first, then runs the effect and swallows its failure: the email is never sent.
      consumeOnce: (consumer, eventId, effect) =>
        inner.consumeOnce(consumer, eventId, () => {
          try {
            effect();
          } catch {
            // acknowledged anyway
          }
        }),
    });
    const stores = (clock: Clock): Stores => {
      const s = createMemoryStores(clock);
      return { ...s, events: swallowing(s.events) };
    };
    const message = await caughtAndHeld("effects-at-least-once", { scenario: findScenario("duplicate-events-downstream")!, seed: 1 }, { stores }, [1]);
    expect(message).toMatch(/never effected event/);
  });

  it("one-completion-per-order: a webhook handler that publishes a fresh \"order completed\" event per delivery", async () => {
    let published = 0;
    const announces: Coordinator = {
      ...referenceCoordinator,
      async handleWebhook(deps, event, clock) {
        const result = await referenceCoordinator.handleWebhook(deps, event, clock);
        const orderId = event.type === "charge.authorized" ? await paidOrder(deps, event.reference) : undefined;
        if (orderId !== undefined)
          await deps.stores.events.publish({ eventId: EventId(`${event.id}:completed:${++published}`), topic: "orders", payload: JSON.stringify({ type: "OrderConfirmed", orderId }) });
        return result;
      },
    };
    const message = await caughtAndHeld("one-completion-per-order", { scenario: findScenario("webhook-storm")!, seed: 1 }, { coordinator: announces }, [1]);
    expect(message).toMatch(/effected OrderConfirmed of order .* times, under event ids/);
  });

  it("webhooks-acknowledged: a webhook handler that refuses events for a checkout it does not know as paid", async () => {
    // "Order not found" for anything but a paid order: voids of failed checkouts, early authorizations.
    const strict: Coordinator = {
      ...referenceCoordinator,
      async handleWebhook(deps, event, clock) {
        if ((await paidOrder(deps, event.reference)) === undefined) throw new Error(`no paid order for checkout ${event.reference}`);
        return referenceCoordinator.handleWebhook(deps, event, clock);
      },
    };
    const message = await caughtAndHeld("webhooks-acknowledged", { scenario: findScenario("webhook-storm")!, seed: 1 }, { coordinator: strict }, [1]);
    expect(message).toMatch(/refused 8 times; the provider gave up/);
  });
});
