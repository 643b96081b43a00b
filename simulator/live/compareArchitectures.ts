// `compare --architectures`: the article's five failure modes measured side by side, live, on one
// durable engine. The monolith baseline and the split reference each run the same buyer workload
// under faults (mode 3: can each order's history be reconstructed from what is stored?;
// modes 4 and 5: oversold units and double charges), then without faults, with the catalog crawler off
// and on (mode 1: do catalog reads slow checkout?; mode 2, from the first crawler-off run: durable
// writes per confirmed order and per abandoned cart). Real time and real engines: the numbers
// depend on the machine; the verdicts of modes 3 to 5 do not.
import { unitsSold, orderFacts } from "../../core/invariants/orders.ts";
import { doubleCharged } from "../../core/invariants/noDoubleCharge.ts";
import { summarizeAudits, type AuditSummary, type OrderAudit } from "../../core/audit/reconstruction.ts";
import type { CartStore } from "../../core/ports/cart.ts";
import type { MonolithDb, MonolithOrder } from "../../adapters/monolith/monolithDb.ts";
import { architectureComparison } from "../../scenarios/architectureComparison.ts";
import type { FaultPlan } from "../faults.ts";
import { methodsOf } from "../harness.ts";
import { percentile } from "../percentile.ts";
import type { Architecture } from "../run.ts";
import { timingDefaults, workloadDefaults } from "../scenario.ts";
import { openArchitectureStores, type DurableEngine } from "./architectureStores.ts";
import { seedLongTail, startCrawler, type CrawlerStats } from "./crawler.ts";
import { money } from "../../core/money.ts";
import { CURRENCY } from "../runContext.ts";
import { auditMonolith, auditSplit, observeMonolith, type MonolithWrite } from "./orderHistories.ts";
import { runLive, type LiveRunResult } from "./runLive.ts";
import { countsBetween, StatementCounter, type StatementCounts } from "./statementCounter.ts";

export interface ArchitectureCompareOptions {
  readonly engine: DurableEngine;
  /** Buyers per run. Default: the workload's (60). */
  readonly buyers?: number;
  /** Catalog requests per second in the crawler-on run (half searches, half product reads). Default 300. */
  readonly crawlerRps?: number;
  /** Crawler-off and crawler-on runs per architecture, each (ABBA order); latency pools their checkouts. Default 2. */
  readonly rounds?: number;
  /** Products in the catalog besides the ones on sale (a long tail the crawler's searches scan). Default 2000. */
  readonly catalogProducts?: number;
  /** Each run's safety phase, real ms; buyers arrive within it. Default 5000. */
  readonly durationMs?: number;
  readonly pgUrl?: string;
  /** Decides the workload and the fault choices. Default 1. */
  readonly seed?: number;
  /** Told when each run begins and ends (progress lines). */
  readonly onProgress?: (line: string) => void;
}

export interface LatencyStats {
  /** Checkouts with an answer (confirmed, rejected or compensated). */
  readonly checkouts: number;
  /** Real ms from the buyer's first click to the final answer, nearest rank; null when none. */
  readonly p50: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
}

export interface ArchitectureRow {
  readonly name: Architecture;
  /** Which store lives on which engine in this architecture. */
  readonly stores: Readonly<Record<string, string>>;
  readonly latency: {
    readonly off: LatencyStats;
    readonly on: LatencyStats;
    /** on / off per percentile; null when either is missing or zero. */
    readonly ratio: { readonly p50: number | null; readonly p99: number | null; readonly p999: number | null };
    /** What the crawler sent and how the catalog answered it, in the crawler-on run. */
    readonly crawler: CrawlerStats;
    /** Statements that reached the durable engine in each run (reads + writes): the crawler's reads show here when the catalog lives there. */
    readonly statements: { readonly off: number; readonly on: number };
  };
  readonly durableWrites: {
    /** Writes (INSERT/UPDATE/DELETE) that reached the engine, other than cart writes, per confirmed order. */
    readonly perConfirmedOrder: number | null;
    /** Cart writes that reached the engine for buyers who never got an order, per such cart. */
    readonly perAbandonedCart: number | null;
    readonly confirmedOrders: number;
    readonly abandonedCarts: number;
    readonly writes: number;
    readonly cartWrites: number;
    readonly statements: number;
    readonly writesByTable: Readonly<Record<string, number>>;
  };
  /** The reconstruction audit over every order of the faulted run, with up to three failing orders. */
  readonly reconstructable: AuditSummary & { readonly all: boolean; readonly examples: readonly OrderAudit[] };
  /** Units sold beyond units received, in the faulted run. */
  readonly oversold: number;
  /** Checkouts whose buyer holds money on more than one charge at the end of the faulted run. */
  readonly doubleCharges: number;
  /** Violations per invariant the architecture is judged on, in the faulted run (the existing checkers). */
  readonly violations: Readonly<Record<string, number>>;
  readonly runs: readonly RunSummary[];
}

