// The payment service writes the ledger row before the provider call, records every outcome, turns a lost
// answer into `unknown`, and reconciles by key against the provider's own ledger instead of guessing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { ManualClock } from "../../core/clock.ts";
import { IdempotencyConflict } from "../../core/errors.ts";
import { CheckoutId, IdempotencyKey, MerchantId, OrderId, keys } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import type { PaymentLedger } from "../../core/ports/paymentLedger.ts";
import type { PaymentProvider } from "../../core/ports/paymentProvider.ts";
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

  it("returns a settled row from reconcile without asking the provider", async () => {
    const { service, calls } = setup();
    await service.authorize(authCommand);
    expect((await service.reconcile(authCommand.key)).status).toBe("succeeded");
    expect(calls).toEqual(["authorize"]);
    await expect(service.reconcile(IdempotencyKey("never-sent"))).rejects.toMatchObject({ _tag: "NotFound" });
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
