// The payment service writes the ledger row before the provider call, records every outcome, turns a lost
// answer into `unknown`, and reconciles by key against the provider's own ledger instead of guessing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { ManualClock } from "../../core/clock.ts";
import { IdempotencyConflict } from "../../core/errors.ts";
import { CheckoutId, IdempotencyKey, MerchantId, OrderId, keys } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import type { PaymentLedger } from "../../core/ports/paymentLedger.ts";
import type { PaymentProvider, ProviderCharge } from "../../core/ports/paymentProvider.ts";
import { MemoryPaymentLedger } from "../memory/paymentLedger.ts";
import type { Fault, FaultKind } from "../provider/faults.ts";
import { FaultyProvider } from "../provider/faults.ts";
import { providerHandlers } from "../provider/http.ts";
import { HttpPaymentProvider } from "../provider/httpClient.ts";
import { ProviderModel } from "../provider/model.ts";
import { LedgerPaymentService } from "./ledgerPaymentService.ts";
import { canonicalJson, requestHash } from "./requestHash.ts";

const M = MerchantId("acme");
const checkoutId = CheckoutId("co-1");
const orderId = OrderId("co-1:order");
const amount = money(4200, "USD");
const authCommand = { checkoutId, orderId: null, key: keys.authorize(checkoutId), amount };

