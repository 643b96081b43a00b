// The business cost of each reservation policy on one workload: every policy runs the same scenario
// and seeds, and each run's checkouts and final world are costed out (sales lost to holds, voids,
// apologies, backorders, time to confirmation). An architect's own statecharts run beside them as
// further columns (`compare --machine FILE`). `checkout-sim compare` prints the result.
import { POLICIES, type ReservationPolicy } from "../core/checkout/deps.ts";
import { orderFacts, unitsSold } from "../core/invariants/orders.ts";
import { available } from "../core/ports/inventory.ts";
import type { Coordinator } from "./coordinator.ts";
import { percentile } from "./percentile.ts";
import { runScenario, type RunResult } from "./run.ts";
import { timingDefaults, workloadDefaults, type Scenario } from "./scenario.ts";

/** Reasons the checkout machine gives when stock could not be had (core/checkout/steps/reserve.ts). */
export const STOCK_REASONS: ReadonlySet<string> = new Set(["insufficient-stock", "reservation-expired"]);

/** One run's cost. Counts are per run; `confirmMs` holds each confirmed checkout's time to confirmation. */
export interface RunCost {
  readonly checkouts: number;
  readonly confirmed: number;
  readonly lostToHolds: number;
  readonly oversells: number;
  readonly backorders: number;
  readonly apologies: number;
  readonly refunds: number;
  readonly violations: number;
  readonly confirmMs: readonly number[];
}

/** One policy's cost summed over every seed: one row of the table, one entry of the JSON. */
export interface PolicyCost {
  /** The reservation policy, or the id of a machine compared beside them. */
  readonly policy: ReservationPolicy | (string & {});
  readonly checkouts: number;
  readonly confirmed: number;
  readonly lostToHolds: number;
  readonly oversells: number;
  readonly backorders: number;
  readonly apologies: number;
  readonly refunds: number;
  /** Mean virtual ms from first submission to a confirmed outcome; null when nothing confirmed. */
  readonly meanConfirmMs: number | null;
  /** 99th percentile (nearest rank) of the same; null when nothing confirmed. */
  readonly p99ConfirmMs: number | null;
  readonly violations: number;
}

export interface CompareReport {
  readonly workload: Record<string, unknown>;
  readonly seeds: number;
  readonly policies: readonly PolicyCost[];
}

export interface CompareOptions {
  readonly scenario: Scenario;
  /** How many seeds per policy (from firstSeed). */
  readonly seeds: number;
  readonly firstSeed: number;
  /** Statecharts compared beside the three policies, each under the scenario's policy (what the harness assumes of it). Default: none. */
  readonly machines?: readonly { readonly label: string; readonly coordinator: Coordinator }[];
  /** Told after each run (progress lines). */
  readonly onRun?: (policy: string, seed: number, cost: RunCost) => void;
}

export async function comparePolicies(options: CompareOptions): Promise<CompareReport> {
  const { scenario, seeds, firstSeed } = options;
  const policies: PolicyCost[] = [];
  const columns = [...POLICIES.map((policy) => ({ label: policy, run: { policy } })), ...(options.machines ?? []).map((m) => ({ label: m.label, run: { coordinator: m.coordinator } }))];
  for (const column of columns) {
    const costs: RunCost[] = [];
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      // Operations are left out of the history: the trace is not kept, and it halves the memory.
      const result = await runScenario({ scenario, seed, ...column.run, recordOperations: false });
      const cost = runCost(result);
      costs.push(cost);
      options.onRun?.(column.label, seed, cost);
    }
    policies.push(sumCosts(column.label, costs));
  }
  return { workload: describeWorkload(scenario, firstSeed), seeds, policies };
}

/** Costs out one run from its checkouts and final world. */
export function runCost(result: Pick<RunResult, "checkouts" | "world" | "violations">): RunCost {
  const { world, checkouts } = result;
  const orders = orderFacts(world);

  const confirmMs: number[] = [];
  for (const c of checkouts) if (c.outcome === "confirmed" && c.endedAt !== undefined) confirmMs.push(c.endedAt - c.submittedAt);

  // Units sold beyond what was received (the no-oversell checker's business half), backorders excluded.
  const received = new Map<string, number>();
  for (const [skuAt, units] of Object.entries(world.received)) add(received, skuAt.split("@")[0]!, units);
  let oversells = 0;
  for (const [sku, { units }] of unitsSold(orders)) oversells += Math.max(0, units - (received.get(sku) ?? 0));

  // Turned away for stock that stayed on the shelf: stock the run ended with, unsold and unheld,
  // handed out to the turned-away checkouts in order of first submission; each one it fills counts.
  const unsold = new Map<string, number>();
  for (const l of world.levels) add(unsold, l.sku, Math.max(0, available(l)));
  let lostToHolds = 0;
  const turnedAway = checkouts.filter((c) => c.outcome !== undefined && c.outcome !== "confirmed" && c.reason !== undefined && STOCK_REASONS.has(c.reason));
  for (const c of [...turnedAway].sort((a, b) => a.submittedAt - b.submittedAt)) {
    const wanted = new Map<string, number>();
    for (const l of c.lines) add(wanted, l.sku, l.quantity);
    if (wanted.size === 0 || ![...wanted].every(([sku, q]) => (unsold.get(sku) ?? 0) >= q)) continue;
    for (const [sku, q] of wanted) add(unsold, sku, -q);
    lostToHolds++;
  }

  return {
    checkouts: checkouts.length,
    confirmed: checkouts.filter((c) => c.outcome === "confirmed").length,
    lostToHolds,
    oversells,
    backorders: orders.filter((o) => o.events.some((e) => e.type === "Backordered")).length,
    // The apology step publishes `${orderId}:apology` (core/checkout/steps/apologize.ts); published once per order.
    apologies: [...world.published].filter((id) => id.endsWith(":apology")).length,
    refunds: world.charges.filter((c) => c.status === "voided" || c.refundedAmount > 0).length,
    violations: result.violations.length,
    confirmMs,
  };
}

export function sumCosts(policy: PolicyCost["policy"], costs: readonly RunCost[]): PolicyCost {
  const total = (k: Exclude<keyof RunCost, "confirmMs">) => costs.reduce((n, c) => n + c[k], 0);
  const ms = costs.flatMap((c) => c.confirmMs).sort((a, b) => a - b);
  return {
    policy,
    checkouts: total("checkouts"),
    confirmed: total("confirmed"),
    lostToHolds: total("lostToHolds"),
    oversells: total("oversells"),
    backorders: total("backorders"),
    apologies: total("apologies"),
    refunds: total("refunds"),
    meanConfirmMs: ms.length === 0 ? null : Math.round(ms.reduce((a, b) => a + b, 0) / ms.length),
    p99ConfirmMs: percentile(ms, 0.99),
    violations: total("violations"),
  };
}

/** The workload as it ran: the scenario's constraints over the defaults, its faults and timing. */
export function describeWorkload(scenario: Scenario, firstSeed: number): Record<string, unknown> {
  return {
    scenario: scenario.name,
    description: scenario.description,
    firstSeed,
    ...workloadDefaults,
    ...scenario.workload,
    timing: { ...timingDefaults, ...scenario.timing },
    faults: scenario.faults,
    swarm: scenario.swarm === true,
  };
}

function add(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}
