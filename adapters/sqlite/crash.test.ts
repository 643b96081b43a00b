// Crash safety of the durable stores: a child process writes checkouts to a SQLite file (one
// transaction per store step, as the coordinator would) and is killed with SIGKILL at seeded random
// points, again and again on the same file. After every kill the file is reopened and each store
// must be consistent on its own and with the others: nothing the child reported committed is lost,
// no multi-event append is half there, the ledger folds legally, stock is conserved, and the
// consumer's effects match its processed ids one for one.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { type CheckoutId, keys, MerchantId } from "../../core/ids.ts";
import { foldOrder } from "../../core/orderLifecycle.ts";
import type { OrderEvent } from "../../core/ports/orderLedger.ts";
import type { ReservationStatus } from "../../core/ports/inventory.ts";
import { CRASH_CONSUMER, CRASH_LOCATION, CRASH_SKUS, mulberry32, openCrashStores } from "./crashWorkload.ts";
import { tempDbFile } from "./tempDb.ts";

const SEED = 20_240_611;
const WORKERS = 2;
const KILLS_PER_WORKER = 12;
const root = fileURLToPath(new URL("../../", import.meta.url));
const childScript = fileURLToPath(new URL("./crashChild.ts", import.meta.url));

/**
 * How to start the child. `node --import tsx` costs about a CPU-second per start (tsx's hooks see
 * every module `effect` loads), which two dozen kills cannot afford; so the child is bundled once
 * with esbuild (already installed for tsx and vite) and started as plain JS. Without esbuild the
 * test falls back to tsx and is slower, not weaker.
 */
async function prepareChild(): Promise<{ args: string[]; cleanup: () => void }> {
  const dir = join(root, "node_modules", ".cache", "checkout-sim", `crash-${process.pid}`);
  try {
    const esbuild = await import("esbuild");
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, "crashChild.mjs");
    await esbuild.build({ entryPoints: [childScript], bundle: true, platform: "node", format: "esm", target: "node20", outfile, external: ["better-sqlite3"], logLevel: "silent" });
    return { args: [outfile], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch {
    return { args: ["--import", "tsx", childScript], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
}
let child: { args: string[]; cleanup: () => void } = { args: ["--import", "tsx", childScript], cleanup: () => {} };
beforeAll(async () => {
  child = await prepareChild();
});
afterAll(() => child.cleanup());
const merchant = MerchantId("m-crash");

/** Everything the children reported as committed on one file, latest word per key. */
interface Reported {
  commands: Map<string, string>; // checkoutId -> "running" | final status
  reservations: Map<string, ReservationStatus>;
  payments: Map<string, string>; // key -> "pending" | status
  events: Set<string>;
  streamed: Set<string>;
  published: Set<string>;
  movements: Set<string>;
  lines: number;
}

const emptyReported = (): Reported => ({
  commands: new Map(), reservations: new Map(), payments: new Map(), events: new Set(), streamed: new Set(), published: new Set(), movements: new Set(), lines: 0,
});

function absorb(r: Reported, line: string): void {
  const [kind, a, b, ...rest] = line.split(" ");
  r.lines++;
  if (kind === "C") r.commands.set(a!, "running");
  else if (kind === "D") r.commands.set(a!, b!);
  else if (kind === "R") r.reservations.set(a!, "held");
  else if (kind === "K") r.reservations.set(a!, "committed");
  else if (kind === "L") r.reservations.set(a!, "released");
  else if (kind === "B") r.payments.set(a!, "pending");
  else if (kind === "P") r.payments.set(a!, b!);
  else if (kind === "E") r.events.add(a!);
  else if (kind === "S") r.streamed.add(a!);
  else if (kind === "M") {
    for (const id of [a, b, ...rest]) if (id) r.published.add(id);
  }  else if (kind === "I") r.movements.add(a!);
}

/** Runs the child until a seeded random point, kills it with SIGKILL, and returns the complete lines it printed. */
function runAndKill(file: string, tag: string, seed: number, random: () => number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...child.args, file, tag, String(seed)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let killed = false;
    const kill = () => {
      if (!killed) {
        killed = true;
        proc.kill("SIGKILL");
      }
    };
    // Mostly mid-workload; sometimes anywhere from spawn on (startup, schema creation, initial stock).
    const early = random() < 0.2;
    const delayMs = early ? Math.floor(random() * 400) : Math.floor(random() * 250);
    if (early) setTimeout(kill, delayMs);
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (!early && out.length === 0) setTimeout(kill, delayMs);
      out += chunk;
    });
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      if (signal !== "SIGKILL") return reject(new Error(`crash child ${tag} ended by itself (code ${code}): ${err}`));
      const complete = out.slice(0, out.lastIndexOf("\n") + 1);
      resolve(complete.split("\n").filter((l) => l.length > 0 && l !== "READY"));
    });
  });
}

