// The checkout command contract: every engine runs this same suite, so "one record per checkout id,
// a different request under the same id refused, running ones found for recovery" means one thing.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { InvalidInput, NotFound } from "../../core/errors.ts";
import { BuyerId, CheckoutId } from "../../core/ids.ts";
import type { CheckoutCommandStore } from "../../core/ports/checkoutCommands.ts";

type Make = (clock: ManualClock) => CheckoutCommandStore | Promise<CheckoutCommandStore>;

const submission = (id: string, hash = "h1") => ({ checkoutId: CheckoutId(id), buyerId: BuyerId("b1"), requestHash: hash, request: JSON.stringify({ id, hash }) });

export function checkoutCommandsContract(name: string, make: Make): void {
  describe(`checkout commands contract (${name})`, () => {
    const fresh = async () => {
      const clock = new ManualClock(10);
      return { clock, store: await make(clock) };
    };

    it("creates a running record, then returns it as existing for the same request hash", async () => {
      const { clock, store } = await fresh();
      const first = await store.submit(submission("c1"));
      expect(first).toEqual({
        status: "created",
        command: { checkoutId: "c1", buyerId: "b1", requestHash: "h1", request: '{"id":"c1","hash":"h1"}', status: "running", snapshot: null, createdAt: 10, updatedAt: 10 },
      });
      clock.advance(5);
      expect(await store.submit(submission("c1"))).toEqual({ status: "existing", command: first.command });
      expect(await store.all()).toEqual([first.command]);
    });

    it("refuses the same checkout id with a different request hash and writes nothing", async () => {
      const { store } = await fresh();
      await store.submit(submission("c1"));
      const saved = await store.save(CheckoutId("c1"), { status: "running", snapshot: '{"s":1}' });
      const conflict = await store.submit(submission("c1", "h2"));
      expect(conflict).toEqual({ status: "conflict", command: saved });
      expect(await store.get(CheckoutId("c1"))).toEqual(saved);
      expect(await store.all()).toHaveLength(1);
    });

    it("saves status and snapshot, and refuses an unknown checkout with NotFound", async () => {
      const { clock, store } = await fresh();
      await store.submit(submission("c1"));
      clock.advance(3);
      const saved = await store.save(CheckoutId("c1"), { status: "confirmed", snapshot: '{"value":"confirmed"}' });
      expect(saved).toMatchObject({ status: "confirmed", snapshot: '{"value":"confirmed"}', createdAt: 10, updatedAt: 13, requestHash: "h1" });
      expect(await store.get(CheckoutId("c1"))).toEqual(saved);
      await expect(store.save(CheckoutId("nope"), { status: "running", snapshot: null })).rejects.toBeInstanceOf(NotFound);
      expect(await store.get(CheckoutId("nope"))).toBeUndefined();
      expect(await store.all()).toHaveLength(1);
    });

    it("lists running commands oldest first for recovery, and every command in creation order", async () => {
      const { clock, store } = await fresh();
      for (const id of ["a", "b", "c", "d"]) {
        await store.submit(submission(id));
        clock.advance(1);
      }
      await store.save(CheckoutId("b"), { status: "confirmed", snapshot: null });
      await store.save(CheckoutId("d"), { status: "compensated", snapshot: null });
      expect((await store.unfinished()).map((c) => c.checkoutId)).toEqual(["a", "c"]);
      await store.save(CheckoutId("a"), { status: "rejected", snapshot: null });
      await store.save(CheckoutId("d"), { status: "running", snapshot: "{}" });
      expect((await store.unfinished()).map((c) => c.checkoutId)).toEqual(["c", "d"]);
      expect((await store.all()).map((c) => [c.checkoutId, c.status])).toEqual([["a", "rejected"], ["b", "confirmed"], ["c", "running"], ["d", "running"]]);
    });

    it("never hands out its internal state", async () => {
      const { store } = await fresh();
      const { command } = await store.submit(submission("c1"));
      try {
        (command as { status: string }).status = "confirmed";
      } catch {
        // frozen: also fine
      }
      (await store.all()).pop();
      expect(await store.get(CheckoutId("c1"))).toMatchObject({ status: "running" });
      expect(await store.all()).toHaveLength(1);
    });

    describe("bad input gets InvalidInput and writes nothing", () => {
      const cases: [string, ReturnType<typeof submission>][] = [
        ["empty checkout id", submission("")],
        ["checkout id longer than 255", submission("c".repeat(256))],
        ["empty buyer id", { ...submission("c1"), buyerId: BuyerId("") }],
        ["empty request hash", submission("c1", "")],
        ["non-string request", { ...submission("c1"), request: { lines: [] } as unknown as string }],
      ];
      for (const [label, input] of cases)
        it(label, async () => {
          const { store } = await fresh();
          await expect(store.submit(input)).rejects.toBeInstanceOf(InvalidInput);
          expect(await store.all()).toEqual([]);
        });

      it("an unknown status or a non-string snapshot on save", async () => {
        const { store } = await fresh();
        await store.submit(submission("c1"));
        await expect(store.save(CheckoutId("c1"), { status: "done" as never, snapshot: null })).rejects.toBeInstanceOf(InvalidInput);
        await expect(store.save(CheckoutId("c1"), { status: "confirmed", snapshot: { v: 1 } as unknown as string })).rejects.toBeInstanceOf(InvalidInput);
        await expect(store.save(CheckoutId(""), { status: "confirmed", snapshot: null })).rejects.toBeInstanceOf(InvalidInput);
        expect(await store.get(CheckoutId("c1"))).toMatchObject({ status: "running", snapshot: null });
      });
    });
  });
}
