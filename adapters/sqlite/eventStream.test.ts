// Runs the shared event stream contract against SQLite, then shows what the shared transaction buys:
// a consumer's own SQL write and its processed-id row commit or roll back together.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { EventId } from "../../core/ids.ts";
import { eventStreamContract } from "../contract/eventStream.contract.ts";
import { openDatabase } from "./db.ts";
import { SqliteEventStream } from "./eventStream.ts";
import { tempDbFile } from "./tempDb.ts";

eventStreamContract("sqlite", (clock) => new SqliteEventStream(openDatabase(":memory:"), { clock }));

describe("event stream on SQLite", () => {
  it("commits the consumer's own write with the processed id, and rolls both back when the effect throws", async () => {
    const db = openDatabase(":memory:");
    const stream = new SqliteEventStream(db, { clock: new ManualClock(0) });
    db.exec("CREATE TABLE emails (event_id TEXT NOT NULL)");
    const send = db.prepare("INSERT INTO emails (event_id) VALUES (?)");
    const count = () => (db.prepare("SELECT count(*) AS n FROM emails").get() as { n: number }).n;
    expect(await stream.consumeOnce("mailer", EventId("a"), () => void send.run("a"))).toBe(true);
    expect(await stream.consumeOnce("mailer", EventId("a"), () => void send.run("a"))).toBe(false);
    await expect(
      stream.consumeOnce("mailer", EventId("b"), () => {
        send.run("b");
        throw new Error("template missing");
      }),
    ).rejects.toThrow("template missing");
    expect(count()).toBe(1);
    expect(await stream.processedCount("mailer")).toBe(1);
    expect(await stream.consumeOnce("mailer", EventId("b"), () => void send.run("b"))).toBe(true);
    expect(count()).toBe(2);
  });

  it("keeps the log, offsets and processed ids across a close and reopen of a file", async () => {
    const { file, cleanup } = tempDbFile("events");
    try {
      const db1 = openDatabase(file);
      const s1 = new SqliteEventStream(db1, { clock: new ManualClock(0) });
      for (const id of ["a", "b", "c"]) await s1.publish({ eventId: EventId(id), topic: "orders", payload: "{}" });
      await s1.commitOffset("c1", 2);
      await s1.consumeOnce("c1", EventId("a"), () => {});
      db1.close();
      const db2 = openDatabase(file);
      const s2 = new SqliteEventStream(db2, { clock: new ManualClock(0) });
      expect((await s2.poll("c1", 10)).map((d) => [d.offset, d.eventId])).toEqual([[3, "c"]]);
      expect(await s2.consumeOnce("c1", EventId("a"), () => {})).toBe(false);
      expect((await s2.publish({ eventId: EventId("d"), topic: "orders", payload: "{}" })).offset).toBe(4);
      db2.close();
    } finally {
      cleanup();
    }
  });
});
