// Goal: live mode's clock and port wrapper keep the simulator's semantics on real time: a jump fires
// the timers it passes; a lost request has no effect, a lost answer keeps its effect, both end as
// timeouts or resets; a caller that died hears nothing; every call is an invoke with one completion.
import { describe, expect, it } from "vitest";
import { Faults } from "../faults.ts";
import { CallTimeout } from "../harness.ts";
import { History } from "../history.ts";
import { rootRandom } from "../random.ts";
import { ConnectionReset, LiveHarness } from "./liveHarness.ts";
import { RealClock } from "./realClock.ts";

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms)); // live mode: real time (test)

function setup(plan: Record<string, number>, callTimeoutMs = 2000) {
  const clock = new RealClock();
  const history = new History(true);
  const faults = new Faults(plan, rootRandom(7).fork("faults"), history, clock, false);
  const harness = new LiveHarness(clock, faults, history, { storeTimeoutMs: 50, providerTimeoutMs: 50, callTimeoutMs });
  let effects = 0;
  const target = {
    async bump(): Promise<number> {
      effects++;
      return effects;
    },
    async hang(): Promise<number> {
      return new Promise(() => undefined);
    },
  };
  return { clock, history, harness, target, effects: () => effects };
}

describe("RealClock", () => {
  it("runs timers on real time and a jump fires every timer whose deadline it passed", async () => {
    const clock = new RealClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("soon"), 5_000);
    clock.setTimeout(() => fired.push("later"), 60_000);
    clock.setTimeout(() => fired.push("now"), 1);
    await realSleep(30);
    expect(fired).toEqual(["now"]);
    clock.jump(10_000);
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    await realSleep(30);
    expect(fired).toEqual(["now", "soon"]);
    expect(clock.pendingTimers()).toBe(1);
    clock.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe("LiveHarness", () => {
  it("a lost request never reaches the engine; the caller times out or hears a reset", async () => {
    const { harness, target, effects, history } = setup({ "store.request-lost": 1 });
    const port = harness.wrap("s", target, { name: "p", alive: true });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => port.bump().then(() => "ok", (e: unknown) => (e as Error).constructor.name)));
    expect(effects()).toBe(0);
    expect(new Set(outcomes)).toEqual(new Set(["CallTimeout", "ConnectionReset"]));
    expect(history.entries.filter((e) => e.type === "invoke")).toHaveLength(6);
    expect(history.entries.filter((e) => e.type === "info")).toHaveLength(6);
  });

  it("a lost answer keeps the effect: the engine applied it, the caller does not know", async () => {
    const { harness, target, effects } = setup({ "store.response-lost": 1 });
    const port = harness.wrap("s", target, { name: "p", alive: true });
    const errors = await Promise.all(Array.from({ length: 4 }, () => port.bump().then(() => undefined, (e: unknown) => e)));
    expect(effects()).toBe(4);
    for (const e of errors) expect(e instanceof CallTimeout || e instanceof ConnectionReset).toBe(true);
  });

  it("a real call slower than the live bound times out and is counted as slow, not as a fault", async () => {
    const { harness, target } = setup({}, 60);
    const port = harness.wrap("s", target, { name: "p", alive: true });
    await expect(port.hang()).rejects.toBeInstanceOf(CallTimeout);
    expect(harness.stats()).toMatchObject({ operations: 1, slowCalls: 1 });
  });

  it("a caller that died hears nothing, and a dead process sends nothing", async () => {
    const { harness, target, effects } = setup({});
    const p = { name: "p", alive: true };
    const port = harness.wrap("s", target, p);
    let heard = false;
    const call = port.bump().then(() => (heard = true));
    p.alive = false;
    void call;
    void port.bump().then(() => (heard = true));
    await realSleep(30);
    expect(heard).toBe(false);
    expect(effects()).toBe(1);
    expect(await harness.idle(100)).toBe(true);
  });
});
