// The event stream contract: every engine runs this same suite, so "at least once, offsets per
// consumer, and consumeOnce runs each effect once per event id" means one thing.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import { EventId } from "../../core/ids.ts";
import type { EventStream, StreamEvent } from "../../core/ports/eventStream.ts";

type Make = (clock: ManualClock) => EventStream | Promise<EventStream>;

const event = (id: string, topic = "orders"): StreamEvent => ({ eventId: EventId(id), topic, payload: JSON.stringify({ id }) });

export function eventStreamContract(name: string, make: Make): void {
  describe(`event stream contract (${name})`, () => {
    const fresh = async () => make(new ManualClock(0));

    it("gives offsets from 1; a republished event is appended again under a new offset or absorbed under its first", async () => {
      const s = await fresh();
      expect(await s.publish(event("a"))).toEqual({ eventId: "a", topic: "orders", payload: '{"id":"a"}', offset: 1 });
      expect((await s.publish(event("b"))).offset).toBe(2);
      // At least once, not exactly once: memory and SQLite append the repeat, JetStream's Nats-Msg-Id
      // window absorbs it. What every engine must do: poll returns exactly the deliveries publish
      // answered, in offset order, and never loses one.
      const again = await s.publish(event("a"));
      expect(again).toMatchObject({ eventId: "a" });
      expect([1, 3]).toContain(again.offset);
      const expected = again.offset === 3 ? [[1, "a"], [2, "b"], [3, "a"]] : [[1, "a"], [2, "b"]];
      expect((await s.poll("c1", 10)).map((d) => [d.offset, d.eventId])).toEqual(expected);
      expect((await s.publish(event("c"))).offset).toBe(expected.length + 1);
    });

    it("polls after each consumer's own committed offset, up to a limit", async () => {
      const s = await fresh();
      for (const id of ["a", "b", "c", "d"]) await s.publish(event(id));
      expect((await s.poll("c1", 2)).map((d) => d.eventId)).toEqual(["a", "b"]);
      await s.commitOffset("c1", 2);
      expect((await s.poll("c1", 10)).map((d) => d.eventId)).toEqual(["c", "d"]);
      expect((await s.poll("c2", 10)).map((d) => d.eventId)).toEqual(["a", "b", "c", "d"]);
      expect(await s.poll("c1", 0)).toEqual([]);
      await s.commitOffset("c1", 4);
      expect(await s.poll("c1", 10)).toEqual([]);
    });

    it("never moves a committed offset back, and refuses one past the end", async () => {
      const s = await fresh();
      for (const id of ["a", "b", "c"]) await s.publish(event(id));
      await s.commitOffset("c1", 2);
      await s.commitOffset("c1", 1);
      expect((await s.poll("c1", 10)).map((d) => d.offset)).toEqual([3]);
      await expect(s.commitOffset("c1", 4)).rejects.toBeInstanceOf(InvalidInput);
      await expect(s.commitOffset("c1", -1)).rejects.toBeInstanceOf(InvalidInput);
      await expect(s.commitOffset("c1", 2.5)).rejects.toBeInstanceOf(InvalidInput);
      expect((await s.poll("c1", 10)).map((d) => d.offset)).toEqual([3]);
    });

    it("runs a consumer's effect once per event id, however often the event is redelivered", async () => {
      const s = await fresh();
      await s.publish(event("a"));
      await s.publish(event("a"));
      let effects = 0;
      const results: boolean[] = [];
      const deliveries = await s.poll("mailer", 10);
      // Every delivery of "a" the engine kept, then one more redelivery (a poll before the commit).
      for (const d of [...deliveries, ...deliveries.slice(0, 1)]) results.push(await s.consumeOnce("mailer", d.eventId, () => void effects++));
      expect(results).toEqual([true, ...deliveries.map(() => false)]);
      expect(effects).toBe(1);
      expect(await s.consumeOnce("audit", EventId("a"), () => void effects++)).toBe(true);
      expect(effects).toBe(2);
      expect(await s.processedCount("mailer")).toBe(1);
      expect(await s.processedCount("audit")).toBe(1);
      expect(await s.processedCount("nobody")).toBe(0);
    });

    it("records nothing when the effect throws, so the next delivery runs it again", async () => {
      const s = await fresh();
      await expect(s.consumeOnce("c", EventId("a"), () => { throw new Error("downstream down"); })).rejects.toThrow("downstream down");
      expect(await s.processedCount("c")).toBe(0);
      let ran = 0;
      expect(await s.consumeOnce("c", EventId("a"), () => void ran++)).toBe(true);
      expect(ran).toBe(1);
    });

    it("never hands out its internal state", async () => {
      const s = await fresh();
      await s.publish(event("a"));
      const polled = await s.poll("c", 10);
      try {
        (polled[0] as { eventId: string }).eventId = "zzz";
      } catch {
        // frozen: also fine
      }
      polled.length = 0;
      expect((await s.poll("c", 10)).map((d) => d.eventId)).toEqual(["a"]);
    });

    describe("bad input gets InvalidInput and writes nothing", () => {
      const cases: [string, StreamEvent][] = [
        ["empty event id", event("")],
        ["event id longer than 255", event("e".repeat(256))],
        ["empty topic", event("a", "")],
        ["non-string payload", { eventId: EventId("a"), topic: "t", payload: { id: 1 } as unknown as string }],
      ];
      for (const [label, e] of cases)
        it(label, async () => {
          const s = await fresh();
          await expect(s.publish(e)).rejects.toBeInstanceOf(InvalidInput);
          expect(await s.poll("c", 10)).toEqual([]);
        });

      it("empty consumer or event id in consumeOnce", async () => {
        const s = await fresh();
        let ran = 0;
        await expect(s.consumeOnce("", EventId("a"), () => void ran++)).rejects.toBeInstanceOf(InvalidInput);
        await expect(s.consumeOnce("c", EventId(""), () => void ran++)).rejects.toBeInstanceOf(InvalidInput);
        await expect(s.poll("", 1)).rejects.toBeInstanceOf(InvalidInput);
        expect(ran).toBe(0);
        expect(await s.processedCount("c")).toBe(0);
      });
    });
  });
}