async function verify(file: string, reported: Reported, where: string): Promise<{ orders: number }> {
  const s = openCrashStores(file, new ManualClock(0));
  try {
    // Order ledger: every order folds legally, sequences are contiguous, the confirm triple is all or nothing.
    const events = new Map<string, OrderEvent>();
    const ordersByCheckout = new Map<string, OrderEvent[]>();
    for (const orderId of await s.orders.orderIds()) {
      const list = await s.orders.events(orderId);
      expect(list.map((e) => e.sequence), `${where}: ${orderId} sequences`).toEqual(list.map((_, i) => i + 1));
      expect(() => foldOrder(list), `${where}: ${orderId} folds`).not.toThrow();
      const first = list[0]!;
      if (first.type !== "OrderCreated") throw new Error(`${where}: ${orderId} does not start with OrderCreated`);
      const types = new Set(list.map((e) => e.type));
      const triple = ["InventoryReserved", "PaymentAuthorized", "OrderConfirmed"].filter((t) => types.has(t as OrderEvent["type"]));
      expect([0, 3], `${where}: ${orderId} has a half-written confirm append: ${triple.join(",")}`).toContain(triple.length);
      ordersByCheckout.set(first.checkoutId, list);
      for (const e of list) events.set(e.eventId, e);
    }
    for (const id of reported.events) expect(events.has(id), `${where}: committed event ${id} lost`).toBe(true);
    const outbox = s.db.prepare("SELECT (SELECT count(*) FROM orders_events) AS events, (SELECT count(*) FROM orders_outbox) AS outbox, (SELECT count(*) FROM orders_events e WHERE NOT EXISTS (SELECT 1 FROM orders_outbox o WHERE o.event_id = e.event_id)) AS missing").get();
    expect(outbox, `${where}: outbox`).toEqual({ events: events.size, outbox: events.size, missing: 0 });
    const unpublished = new Set<string>((await s.orders.pendingOutbox(1_000_000)).map((p) => p.eventId));
    for (const id of reported.published) expect(unpublished.has(id), `${where}: ${id} was marked published`).toBe(false);

    // Event stream and its consumer: nothing streamed is lost or unknown, effects match processed ids.
    const streamed = await s.events.poll(`checker-${where}`, 1_000_000);
    const streamedIds = new Set(streamed.map((d) => d.eventId as string));
    for (const id of reported.streamed) expect(streamedIds.has(id), `${where}: streamed ${id} lost`).toBe(true);
    for (const id of streamedIds) expect(events.has(id), `${where}: stream has ${id} the ledger does not`).toBe(true);
    const shipments = s.db.prepare("SELECT count(*) AS n, (SELECT count(*) FROM crash_shipments c WHERE NOT EXISTS (SELECT 1 FROM events_processed p WHERE p.consumer = ? AND p.event_id = c.event_id)) AS orphans FROM crash_shipments").get(CRASH_CONSUMER);
    expect(shipments, `${where}: consumer effects vs processed ids`).toEqual({ n: await s.events.processedCount(CRASH_CONSUMER), orphans: 0 });

    // Commands, payments and reservations agree with each other and with the ledger.
    const commands = await s.commands.all();
    const commandStatus = new Map(commands.map((c) => [c.checkoutId as string, c.status]));
    for (const [id, status] of reported.commands) expect(commandStatus.get(id), `${where}: command ${id}`).toEqual(status === "running" ? expect.any(String) : status);
    for (const checkoutId of ordersByCheckout.keys()) expect(commandStatus.has(checkoutId), `${where}: order without command ${checkoutId}`).toBe(true);
    const payments = await s.payments.all();
    const paymentStatus = new Map(payments.map((p) => [p.key as string, p.status]));
    for (const [key, status] of reported.payments) expect(paymentStatus.get(key), `${where}: payment ${key}`).toEqual(status === "pending" ? expect.any(String) : status);
    for (const p of payments) expect(ordersByCheckout.has(p.checkoutId), `${where}: payment ${p.key} without order`).toBe(true);

    const held = new Map<string, number>();
    const committedUnits = new Map<string, number>();
    for (const c of commands) {
      const reservations = await s.inventory.findByCheckout(c.checkoutId);
      const order = ordersByCheckout.get(c.checkoutId);
      const types = new Set(order?.map((e) => e.type));
      const payment = await s.payments.get(merchant, keys.authorize(c.checkoutId as CheckoutId));
      const r = reservations[0];
      expect(reservations.length, `${where}: reservations of ${c.checkoutId}`).toBeLessThanOrEqual(1);
      if (order) expect(r, `${where}: order ${c.checkoutId} without reservation`).toBeDefined();
      if (types.has("PaymentAuthorized")) expect(payment?.status, `${where}: authorized ${c.checkoutId}`).toBe("succeeded");
      if (c.status === "confirmed") {
        expect(types.has("OrderConfirmed") && r?.status === "committed" && payment?.status === "succeeded", `${where}: confirmed ${c.checkoutId}`).toBe(true);
        for (const e of order!) expect(unpublished.has(e.eventId), `${where}: confirmed ${c.checkoutId} left ${e.eventId} unpublished`).toBe(false);
      }
      if (c.status === "compensated") expect(types.has("OrderCancelled") && r?.status === "released" && payment?.status === "failed", `${where}: compensated ${c.checkoutId}`).toBe(true);
      if (c.status === "rejected") expect(order === undefined && r === undefined, `${where}: rejected ${c.checkoutId}`).toBe(true);
      for (const res of reservations)
        for (const l of res.lines) {
          const bucket = res.status === "held" ? held : res.status === "committed" ? committedUnits : undefined;
          bucket?.set(l.sku, (bucket.get(l.sku) ?? 0) + l.quantity);
        }
    }
    for (const [key, status] of reported.reservations) {
      const r = await s.inventory.get(key as never);
      expect(r?.status, `${where}: reservation ${key}`).toEqual(status === "held" ? expect.any(String) : status);
    }

    // Stock conserved: on hand = initial receipt + every later movement; reservations account for held and committed.
    for (const sku of CRASH_SKUS) {
      const level = await s.inventory.level(sku, CRASH_LOCATION);
      const movements = await s.inventory.movements(sku, CRASH_LOCATION);
      expect(level.onHand, `${where}: ${sku} on hand vs movements`).toBe(movements.reduce((sum, m) => sum + m.delta, 0));
      expect(level.held, `${where}: ${sku} held`).toBe(held.get(sku) ?? 0);
      expect(level.committed, `${where}: ${sku} committed`).toBe(committedUnits.get(sku) ?? 0);
      expect(level.held + level.committed, `${where}: ${sku} oversold`).toBeLessThanOrEqual(level.onHand);
      for (const m of movements) reported.movements.delete(m.id);
    }
    expect([...reported.movements], `${where}: committed stock movements lost`).toEqual([]);
    return { orders: ordersByCheckout.size };
  } finally {
    s.db.close();
  }
}

describe("SQLite stores survive SIGKILL at random points", () => {
  it(`stay consistent after ${WORKERS * KILLS_PER_WORKER} kills (seed ${SEED})`, async () => {
    const totals = await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const { file, cleanup } = tempDbFile(`crash-${w}`);
        const reported = emptyReported();
        const random = mulberry32(SEED + w); // one PRNG per worker, so kill points do not depend on interleaving
        let orders = 0;
        try {
          for (let k = 0; k < KILLS_PER_WORKER; k++) {
            const tag = `w${w}k${k}`;
            for (const line of await runAndKill(file, tag, SEED + w * 100 + k, random)) absorb(reported, line);
            orders = (await verify(file, reported, tag)).orders;
          }
          return { orders, lines: reported.lines };
        } finally {
          cleanup();
        }
      }),
    );
    // The kills must have landed in real work, or the checks above prove nothing.
    const orders = totals.reduce((sum, t) => sum + t.orders, 0);
    expect(orders).toBeGreaterThan(50);
  });
});
