// NatsEventStream against a real JetStream server, with its consumer dedupe in PostgreSQL: the shared
// event stream contract, then what only the broker shows: Nats-Msg-Id dedupe of a republish, the
// committed offset held by the durable consumer (a new process resumes from it), redelivery of
// messages a crashed fetcher never acked, and the dedupe row committing with the consumer's own SQL.
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { EventId } from "../../core/ids.ts";
import { eventStreamContract } from "../contract/eventStream.contract.ts";
import { pgConfig } from "../postgres/connection.ts";
import { PostgresConsumerDedupe } from "../postgres/consumerDedupe.ts";
import { dropSchema, freshSchemaName, postgresForTests } from "../postgres/testing.ts";
import { connectNats } from "./connection.ts";
import { NatsEventStream, type NatsEventStreamOptions } from "./eventStream.ts";
import { deleteStream, freshStreamName, natsForTests } from "./testing.ts";

const [natsEnv, pgEnv] = await Promise.all([natsForTests(), postgresForTests()]);
const event = (id: string, topic = "orders") => ({ eventId: EventId(id), topic, payload: JSON.stringify({ id }) });

describe.skipIf(!natsEnv.available || !pgEnv.available)("nats jetstream event stream (dedupe in postgres)", () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let pool: pg.Pool;
  const streams: string[] = [];
  const schemas: string[] = [];
  const opened: NatsEventStream[] = [];
  beforeAll(async () => {
    nc = await connectNats();
    jsm = await jetstreamManager(nc);
    pool = new pg.Pool(pgConfig(undefined, 8));
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    for (const s of streams) await deleteStream(jsm, s);
    for (const s of schemas) await dropSchema(pool, s);
    await nc.close();
    await pool.end();
  });

  async function open(clock = new ManualClock(0), over: Partial<NatsEventStreamOptions> = {}): Promise<NatsEventStream> {
    const stream = over.stream ?? freshStreamName("events");
    if (!streams.includes(stream)) streams.push(stream);
    let dedupe = over.dedupe;
    if (dedupe === undefined) {
      const schema = freshSchemaName("events_test");
      schemas.push(schema);
      dedupe = await PostgresConsumerDedupe.open({ pool, schema, clock });
    }
    const s = await NatsEventStream.open({ connection: nc, storage: "memory", ...over, stream, dedupe });
    opened.push(s);
    return s;
  }

  eventStreamContract("nats", (clock) => open(clock));

  it("absorbs a republish inside the Nats-Msg-Id window: one message, the first offset", async () => {
    const s = await open();
    const first = await s.publish(event("a"));
    const again = await s.publish(event("a"));
    expect(again.offset).toBe(first.offset);
    expect((await jsm.streams.info(s.stream)).state.messages).toBe(1);
    expect((await s.publish(event("b"))).offset).toBe(2);
  });

  it("keeps the committed offset in the broker: a new process resumes after it and takes over unacked messages", async () => {
    const s = await open();
    for (const id of ["a", "b", "c", "d"]) await s.publish(event(id));
    await s.poll("mailer", 3);
    await s.commitOffset("mailer", 2);
    expect(await s.committedOffset("mailer")).toBe(2);
    // A second adapter (another process after a restart) with its own connection.
    const otherConnection = await connectNats();
    try {
      // The last opener's consumer settings apply (JetStream updates the durable's ack wait to 1 s).
      const restarted = await NatsEventStream.open({ connection: otherConnection, stream: s.stream, dedupe: (s as unknown as { dedupe: PostgresConsumerDedupe }).dedupe, ackWaitMs: 1000 });
      expect(await restarted.committedOffset("mailer")).toBe(2);
      await restarted.commitOffset("mailer", 4);
      // c was in flight with the first process; it came back to the new one after the 1 s ack wait.
      expect(await restarted.committedOffset("mailer")).toBe(4);
      expect(await restarted.poll("mailer", 10)).toEqual([]);
    } finally {
      await otherConnection.close();
    }
  });

  it("redelivers messages a crashed fetcher took and never acked, once their ack wait runs out", async () => {
    const s = await open(new ManualClock(0), { ackWaitMs: 2000 });
    for (const id of ["a", "b", "c"]) await s.publish(event(id));
    expect(await s.committedOffset("worker")).toBe(0); // creates the durable consumer
    // A crashed process: a raw JetStream fetch of the same durable consumer, never acked.
    const crashed = await jetstream(nc).consumers.get(s.stream, "c_worker");
    const taken: number[] = [];
    for await (const m of await crashed.fetch({ max_messages: 2, expires: 1000 })) taken.push(m.seq);
    const crashedAt = performance.now();
    expect(taken).toEqual([1, 2]);
    // While the crashed fetcher's ack wait runs, a and b are with it: this process sees only c.
    expect((await s.poll("worker", 10)).map((d) => d.eventId)).toEqual(["c"]);
    await new Promise((r) => setTimeout(r, Math.max(0, 2300 - (performance.now() - crashedAt))));
    expect((await s.poll("worker", 10)).map((d) => [d.offset, d.eventId])).toEqual([[1, "a"], [2, "b"], [3, "c"]]);
    await s.commitOffset("worker", 3);
    expect(await s.committedOffset("worker")).toBe(3);
    expect(await s.poll("worker", 10)).toEqual([]);
  });

  it("keeps topics that are not subject-safe intact", async () => {
    const s = await open();
    await s.publish(event("a", "orders.eu west/*"));
    expect((await s.poll("c", 10)).map((d) => d.topic)).toEqual(["orders.eu west/*"]);
  });

  it("commits the consumer's own SQL with the dedupe row, and rolls both back when the effect fails", async () => {
    const schema = freshSchemaName("events_test");
    schemas.push(schema);
    const dedupe = await PostgresConsumerDedupe.open({ pool, schema, clock: new ManualClock(0) });
    await pool.query(`CREATE TABLE "${schema}".emails (event_id text NOT NULL)`);
    const send = (id: string, fail = false) =>
      dedupe.consumeOnceWith("mailer", EventId(id), async (c) => {
        await c.query(`INSERT INTO "${schema}".emails (event_id) VALUES ($1)`, [id]);
        if (fail) throw new Error("template missing");
      });
    expect(await send("a")).toBe(true);
    expect(await send("a")).toBe(false);
    await expect(send("b", true)).rejects.toThrow("template missing");
    const count = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".emails`)).rows[0]?.n;
    expect(await count()).toBe(1);
    expect(await dedupe.processedCount("mailer")).toBe(1);
    // Racing deliveries of one event: the unique key makes exactly one run the effect.
    const raced = await Promise.all(Array.from({ length: 6 }, () => send("c")));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await count()).toBe(2);
  });
});