export interface RunSummary {
  readonly run: RunName;
  readonly checkouts: number;
  readonly confirmed: number;
  readonly faults: number;
  readonly elapsedMs: number;
  readonly liveness: "done" | "time";
  readonly settled: boolean;
}

export interface ArchitectureReport {
  readonly workload: Record<string, unknown>;
  readonly engine: DurableEngine;
  readonly architectures: readonly ArchitectureRow[];
}

export const ARCHITECTURE_ORDER: readonly Architecture[] = ["monolith", "split"];
export type RunName = "crawler-off" | "crawler-on" | "faults";

const CRAWLER_RPS_DEFAULT = 300;
const CATALOG_PRODUCTS_DEFAULT = 2000;
const ROUNDS_DEFAULT = 2;
const DURATION_MS_DEFAULT = 5000;

/** What one live run of an architecture left behind for the measurements. */
interface Measured {
  readonly result: LiveRunResult;
  readonly counts: StatementCounts;
  readonly crawler?: CrawlerStats;
  readonly monolithRows: readonly MonolithOrder[];
  readonly monolithWrites: readonly MonolithWrite[];
}

export async function compareArchitectures(options: ArchitectureCompareOptions): Promise<ArchitectureReport> {
  const { engine } = options;
  const crawlerRps = options.crawlerRps ?? CRAWLER_RPS_DEFAULT;
  const durationMs = options.durationMs ?? DURATION_MS_DEFAULT;
  const seed = options.seed ?? 1;
  const buyers = options.buyers ?? architectureComparison.workload?.buyers ?? workloadDefaults.buyers;
  const catalogProducts = options.catalogProducts ?? CATALOG_PRODUCTS_DEFAULT;
  const rounds = options.rounds ?? ROUNDS_DEFAULT;
  const say = options.onProgress ?? (() => undefined);

  const rows: ArchitectureRow[] = [];
  for (const architecture of ARCHITECTURE_ORDER) {
    const run = async (name: RunName, faults: FaultPlan, rps: number): Promise<Measured> => {
      say(`${architecture} on ${engine}: ${name} run (${durationMs} ms of arrivals${rps > 0 ? `, crawler ${rps}/s` : ""}${name === "faults" ? ", faults on" : ""})`);
      const measured = await measuredRun({ architecture, engine, seed, buyers, durationMs, faults, crawlerRps: rps, catalogProducts, ...(options.pgUrl !== undefined ? { pgUrl: options.pgUrl } : {}) });
      const r = measured.result;
      say(`${architecture} ${name}: ${r.stats.checkouts} checkouts, ${r.stats.outcomes["confirmed"] ?? 0} confirmed, ${r.stats.faults} faults, ${r.stats.elapsedMs} ms`);
      return measured;
    };
    // The faulted run goes first: it also warms the process and the engine (JIT, connections, caches),
    // so neither latency run pays for being first.
    const faulted = await run("faults", architectureComparison.faults, 0);
    // Crawler off and on in ABBA order over the rounds (off, on, on, off, ...), so drift over time (warm
    // caches, garbage from earlier runs, other load) weighs on both sides alike.
    const offs: Measured[] = [];
    const ons: Measured[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        offs.push(await run("crawler-off", {}, 0));
        ons.push(await run("crawler-on", {}, crawlerRps));
      } else {
        ons.push(await run("crawler-on", {}, crawlerRps));
        offs.push(await run("crawler-off", {}, 0));
      }
    }
    rows.push(row(architecture, offs, ons, faulted));
  }
  return { workload: describe(seed, buyers, durationMs, crawlerRps, catalogProducts, rounds), engine, architectures: rows };
}

