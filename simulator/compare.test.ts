// Goal: `compare` costs each policy from what a run really did. The cost of one run is checked on a
// hand-built world (lost-to-holds hands leftover stock out in submission order; oversells are units
// beyond receipts; apologies, voids and backorders are counted from the stream, provider and ledger),
// then real runs show the policies' costs differ the way the design says they must.
import { describe, expect, it } from "vitest";
import { BuyerId, CheckoutId, EventId, LocationId, MerchantId, IdempotencyKey, OrderId, ProviderRef, ReservationKey, Sku } from "../core/ids.ts";
import { money } from "../core/money.ts";
import { POLICIES } from "../core/checkout/deps.ts";
import type { OrderEvent, OrderEventBody } from "../core/ports/orderLedger.ts";
import type { ProviderCharge } from "../core/ports/paymentProvider.ts";
import type { World } from "../core/invariants/world.ts";
import type { CheckoutFact } from "./run.ts";
import { runScenario } from "./run.ts";
import { comparePolicies, runCost, sumCosts, type CompareReport } from "./compare.ts";
import { policyComparison } from "../scenarios/policyComparison.ts";

const LOC = LocationId("loc-1");
const usd = (n: number) => money(n, "USD");

function order(id: string, bodies: OrderEventBody[]): OrderEvent[] {
  return bodies.map((b, i) => ({ ...b, eventId: EventId(`${id}:${b.type}`), orderId: OrderId(id), sequence: i + 1, at: i }));
}

const created = (checkoutId: string, sku: string, quantity: number): OrderEventBody => ({
  type: "OrderCreated",
  checkoutId: CheckoutId(checkoutId),
  buyerId: BuyerId("b"),
  lines: [{ sku: Sku(sku), quantity, unitPrice: usd(100), priceVersion: 1 }],
  total: usd(100 * quantity),
});

function charge(id: string, status: ProviderCharge["status"], refundedAmount = 0): ProviderCharge {
  return { id: ProviderRef(id), merchantId: MerchantId("m-1"), amount: usd(100), status, capturedAmount: status === "captured" ? 100 : 0, refundedAmount, reference: id, idempotencyKey: IdempotencyKey(id), createdAt: 0 };
}

function world(partial: Partial<World>): World {
  return { now: 0, levels: [], received: {}, reservations: [], orders: {}, appended: [], payments: [], charges: [], commands: [], published: new Set(), effects: {}, priceChanges: [], submissions: [], outcomes: {}, healed: true, quiescent: true, ...partial };
}

const fact = (checkoutId: string, submittedAt: number, outcome: string, reason: string | undefined, lines: [string, number][], endedAt = submittedAt + 50): CheckoutFact => ({
  checkoutId,
  buyerId: "b",
  lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
  submittedAt,
  endedAt,
  outcome,
  ...(reason === undefined ? {} : { reason }),
});

describe("runCost on a hand-built run", () => {
  const w = world({
    // sku-1 ends with 2 units neither held nor committed; sku-2 ends with none.
    levels: [
      { sku: Sku("sku-1"), location: LOC, onHand: 5, held: 0, committed: 3 },
      { sku: Sku("sku-2"), location: LOC, onHand: 4, held: 0, committed: 4 },
    ],
    received: { "sku-1@loc-1": 5, "sku-2@loc-1": 4 },
    orders: {
      // 6 units of sku-2 sold against 4 received: 2 units oversold.
      "o-1": order("o-1", [created("c1", "sku-2", 6), { type: "InventoryReserved", reservationKey: ReservationKey("c1:reserve") }, { type: "PaymentAuthorized", providerRef: ProviderRef("ch-1"), amount: usd(600) }, { type: "OrderConfirmed" }]),
      // Backordered units are owed, not sold: no oversell from them.
      "o-2": order("o-2", [created("c2", "sku-2", 5), { type: "PaymentAuthorized", providerRef: ProviderRef("ch-2"), amount: usd(500) }, { type: "Backordered", lines: [{ sku: Sku("sku-2"), quantity: 5 }] }]),
    },
    published: new Set(["o-3:apology", "o-4:apology", "o-1:OrderConfirmed"]),
    charges: [charge("ch-1", "authorized"), charge("ch-2", "authorized"), charge("ch-3", "voided"), charge("ch-4", "captured", 100), charge("ch-5", "declined")],
  });
  const checkouts: CheckoutFact[] = [
    fact("c1", 0, "confirmed", undefined, [["sku-2", 6]], 100),
    fact("c2", 5, "compensated", "backordered", [["sku-2", 5]]),
    // Array order differs from submission order on purpose: c4 came first and takes both leftover units.
    fact("c3", 30, "rejected", "insufficient-stock", [["sku-1", 1]]),
    fact("c5", 40, "rejected", "insufficient-stock", [["sku-1", 1]]),
    fact("c4", 20, "rejected", "insufficient-stock", [["sku-1", 2]]),
    fact("c6", 50, "compensated", "reservation-expired", [["sku-2", 1]]),
    fact("c7", 60, "rejected", "payment-declined", [["sku-1", 1]]),
    fact("c8", 70, "confirmed", undefined, [["sku-1", 1]], 370),
  ];
  const cost = runCost({ checkouts, world: w, violations: [] });

  it("counts a stock rejection as lost to holds only while the unsold leftover, handed out by submission time, could fill it", () => {
    expect(cost.lostToHolds).toBe(1);
  });

  it("counts oversold units (not orders), leaving backorders out", () => {
    expect(cost.oversells).toBe(2);
  });

  it("counts backorders, apologies and voided or refunded charges from ledger, stream and provider", () => {
    expect(cost.backorders).toBe(1);
    expect(cost.apologies).toBe(2);
    expect(cost.refunds).toBe(2);
    expect(cost.confirmed).toBe(2);
    expect(cost.checkouts).toBe(8);
  });

  it("times confirmation from first submission, and sums runs into mean and nearest-rank p99", () => {
    expect(cost.confirmMs).toEqual([100, 300]);
    const total = sumCosts("reserve-before-payment", [cost, { ...cost, confirmMs: [800] }]);
    expect(total.meanConfirmMs).toBe(400);
    expect(total.p99ConfirmMs).toBe(800);
    expect(total.lostToHolds).toBe(2);
    expect(sumCosts("async-reservation", [{ ...cost, confirmMs: [] }]).meanConfirmMs).toBeNull();
  });
});

