// The stores of one `compare --architectures` run: each architecture on one durable engine, every
// statement that reaches the engine counted (statementCounter.ts).
//   split     inventory, order ledger + outbox, payment ledger, checkout commands on the engine; the
//             catalog (a search read model), the cart (ephemeral, as Redis or memory in a real
//             deployment) and the event stream in memory, where a real deployment keeps them off the
//             transactional database.
//   monolith  one database: products (catalog facts and the quantity column in one table), carts and
//             order rows (adapters/monolith). The split's stores it does not use stay empty in memory.
// SQLite is a fresh file in WAL mode under the OS temp dir; PostgreSQL a fresh schema. Both removed on close.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../core/clock.ts";
import type { Stores } from "../../core/ports/index.ts";
import { createMemoryStores, MemoryCart, MemoryCatalog, MemoryEventStream } from "../../adapters/memory/index.ts";
import { openDatabase } from "../../adapters/sqlite/db.ts";
import { SqliteCheckoutCommands, SqliteInventory, SqliteOrderLedger, SqlitePaymentLedger } from "../../adapters/sqlite/index.ts";
import { MonolithCart } from "../../adapters/monolith/cart.ts";
import { MonolithCatalog } from "../../adapters/monolith/catalog.ts";
import { MonolithDb } from "../../adapters/monolith/monolithDb.ts";
import { openMonolithPool, postgresSql, sqliteSql, type MonolithSql } from "../../adapters/monolith/sql.ts";
import type { Architecture } from "../run.ts";
import { openLiveStores, runId, storeEngines, type LiveStores, type StoreEngines } from "./liveStores.ts";
import type { StatementCounter } from "./statementCounter.ts";

export const DURABLE_ENGINES = ["sqlite", "postgres"] as const;
export type DurableEngine = (typeof DURABLE_ENGINES)[number];

export interface ArchitectureStoresOptions {
  readonly architecture: Architecture;
  readonly engine: DurableEngine;
  /** Counts the statements reaching the engine. */
  readonly counter: StatementCounter;
  readonly pgUrl?: string;
}

const MEMORY: StoreEngines = { catalog: "memory", cart: "memory", inventory: "memory", orders: "memory", payments: "memory", commands: "memory", events: "memory" };

export async function openArchitectureStores(options: ArchitectureStoresOptions, clock: Clock): Promise<LiveStores> {
  const { architecture, engine, counter } = options;
  if (engine === "postgres" && architecture === "split") {
    const opened = await openLiveStores("postgres", clock, options.pgUrl !== undefined ? { pgUrl: options.pgUrl } : {}, (pool) => counter.pool(pool));
    return { ...opened, engines: storeEngines("postgres") };
  }
  const closers: (() => unknown)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    let sql: MonolithSql | undefined;
    let namespace: LiveStores["namespace"];
    let splitDurable: Pick<Stores, "inventory" | "orders" | "payments" | "commands"> | undefined;
    if (engine === "sqlite") {
      const dir = mkdtempSync(join(tmpdir(), "checkout-sim-compare-"));
      closers.push(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, `${architecture}.db`);
      const db = counter.sqlite(openDatabase(file)); // WAL, synchronous NORMAL, busy timeout 5 s
      closers.push(() => db.close());
      namespace = { file };
      if (architecture === "monolith") sql = sqliteSql(db);
      else splitDurable = { inventory: new SqliteInventory(db, { clock }), orders: new SqliteOrderLedger(db, { clock }), payments: new SqlitePaymentLedger(db, { clock }), commands: new SqliteCheckoutCommands(db, { clock }) };
    } else {
      const schema = `checkout_sim_live_${runId()}`;
      const pool = await openMonolithPool({ ...(options.pgUrl !== undefined ? { url: options.pgUrl } : {}), schema, poolMax: 16, observePool: (p) => void counter.pool(p) });
      closers.push(() => pool.end());
      closers.push(() => pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      namespace = { schema };
      sql = postgresSql(pool);
    }
    if (splitDurable !== undefined) {
      const stores: Stores = { ...splitDurable, catalog: new MemoryCatalog(), cart: new MemoryCart({ clock }), events: new MemoryEventStream({ clock }) };
      return { stores, engines: { ...MEMORY, inventory: "sqlite", orders: "sqlite", payments: "sqlite", commands: "sqlite" }, namespace, close };
    }
    const db = sql!;
    const monolith = await MonolithDb.open(db, { clock });
    const stores: Stores = { ...createMemoryStores(clock), catalog: await MonolithCatalog.open(db), cart: await MonolithCart.open(db, { clock }) };
    return { stores, engines: { ...MEMORY, catalog: engine, cart: engine }, namespace, monolith, close };
  } catch (err) {
    await close();
    throw err;
  }
}
