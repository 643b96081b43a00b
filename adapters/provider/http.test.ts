// Each provider rule from issue 4, checked through the HTTP interface (msw handlers + raw fetch), with the
// model's own charge ledger as the witness of what actually executed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { ManualClock } from "../../core/clock.ts";
import { MerchantId } from "../../core/ids.ts";
import type { InFlightRequest, ProviderModelOptions } from "./model.ts";
import { IDEMPOTENCY_TTL_MS_DEFAULT, ProviderModel } from "./model.ts";
import { providerHandlers } from "./http.ts";
import type { ProviderHandlersOptions } from "./http.ts";
import { IDEMPOTENCY_KEY_HEADER, PROVIDER_BASE_URL, REPLAYED_HEADER, testApiKey } from "./wire.ts";

const A = MerchantId("acme");
const B = MerchantId("bolt");
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

let clock: ManualClock;
let model: ProviderModel;

function serve(options: Partial<ProviderModelOptions> = {}, handlers: ProviderHandlersOptions = {}): ProviderModel {
  clock = new ManualClock(1_000);
  model = new ProviderModel({ clock, merchants: [A, B], ...options });
  server.resetHandlers(...providerHandlers(model, handlers));
  return model;
}
beforeEach(() => void serve());

interface Reply {
  status: number;
  body: any;
  replayed: boolean;
}

