// Events are facts: every order event that reached the stream, by its business identity (order,
// type, sequence), is an event the order ledger committed, and each fact went out under one message id;
// downstream effects are counted per fact, not per message id. A notification sent before the
// ledger append, for an order that then never existed, is not a fact; a relay that republishes a
// fact under a freshly minted message id makes consumers (who dedupe by id) act on it twice.
// That each committed event reached the stream at all is events-published's question.
import type { OrderEvent } from "../ports/orderLedger.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { factKey, type World } from "./world.ts";

export function eventsAreFacts(world: World): Verdict {
  const stream = world.stream;
  if (stream === undefined) return { invariant: "events-are-facts", valid: "unknown", violations: [], note: "the world carries no record of the event stream" };
  const violations: Violation[] = [];
  const v = (message: string, entities: Record<string, string>) => violations.push({ invariant: "events-are-facts", message, entities });

  const committed = new Map<string, OrderEvent>();
  for (const [orderId, events] of Object.entries(world.orders)) for (const e of events) committed.set(`${orderId}#${e.sequence}`, e);

  const messageIds = new Map<string, string[]>();
  const judged = new Set<string>();
  for (const d of stream) {
    const f = d.fact;
    if (f === undefined) continue;
    const key = factKey(f);
    const ids = messageIds.get(key) ?? [];
    if (!ids.includes(d.messageId)) ids.push(d.messageId);
    messageIds.set(key, ids);
    if (judged.has(d.messageId)) continue;
    judged.add(d.messageId);
    const e = f.sequence === null ? undefined : committed.get(`${f.orderId}#${f.sequence}`);
    const said = `message ${d.messageId} (offset ${d.offset}) says order ${f.orderId} ${f.type} #${f.sequence ?? "?"}`;
    const entities = { order: f.orderId, message: d.messageId };
    if (world.orders[f.orderId] === undefined) v(`${said}, but the ledger has no order ${f.orderId}`, entities);
    else if (e === undefined) v(`${said}, but the ledger holds no event at that position`, entities);
    else if (e.type !== f.type) v(`${said}, but the ledger holds ${e.type} there`, entities);
    else if (f.eventId !== null && f.eventId !== e.eventId) v(`${said} as event ${f.eventId}, but the ledger's event there is ${e.eventId}`, entities);
  }
  for (const [key, ids] of [...messageIds].sort(([a], [b]) => cmp(a, b))) {
    if (ids.length > 1) v(`${key} reached the stream under ${ids.length} message ids (${ids.slice(0, 3).join(", ")}): one fact published as several`, { fact: key, messages: ids.slice(0, 5).join(",") });
  }
  for (const [consumer, counts] of Object.entries(world.factEffects ?? {}).sort(([a], [b]) => cmp(a, b))) {
    for (const [key, n] of Object.entries(counts).sort(([a], [b]) => cmp(a, b))) {
      if (n > 1) v(`consumer ${consumer} acted ${n} times on ${key}`, { consumer, fact: key });
    }
  }
  return verdictOf("events-are-facts", violations);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
