// Every contention strategy on plain in-process state: the ceiling the durable engines are compared
// with. Clients interleave at `think()` points, so lost updates and lock waits happen as they would
// between network round trips; "transactions" are stretches of code with no await inside.
import { Batcher } from "../batcher.ts";
import type { CellSetup, ContentionStore, Counters, ReserveOutcome, SkuSnapshot, StrategyName } from "../model.ts";
import { zeroCounters } from "../model.ts";
import { think } from "../pacing.ts";
import { RowLog } from "../rowLog.ts";

interface Bucket {
  onHand: number;
  reserved: number;
  version: number;
  /** Tail of the promise chain that serializes lock holders (pessimistic only). */
  lock: Promise<void>;
}

export class MemoryContentionStore implements ContentionStore {
  readonly engine = "memory" as const;
  readonly counters: Counters = zeroCounters();
  private readonly stock = new Map<string, Bucket[]>();
  private readonly movements = new Map<string, number>();
  private readonly rows = new RowLog();
  private readonly skuIndex = new Map<string, number>();
  private roundRobin = 0;
  private readonly batcher: Batcher<{ sku: string; qty: number }, ReserveOutcome>;
  readonly reserve: (sku: string, quantity: number) => Promise<ReserveOutcome>;

  constructor(readonly strategy: StrategyName, private readonly setup: CellSetup) {
    const k = strategy === "buckets" ? setup.buckets : 1;
    for (const sku of setup.skus) {
      // The receipt is split as evenly as possible over the buckets.
      const rows: Bucket[] = [];
      for (let b = 0; b < k; b++) rows.push({ onHand: Math.floor(setup.stockPerSku / k) + (b < setup.stockPerSku % k ? 1 : 0), reserved: 0, version: 0, lock: Promise.resolve() });
      this.stock.set(sku, rows);
      this.skuIndex.set(sku, this.skuIndex.size);
      this.movements.set(sku, setup.stockPerSku);
    }
    this.batcher = new Batcher((batch) => batch.map((r) => this.claim(r.sku, 0, r.qty)));
    const strategies: Record<StrategyName, (sku: string, q: number) => Promise<ReserveOutcome>> = {
      pessimistic: (s, q) => this.pessimistic(s, q),
      conditional: async (s, q) => this.claim(s, 0, q),
      optimistic: (s, q) => this.optimistic(s, q),
      buckets: async (s, q) => this.buckets(s, q),
      batching: (s, q) => this.batcher.submit({ sku: s, qty: q }),
      broken: (s, q) => this.broken(s, q),
    };
    this.reserve = strategies[strategy];
  }

  private bucket(sku: string, b: number): Bucket {
    const row = this.stock.get(sku)?.[b];
    if (row === undefined) throw new Error(`unknown SKU ${sku} bucket ${b}`);
    return row;
  }

  private insert(sku: string, bucket: number, qty: number): ReserveOutcome {
    return { ok: true, id: this.rows.append(this.skuIndex.get(sku) as number, bucket, qty) };
  }

  /** The conditional update: check and take in one step, no await in between. */
  private claim(sku: string, b: number, qty: number): ReserveOutcome {
    const row = this.bucket(sku, b);
    if (row.onHand - row.reserved < qty) return { ok: false, reason: "sold-out" };
    row.reserved += qty;
    row.version += 1;
    return this.insert(sku, b, qty);
  }

  private async pessimistic(sku: string, qty: number): Promise<ReserveOutcome> {
    const row = this.bucket(sku, 0);
    const previous = row.lock;
    let unlock!: () => void;
    row.lock = new Promise<void>((r) => (unlock = r));
    await previous;
    try {
      const free = row.onHand - row.reserved;
      await think();
      if (free < qty) return { ok: false, reason: "sold-out" };
      row.reserved += qty;
      row.version += 1;
      return this.insert(sku, 0, qty);
    } finally {
      unlock();
    }
  }

  private async optimistic(sku: string, qty: number): Promise<ReserveOutcome> {
    const row = this.bucket(sku, 0);
    for (let attempt = 0; attempt <= this.setup.retriesMax; attempt++) {
      if (attempt > 0) this.counters.retries += 1;
      const seen = row.version;
      const free = row.onHand - row.reserved;
      await think();
      if (free < qty) return { ok: false, reason: "sold-out" };
      if (row.version === seen) {
        row.reserved += qty;
        row.version += 1;
        return this.insert(sku, 0, qty);
      }
    }
    this.counters.aborts += 1;
    return { ok: false, reason: "aborted" };
  }

  private buckets(sku: string, qty: number): ReserveOutcome {
    const k = this.stock.get(sku)?.length ?? 1;
    const start = this.roundRobin++ % k;
    for (let i = 0; i < k; i++) {
      const out = this.claim(sku, (start + i) % k, qty);
      if (out.ok) return out;
    }
    return { ok: false, reason: "sold-out" };
  }

  /** Deliberately wrong: writes back a value computed from a read that others may have overtaken. */
  private async broken(sku: string, qty: number): Promise<ReserveOutcome> {
    const row = this.bucket(sku, 0);
    const reserved = row.reserved;
    const free = row.onHand - reserved;
    await think();
    if (free < qty) return { ok: false, reason: "sold-out" };
    row.reserved = reserved + qty;
    return this.insert(sku, 0, qty);
  }

  async release(id: number): Promise<boolean> {
    const r = this.rows.deactivate(id);
    if (r === undefined) return false;
    const row = this.bucket(this.setup.skus[r.sku] as string, r.bucket);
    row.reserved -= r.qty;
    row.version += 1;
    return true;
  }

  async snapshot(): Promise<SkuSnapshot[]> {
    const active = new Map<string, number[]>();
    this.rows.forEachActive((skuIndex, bucket, qty) => {
      const sku = this.setup.skus[skuIndex] as string;
      const perBucket = active.get(sku) ?? [];
      perBucket[bucket] = (perBucket[bucket] ?? 0) + qty;
      active.set(sku, perBucket);
    });
    return [...this.stock.entries()].map(([sku, rows]) => {
      const perBucket = active.get(sku) ?? [];
      return {
        sku,
        onHand: rows.reduce((a, r) => a + r.onHand, 0),
        movementsTotal: this.movements.get(sku) ?? 0,
        counterUnits: rows.reduce((a, r) => a + r.reserved, 0),
        activeUnits: perBucket.reduce((a, u) => a + (u ?? 0), 0),
        bucketsOverdrawn: rows.reduce((a, r, b) => a + Math.max(0, (perBucket[b] ?? 0) - r.onHand), 0),
      };
    });
  }

  async close(): Promise<void> {}
}
