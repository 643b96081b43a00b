// Every strategy on every engine (PostgreSQL and Redis included when a server is reachable): concurrent
// reservations never oversell, releases return stock exactly, and the audit catches the broken
// read-then-write strategy overselling. Small counts: these prove correctness, not speed.
import { describe, expect, it } from "vitest";
import { pgConfig } from "../../adapters/postgres/connection.ts";
import { postgresForTests } from "../../adapters/postgres/testing.ts";
import { redisForTests } from "../../adapters/redis/testing.ts";
import { auditStock, undersell } from "./audit.ts";
import { engineSupports, openContentionStore } from "./engines.ts";
import type { CellSetup, EngineName, ReserveOutcome, StrategyName } from "./model.ts";
import { ENGINES, STRATEGIES } from "./model.ts";

const [pgEnv, redisEnv] = await Promise.all([postgresForTests(), redisForTests()]);
const config = pgConfig();
const SAFE = STRATEGIES.filter((s) => s !== "broken");

function setup(stockPerSku: number, connections = 8): CellSetup {
  return { skus: ["hot-a", "hot-b"], stockPerSku, buckets: 4, connections, retriesMax: 64 };
}

/** `requests` concurrent reservations of `qty`, alternating over the two hot SKUs. */
async function storm(reserve: (sku: string, q: number) => Promise<ReserveOutcome>, requests: number, qty: number): Promise<ReserveOutcome[]> {
  return Promise.all(Array.from({ length: requests }, (_, i) => reserve(i % 2 === 0 ? "hot-a" : "hot-b", qty)));
}

for (const engine of ENGINES) {
  describe.skipIf((engine === "postgres" && !pgEnv.available) || (engine === "redis" && !redisEnv.available))(`contention strategies on ${engine}`, () => {
    for (const strategy of SAFE.filter((s) => engineSupports(engine, s))) {
      it(`${strategy}: 60 concurrent buyers on 2 hot SKUs with stock for 40 never oversell, and sell out exactly`, async () => {
        const store = await openContentionStore(engine as EngineName, strategy as StrategyName, setup(20), config);
        try {
          const results = await storm((s, q) => store.reserve(s, q), 60, 1);
          const snapshot = await store.snapshot();
          const audit = auditStock(snapshot);
          expect(audit.violations).toEqual([]);
          expect(audit.oversell).toBe(0);
          const ok = results.filter((r) => r.ok).length;
          const aborted = results.filter((r) => !r.ok && r.reason === "aborted").length;
          expect(ok).toBeLessThanOrEqual(40);
          // Every unit is sold unless a request gave up (optimistic retries): no false sold-out.
          expect(ok + aborted).toBeGreaterThanOrEqual(40);
          const refusals = new Map<string, number[]>();
          results.forEach((r, i) => {
            if (!r.ok && r.reason === "sold-out") refusals.set(i % 2 === 0 ? "hot-a" : "hot-b", [...(refusals.get(i % 2 === 0 ? "hot-a" : "hot-b") ?? []), 1]);
          });
          expect(undersell(refusals, snapshot)).toBe(0);
        } finally {
          await store.close();
        }
      });

      it(`${strategy}: releasing every reservation returns stock exactly, and releasing twice changes nothing`, async () => {
        const store = await openContentionStore(engine as EngineName, strategy as StrategyName, setup(50), config);
        try {
          const results = await storm((s, q) => store.reserve(s, q), 24, 3);
          const ids = results.flatMap((r) => (r.ok ? [r.id] : []));
          expect(ids.length).toBeGreaterThan(0);
          const released = await Promise.all(ids.map((id) => store.release(id)));
          expect(released.every(Boolean)).toBe(true);
          expect(await store.release(ids[0] as number)).toBe(false);
          const snapshot = await store.snapshot();
          expect(auditStock(snapshot).ok).toBe(true);
          for (const s of snapshot) expect([s.onHand, s.counterUnits, s.activeUnits]).toEqual([50, 0, 0]);
          // The returned stock is usable again: 16 more units per SKU fit.
          const again = await storm((s, q) => store.reserve(s, q), 32, 1);
          expect(again.filter((r) => r.ok).length).toBeGreaterThanOrEqual(again.length - store.counters.aborts);
        } finally {
          await store.close();
        }
      });
    }

    it("broken (read, then write without a lock): the audit catches the oversell it causes", async () => {
      const store = await openContentionStore(engine as EngineName, "broken", setup(10), config);
      try {
        const results = await storm((s, q) => store.reserve(s, q), 60, 1);
        const audit = auditStock(await store.snapshot());
        expect(results.filter((r) => r.ok).length).toBeGreaterThan(20);
        expect(audit.ok).toBe(false);
        expect(audit.oversell).toBeGreaterThan(0);
        expect(audit.doubleSold).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });
  });
}

describe("stock audit", () => {
  it("passes balanced books and names each broken rule", () => {
    const fine = { sku: "s", onHand: 10, movementsTotal: 10, counterUnits: 4, activeUnits: 4, bucketsOverdrawn: 0 };
    expect(auditStock([fine])).toEqual({ ok: true, oversell: 0, doubleSold: 0, violations: [] });
    const bad = auditStock([
      { ...fine, onHand: 9 },
      { ...fine, sku: "t", activeUnits: 12, counterUnits: 10 },
      { ...fine, sku: "u", counterUnits: 5 },
    ]);
    expect(bad.oversell).toBe(2);
    expect(bad.doubleSold).toBe(2);
    expect(bad.violations.map((v) => v.split(":")[0])).toEqual(["s", "t", "t", "u"]);
  });

  it("counts a sold-out refusal as undersell only when the SKU had enough left at the end", () => {
    const snap = [{ sku: "s", onHand: 10, movementsTotal: 10, counterUnits: 8, activeUnits: 8, bucketsOverdrawn: 0 }];
    expect(undersell(new Map([["s", [1, 2, 3]]]), snap)).toBe(2);
  });
});
