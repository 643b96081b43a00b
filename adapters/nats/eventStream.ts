// The event stream port on NATS JetStream. publish goes to the stream with the event id as
// Nats-Msg-Id, so JetStream drops repeats inside its duplicate window; an offset is the stream
// sequence. Each port consumer is a durable pull consumer with explicit acks: its ack floor is the
// committed offset, so it lives in the broker and survives restarts. consumeOnce and processedCount
// are delegated to a ConsumerDedupe kept in PostgreSQL (adapters/postgres/consumerDedupe.ts),
// because the dedupe record must commit with the consumer's effect, which JetStream cannot do.
//
// How poll/commitOffset map onto JetStream: poll fetches messages and keeps them in flight (not
// acked) in this process, answering repeated polls from them; commitOffset acks every in-flight
// message up to the offset (fetching the ones not yet delivered), waiting for the server to confirm
// each ack. A process that dies with messages in flight loses nothing: after `ackWaitMs` JetStream
// redelivers them to the consumer's next fetch, in whatever process. Unlike memory and SQLite, a
// second process polling the same consumer name does not see messages the first holds in flight
// until their ack wait runs out (a JetStream consumer is a work queue, not a cursor).
import { createHash } from "node:crypto";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType, type Consumer, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import { InvalidInput } from "../../core/errors.ts";
import type { EventId } from "../../core/ids.ts";
import type { Delivery, EventStream, StreamEvent } from "../../core/ports/eventStream.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import type { ConsumerDedupe } from "../postgres/consumerDedupe.ts";
import { streamEvent } from "../shared/streamInput.ts";
import { connectNats } from "./connection.ts";

export interface NatsEventStreamOptions {
  /** An existing connection (left open by close()); otherwise one is made from `servers` or NATS_URL. */
  readonly connection?: NatsConnection;
  readonly servers?: string;
  /** The JetStream stream (created if missing); tests use a fresh one each and delete it. */
  readonly stream: string;
  /** Where consumeOnce records processed event ids, in the same transaction as the effect. */
  readonly dedupe: ConsumerDedupe;
  /** How long a fetched, unacked message stays with its fetcher before JetStream redelivers it; default 30 s. */
  readonly ackWaitMs?: number;
  /** JetStream's Nats-Msg-Id window: a republish within it is absorbed; default 2 minutes. */
  readonly duplicateWindowMs?: number;
  /** File storage survives a server restart (default); memory storage is faster for throwaway streams. */
  readonly storage?: "file" | "memory";
}

/** The shortest fetch expiry the client allows; a fetch asks only for messages known to be there. */
const FETCH_WAIT_MS = 1000;

/** A token that is safe in a subject and reversible: plain topics stay readable, others are base64url. */
const topicToken = (topic: string): string => (/^[A-Za-z0-9_-]+$/.test(topic) ? topic : `~${Buffer.from(topic, "utf8").toString("base64url")}`);
const tokenTopic = (token: string): string => (token.startsWith("~") ? Buffer.from(token.slice(1), "base64url").toString("utf8") : token);

/** Durable names cannot hold `.`, `*`, `>`, whitespace or slashes; others are hashed (deterministically). */
const durableName = (consumer: string): string =>
  /^[A-Za-z0-9_-]{1,100}$/.test(consumer) ? `c_${consumer}` : `h_${createHash("sha256").update(consumer).digest("hex").slice(0, 40)}`;

export function requireStreamName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`JetStream stream name must match [A-Za-z0-9_-]{1,64}, got ${JSON.stringify(name)}`);
  return name;
}