interface RunSpec {
  readonly architecture: Architecture;
  readonly engine: DurableEngine;
  readonly seed: number;
  readonly buyers: number;
  readonly durationMs: number;
  readonly faults: FaultPlan;
  readonly crawlerRps: number;
  readonly catalogProducts: number;
  readonly pgUrl?: string;
}

async function measuredRun(o: RunSpec): Promise<Measured> {
  const counter = new StatementCounter();
  const monolithWrites: MonolithWrite[] = [];
  let monolithRows: readonly MonolithOrder[] = [];
  let baseline: StatementCounts | undefined;
  let counts: StatementCounts | undefined;
  let crawler: ReturnType<typeof startCrawler> | undefined;
  let crawled: CrawlerStats | undefined;
  let monolith: MonolithDb | undefined;
  const run = runLive({
    scenario: architectureComparison,
    seed: o.seed,
    engine: o.engine,
    architecture: o.architecture,
    durationMs: o.durationMs,
    workload: { buyers: o.buyers },
    faults: o.faults,
    open: async (clock) => {
      const opened = await openArchitectureStores({ architecture: o.architecture, engine: o.engine, counter, ...(o.pgUrl !== undefined ? { pgUrl: o.pgUrl } : {}) }, clock);
      monolith = opened.monolith;
      return {
        ...opened,
        stores: { ...opened.stores, cart: tagCartWrites(opened.stores.cart, counter) },
        ...(opened.monolith ? { monolith: observeMonolith(opened.monolith, clock, monolithWrites) } : {}),
      };
    },
    onPhase: async (phase, world) => {
      if (phase === "safety") {
        await seedLongTail(world.stores.catalog, o.catalogProducts, money(999, CURRENCY));
        baseline = counter.snapshot(); // the world's setup is not the run's cost
        if (o.crawlerRps > 0) crawler = startCrawler({ catalog: world.stores.catalog, rps: o.crawlerRps, skus: world.skus });
      }
      if (phase === "end") {
        crawled = await crawler?.stop();
        counts = countsBetween(baseline ?? counter.snapshot(), counter.snapshot());
        if (monolith) monolithRows = await monolith.orders();
      }
    },
  });
  let result: LiveRunResult;
  try {
    result = await run;
  } finally {
    if (crawled === undefined) await crawler?.stop(); // a run that failed midway must not leave the crawler's timer behind
  }
  return { result, counts: counts!, ...(crawled ? { crawler: crawled } : {}), monolithRows, monolithWrites };
}

/** Every cart call runs tagged with its buyer, so the statements it causes are that buyer's cart writes. */
function tagCartWrites(cart: CartStore, counter: StatementCounter): CartStore {
  const tagged: Record<string, unknown> = {};
  for (const m of methodsOf(cart)) {
    const f = (cart as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.bind(cart);
    tagged[m] = (...args: unknown[]) => counter.tagged(`cart:${String(args[0])}`, () => f(...args));
  }
  return tagged as unknown as CartStore;
}

function latencyOf(results: readonly LiveRunResult[]): LatencyStats {
  const ms = results.flatMap((r) => r.checkouts).flatMap((c) => (c.endedAt !== undefined && c.outcome !== undefined ? [c.endedAt - c.submittedAt] : [])).sort((a, b) => a - b);
  return { checkouts: ms.length, p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), p999: percentile(ms, 0.999) };
}

const ratio = (on: number | null, off: number | null) => (on === null || off === null || off === 0 ? null : Math.round((on / off) * 100) / 100);
const per = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10) / 10);

