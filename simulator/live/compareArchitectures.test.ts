// Goal: a short `compare --architectures` (under a second of arrivals per run) shows the article's
// failure modes where they belong: under the same faults the monolith oversells or double charges and
// the split reference does neither; the reconstruction audit fails for at least one monolith order and
// passes for every split order; abandoned carts cost the monolith durable writes and the split none.
// The report has the documented JSON shape and renders as Markdown and HTML. On SQLite always; on
// PostgreSQL when the server is up (CI requires it).
import { describe, expect, it } from "vitest";
import { postgresForTests } from "../../adapters/postgres/testing.ts";
import { renderArchitecturesHtml, renderArchitecturesMarkdown } from "../../reports/architectures.ts";
import { compareArchitectures, type ArchitectureReport } from "./compareArchitectures.ts";
import type { DurableEngine } from "./architectureStores.ts";

const pgEnv = await postgresForTests();

const short = (engine: DurableEngine) => compareArchitectures({ engine, durationMs: 800, buyers: 30, crawlerRps: 100, catalogProducts: 200, rounds: 1 });

function expectFailureModes(report: ArchitectureReport, engine: DurableEngine): void {
  expect(Object.keys(report)).toEqual(["workload", "engine", "architectures"]);
  expect(report.engine).toBe(engine);
  expect(report.architectures.map((a) => a.name)).toEqual(["monolith", "split"]);
  for (const a of report.architectures) {
    for (const k of ["name", "latency", "durableWrites", "reconstructable", "oversold", "doubleCharges"]) expect(a, k).toHaveProperty(k);
    for (const side of [a.latency.off, a.latency.on]) {
      expect(side.checkouts).toBeGreaterThan(0);
      for (const p of [side.p50, side.p99, side.p999]) expect(typeof p).toBe("number");
    }
    expect(a.latency.crawler.requested).toBeGreaterThan(0);
    expect(a.durableWrites.confirmedOrders).toBeGreaterThan(0);
    expect(a.durableWrites.perConfirmedOrder).toBeGreaterThan(0);
  }
  const [monolith, split] = report.architectures as [ArchitectureReport["architectures"][number], ArchitectureReport["architectures"][number]];

  // Modes 4 and 5: the same faults, a bare quantity column and no payment keys vs reservations and keys.
  expect(monolith.oversold + monolith.doubleCharges).toBeGreaterThan(0);
  expect(split.oversold).toBe(0);
  expect(split.doubleCharges).toBe(0);
  expect(Object.values(split.violations).every((n) => n === 0), JSON.stringify(split.violations)).toBe(true);

  // Mode 3: rows updated in place lose steps; the append-only ledger and payment ledger keep every one.
  expect(monolith.reconstructable.failed).toBeGreaterThanOrEqual(1);
  expect(monolith.reconstructable.examples[0]?.missing.length).toBeGreaterThan(0);
  expect(split.reconstructable.orders).toBeGreaterThan(0);
  expect(split.reconstructable.failed, JSON.stringify(split.reconstructable.examples)).toBe(0);
  expect(split.reconstructable.all).toBe(true);

  // Mode 2: every cart change is a durable write in the monolith; the split keeps carts off the engine.
  expect(monolith.durableWrites.abandonedCarts).toBeGreaterThan(0);
  expect(monolith.durableWrites.perAbandonedCart).toBeGreaterThan(0);
  expect(split.durableWrites.perAbandonedCart).toBe(0);
  expect(split.durableWrites.cartWrites).toBe(0);
  // Every statement reached the meter: without faults each confirmed monolith order is one INSERT and one UPDATE of its row.
  expect(monolith.durableWrites.writesByTable["mono_orders"]).toBe(2 * monolith.durableWrites.confirmedOrders);

  // Mode 1: the monolith's crawler reads reach the checkout database; the split's do not.
  expect(monolith.latency.statements.on).toBeGreaterThan(monolith.latency.statements.off + monolith.latency.crawler.completed / 2);
  expect(split.latency.statements.on).toBeLessThan(split.latency.statements.off + split.latency.crawler.completed / 2);

  const markdown = renderArchitecturesMarkdown(report);
  expect(markdown).toMatch(/\| architecture \| p50 ms off \/ on \|/);
  expect(markdown).toMatch(/\n\| monolith \|/);
  expect(markdown).toMatch(/\n\| split \|/);
  const html = renderArchitecturesHtml(report);
  expect(html).toMatch(/<svg [^>]*aria-label="checkout latency, crawler off and on"/);
  expect(html.match(/<rect class="on"/g)?.length).toBe(6);
}

describe("compare --architectures", () => {
  it("on SQLite: the monolith fails modes 3 to 5 under faults, the split reference passes", async () => {
    expectFailureModes(await short("sqlite"), "sqlite");
  });

  it.skipIf(!pgEnv.available)("on PostgreSQL: the same", async () => {
    expectFailureModes(await short("postgres"), "postgres");
  });
});
