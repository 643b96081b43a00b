// Goal: the harness tests the team's checkout, not ours. Every click reaches the coordinator (double
// clicks concurrently), the system's jobs are the system's (a coordinator without a reconciliation
// job is caught), webhooks arrive as providers send them (a copy while the first is in flight), a
// checkout whose handle fails is left to the system's own recovery, and buyers call only the ports a
// storefront calls.
import { describe, expect, it } from "vitest";
import { createMemoryStores } from "../adapters/memory/index.ts";
import { ProviderModel } from "../adapters/provider/model.ts";
import { LedgerPaymentService } from "../adapters/payments/ledgerPaymentService.ts";
import { ManualClock } from "../core/clock.ts";
import { BuyerId, CheckoutId, IdempotencyKey, LocationId, MerchantId, OrderId, ProviderRef, Sku, keys } from "../core/ids.ts";
import { withEventId } from "../core/checkout/steps/common.ts";
import { money } from "../core/money.ts";
import { mitigationsWithout, type CheckoutDeps } from "../core/checkout/deps.ts";
import { reconciliation, referenceJobs } from "../core/checkout/jobs.ts";
import type { WebhookEvent } from "../core/ports/paymentProvider.ts";
import { findScenario, SCENARIOS } from "../scenarios/index.ts";
import { BUYER_PORTS } from "./buyers.ts";
import type { Coordinator } from "./coordinator.ts";
import { ConventionError } from "./conventions.ts";
import { referenceCoordinator } from "./referenceCoordinator.ts";
import { runScenario } from "./run.ts";
import type { Scenario } from "./scenario.ts";

describe("every submission reaches the coordinator", () => {
  it("a coordinator without deduplication receives both clicks of a double click, the second while the first is in flight", async () => {
    const scenario: Scenario = { ...findScenario("duplicate-checkout-submission")!, faults: { "buyer.double-submit": 1 } };
    const submits: { checkoutId: string; submission: number; inFlight: number }[] = [];
    const inFlight = new Map<string, number>();
    const counting: Coordinator = {
      ...referenceCoordinator,
      async submit(deps, request, options) {
        const n = (inFlight.get(request.checkoutId) ?? 0) + 1;
        inFlight.set(request.checkoutId, n);
        submits.push({ checkoutId: request.checkoutId, submission: request.submission ?? 1, inFlight: n });
        const handle = await referenceCoordinator.submit(deps, request, options);
        void handle.outcome.finally(() => inFlight.set(request.checkoutId, (inFlight.get(request.checkoutId) ?? 1) - 1)).catch(() => undefined);
        return handle;
      },
    };
    const result = await runScenario({ scenario, seed: 1, coordinator: counting, workload: { buyers: 4 } });
    const seconds = submits.filter((s) => s.submission === 2);
    expect(seconds.length).toBeGreaterThan(0);
    expect(seconds.some((s) => s.inFlight >= 2), "a second click arrived while the first was still running").toBe(true);
    // The reference deduplicates inside: still one order per checkout.
    expect(result.violations).toEqual([]);
  });
});

