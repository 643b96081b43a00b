// The fetch client against the msw handlers: transport failures are retried under the SAME key, unknown
// outcomes surface as ProviderUnreachable, and the harm a fresh key per retry does shows in the bank's ledger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { ManualClock } from "../../core/clock.ts";
import { IdempotencyKey, MerchantId, ProviderRef } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import { ProviderUnreachable } from "../../core/ports/paymentProvider.ts";
import type { Fault, FaultKind, ProviderCall } from "./faults.ts";
import { ProviderModel } from "./model.ts";
import { providerHandlers } from "./http.ts";
import { HttpPaymentProvider } from "./httpClient.ts";
import { ProviderHttpError } from "./providerError.ts";

const A = MerchantId("acme");
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

/** A fresh model behind the handlers; `faults` lists the fault for each successive request (then none). */
function serve(faults: (FaultKind | null)[] = [], options: { onlyFor?: ProviderCall } = {}) {
  const model = new ProviderModel({ clock: new ManualClock(0), merchants: [A] });
  const plan = [...faults];
  server.resetHandlers(
    ...providerHandlers(model, {
      decide: (op): Fault | null => {
        if (options.onlyFor !== undefined && op !== options.onlyFor) return null;
        const kind = plan.shift() ?? null;
        return kind === null ? null : kind === "latency" ? { kind, ms: 1 } : { kind };
      },
    }),
  );
  return model;
}

const params = { amount: money(2500, "EUR"), reference: "co-7" };
/** Lost exchanges hang until the client's timeout, so it only costs wall time; kept long enough that a
 * healthy request on a loaded CI machine never trips it. */
const client = (retries: number) => new HttpPaymentProvider({ timeoutMs: 500, retries, retryBaseMs: 1 });

describe("HttpPaymentProvider", () => {
  it("authorizes, captures and refunds through the HTTP interface", async () => {
    const model = serve();
    const p = client(0);
    const auth = await p.authorize(A, IdempotencyKey("co-7:auth"), params);
    expect(auth.status).toBe(200);
    const id = (auth.body as { id: ProviderRef }).id;
    expect((await p.capture(A, IdempotencyKey("co-7:capture"), { chargeId: id, amount: 2000 })).status).toBe(200);
    expect((await p.refund(A, IdempotencyKey("co-7:refund"), { chargeId: id, amount: 500 })).status).toBe(200);
    expect(model.charges()[0]).toMatchObject({ status: "captured", capturedAmount: 2000, refundedAmount: 500 });
    expect((await p.retrieve(A, id)).body).toEqual(model.charges()[0]);
    expect(await p.searchByKey(A, IdempotencyKey("co-7:auth"))).toEqual(model.charges());
    expect(await p.searchByReference(A, "co-7")).toEqual(model.charges());
    expect(await p.searchByKey(A, IdempotencyKey("nope"))).toEqual([]);
  });

  it("retries a 503 and a lost response under the same key: one charge, the retry replays", async () => {
    const model = serve(["error-before", "response-lost"]);
    const r = await client(3).authorize(A, IdempotencyKey("co-7:auth"), params);
    expect(r.status).toBe(200);
    expect(r.replayed).toBe(true); // the lost attempt had executed; the retry got its stored answer
    expect(model.charges()).toHaveLength(1);
  });

  it("surfaces an unknown outcome as ProviderUnreachable once retries are spent", async () => {
    const model = serve(["response-lost"]);
    const err = await client(0).authorize(A, IdempotencyKey("co-7:auth"), params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnreachable);
    expect((err as ProviderUnreachable).reason).toBe("timeout");
    expect(model.charges()).toHaveLength(1);

    serve(["reset-after"]);
    const reset = await client(0).authorize(A, IdempotencyKey("co-8:auth"), params).catch((e: unknown) => e);
    expect((reset as ProviderUnreachable).reason).toBe("connection-reset");
  });

  it("returns a 5xx response (not a guess) when the server keeps failing", async () => {
    const model = serve(["error-after", "error-after"]);
    const r = await client(1).authorize(A, IdempotencyKey("co-7:auth"), params);
    expect(r.status).toBe(500);
    expect(model.charges()).toHaveLength(1);
  });

  it("throws ProviderHttpError when a search gets a server error", async () => {
    serve(["error-before"], { onlyFor: "searchByKey" });
    await expect(client(0).searchByKey(A, IdempotencyKey("k"))).rejects.toBeInstanceOf(ProviderHttpError);
  });

  it("harm: retrying lost responses with a fresh key per attempt charges twice; the same key charges once", async () => {
    const retryUntilAnswered = async (keyFor: (attempt: number) => string) => {
      const p = client(0); // the retry loop below is the naive client's own
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          return await p.authorize(A, IdempotencyKey(keyFor(attempt)), params);
        } catch (e) {
          if (!(e instanceof ProviderUnreachable)) throw e;
        }
      }
      throw new Error("never answered");
    };

    const fresh = serve(["response-lost"]);
    await retryUntilAnswered((attempt) => `co-7:auth:attempt-${attempt}`);
    expect(fresh.charges().filter((c) => c.reference === "co-7" && c.status === "authorized")).toHaveLength(2);

    const same = serve(["response-lost"]);
    const answer = await retryUntilAnswered(() => "co-7:auth");
    expect(answer.replayed).toBe(true);
    expect(same.charges().filter((c) => c.reference === "co-7" && c.status === "authorized")).toHaveLength(1);
  });
});
