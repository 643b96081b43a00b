// Goal: a short live run of flash-sale and duplicate-checkout-submission on PostgreSQL and on the real
// stack (PostgreSQL + Redis cart + NATS event stream) holds every invariant the scenario judges, with
// operations and faults actually happening, and leaves no schema behind; and live mode can fail: with
// reservations switched off, the same checkers catch the oversell on real engines.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { findScenario } from "../../scenarios/index.ts";
import { pgConfig } from "../../adapters/postgres/connection.ts";
import { postgresForTests } from "../../adapters/postgres/testing.ts";
import { redisForTests } from "../../adapters/redis/testing.ts";
import { natsForTests } from "../../adapters/nats/testing.ts";
import type { LiveEngine } from "./engines.ts";
import { runLive, type LiveRunResult } from "./runLive.ts";

const [pgEnv, redisEnv, natsEnv] = await Promise.all([postgresForTests(), redisForTests(), natsForTests()]);
const available: Record<LiveEngine, boolean> = { postgres: pgEnv.available, real: pgEnv.available && redisEnv.available && natsEnv.available };

/** Short runs (CI time): 1.5 s of faults and 16 buyers; liveness and drain take what the system needs. */
const DURATION_MS = 1500;
const BUYERS = 16;

const live = (scenario: string, engine: LiveEngine, extra: Partial<Parameters<typeof runLive>[0]> = {}) =>
  runLive({ scenario: findScenario(scenario)!, seed: 1, engine, durationMs: DURATION_MS, workload: { buyers: BUYERS }, ...extra });

function expectHeld(r: LiveRunResult): void {
  const failed = r.check.verdicts.filter((v) => v.valid !== true).map((v) => `${v.invariant}: ${v.valid} ${v.violations.map((x) => x.message).slice(0, 3).join("; ")}`);
  expect(failed).toEqual([]);
  expect(r.check.verdicts.map((v) => v.invariant)).toEqual(findScenario(r.scenario)!.invariants);
  expect(r.stats.liveness).toBe("done");
  expect(r.stats.operations).toBeGreaterThan(50);
  expect(r.stats.faults).toBeGreaterThan(0);
  expect(r.stats.checkouts).toBeGreaterThan(0);
  expect(r.deterministic).toBe(false);
  // The same Jepsen history: each completion follows its own invoke, and completes it once.
  const invoked = new Set<number>();
  const completed = new Set<number>();
  for (const e of r.history.entries) {
    if (e.op === undefined) continue;
    if (e.type === "invoke") invoked.add(e.op);
    else {
      expect(invoked.has(e.op), `completion before invoke: ${JSON.stringify(e)}`).toBe(true);
      expect(completed.has(e.op), `completed twice: ${JSON.stringify(e)}`).toBe(false);
      completed.add(e.op);
    }
  }
  expect(invoked.size).toBeGreaterThanOrEqual(r.stats.operations);
}

for (const engine of ["postgres", "real"] as const) {
  describe.skipIf(!available[engine])(`live mode on ${engine}`, () => {
    it("flash-sale and duplicate-checkout-submission hold every invariant, on real time with faults", async () => {
      const [flash, duplicate] = await Promise.all([live("flash-sale", engine), live("duplicate-checkout-submission", engine)]);
      expectHeld(flash);
      expectHeld(duplicate);
      expect(duplicate.stats.faultsFired["buyer.double-submit"] ?? 0).toBeGreaterThan(0);
      expect(flash.stores.inventory).toBe("postgres");
      expect(flash.stores.cart).toBe(engine === "real" ? "redis" : "memory");
      expect(flash.stores.events).toBe(engine === "real" ? "nats" : "memory");
      // Each run used a fresh schema and dropped it.
      const pool = new pg.Pool(pgConfig(undefined, 1));
      try {
        const left = await pool.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`checkout_sim_live_${process.pid}_%`]);
        expect(left.rows).toEqual([]);
      } finally {
        await pool.end();
      }
    });
  });
}

describe.skipIf(!available.postgres)("live mode can fail", () => {
  it("with reservations switched off, flash-sale on PostgreSQL oversells and the checker says so", async () => {
    const r = await live("flash-sale", "postgres", { disable: ["reservation"] });
    expect(r.check.verdicts.find((v) => v.invariant === "no-oversell")?.valid).toBe(false);
  });
});