describe("the system's jobs belong to the system", () => {
  const scenario = findScenario("payment-succeeds-order-write-fails")!;
  // A plausible team design: a checkout that takes an unknown payment outcome as failed and leaves the
  // money it may have taken to a background reconciliation job. Without that job the money stays held.
  const givesUp = (deps: CheckoutDeps): CheckoutDeps => ({ ...deps, mitigations: { ...deps.mitigations, reconciliation: false } });
  const leavesItToTheJob: Coordinator = {
    ...referenceCoordinator,
    submit: (deps, request, options) => referenceCoordinator.submit(givesUp(deps), request, options),
    resume: (deps, command, options) => referenceCoordinator.resume(givesUp(deps), command, options),
  };
  const withoutReconciliation: Coordinator = { ...leavesItToTheJob, jobs: referenceJobs.filter((j) => j.name !== "reconcile") };

  it("a coordinator that declares no reconciliation job leaves orphan charges; the same coordinator with the job passes", async () => {
    let caught = 0;
    for (let seed = 1; seed <= 10 && caught === 0; seed++) {
      const broken = await runScenario({ scenario, seed, coordinator: withoutReconciliation });
      if (broken.violations.some((v) => v.invariant === "no-orphan-payment")) caught = seed;
      const whole = await runScenario({ scenario, seed, coordinator: { ...withoutReconciliation, jobs: referenceJobs } });
      expect(whole.violations.map((v) => v.message), `seed ${seed}`).toEqual([]);
    }
    expect(caught, "no-orphan-payment caught within 10 seeds").toBeGreaterThan(0);
  });

  it("a coordinator with no jobs at all gets none from the harness: nothing sweeps its expired holds", async () => {
    const jobless: Coordinator = { submit: referenceCoordinator.submit, resume: referenceCoordinator.resume, handleWebhook: referenceCoordinator.handleWebhook };
    const neverConverts = findScenario("reservation-never-converts")!;
    let caught = false;
    for (let seed = 1; seed <= 8 && !caught; seed++) {
      const r = await runScenario({ scenario: neverConverts, seed, coordinator: jobless });
      caught = r.violations.some((v) => v.invariant === "no-leaked-reservation");
      expect(r.history.entries.some((e) => e.process.startsWith("job:"))).toBe(false);
    }
    expect(caught).toBe(true);
  });

  it("refuses a system that breaks a convention with an error naming it, before running", async () => {
    const scenario = findScenario("flash-sale")!;
    const badJob: Coordinator = { ...referenceCoordinator, jobs: [{ name: "sweep", periodMs: 0, run: async () => undefined }] };
    await expect(runScenario({ scenario, seed: 1, coordinator: badJob })).rejects.toThrow(/system job "sweep" has periodMs 0/);
    const noInventory = (clock: Parameters<typeof createMemoryStores>[0]) => ({ ...createMemoryStores(clock), inventory: undefined as never });
    await expect(runScenario({ scenario, seed: 1, stores: noInventory })).rejects.toBeInstanceOf(ConventionError);
  });
});

describe("the reference's reconciliation job", () => {
  const M = MerchantId("m-1");
  async function world() {
    const clock = new ManualClock(0);
    const stores = createMemoryStores(clock);
    const provider = new ProviderModel({ clock, merchants: [M] });
    const payments = new LedgerPaymentService({ ledger: stores.payments, provider, merchantId: M, clock });
    const deps: CheckoutDeps = { stores, payments, clock, merchantId: M, location: LocationId("loc-1"), holdMs: 4000, mitigations: mitigationsWithout([]) };
    return { clock, stores, provider, deps };
  }

  it("never voids the charge a confirmed order stands on, even when the checkout's record says rejected (regression)", async () => {
    const { stores, provider, deps } = await world();
    const checkoutId = CheckoutId("c-1-1");
    const orderId = OrderId("c-1-1:order");
    const total = money(1000, "USD");
    const paid = await provider.authorize(M, keys.authorize(checkoutId), { amount: total, reference: checkoutId });
    const extra = await provider.authorize(M, IdempotencyKey("c-1-1:auth:2"), { amount: total, reference: checkoutId });
    const paidId = (paid.body as { id: string }).id;
    const extraId = (extra.body as { id: string }).id;
    // As the payment service leaves them: a ledger row for each authorization, written before it was sent.
    for (const [key, id] of [
      [keys.authorize(checkoutId), paidId],
      [IdempotencyKey("c-1-1:auth:2"), extraId],
    ] as const) {
      await stores.payments.begin({ merchantId: M, key, operation: "authorize", requestHash: "h", amount: total, checkoutId, orderId });
      await stores.payments.record(M, key, { status: "succeeded", providerRef: ProviderRef(id) });
    }
    await stores.orders.append(
      orderId,
      [
        { type: "OrderCreated", checkoutId, buyerId: BuyerId("b-1"), lines: [{ sku: Sku("sku-1"), quantity: 1, unitPrice: total, priceVersion: 1 }], total } as const,
        { type: "PaymentAuthorized", providerRef: ProviderRef(paidId), amount: total } as const,
        { type: "OrderConfirmed" } as const,
      ].map((body) => withEventId(orderId, body)),
    );
    await stores.commands.submit({ checkoutId, buyerId: BuyerId("b-1"), requestHash: "h", request: "{}" });
    await stores.commands.save(checkoutId, { status: "rejected", snapshot: null });
    await reconciliation.run(deps, { setTimeout: () => 0, clearTimeout: () => undefined });
    const status = Object.fromEntries(provider.charges().map((c) => [c.id, c.status]));
    expect(status[paidId]).toBe("authorized");
    expect(status[extraId]).toBe("voided");
  });
});

