// What the crash test's child process writes and the parent checks, in one place: the stores on one
// SQLite file, the stock it starts with, the seeded PRNG, and the consumer whose effect shares a
// transaction with its processed-id row.
import type { Clock } from "../../core/clock.ts";
import { LocationId, Sku } from "../../core/ids.ts";
import { SqliteCheckoutCommands } from "./checkoutCommands.ts";
import { openDatabase, type SqliteDb } from "./db.ts";
import { SqliteEventStream } from "./eventStream.ts";
import { SqliteInventory } from "./inventory.ts";
import { SqliteOrderLedger } from "./orderLedger.ts";
import { SqlitePaymentLedger } from "./paymentLedger.ts";

export const CRASH_SKUS = [Sku("sku-a"), Sku("sku-b"), Sku("sku-c"), Sku("sku-d")] as const;
export const CRASH_LOCATION = LocationId("wh-1");
/** Small enough that some checkouts run out of stock and take the rejection path. */
export const CRASH_INITIAL_STOCK = 400;
export const CRASH_CONSUMER = "shipping";

export interface CrashStores {
  readonly db: SqliteDb;
  readonly commands: SqliteCheckoutCommands;
  readonly inventory: SqliteInventory;
  readonly orders: SqliteOrderLedger;
  readonly payments: SqlitePaymentLedger;
  readonly events: SqliteEventStream;
}

export function openCrashStores(file: string, clock: Clock): CrashStores {
  const db = openDatabase(file);
  const stores = {
    db,
    commands: new SqliteCheckoutCommands(db, { clock }),
    inventory: new SqliteInventory(db, { clock }),
    orders: new SqliteOrderLedger(db, { clock }),
    payments: new SqlitePaymentLedger(db, { clock }),
    events: new SqliteEventStream(db, { clock }),
  };
  // The shipping consumer's own table: its rows must match the stream's processed ids one for one.
  db.exec("CREATE TABLE IF NOT EXISTS crash_shipments (event_id TEXT PRIMARY KEY)");
  return stores;
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
