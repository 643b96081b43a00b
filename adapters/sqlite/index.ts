// The embedded durable stores: one SQLite file (or :memory:), each store in its own tables.
import type { Clock } from "../../core/clock.ts";
import type { Stores } from "../../core/ports/index.ts";
import { openDatabase, type OpenOptions } from "./db.ts";
import { SqliteCatalog } from "./catalog.ts";
import { SqliteCart } from "./cart.ts";
import { SqliteInventory } from "./inventory.ts";
import { SqliteOrderLedger } from "./orderLedger.ts";
import { SqlitePaymentLedger } from "./paymentLedger.ts";
import { SqliteEventStream } from "./eventStream.ts";
import { SqliteCheckoutCommands } from "./checkoutCommands.ts";

export { SqliteCatalog, SqliteCart, SqliteInventory, SqliteOrderLedger, SqlitePaymentLedger, SqliteEventStream, SqliteCheckoutCommands };

export function createSqliteStores(path: string, clock: Clock, options: OpenOptions = {}): { stores: Stores; close(): void } {
  const db = openDatabase(path, options);
  const stores: Stores = {
    catalog: new SqliteCatalog(db),
    cart: new SqliteCart(db, { clock }),
    inventory: new SqliteInventory(db, { clock }),
    orders: new SqliteOrderLedger(db, { clock }),
    payments: new SqlitePaymentLedger(db, { clock }),
    events: new SqliteEventStream(db, { clock }),
    commands: new SqliteCheckoutCommands(db, { clock }),
  };
  return { stores, close: () => db.close() };
}