export class NatsEventStream implements EventStream {
  readonly stream: string;
  private readonly subjectRoot: string;
  private readonly consumers = new Map<string, Promise<Consumer>>();
  /** Per consumer: messages fetched and not yet acked, by stream sequence. */
  private readonly inFlight = new Map<string, Map<number, JsMsg>>();

  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    stream: string,
    private readonly dedupe: ConsumerDedupe,
    private readonly ackWaitMs: number,
    private readonly ownsConnection: boolean,
  ) {
    this.stream = stream;
    this.subjectRoot = `checkout-sim.${stream}`;
  }

  /** Connects and creates the stream if it does not exist. */
  static async open(options: NatsEventStreamOptions): Promise<NatsEventStream> {
    const stream = requireStreamName(options.stream);
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    const ownsConnection = options.connection === undefined;
    const nc = options.connection ?? (await connectNats(options.servers));
    try {
      const jsm = await jetstreamManager(nc);
      const config = {
        name: stream,
        subjects: [`checkout-sim.${stream}.>`],
        duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
        storage: options.storage === "memory" ? StorageType.Memory : StorageType.File,
      };
      try {
        await jsm.streams.info(stream);
      } catch {
        await jsm.streams.add(config);
      }
      return new NatsEventStream(nc, jetstream(nc), jsm, stream, options.dedupe, ackWaitMs, ownsConnection);
    } catch (err) {
      if (ownsConnection) await nc.close();
      throw err;
    }
  }

  /** Closes the connection if this adapter made it. In-flight messages are redelivered after their ack wait. */
  async close(): Promise<void> {
    this.inFlight.clear();
    if (this.ownsConnection) await this.connection.drain();
  }

  async publish(event: StreamEvent): Promise<Delivery> {
    const e = streamEvent(event);
    const ack = await this.js.publish(`${this.subjectRoot}.${topicToken(e.topic)}`, e.payload, { msgID: e.eventId });
    return Object.freeze({ ...e, offset: ack.seq });
  }

  async poll(consumer: string, limit: number): Promise<Delivery[]> {
    requireKey(consumer, "consumer");
    requireNonNegativeInt(limit, "limit");
    if (limit === 0) return [];
    const c = await this.consumer(consumer);
    const held = this.held(consumer);
    if (held.size < limit) {
      const info = await c.info(false);
      // Redeliverable messages (another fetcher's ack wait ran out) count as ack-pending, not pending.
      const others = Math.max(0, info.num_ack_pending - held.size);
      const wanted = Math.min(limit - held.size, info.num_pending + others);
      if (wanted > 0) await this.fetchInto(c, consumer, wanted);
    }
    return [...held.values()]
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit)
      .map((m) => this.toDelivery(m));
  }

  async commitOffset(consumer: string, offset: number): Promise<void> {
    requireKey(consumer, "consumer");
    requireNonNegativeInt(offset, "offset");
    const last = (await this.jsm.streams.info(this.stream)).state.last_seq;
    if (offset > last) throw new InvalidInput({ field: "offset", message: `offset ${offset} is past the end of the stream (${last})` });
    const c = await this.consumer(consumer);
    const held = this.held(consumer);
    // Each round waits at most FETCH_WAIT_MS; messages another fetcher holds come back within one ack wait.
    const roundsMax = Math.ceil(this.ackWaitMs / FETCH_WAIT_MS) + 3;
    for (let round = 0; round < roundsMax; round++) {
      for (const [seq, msg] of held) {
        if (seq > offset) continue;
        // ackAck waits for the server, so a poll right after this commit never sees these again.
        await msg.ackAck();
        held.delete(seq);
      }
      const info = await c.info(false);
      const floor = info.ack_floor.stream_seq;
      if (floor >= offset) return;
      // Messages up to the offset this process never fetched: fetch them (in order) and ack next round.
      await this.fetchInto(c, consumer, Math.min(offset - floor, info.num_pending + Math.max(0, info.num_ack_pending - held.size)) || 1);
    }
    throw new Error(`event stream ${this.stream}: could not commit ${consumer} to ${offset} within ${roundsMax} fetch rounds; messages up to it are held by another fetcher`);
  }

  async consumeOnce(consumer: string, eventId: EventId, effect: () => void): Promise<boolean> {
    requireKey(consumer, "consumer");
    requireKey(eventId, "eventId");
    return this.dedupe.consumeOnce(consumer, eventId, effect);
  }

  async processedCount(consumer: string): Promise<number> {
    return this.dedupe.processedCount(consumer);
  }

  /** The committed offset of a consumer as JetStream holds it (its ack floor); 0 before the first commit. */
  async committedOffset(consumer: string): Promise<number> {
    const c = await this.consumer(requireKey(consumer, "consumer"));
    return (await c.info(false)).ack_floor.stream_seq;
  }

  private held(consumer: string): Map<number, JsMsg> {
    let held = this.inFlight.get(consumer);
    if (held === undefined) this.inFlight.set(consumer, (held = new Map()));
    return held;
  }

  private async fetchInto(c: Consumer, consumer: string, count: number): Promise<void> {
    const held = this.held(consumer);
    const batch = await c.fetch({ max_messages: count, expires: FETCH_WAIT_MS });
    // A redelivery of a message already held replaces it: only the newest delivery's ack counts.
    for await (const m of batch) held.set(m.seq, m);
  }

  private consumer(consumer: string): Promise<Consumer> {
    let made = this.consumers.get(consumer);
    if (made === undefined) {
      const name = durableName(consumer);
      made = this.jsm.consumers
        .add(this.stream, {
          durable_name: name,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(this.ackWaitMs),
          max_deliver: -1,
          // Room for every message a poll may hold; the port bounds a poll by its limit, not here.
          max_ack_pending: -1,
        })
        .then(() => this.js.consumers.get(this.stream, name));
      made.catch(() => this.consumers.delete(consumer));
      this.consumers.set(consumer, made);
    }
    return made;
  }

  private toDelivery(m: JsMsg): Delivery {
    const eventId = m.headers?.get("Nats-Msg-Id") ?? "";
    const topic = tokenTopic(m.subject.slice(this.subjectRoot.length + 1));
    return Object.freeze({ eventId: eventId as EventId, topic, payload: m.string(), offset: m.seq });
  }
}