/** A provider that counts calls and lets a test look at the ledger at the moment of each call. */
function spy(inner: PaymentProvider, onCall: (method: string) => Promise<void> | void = () => {}) {
  const calls: string[] = [];
  const provider = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        calls.push(String(prop));
        await onCall(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { provider, calls };
}

function setup(faults: (FaultKind | null)[] = [], options: { declineWhen?: (i: { amount: { amount: number } }) => boolean; onCall?: (ledger: PaymentLedger, method: string) => Promise<void> } = {}) {
  const clock = new ManualClock(0);
  const model = new ProviderModel({ clock, merchants: [M], ...(options.declineWhen ? { declineWhen: options.declineWhen } : {}) });
  const plan = [...faults];
  const faulty = new FaultyProvider({ model, timeoutMs: 1000, decide: (): Fault | null => {
    const kind = plan.shift() ?? null;
    return kind === null ? null : kind === "latency" ? { kind, ms: 10 } : { kind };
  } });
  const ledger = new MemoryPaymentLedger({ clock });
  const { provider, calls } = spy(faulty, (method) => options.onCall?.(ledger, method));
  const service = new LedgerPaymentService({ ledger, provider, merchantId: M, clock });
  return { clock, model, ledger, service, calls };
}

describe("LedgerPaymentService", () => {
  it("writes the pending ledger row before the provider hears of the request", async () => {
    const statusAtCall: (string | undefined)[] = [];
    const { service, ledger } = setup([], { onCall: async (l) => void statusAtCall.push((await l.get(M, authCommand.key))?.status) });
    const result = await service.authorize(authCommand);
    expect(statusAtCall).toEqual(["pending"]);
    expect(result).toMatchObject({ status: "succeeded", providerRef: "ch_1", amount });
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "succeeded", providerRef: "ch_1", reconciliation: "none" });
  });

  it("answers a retry of a settled operation from the ledger without calling the provider", async () => {
    const { service, calls, model } = setup();
    const first = await service.authorize(authCommand);
    const second = await service.authorize(authCommand);
    expect(second).toEqual(first);
    expect(calls).toEqual(["authorize"]);
    expect(model.charges()).toHaveLength(1);
  });

  it("records a decline as failed and replays it from the ledger", async () => {
    const { service, calls, ledger } = setup([], { declineWhen: () => true });
    const r = await service.authorize(authCommand);
    expect(r.status).toBe("declined");
    expect(r.status === "declined" && r.reason).toMatch(/card_declined/);
    expect((await ledger.get(M, authCommand.key))?.status).toBe("failed");
    expect(await service.authorize(authCommand)).toEqual(r);
    expect(calls).toEqual(["authorize"]);
  });

  it("refuses the same key for a different request and sends nothing", async () => {
    const { service, calls } = setup();
    await service.authorize(authCommand);
    await expect(service.authorize({ ...authCommand, amount: money(1, "USD") })).rejects.toBeInstanceOf(IdempotencyConflict);
    expect(calls).toEqual(["authorize"]);
  });

  it("a lost response becomes unknown (reconciliation needed); reconcile finds the charge by key", async () => {
    const { service, ledger, model } = setup(["response-lost"]);
    const r = await service.authorize(authCommand);
    expect(r.status).toBe("unknown");
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "unknown", reconciliation: "needed" });
    expect(await ledger.needingReconciliation(10)).toHaveLength(1);
    const truth = await service.reconcile(authCommand.key);
    expect(truth).toEqual({ status: "succeeded", providerRef: model.charges()[0]?.id, amount });
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "succeeded", reconciliation: "reconciled" });
    expect(await ledger.needingReconciliation(10)).toHaveLength(0);
    expect(model.charges()).toHaveLength(1);
  });

  it("a lost request reconciles to declined (not found); an unreachable provider leaves it unknown", async () => {
    const { service, ledger } = setup(["request-lost", "request-lost"]);
    expect((await service.authorize(authCommand)).status).toBe("unknown");
    expect(await service.reconcile(authCommand.key)).toMatchObject({ status: "unknown" });
    expect((await ledger.get(M, authCommand.key))?.reconciliation).toBe("needed");
    const truth = await service.reconcile(authCommand.key);
    expect(truth.status).toBe("declined");
    expect(truth.status === "declined" && truth.reason).toMatch(/not found/);
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "failed", reconciliation: "reconciled" });
  });

  it("a retry after a not-found reconciliation that the provider processes but answers 5xx is unknown, not declined (regression)", async () => {
    // Lost twice: reconciliation settles the row as "never reached the provider". The retry then lands
    // and the provider charges, but answers 500: the row must go back to unknown, never stay failed.
    const { service, ledger, model } = setup(["request-lost", "request-lost", null, "error-after"]);
    expect((await service.authorize(authCommand)).status).toBe("unknown");
    expect((await service.reconcile(authCommand.key)).status).toBe("unknown");
    expect((await service.reconcile(authCommand.key)).status).toBe("declined");
    const retry = await service.authorize(authCommand);
    expect(model.charges().map((c) => c.status)).toEqual(["authorized"]);
    expect(retry.status).toBe("unknown");
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "unknown", reconciliation: "needed" });
    expect(await service.reconcile(authCommand.key)).toMatchObject({ status: "succeeded", providerRef: model.charges()[0]!.id });
  });

  it("a 5xx after processing is unknown; retrying under the same key replays instead of charging again", async () => {
    const { service, ledger, model } = setup(["error-after"]);
    expect((await service.authorize(authCommand)).status).toBe("unknown");
    const retry = await service.authorize(authCommand);
    expect(retry.status).toBe("succeeded");
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "succeeded", reconciliation: "reconciled" });
    expect(model.charges()).toHaveLength(1);
  });

  it("a 409 (the same key in flight elsewhere) is unknown and leaves the row pending for its owner", async () => {
    const { service, ledger, model } = setup();
    const held = model.begin(M, authCommand.key, "authorize", { amount, reference: checkoutId });
    expect(held.kind).toBe("in-flight");
    expect((await service.authorize(authCommand)).status).toBe("unknown");
    expect((await ledger.get(M, authCommand.key))?.status).toBe("pending");
  });

  it("reconciles capture, void and refund from the state of the charge they act on", async () => {
    // Calls: authorize, capture (lost), retrieve, retrieve, refund (lost), retrieve.
    const { service, ledger } = setup([null, "response-lost", null, null, "response-lost"]);
    const auth = await service.authorize(authCommand);
    if (auth.status !== "succeeded") throw new Error("expected an authorization");
    const capture = { checkoutId, orderId, key: keys.capture(orderId), providerRef: auth.providerRef, amount };
    expect((await service.capture(capture)).status).toBe("unknown");
    expect(await service.reconcile(capture.key)).toMatchObject({ status: "succeeded", providerRef: auth.providerRef });

    // A void that never reached the provider (a captured charge is not voided) reconciles to declined.
    const voidKey = keys.void(checkoutId);
    await ledger.begin({ merchantId: M, key: voidKey, operation: "void", requestHash: "h", amount, checkoutId, orderId: null });
    expect((await service.reconcile(voidKey)).status).toBe("declined");

    const refund = { checkoutId, orderId, key: keys.refund(orderId), providerRef: auth.providerRef, amount };
    expect((await service.refund(refund)).status).toBe("unknown");
    expect((await service.reconcile(refund.key)).status).toBe("succeeded");
  });

  it("a processing payment the provider later declines reconciles to a decline, never to not-found (regression)", async () => {
    // The decline was recorded as `not_found`, so the checkout resent the request and told the buyer
    // the payment never reached the provider. It reached it and was declined.
    const clock = new ManualClock(0);
    const model = new ProviderModel({ clock, merchants: [M], declineWhen: () => true, pendingWhen: () => "processing", processingMs: 100 });
    const ledger = new MemoryPaymentLedger({ clock });
    const service = new LedgerPaymentService({ ledger, provider: model, merchantId: M, clock });
    expect(await service.authorize(authCommand)).toMatchObject({ status: "unknown", pending: "processing" });
    clock.set(100);
    model.settleDue();
    const truth = await service.reconcile(authCommand.key);
    expect(truth.status).toBe("declined");
    expect(truth.status === "declined" && truth.reason).toMatch(/^card_declined:/);
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "failed", reconciliation: "reconciled" });
    expect(await service.authorize(authCommand)).toEqual(truth); // settled: answered from the ledger, not resent
  });

  it("returns a settled row from reconcile without asking the provider", async () => {
    const { service, calls } = setup();
    await service.authorize(authCommand);
    expect((await service.reconcile(authCommand.key)).status).toBe("succeeded");
    expect(calls).toEqual(["authorize"]);
    await expect(service.reconcile(IdempotencyKey("never-sent"))).rejects.toMatchObject({ _tag: "NotFound" });
  });
});