function row(name: Architecture, offs: readonly Measured[], ons: readonly Measured[], faulted: Measured): ArchitectureRow {
  const latencyOff = latencyOf(offs.map((m) => m.result));
  const latencyOn = latencyOf(ons.map((m) => m.result));
  const off = offs[0]!;
  const on = ons[0]!;

  // Mode 2, from the run without faults or crawler: a buyer's cart is abandoned when none of their checkouts confirmed.
  const r = off.result;
  const confirmedBuyers = new Set(r.checkouts.filter((c) => c.outcome === "confirmed").map((c) => c.buyerId));
  const cartBuyers = new Set(r.history.entries.filter((e) => e.type === "ok" && e.f === "cart.addLine" && e.process.startsWith("buyer:")).map((e) => `b-${e.process.split(":")[1]}`));
  const abandoned = [...cartBuyers].filter((b) => !confirmedBuyers.has(b));
  const cartWrites = Object.entries(off.counts.writesByTag).reduce((n, [tag, w]) => (tag.startsWith("cart:") ? n + w : n), 0);
  const abandonedCartWrites = abandoned.reduce((n, b) => n + (off.counts.writesByTag[`cart:${b}`] ?? 0), 0);
  const confirmedOrders = r.checkouts.filter((c) => c.outcome === "confirmed").length;

  // Modes 3 to 5, from the faulted run.
  const f = faulted.result;
  const audits = name === "monolith" ? auditMonolith(faulted.monolithRows, faulted.monolithWrites, f.providerEvents) : auditSplit(f.world, f.providerEvents);
  const summary = summarizeAudits(audits);
  const received = new Map<string, number>();
  for (const [skuAt, units] of Object.entries(f.world.received)) received.set(skuAt.split("@")[0]!, (received.get(skuAt.split("@")[0]!) ?? 0) + units);
  let oversold = 0;
  for (const [sku, { units }] of unitsSold(orderFacts(f.world))) oversold += Math.max(0, units - (received.get(sku) ?? 0));

  return {
    name,
    // The monolith's split-design stores exist only as unused memory stubs: name what it really has.
    stores: name === "monolith" ? { catalog: r.engine, cart: r.engine, orders: r.engine, stock: r.engine } : r.stores,
    latency: {
      off: latencyOff,
      on: latencyOn,
      ratio: { p50: ratio(latencyOn.p50, latencyOff.p50), p99: ratio(latencyOn.p99, latencyOff.p99), p999: ratio(latencyOn.p999, latencyOff.p999) },
      crawler: on.crawler ?? { requested: 0, completed: 0, failed: 0, dropped: 0, ms: { p50: null, p99: null } },
      statements: { off: off.counts.statements, on: on.counts.statements },
    },
    durableWrites: {
      perConfirmedOrder: per(off.counts.writes - cartWrites, confirmedOrders),
      perAbandonedCart: per(abandonedCartWrites, abandoned.length),
      confirmedOrders,
      abandonedCarts: abandoned.length,
      writes: off.counts.writes,
      cartWrites,
      statements: off.counts.statements,
      writesByTable: off.counts.writesByTable,
    },
    reconstructable: { ...summary, all: summary.failed === 0, examples: audits.filter((a) => a.missing.length > 0).slice(0, 3) },
    oversold,
    doubleCharges: doubleCharged(f.world).length,
    violations: Object.fromEntries(f.check.verdicts.map((v) => [v.invariant, v.violations.length])),
    runs: [summaryOf("faults", f), ...offs.map((m) => summaryOf("crawler-off", m.result)), ...ons.map((m) => summaryOf("crawler-on", m.result))],
  };
}

function summaryOf(run: RunName, r: LiveRunResult): RunSummary {
  return { run, checkouts: r.stats.checkouts, confirmed: r.stats.outcomes["confirmed"] ?? 0, faults: r.stats.faults, elapsedMs: r.stats.elapsedMs, liveness: r.stats.liveness, settled: r.stats.settled };
}

function describe(seed: number, buyers: number, durationMs: number, crawlerRps: number, catalogProducts: number, rounds: number): Record<string, unknown> {
  const s = architectureComparison;
  return {
    scenario: s.name,
    description: s.description,
    seed,
    ...workloadDefaults,
    ...s.workload,
    buyers,
    durationMs,
    crawlerRps,
    catalogProducts,
    timing: { ...timingDefaults, ...s.timing },
    faults: s.faults,
    runs: ["faults (no crawler; also the warm-up)", `${rounds} x crawler-off (no faults)`, `${rounds} x crawler-on (no faults), in ABBA order`],
  };
}