describe("webhooks arrive the way providers send them", () => {
  it("a concurrent duplicate reaches handleWebhook twice while the first delivery is still being handled", async () => {
    const scenario: Scenario = { ...findScenario("webhook-races-storefront")!, faults: { "webhook.concurrent-duplicate": 1 } };
    const inFlight = new Map<string, number>();
    let overlapped = 0;
    const counting: Coordinator = {
      ...referenceCoordinator,
      async handleWebhook(deps, event: WebhookEvent, clock) {
        const n = (inFlight.get(event.id) ?? 0) + 1;
        inFlight.set(event.id, n);
        if (n >= 2) overlapped++;
        try {
          return await referenceCoordinator.handleWebhook(deps, event, clock);
        } finally {
          inFlight.set(event.id, (inFlight.get(event.id) ?? 1) - 1);
        }
      },
    };
    const result = await runScenario({ scenario, seed: 1, coordinator: counting, workload: { buyers: 6 } });
    expect(overlapped).toBeGreaterThan(0);
    expect(result.violations).toEqual([]);
    // Every attempt and its answer are in the history, and the world says what became of each webhook.
    const attempts = result.history.entries.filter((e) => e.type === "invoke" && e.f === "webhook.deliver").length;
    expect(attempts).toBe(result.world.webhooks!.reduce((n, w) => n + w.attempts, 0));
    expect(result.world.webhooks!.every((w) => w.acknowledged)).toBe(true);
  });

  it("a webhook refused every time is redelivered with backoff, then the provider gives up (recorded)", async () => {
    const refusing: Coordinator = { ...referenceCoordinator, handleWebhook: async () => Promise.reject(new Error("endpoint down")) };
    const scenario: Scenario = { ...findScenario("webhook-races-storefront")!, faults: {} };
    const result = await runScenario({ scenario, seed: 2, coordinator: refusing, workload: { buyers: 2 } });
    const webhooks = result.world.webhooks!;
    expect(webhooks.length).toBeGreaterThan(0);
    expect(webhooks.every((w) => !w.acknowledged && w.gaveUp && w.attempts === 8)).toBe(true);
    const deliveries = result.history.entries.filter((e) => e.f === "webhook.deliver" && e.type === "invoke" && (e.value as { eventId: string }).eventId === webhooks[0]!.eventId);
    const gaps = deliveries.slice(1).map((e, i) => e.time - deliveries[i]!.time);
    expect(gaps.every((g, i) => i === 0 || g >= gaps[i - 1]!), `backoff grows: ${gaps.join(", ")}`).toBe(true);
  });
});

describe("harness defects, fixed", () => {
  it("a checkout whose handle fails is not held as live forever: the system's own janitor resumes it and it ends", async () => {
    const failedOnce = new Set<string>();
    const flaky: Coordinator = {
      ...referenceCoordinator,
      async submit(deps, request, options) {
        const handle = await referenceCoordinator.submit(deps, request, options);
        if (failedOnce.has(request.checkoutId)) return handle;
        failedOnce.add(request.checkoutId);
        handle.stop(); // the actor dies; its outcome promise fails
        return { checkoutId: handle.checkoutId, outcome: Promise.reject(new Error("actor failed")), stop: () => undefined };
      },
    };
    const scenario: Scenario = { ...findScenario("flash-sale")!, faults: {} };
    const result = await runScenario({ scenario, seed: 3, coordinator: flaky, workload: { buyers: 4 } });
    expect(result.history.entries.some((e) => e.f === "outcome-error")).toBe(true);
    expect(result.world.quiescent).toBe(true);
    expect(result.violations).toEqual([]);
  });
});

describe("buyers call only what a storefront calls", () => {
  it("no buyer process calls any store port outside the storefront's list, in any scenario", async () => {
    const allowed = new Set(Object.entries(BUYER_PORTS).flatMap(([store, methods]) => methods.map((m) => `${store}.${m}`)));
    for (const scenario of SCENARIOS) {
      const result = await runScenario({ scenario, seed: 1 });
      const called = result.history.entries.filter((e) => e.type === "invoke" && e.process.startsWith("buyer:") && e.f !== "checkout").map((e) => e.f);
      expect(called.length, scenario.name).toBeGreaterThan(0);
      expect(called.filter((f) => !allowed.has(f)), scenario.name).toEqual([]);
    }
  });
});
