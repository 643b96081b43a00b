// FaultyProvider under a virtual sleep: each fault either executes or not, exactly as its name says, and
// the client sees the error the simulator's checkers expect. No real timers.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { IdempotencyKey, MerchantId } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import { ProviderUnreachable } from "../../core/ports/paymentProvider.ts";
import type { Fault } from "./faults.ts";
import { FaultyProvider } from "./faults.ts";
import { ProviderModel } from "./model.ts";
import { ProviderHttpError } from "./providerError.ts";

const A = MerchantId("acme");
const key = IdempotencyKey("co-1:auth");
const params = { amount: money(1000, "USD"), reference: "co-1" };

/** Virtual time: sleeps resolve when the test advances the clock past them. */
function virtualTime() {
  const clock = new ManualClock(0);
  const timers: { at: number; resolve: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((resolve) => void timers.push({ at: clock.now() + ms, resolve }));
  const advanceTo = async (t: number) => {
    for (;;) {
      await new Promise((r) => setImmediate(r)); // let pending chains register their sleeps
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (next === undefined || next.at > t) break;
      timers.shift();
      clock.set(next.at);
      next.resolve();
    }
    clock.set(t);
  };
  return { clock, sleep, advanceTo };
}

function setup(faults: (Fault | null)[]) {
  const time = virtualTime();
  const model = new ProviderModel({ clock: time.clock, merchants: [A] });
  const plan = [...faults];
  const provider = new FaultyProvider({ model, timeoutMs: 1000, sleep: time.sleep, decide: () => plan.shift() ?? null });
  return { ...time, model, provider };
}

const reasonOf = (e: unknown) => (e instanceof ProviderUnreachable ? e.reason : String(e));

describe("FaultyProvider", () => {
  it("request lost: nothing executes; the client gets request-lost after its timeout", async () => {
    const { provider, model, advanceTo } = setup([{ kind: "request-lost" }]);
    const call = provider.authorize(A, key, params).catch(reasonOf);
    await advanceTo(1000);
    expect(await call).toBe("request-lost");
    expect(model.charges()).toHaveLength(0);
  });

  it("503 before processing: nothing executes and nothing is stored under the key", async () => {
    const { provider, model } = setup([{ kind: "error-before" }]);
    expect((await provider.authorize(A, key, params)).status).toBe(503);
    expect(model.charges()).toHaveLength(0);
    expect((await provider.authorize(A, key, params)).replayed).toBe(false);
  });

  it("500 or connection reset after processing: the charge exists, the client saw an error", async () => {
    const { provider, model } = setup([{ kind: "error-after" }, { kind: "reset-after" }]);
    expect((await provider.authorize(A, key, params)).status).toBe(500);
    expect(await provider.authorize(A, IdempotencyKey("co-2:auth"), { ...params, reference: "co-2" }).catch(reasonOf)).toBe("connection-reset");
    expect(model.charges()).toHaveLength(2);
  });

  it("response lost: executes, the client times out", async () => {
    const { provider, model, advanceTo } = setup([{ kind: "response-lost" }]);
    const call = provider.authorize(A, key, params).catch(reasonOf);
    await advanceTo(1000);
    expect(await call).toBe("timeout");
    expect(model.charges()).toHaveLength(1);
  });

  it("latency keeps the key in flight: a concurrent retry sees 409, the slow request then succeeds", async () => {
    const { provider, model, advanceTo } = setup([{ kind: "latency", ms: 300 }, null]);
    const slow = provider.authorize(A, key, params);
    await advanceTo(100);
    expect((await provider.authorize(A, key, params)).status).toBe(409);
    await advanceTo(300);
    expect((await slow).status).toBe(200);
    expect(model.charges()).toHaveLength(1);
  });

  it("latency beyond the timeout: the client times out first, the charge appears afterwards", async () => {
    const { provider, model, advanceTo } = setup([{ kind: "latency", ms: 1500 }]);
    const call = provider.authorize(A, key, params).catch(reasonOf);
    await advanceTo(1000);
    expect(await call).toBe("timeout");
    expect(model.charges()).toHaveLength(0);
    await advanceTo(1500);
    expect(model.charges()).toHaveLength(1);
  });

  it("read faults: a search either answers, fails with ProviderHttpError, or is unreachable", async () => {
    const { provider, advanceTo } = setup([{ kind: "error-before" }, { kind: "response-lost" }, null]);
    await expect(provider.searchByKey(A, key)).rejects.toBeInstanceOf(ProviderHttpError);
    const lost = provider.searchByKey(A, key).catch(reasonOf);
    await advanceTo(1000);
    expect(await lost).toBe("timeout");
    expect(await provider.searchByKey(A, key)).toEqual([]);
  });
});
