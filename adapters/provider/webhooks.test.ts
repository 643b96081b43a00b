// Webhooks are at least once: duplicated, delayed, out of order, retried with backoff for up to 3 days and
// then given up. Events come from charges made through the HTTP interface; delivery runs on explicit time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import type { Random } from "../../core/clock.ts";
import { ManualClock } from "../../core/clock.ts";
import { MerchantId } from "../../core/ids.ts";
import type { WebhookEvent } from "../../core/ports/paymentProvider.ts";
import { ProviderModel } from "./model.ts";
import { providerHandlers } from "./http.ts";
import { IDEMPOTENCY_KEY_HEADER, PROVIDER_BASE_URL, testApiKey } from "./wire.ts";
import { WEBHOOK_GIVE_UP_AFTER_MS_DEFAULT, WebhookDispatcher } from "./webhooks.ts";
import type { WebhookDelivery, WebhookDispatcherOptions } from "./webhooks.ts";

const A = MerchantId("acme");
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

/** A tiny seeded PRNG (LCG) so fault draws are reproducible inside this test. */
function lcg(seed: number): Random {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  return { next, int: (n) => Math.floor(next() * n) };
}

async function world(charges: number) {
  const clock = new ManualClock(0);
  const model = new ProviderModel({ clock, merchants: [A] });
  server.resetHandlers(...providerHandlers(model));
  for (let i = 1; i <= charges; i++) {
    const res = await fetch(`${PROVIDER_BASE_URL}/v1/charges`, {
      method: "POST",
      headers: { authorization: `Bearer ${testApiKey(A)}`, [IDEMPOTENCY_KEY_HEADER]: `co-${i}:auth` },
      body: JSON.stringify({ amount: 100 * i, currency: "USD", reference: `co-${i}` }),
    });
    expect(res.status).toBe(200);
    clock.advance(10);
  }
  return { clock, model };
}

const dispatcher = (model: ProviderModel, options: Partial<WebhookDispatcherOptions> = {}) =>
  new WebhookDispatcher({ source: model, random: lcg(7), ...options });

/** Runs the dispatcher until idle or `untilMs`, jumping virtual time to each next due attempt. */
async function drain(d: WebhookDispatcher, handler: (delivery: WebhookDelivery, at: number) => boolean, untilMs = Infinity, stepsMax = 10_000) {
  for (let steps = 0; steps < stepsMax; steps++) {
    const at = d.nextDueAt();
    if (at === undefined || at > untilMs) return;
    await d.tick(at, (delivery) => handler(delivery, at));
  }
  throw new Error("drain: stepsMax reached");
}

describe("webhook delivery", () => {
  it("emits one event per charge state change, with ids from a counter", async () => {
    const { model } = await world(2);
    expect(model.events().map((e) => [e.id, e.type, e.reference])).toEqual([
      ["evt_1", "charge.authorized", "co-1"],
      ["evt_2", "charge.authorized", "co-2"],
    ]);
  });

  it("delivers each event to an acknowledging consumer exactly once when no fault is on", async () => {
    const { model } = await world(3);
    const seen: string[] = [];
    await drain(dispatcher(model), (d) => (seen.push(d.event.id), true));
    expect(seen).toEqual(["evt_1", "evt_2", "evt_3"]);
  });

  it("duplicates deliveries (even after an ack): the consumer must dedupe by event id", async () => {
    const { model } = await world(3);
    const seen: string[] = [];
    await drain(dispatcher(model, { faults: { duplicate: 1 } }), (d) => (seen.push(d.event.id), true));
    expect(seen.length).toBeGreaterThan(3);
    expect(new Set(seen)).toEqual(new Set(["evt_1", "evt_2", "evt_3"]));
  });

  it("delays and reorders deliveries: arrival order differs from emission order, nothing is lost", async () => {
    const { model } = await world(8);
    const seen: string[] = [];
    await drain(dispatcher(model, { faults: { delay: 1, delayMsMax: 60_000, reorder: 1 } }), (d) => (seen.push(d.event.id), true));
    const emitted = model.events().map((e) => e.id);
    expect(seen).not.toEqual(emitted);
    expect([...seen].sort()).toEqual([...emitted].sort());
  });

  it("retries an unacknowledged event with growing backoff until it is acknowledged", async () => {
    const { model } = await world(1);
    const attemptsAt: number[] = [];
    const d = dispatcher(model);
    await drain(d, (_delivery, at) => (attemptsAt.push(at), attemptsAt.length === 4));
    expect(attemptsAt).toHaveLength(4);
    const gaps = attemptsAt.slice(1).map((t, i) => t - (attemptsAt[i] as number));
    expect(gaps).toEqual([60_000, 120_000, 240_000]);
    expect(d.givenUp()).toEqual([]);
    expect(d.nextDueAt()).toBeUndefined();
  });

  it("keeps retrying a lost delivery (drop) until an attempt gets through", async () => {
    const { model } = await world(1);
    let delivered = 0;
    const d = dispatcher(model, { faults: { drop: 0.5 } });
    await drain(d, () => (delivered++, true));
    expect(delivered).toBe(1);
    expect(d.attempts("evt_1")).toBeGreaterThanOrEqual(1);
  });

  it("gives up after 3 days of clock time without an ack, and never tries after that", async () => {
    const { model } = await world(1);
    const event = model.events()[0] as WebhookEvent;
    const attemptsAt: number[] = [];
    const d = dispatcher(model);
    await drain(d, (_delivery, at) => (attemptsAt.push(at), false));
    expect(attemptsAt.length).toBeGreaterThan(10);
    expect(Math.max(...attemptsAt) - event.createdAt).toBeLessThanOrEqual(WEBHOOK_GIVE_UP_AFTER_MS_DEFAULT);
    expect(Math.max(...attemptsAt) - event.createdAt).toBeGreaterThan(WEBHOOK_GIVE_UP_AFTER_MS_DEFAULT - 6 * 60 * 60 * 1000);
    expect(d.givenUp().map((e) => e.id)).toEqual([event.id]);
    expect(d.nextDueAt()).toBeUndefined();
    expect(d.due(event.createdAt + 10 * WEBHOOK_GIVE_UP_AFTER_MS_DEFAULT)).toEqual([]);
  });

  it("is deterministic for a given seed", async () => {
    const run = async () => {
      const { model } = await world(6);
      const seen: string[] = [];
      await drain(dispatcher(model, { faults: { delay: 0.5, delayMsMax: 30_000, reorder: 0.5, duplicate: 0.3, drop: 0.2 } }), (d, at) => (seen.push(`${at}:${d.event.id}:${d.attempt}`), true));
      return seen;
    };
    expect(await run()).toEqual(await run());
  });

  it("refuses fault probabilities outside [0, 1]", async () => {
    const { model } = await world(0);
    expect(() => dispatcher(model, { faults: { duplicate: 1.5 } })).toThrow(/duplicate/);
  });
});