describe("RunResult.checkouts", () => {
  it("has one row per client checkout, agreeing with the run's own outcome counts", async () => {
    const r = await runScenario({ scenario: policyComparison, seed: 3, policy: "async-reservation", recordOperations: false });
    expect(r.checkouts.length).toBe(r.stats.checkouts);
    for (const [outcome, n] of Object.entries(r.stats.outcomes)) expect(r.checkouts.filter((c) => c.outcome === outcome).length).toBe(n);
    for (const c of r.checkouts) {
      expect(c.lines.length).toBeGreaterThan(0);
      if (c.endedAt !== undefined) expect(c.endedAt).toBeGreaterThanOrEqual(c.submittedAt);
    }
    expect(r.checkouts.some((c) => c.reason === "backordered")).toBe(true);
  });
});

describe("comparePolicies on the policy-comparison workload", () => {
  let report: CompareReport;
  const byPolicy = (p: string) => report.policies.find((x) => x.policy === p)!;

  it("reports every policy with the documented fields", async () => {
    report = await comparePolicies({ scenario: policyComparison, seeds: 4, firstSeed: 1 });
    expect(report.seeds).toBe(4);
    expect(report.workload["scenario"]).toBe("policy-comparison");
    expect(report.policies.map((p) => p.policy)).toEqual([...POLICIES]);
    for (const p of report.policies)
      expect(Object.keys(p).sort()).toEqual(["apologies", "backorders", "checkouts", "confirmed", "lostToHolds", "meanConfirmMs", "oversells", "p99ConfirmMs", "policy", "refunds", "violations"].sort());
  });

  it("never oversells and breaks no invariant under any policy (reference mitigations on)", () => {
    for (const p of report.policies) {
      expect(p.oversells, p.policy).toBe(0);
      expect(p.violations, p.policy).toBe(0);
      expect(p.confirmed, p.policy).toBeGreaterThan(0);
      expect(p.p99ConfirmMs!).toBeGreaterThanOrEqual(p.meanConfirmMs!);
    }
  });

  it("reserve-before-payment loses sales to abandoned holds but voids nothing for stock", () => {
    const rb = byPolicy("reserve-before-payment");
    expect(rb.lostToHolds).toBeGreaterThan(0);
    expect(rb.lostToHolds).toBeGreaterThan(byPolicy("reserve-after-authorization").lostToHolds);
    expect(rb.refunds).toBeLessThan(byPolicy("reserve-after-authorization").refunds);
    expect(rb.backorders + rb.apologies).toBe(0);
  });

  it("reserve-after-authorization voids authorizations on scarce stock and never backorders or apologizes", () => {
    const raa = byPolicy("reserve-after-authorization");
    expect(raa.refunds).toBeGreaterThan(0);
    expect(raa.backorders + raa.apologies).toBe(0);
  });

  it("async-reservation backorders buyers who agreed and apologizes (and voids) to the rest", () => {
    const as = byPolicy("async-reservation");
    expect(as.backorders).toBeGreaterThan(0);
    expect(as.apologies).toBeGreaterThan(0);
    // Every apology voids its authorization; a backorder keeps it (reconciliation must not void it).
    expect(as.refunds).toBeGreaterThanOrEqual(as.apologies);
    expect(as.refunds).toBeLessThan(as.apologies + as.backorders);
  });

  it("is deterministic: the same seeds give the same report", async () => {
    const again = await comparePolicies({ scenario: policyComparison, seeds: 4, firstSeed: 1 });
    expect(again).toEqual(report);
  });
});