/** The provider's answer to a search under a 5xx, as the simulator's harness delivers it: an error object, not a list. */
const SEARCH_5XX = { status: 503, body: { error: { type: "api_error", message: "service unavailable" } }, replayed: false };

/** A provider whose searches answer SEARCH_5XX while `failing` is set; everything else goes to `inner`. */
function failingSearches(inner: PaymentProvider) {
  const state = { failing: true };
  const provider = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      if ((prop === "searchByKey" || prop === "searchByReference") && state.failing) return async () => SEARCH_5XX as unknown as ProviderCharge[];
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { provider, state };
}

/** An authorization whose answer is lost, behind a provider whose searches can be made to fail. */
function lostAuthorizationWorld() {
  const clock = new ManualClock(0);
  const model = new ProviderModel({ clock, merchants: [M] });
  const lost = new FaultyProvider({ model, timeoutMs: 1000, decide: (op) => (op === "authorize" ? { kind: "response-lost" } : null) });
  const { provider, state } = failingSearches(lost);
  const ledger = new MemoryPaymentLedger({ clock });
  return { model, state, ledger, service: new LedgerPaymentService({ ledger, provider, merchantId: M, clock }) };
}

describe("LedgerPaymentService reconciliation when the provider's search fails (regression, issue 18)", () => {
  // Under provider 5xx faults a search answered an error object, which was read as "no charge found":
  // an authorization that existed was recorded failed/not-found and the buyer rejected while the money
  // was held. A failed lookup must be `unknown` and leave the row for the next reconciliation round.
  it("searchByKey answering a 5xx error body gives unknown, never not-found; the row stays needing reconciliation", async () => {
    const { model, state, ledger, service } = lostAuthorizationWorld();
    expect((await service.authorize(authCommand)).status).toBe("unknown");
    expect(model.charges()).toHaveLength(1); // the charge exists: only its answer was lost

    const during = await service.reconcile(authCommand.key);
    expect(during.status).toBe("unknown");
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "unknown", reconciliation: "needed", providerRef: null });
    expect((await ledger.needingReconciliation(10)).map((r) => r.key)).toEqual([authCommand.key]);

    state.failing = false;
    expect(await service.reconcile(authCommand.key)).toEqual({ status: "succeeded", providerRef: model.charges()[0]?.id, amount });
    expect(await ledger.needingReconciliation(10)).toHaveLength(0);
  });

  it("searchByReference answering a 5xx error body throws from chargesFor and leaves a capture unknown, never not-found", async () => {
    const { model, state, ledger, service } = lostAuthorizationWorld();
    await service.authorize(authCommand); // row unknown: capture reconciliation must find the charge by reference
    await expect(service.chargesFor(checkoutId)).rejects.toMatchObject({ status: 503 });

    const captureKey = keys.capture(orderId);
    await ledger.begin({ merchantId: M, key: captureKey, operation: "capture", requestHash: "h", amount, checkoutId, orderId });
    expect((await service.reconcile(captureKey)).status).toBe("unknown");
    expect(await ledger.get(M, captureKey)).toMatchObject({ status: "unknown", reconciliation: "needed" });

    state.failing = false;
    expect((await service.chargesFor(checkoutId)).map((c) => c.id)).toEqual([model.charges()[0]?.id]);
    expect((await service.reconcile(captureKey)).status).toBe("declined"); // found, and not captured: the capture never ran
  });

  it("a stale not-found never overwrites a success another attempt recorded meanwhile (found by money-reconciles, swarm seed 34)", async () => {
    const clock = new ManualClock(0);
    const model = new ProviderModel({ clock, merchants: [M] });
    const ledger = new MemoryPaymentLedger({ clock });
    // The search runs before the resent request lands; the resend's success is recorded before the reconcile writes.
    const stale = new Proxy(model as PaymentProvider, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "searchByKey") return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async () => {
          const r = await model.authorize(M, authCommand.key, { amount, reference: checkoutId });
          const charge = r.body as ProviderCharge;
          await ledger.record(M, authCommand.key, { status: "succeeded", providerRef: charge.id, response: JSON.stringify(charge) });
          return [];
        };
      },
    });
    const service = new LedgerPaymentService({ ledger, provider: stale, merchantId: M, clock });
    await ledger.begin({ merchantId: M, key: authCommand.key, operation: "authorize", requestHash: "h", amount, checkoutId, orderId: null });
    await ledger.record(M, authCommand.key, { status: "unknown", reconciliation: "needed" });
    const truth = await service.reconcile(authCommand.key);
    expect(truth).toMatchObject({ status: "succeeded", providerRef: model.charges()[0]?.id });
    expect(await ledger.get(M, authCommand.key)).toMatchObject({ status: "succeeded", providerRef: model.charges()[0]?.id });
  });
});

describe("LedgerPaymentService over HTTP", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  it("after a timeout records unknown and reconciles by key through the HTTP search", async () => {
    const clock = new ManualClock(0);
    const model = new ProviderModel({ clock, merchants: [M] });
    let lose = true;
    server.resetHandlers(...providerHandlers(model, { decide: (op) => (op === "authorize" && lose ? ((lose = false), { kind: "response-lost" }) : null) }));
    const ledger = new MemoryPaymentLedger({ clock });
    const service = new LedgerPaymentService({ ledger, provider: new HttpPaymentProvider({ timeoutMs: 500, retries: 0 }), merchantId: M });
    expect((await service.authorize(authCommand)).status).toBe("unknown");
    expect(await service.reconcile(authCommand.key)).toMatchObject({ status: "succeeded", providerRef: model.charges()[0]?.id });
    expect(model.charges()).toHaveLength(1);
  });
});

describe("requestHash", () => {
  it("is independent of key order and sensitive to values", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1, b: 2 })).not.toBe(requestHash({ a: 1, b: 3 }));
  });
});
