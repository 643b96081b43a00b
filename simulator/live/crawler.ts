// A catalog crawler: search pages and product pages requested at a fixed rate (open loop, as a bot or
// a merchandising tool does it, whether or not earlier requests came back), against whatever store
// the system gives its catalog. It is load the harness adds, not part of the system: unwrapped, not
// faulted, not in the history. In-flight requests are bounded; a request that finds the bound full
// is dropped and counted, so a slow catalog cannot make the crawler grow without limit.
import { Sku } from "../../core/ids.ts";
import type { Money } from "../../core/money.ts";
import type { CatalogStore } from "../../core/ports/catalog.ts";
import { WORDS } from "../buyers.ts";
import { percentile } from "../percentile.ts";

export interface CrawlerOptions {
  readonly catalog: CatalogStore;
  /** Requests per second, half searches and half product reads. */
  readonly rps: number;
  readonly skus: readonly Sku[];
  /** Requests in flight at most; default 256. */
  readonly inFlightMax?: number;
}

export interface CrawlerStats {
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  /** Not sent: the in-flight bound was full. */
  readonly dropped: number;
  /** Real ms per completed request. */
  readonly ms: { readonly p50: number | null; readonly p99: number | null };
}

/** Requests go out in small batches this often (a timer per request would be late at high rates). */
const TICK_MS = 20;

export function startCrawler(options: CrawlerOptions): { stop(): Promise<CrawlerStats> } {
  const { catalog, rps, skus } = options;
  const inFlightMax = options.inFlightMax ?? 256;
  const started = performance.now(); // live mode: real time
  let requested = 0;
  let completed = 0;
  let failed = 0;
  let dropped = 0;
  let inFlight = 0;
  const ms: number[] = [];
  let idle: (() => void) | undefined;

  const one = (n: number) => {
    if (inFlight >= inFlightMax) {
      dropped++;
      return;
    }
    inFlight++;
    const sent = performance.now(); // live mode: real time
    const request = n % 2 === 0 ? catalog.search(WORDS[(n / 2) % WORDS.length]!) : catalog.getProduct(skus[((n - 1) / 2) % skus.length]!);
    void request
      .then(
        () => {
          completed++;
          ms.push(performance.now() - sent); // live mode: real time
        },
        () => void failed++,
      )
      .finally(() => {
        inFlight--;
        if (inFlight === 0) idle?.();
      });
  };
  // Catch up to the rate every tick: the n-th request is due at n / rps seconds.
  // live mode: real time
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rps); // live mode: real time
    while (requested < due) one(requested++);
  }, TICK_MS);

  return {
    async stop() {
      clearInterval(timer); // live mode: real time
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      const sorted = ms.sort((a, b) => a - b);
      const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
      return { requested, completed, failed, dropped, ms: { p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)) } };
    },
  };
}

/** Upserts in flight at once while filling the catalog. */
const SEED_CONCURRENCY = 16;

/**
 * Fills the catalog with `count` products nobody buys (`tail-1`, ...), titled from the same words the
 * crawler and the buyers search for, so a search has a real catalog to scan, not only the SKUs on sale.
 */
export async function seedLongTail(catalog: CatalogStore, count: number, price: Money): Promise<void> {
  for (let start = 0; start < count; start += SEED_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(SEED_CONCURRENCY, count - start) }, (_, i) => start + i + 1);
    await Promise.all(
      batch.map((n) =>
        catalog.upsertProduct({ sku: Sku(`tail-${n}`), title: `${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]} ${n}`, description: `long tail product ${n}, ${WORDS[(n * 3) % WORDS.length]}`, price }),
      ),
    );
  }
}
