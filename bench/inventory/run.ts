// A whole inventory benchmark run: probe engines, run each engine's raw baseline, then every
// strategy cell, audit each, and collect the report. Progress goes to `log` (stderr in the CLI).
import { describeTarget, pgConfig, probePostgres } from "../../adapters/postgres/connection.ts";
import { probeRedis } from "../../adapters/redis/connection.ts";
import { engineBaseline } from "./baseline.ts";
import { runCell } from "./cell.ts";
import { engineSupports, openContentionStore } from "./engines.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";
import type { CellSetup, EngineName } from "./model.ts";
import { RAW } from "./model.ts";
import { stockPerSku, type InventoryBenchOptions, DEFAULT_DURATION_MS } from "./workload.ts";

/** One row of the JSON report; exactly these keys. Raw baseline rows have no latency percentiles. */
export interface CellReport {
  readonly engine: EngineName;
  readonly strategy: string;
  readonly buyers: number;
  readonly hotSkus: number;
  readonly reservationsPerSec: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly aborts: number;
  readonly retries: number;
  /** Units promised beyond on-hand plus units promised twice (lost updates); 0 in a correct strategy. */
  readonly oversell: number;
  /** Requests refused as sold out while the SKU still had enough stock at the end. */
  readonly undersell: number;
  readonly baselineRatio: number;
}

/** What the Markdown table shows besides the JSON keys. */
export interface CellExtras {
  readonly deadlocks: number;
  readonly busy: number;
  readonly auditOk: boolean;
  readonly violations: readonly string[];
  readonly attempted: number;
  readonly committed: number;
}

export interface InventoryBenchReport {
  readonly machine: MachineInfo;
  readonly cells: CellReport[];
}

export interface InventoryBenchResult {
  readonly report: InventoryBenchReport;
  readonly extras: CellExtras[];
  readonly skipped: readonly string[];
  readonly options: InventoryBenchOptions;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function progressLine(c: CellReport, x: CellExtras): string {
  const ms = (v: number | null) => (v === null ? "-" : v.toFixed(3));
  return (
    `bench inventory: ${c.engine}/${c.strategy} buyers=${c.buyers} hot=${c.hotSkus}: ${Math.round(c.reservationsPerSec).toLocaleString("en-US")} res/s` +
    ` p50=${ms(c.p50Ms)}ms p99=${ms(c.p99Ms)}ms p999=${ms(c.p999Ms)}ms aborts=${c.aborts} retries=${c.retries} deadlocks=${x.deadlocks} busy=${x.busy}` +
    ` oversell=${c.oversell} undersell=${c.undersell} x${c.baselineRatio.toFixed(2)} raw audit=${x.auditOk ? "ok" : "FAILED"}`
  );
}

export async function runInventoryBench(options: InventoryBenchOptions, log: (line: string) => void): Promise<InventoryBenchResult> {
  const config = pgConfig(options.pgUrl);
  const skipped: string[] = [];
  let engines = options.engines;
  let postgresVersion = "not used";
  if (engines.includes("postgres")) {
    const probe = await probePostgres(config);
    if (probe.ok) postgresVersion = probe.version;
    else {
      postgresVersion = `unreachable (${describeTarget(config)})`;
      const line = `bench inventory: postgres cells skipped: ${probe.reason}`;
      skipped.push(line);
      log(line);
      engines = engines.filter((e) => e !== "postgres");
    }
  }
  let redisVersion = "not used";
  if (engines.includes("redis")) {
    const probe = await probeRedis(options.redisUrl);
    if (probe.ok) redisVersion = probe.version;
    else {
      redisVersion = "unreachable";
      const line = `bench inventory: redis cells skipped: ${probe.reason}`;
      skipped.push(line);
      log(line);
      engines = engines.filter((e) => e !== "redis");
    }
  }
  const limits = {
    quantity: options.quantity,
    ...(options.requests !== undefined ? { requests: options.requests } : { durationMs: options.durationMs ?? DEFAULT_DURATION_MS }),
  };
  const skus = Array.from({ length: options.hotSkus }, (_, i) => `hot-${String(i).padStart(3, "0")}`);
  const setup: CellSetup = { skus, stockPerSku: stockPerSku(options), buckets: options.buckets, connections: options.buyers, retriesMax: options.retriesMax };
  const cells: CellReport[] = [];
  const extras: CellExtras[] = [];
  const push = (c: CellReport, x: CellExtras) => {
    cells.push(c);
    extras.push(x);
    log(progressLine(c, x));
  };

  for (const engine of engines) {
    const raw = await engineBaseline(engine, setup, limits, config, options.redisUrl);
    push(
      { engine, strategy: RAW, buyers: options.buyers, hotSkus: options.hotSkus, reservationsPerSec: round(raw.reservationsPerSec, 1), p50Ms: null, p99Ms: null, p999Ms: null, aborts: 0, retries: 0, oversell: 0, undersell: 0, baselineRatio: 1 },
      { deadlocks: 0, busy: 0, auditOk: true, violations: [], attempted: raw.committed, committed: raw.committed },
    );
    for (const strategy of options.strategies) {
      if (!engineSupports(engine, strategy)) {
        const line = `bench inventory: ${engine}/${strategy} skipped: not implemented on ${engine} (one command or script runs at a time there; no row locks to take)`;
        skipped.push(line);
        log(line);
        continue;
      }
      const store = await openContentionStore(engine, strategy, setup, config, options.redisUrl);
      try {
        const m = await runCell(store, {
          skus,
          quantity: options.quantity,
          buyers: options.buyers,
          ...(options.requests !== undefined ? { requests: options.requests } : { durationMs: options.durationMs ?? DEFAULT_DURATION_MS }),
          ...(options.arrivalRate !== undefined ? { arrivalRate: options.arrivalRate } : {}),
        });
        push(
          {
            engine,
            strategy,
            buyers: options.buyers,
            hotSkus: options.hotSkus,
            reservationsPerSec: round(m.reservationsPerSec, 1),
            p50Ms: round(m.p50Ms, 4),
            p99Ms: round(m.p99Ms, 4),
            p999Ms: round(m.p999Ms, 4),
            aborts: m.counters.aborts,
            retries: m.counters.retries,
            oversell: m.audit.oversell + m.audit.doubleSold,
            undersell: m.undersell,
            baselineRatio: raw.reservationsPerSec > 0 ? round(m.reservationsPerSec / raw.reservationsPerSec, 4) : 0,
          },
          { deadlocks: m.counters.deadlocks, busy: m.counters.busy, auditOk: m.audit.ok, violations: m.audit.violations, attempted: m.attempted, committed: m.committed },
        );
      } finally {
        await store.close();
      }
    }
  }
  return { report: { machine: machineInfo(postgresVersion, redisVersion), cells }, extras, skipped, options };
}