async function send(method: string, path: string, init: { body?: unknown; raw?: string; key?: string | null; apiKey?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const apiKey = init.apiKey === undefined ? testApiKey(A) : init.apiKey;
  if (apiKey !== null) headers["authorization"] = `Bearer ${apiKey}`;
  if (init.key !== undefined && init.key !== null) headers[IDEMPOTENCY_KEY_HEADER] = init.key;
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await fetch(`${PROVIDER_BASE_URL}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: await res.json(), replayed: res.headers.get(REPLAYED_HEADER) === "true" };
}

const authorize = (key: string, body: unknown = { amount: 1000, currency: "USD", reference: "co-1" }, apiKey?: string) =>
  send("POST", "/v1/charges", { key, body, ...(apiKey === undefined ? {} : { apiKey }) });

describe("idempotency over HTTP (Stripe's documented rules)", () => {
  it("replays a success for the same key and parameters, and charges once", async () => {
    const first = await authorize("k1");
    const second = await authorize("k1");
    expect(first.status).toBe(200);
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ status: 200, body: first.body, replayed: true });
    expect(model.charges()).toHaveLength(1);
  });

  it("replays a decline and an execution error instead of executing again", async () => {
    serve({ declineWhen: (i) => i.amount.amount === 666 });
    const declined = await authorize("k-decline", { amount: 666, currency: "USD", reference: "co-1" });
    const again = await authorize("k-decline", { amount: 666, currency: "USD", reference: "co-1" });
    expect(declined.status).toBe(402);
    expect(declined.body.error.type).toBe("card_declined");
    expect(again).toEqual({ status: 402, body: declined.body, replayed: true });
    expect(model.charges().map((c) => c.status)).toEqual(["declined"]);

    // A state error raised while executing (capture over the authorized amount) is stored too.
    const ok = await authorize("k-auth");
    const tooMuch = await send("POST", `/v1/charges/${ok.body.id}/capture`, { key: "k-cap", body: { amount: 5000 } });
    const tooMuchAgain = await send("POST", `/v1/charges/${ok.body.id}/capture`, { key: "k-cap", body: { amount: 5000 } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuchAgain).toEqual({ status: 400, body: tooMuch.body, replayed: true });
  });

  it("refuses the same key with different parameters or endpoint (400 idempotency_error) and executes nothing", async () => {
    const first = await authorize("k1");
    const otherAmount = await authorize("k1", { amount: 2000, currency: "USD", reference: "co-1" });
    const otherEndpoint = await send("POST", `/v1/charges/${first.body.id}/void`, { key: "k1", body: {} });
    expect(otherAmount.status).toBe(400);
    expect(otherAmount.body.error.type).toBe("idempotency_error");
    expect(otherEndpoint.body.error.type).toBe("idempotency_error");
    expect(model.charges()).toHaveLength(1);
    expect(model.charges()[0]?.status).toBe("authorized");
    expect((await authorize("k1")).replayed).toBe(true);
  });

  it("answers 409 while the first request with the key is in flight, and stores nothing for the 409", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding: InFlightRequest | undefined;
    serve({}, { hold: (req) => ((holding = req), held) });
    const first = authorize("k1");
    await expect.poll(() => holding).toBeDefined();
    const concurrent = await authorize("k1");
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error.type).toBe("conflict");
    expect(model.charges()).toHaveLength(0);
    release();
    const done = await first;
    expect(done.status).toBe(200);
    // The 409 was not stored: the key now replays the first request's success.
    expect(await authorize("k1")).toEqual({ status: 200, body: done.body, replayed: true });
    expect(model.charges()).toHaveLength(1);
  });

  it("does not store validation failures: the key stays free for a valid request", async () => {
    const bad = await authorize("k1", { amount: -5, currency: "USD", reference: "co-1" });
    expect(bad.status).toBe(400);
    const good = await authorize("k1");
    expect(good.status).toBe(200);
    expect(good.replayed).toBe(false);
    expect(model.charges()).toHaveLength(1);
  });

  it("does not store rate-limit rejections: after the window the same key executes", async () => {
    serve({ rateLimit: { requestsMax: 1, windowMs: 1_000 } });
    expect((await authorize("k1")).status).toBe(200);
    const limited = await authorize("k2", { amount: 500, currency: "USD", reference: "co-2" });
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe("rate_limited");
    expect(model.charges()).toHaveLength(1);
    clock.advance(1_000);
    const later = await authorize("k2", { amount: 500, currency: "USD", reference: "co-2" });
    expect(later).toMatchObject({ status: 200, replayed: false });
    expect(model.charges()).toHaveLength(2);
  });

  it("scopes keys per merchant: merchant B never receives merchant A's stored response", async () => {
    const a = await authorize("shared-key");
    const b = await authorize("shared-key", undefined, testApiKey(B));
    expect(b.status).toBe(200);
    expect(b.replayed).toBe(false);
    expect(b.body.merchantId).toBe(B);
    expect(b.body.id).not.toBe(a.body.id);
    // B cannot read A's charge either.
    expect((await send("GET", `/v1/charges/${a.body.id}`, { apiKey: testApiKey(B) })).status).toBe(404);
    expect((await send("GET", `/v1/charges/${a.body.id}`)).status).toBe(200);
  });

  it("keeps a key for 24 hours of clock time; after that, reusing it is a new request", async () => {
    const first = await authorize("k1");
    clock.advance(IDEMPOTENCY_TTL_MS_DEFAULT - 1);
    expect((await authorize("k1")).replayed).toBe(true);
    expect(model.charges()).toHaveLength(1);
    clock.advance(1);
    const after = await authorize("k1");
    expect(after).toMatchObject({ status: 200, replayed: false });
    expect(after.body.id).not.toBe(first.body.id);
    expect(model.charges()).toHaveLength(2);
  });

  it("accepts a key of exactly 255 characters and refuses 256", async () => {
    expect((await authorize("k".repeat(255))).status).toBe(200);
    const long = await authorize("k".repeat(256), { amount: 1000, currency: "USD", reference: "co-2" });
    expect(long.status).toBe(400);
    expect(model.charges()).toHaveLength(1);
  });
});

describe("bad requests get a 4xx JSON error and charge nothing", () => {
  const valid = { amount: 1000, currency: "USD", reference: "co-1" };
  const cases: { name: string; init: Parameters<typeof send>[2]; status: number; type: string }[] = [
    { name: "malformed JSON", init: { key: "k", raw: '{"amount": 10' }, status: 400, type: "invalid_request" },
    { name: "body is an array", init: { key: "k", raw: "[1,2]" }, status: 400, type: "invalid_request" },
    { name: "missing amount", init: { key: "k", body: { currency: "USD", reference: "co-1" } }, status: 400, type: "invalid_request" },
    { name: "missing currency", init: { key: "k", body: { amount: 1000, reference: "co-1" } }, status: 400, type: "invalid_request" },
    { name: "missing reference", init: { key: "k", body: { amount: 1000, currency: "USD" } }, status: 400, type: "invalid_request" },
    { name: "negative amount", init: { key: "k", body: { ...valid, amount: -1 } }, status: 400, type: "invalid_request" },
    { name: "non-integer amount", init: { key: "k", body: { ...valid, amount: 10.5 } }, status: 400, type: "invalid_request" },
    { name: "amount as a string", init: { key: "k", body: { ...valid, amount: "1000" } }, status: 400, type: "invalid_request" },
    { name: "unknown currency", init: { key: "k", body: { ...valid, currency: "XYZ" } }, status: 400, type: "invalid_request" },
    { name: "key over 255 characters", init: { key: "k".repeat(256), body: valid }, status: 400, type: "invalid_request" },
    { name: "missing Idempotency-Key", init: { key: null, body: valid }, status: 400, type: "invalid_request" },
    { name: "unknown merchant API key", init: { key: "k", body: valid, apiKey: "sk_test_nobody" }, status: 401, type: "authentication" },
    { name: "no Authorization header", init: { key: "k", body: valid, apiKey: null }, status: 401, type: "authentication" },
  ];
  for (const c of cases)
    it(`${c.name} → ${c.status} ${c.type}`, async () => {
      const r = await send("POST", "/v1/charges", c.init);
      expect(r.status).toBe(c.status);
      expect(r.body.error.type).toBe(c.type);
      expect(model.charges()).toHaveLength(0);
      expect(model.events()).toHaveLength(0);
      // Nothing crashed: the same server still serves a valid request.
      expect((await authorize("k-after")).status).toBe(200);
    });

  it("refuses bad capture and refund amounts without moving money", async () => {
    const charge = (await authorize("k1")).body;
    for (const amount of [-1, 0, 1.5, "10", null]) {
      const r = await send("POST", `/v1/charges/${charge.id}/capture`, { key: `cap-${String(amount)}`, body: { amount } });
      expect(r.status).toBe(400);
    }
    expect(model.charges()[0]).toMatchObject({ status: "authorized", capturedAmount: 0 });
  });
});

describe("faults over HTTP", () => {
  const withFault = (kind: "error-before" | "error-after" | "reset-after" | "response-lost" | "request-lost") => {
    let fired = false;
    serve({}, { decide: () => (fired ? null : ((fired = true), { kind })) });
  };

  it("503 before processing executes nothing and stores nothing", async () => {
    withFault("error-before");
    expect((await authorize("k1")).status).toBe(503);
    expect(model.charges()).toHaveLength(0);
    expect(await authorize("k1")).toMatchObject({ status: 200, replayed: false });
  });

  it("500 after processing: the charge exists although the client saw an error", async () => {
    withFault("error-after");
    expect((await authorize("k1")).status).toBe(500);
    expect(model.charges()).toHaveLength(1);
    expect((await authorize("k1")).replayed).toBe(true);
  });

  it("connection reset after processing: fetch fails, the charge exists", async () => {
    withFault("reset-after");
    await expect(authorize("k1")).rejects.toThrow();
    expect(model.charges()).toHaveLength(1);
  });

  it("response lost: the client times out, the charge exists; request lost: nothing executes", async () => {
    withFault("response-lost");
    const timedOut = fetch(`${PROVIDER_BASE_URL}/v1/charges`, {
      method: "POST",
      headers: { authorization: `Bearer ${testApiKey(A)}`, [IDEMPOTENCY_KEY_HEADER]: "k1" },
      body: JSON.stringify({ amount: 1000, currency: "USD", reference: "co-1" }),
      signal: AbortSignal.timeout(30),
    });
    await expect(timedOut).rejects.toThrow();
    expect(model.charges()).toHaveLength(1);

    withFault("request-lost");
    const lost = fetch(`${PROVIDER_BASE_URL}/v1/charges`, {
      method: "POST",
      headers: { authorization: `Bearer ${testApiKey(A)}`, [IDEMPOTENCY_KEY_HEADER]: "k1" },
      body: JSON.stringify({ amount: 1000, currency: "USD", reference: "co-1" }),
      signal: AbortSignal.timeout(30),
    });
    await expect(lost).rejects.toThrow();
    expect(model.charges()).toHaveLength(0);
  });
});
