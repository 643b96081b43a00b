// A scenario is data: a workload, a fault plan, a policy and the invariants it judges (FoundationDB
// style: a correctness workload combined with fault workloads).
import type { InvariantName } from "../core/invariants/verdict.ts";
import type { ReservationPolicy } from "../core/checkout/deps.ts";
import type { FaultPlan } from "./faults.ts";
import { requireShippingRule, type ShippingRule } from "../core/pricing.ts";

export interface WorkloadConstraints {
  /** Buyers arriving during the safety phase. Default 20. */
  readonly buyers?: number;
  /** Products in the catalog. Default 6. */
  readonly skus?: number;
  /** The first `hotSkus` products get most of the traffic (80%). Default 2. */
  readonly hotSkus?: number;
  /** Units received per product at the start. Default 10. */
  readonly stockPerSku?: number;
  /** Lines per cart, 1..linesMax. Default 2. */
  readonly linesMax?: number;
  /** Units per line, 1..quantityMax. Default 2. */
  readonly quantityMax?: number;
  /** Buyers arrive uniformly over this window (ms). Default 5000. */
  readonly arrivalWindowMs?: number;
  /** Probability that a buyer leaves with a full cart and never checks out. Default 0.1. */
  readonly abandonRate?: number;
  /** Probability that the provider declines a card (by reference, deterministic). Default 0.05. */
  readonly declineRate?: number;
  /** How many times a buyer resubmits the same checkout after waiting in vain. Default 2. */
  readonly buyerRetries?: number;
  /** Probability that a card asks its holder to confirm the payment (3-D Secure); the buyer does, while waiting. Default 0. */
  readonly paymentActionRate?: number;
  /** Probability that the provider settles a payment later (`processing`), by webhook. Default 0. */
  readonly processingRate?: number;
  /** How long the provider takes to settle a `processing` payment, ms. Default 3000. */
  readonly processingMs?: number;
  /** Probability that a checkout agrees to a backorder if stock runs out after acceptance (async-reservation). Default 0. */
  readonly backorderRate?: number;
  /**
   * Tax categories and their rates in basis points; product i belongs to the (i mod n)-th category, in
   * key order. Default { standard: 2000, reduced: 700, exempt: 0 }. `{}`: untaxed products.
   */
  readonly taxRatesBps?: Readonly<Record<string, number>>;
  /** Shipping per order, minor units (the merchant's rule, core/pricing.ts). Default 495. */
  readonly shippingMinor?: number;
  /** Lines' subtotal (before tax) from which shipping is free, minor units. Default 5000. */
  readonly freeShippingFrom?: number;
}

export interface TimingConstraints {
  /** Reservation hold. Default 4000 ms. */
  readonly holdMs?: number;
  /** Store RPC timeout. Default 300 ms. */
  readonly storeTimeoutMs?: number;
  /** Provider HTTP timeout. Default 1000 ms. */
  readonly providerTimeoutMs?: number;
  /** Safety phase length, faults on. Default 10000 ms. */
  readonly safetyMs?: number;
  /** Liveness phase bound, faults healed; every checkout must end within it. Default 60000 ms. */
  readonly livenessMs?: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Which row of the article's "Where It Breaks" table (or other motivation) it exercises. */
  readonly boundary?: string;
  readonly invariants: readonly InvariantName[];
  /**
   * The dangerous moments the scenario's motivation depends on (core/exercised): each must happen in at
   * least one seed of a run, or the run is vacuous (`run` exits 1 unless `--allow-vacuous`).
   */
  readonly exercises?: readonly string[];
  readonly policy?: ReservationPolicy;
  readonly workload?: WorkloadConstraints;
  readonly faults: FaultPlan;
  /** Draw the fault mix from each seed (swarm testing) even without `--swarm`. */
  readonly swarm?: boolean;
  readonly timing?: TimingConstraints;
}

export const workloadDefaults: Required<WorkloadConstraints> = {
  buyers: 20,
  skus: 6,
  hotSkus: 2,
  stockPerSku: 10,
  linesMax: 2,
  quantityMax: 2,
  arrivalWindowMs: 5000,
  abandonRate: 0.1,
  declineRate: 0.05,
  buyerRetries: 2,
  backorderRate: 0,
  paymentActionRate: 0,
  processingRate: 0,
  processingMs: 3000,
  taxRatesBps: { standard: 2000, reduced: 700, exempt: 0 },
  shippingMinor: 495,
  freeShippingFrom: 5000,
};

/** The merchant's shipping rule a workload describes. */
export const shippingRuleOf = (w: Pick<typeof workloadDefaults, "shippingMinor" | "freeShippingFrom">): ShippingRule => requireShippingRule({ flat: w.shippingMinor, freeFrom: w.freeShippingFrom });

export const timingDefaults: Required<TimingConstraints> = {
  holdMs: 4000,
  storeTimeoutMs: 300,
  providerTimeoutMs: 1000,
  safetyMs: 10000,
  livenessMs: 60000,
};
