// One benchmark cell: an engine x strategy under one workload, driven by tinybench in task
// concurrency (each concurrent worker is a buyer in a closed loop), then audited.
import { setTimeout as sleep } from "node:timers/promises";
import { Bench } from "tinybench";
import { auditStock, undersell, type AuditReport } from "./audit.ts";
import type { ContentionStore, Counters } from "./model.ts";
import { OPEN_LOOP_IN_FLIGHT_MAX } from "./workload.ts";

export interface CellWorkload {
  readonly skus: readonly string[];
  readonly quantity: number;
  readonly buyers: number;
  readonly requests?: number;
  readonly durationMs?: number;
  readonly arrivalRate?: number;
}

export interface CellMeasurement {
  readonly attempted: number;
  readonly committed: number;
  readonly soldOut: number;
  readonly reservationsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly counters: Counters;
  readonly audit: AuditReport;
  readonly undersell: number;
  readonly wallMs: number;
}

export async function runCell(store: ContentionStore, w: CellWorkload): Promise<CellMeasurement> {
  const open = w.arrivalRate !== undefined;
  const bench = new Bench({
    concurrency: "task",
    threshold: open ? OPEN_LOOP_IN_FLIGHT_MAX : w.buyers,
    iterations: w.requests ?? 0,
    time: w.requests !== undefined ? 0 : (w.durationMs ?? 0),
    // Timed cells warm the JIT and the engine first; counted cells run exactly their requests.
    warmup: w.requests === undefined && !open,
    warmupTime: Math.min(200, (w.durationMs ?? 0) / 2),
    warmupIterations: 0,
    throws: true,
  });
  let seq = 0;
  let committed = 0;
  let soldOut = 0;
  const refusals = new Map<string, number[]>(w.skus.map((s) => [s, []]));
  const record = (sku: string, out: Awaited<ReturnType<ContentionStore["reserve"]>>) => {
    if (out.ok) committed += 1;
    else if (out.reason === "sold-out") {
      soldOut += 1;
      refusals.get(sku)?.push(w.quantity);
    }
  };
  let t0 = 0;
  let seqAtStart = 0;
  let committedAtStart = 0;
  const closedLoop = async () => {
    const sku = w.skus[seq++ % w.skus.length] as string;
    record(sku, await store.reserve(sku, w.quantity));
  };
  // Open loop: request i is due at t0 + i / rate; latency counts from when it was due, so a slow
  // engine's queueing shows up in the percentiles instead of silently slowing the arrivals.
  const openLoop = async () => {
    const i = seq++;
    const due = t0 + ((i - seqAtStart) * 1000) / (w.arrivalRate as number);
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sku = w.skus[i % w.skus.length] as string;
    record(sku, await store.reserve(sku, w.quantity));
    return { overriddenDuration: performance.now() - due };
  };
  bench.add(`${store.engine}/${store.strategy}`, open ? openLoop : closedLoop);
  // Measurement starts after warmup: counts restart, and the open loop's schedule starts here.
  bench.addEventListener("start", () => {
    seqAtStart = seq;
    committedAtStart = committed;
    t0 = performance.now();
  });
  t0 = performance.now();
  await bench.run();
  const wallMs = performance.now() - t0;
  const task = bench.tasks[0];
  const result = task?.result;
  if (result === undefined || !("latency" in result)) {
    const error = result !== undefined && "error" in result ? (result as { error?: unknown }).error : undefined;
    throw new Error(`cell ${store.engine}/${store.strategy} did not complete: ${error instanceof Error ? error.message : String(result?.state)}`);
  }
  const snapshot = await store.snapshot();
  return {
    attempted: seq - seqAtStart,
    committed: committed - committedAtStart,
    soldOut,
    reservationsPerSec: (committed - committedAtStart) / (wallMs / 1000),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    p999Ms: result.latency.p999,
    counters: { ...store.counters },
    audit: auditStock(snapshot),
    undersell: undersell(refusals, snapshot),
    wallMs,
  };
}
