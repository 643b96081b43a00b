// Fault sites in FoundationDB's BUGGIFY style: each site is switched on or off once per seed, then
// fires by probability at every opportunity. Both decisions are written to the trace.
import type { History } from "./history.ts";
import type { SeededRandom } from "./random.ts";
import type { VirtualClock } from "./clock.ts";

export const FAULT_SITES = [
  "store.request-lost", // a store request never arrives; the caller times out
  "store.response-lost", // the store applied the effect, the answer is lost; the caller times out
  "store.latency", // the answer comes late, possibly after the caller's timeout
  "provider.request-lost",
  "provider.5xx-before", // 503 before processing: nothing charged
  "provider.5xx-after", // processed, then 500: the charge exists
  "provider.connection-reset", // processed, connection reset: the charge exists, outcome unknown
  "provider.response-lost", // processed, answer lost: the client times out
  "provider.latency",
  "webhook.duplicate",
  "webhook.delay",
  "webhook.reorder",
  "webhook.concurrent-duplicate", // a second copy is delivered while the first is still being handled
  "stream.duplicate", // the event stream delivers an event twice
  "coordinator.crash", // the coordinator process dies, losing memory; it restarts and recovers
  "clock.jump", // virtual time jumps forward, past reservation holds
  "buyer.double-submit", // double click / mobile retry of the same checkout
  "buyer.abandon", // the buyer submits, then leaves at the payment page and never completes it
  "admin.price-change", // a price changes between add-to-cart and checkout
] as const;
export type FaultSite = (typeof FAULT_SITES)[number];

/** Probability per opportunity for each site a scenario uses; sites not named never fire. */
export type FaultPlan = Partial<Record<FaultSite, number>>;

export class Faults {
  private readonly enabled = new Map<FaultSite, number>();
  private on = true;
  readonly fired = new Map<FaultSite, number>();
  /** Told of every firing (coverage of state x fault pairs). */
  onFire: ((site: FaultSite, process: string) => void) | undefined;

  constructor(
    plan: FaultPlan,
    private readonly random: SeededRandom,
    private readonly history: History,
    private readonly clock: VirtualClock,
    /** Swarm testing: each planned site is switched on with probability 1/2 per seed. */
    swarm: boolean,
  ) {
    for (const site of FAULT_SITES) {
      const p = plan[site];
      if (p === undefined || p <= 0) continue;
      const switchedOn = swarm ? random.chance(0.5) : true;
      const probability = swarm ? Math.min(1, p * (0.25 + random.next() * 1.75)) : p;
      history.add(clock.now(), "fault", "nemesis", "buggify", { site, on: switchedOn, p: round(probability) });
      if (switchedOn) this.enabled.set(site, probability);
    }
  }

  /** The sites switched on for this seed with their probabilities (printed before a run). */
  mix(): Record<string, number> {
    return Object.fromEntries([...this.enabled].map(([s, p]) => [s, round(p)]));
  }

  /** Liveness phase: faults heal, nothing fires any more. */
  heal(): void {
    this.on = false;
  }

  get active(): boolean {
    return this.on;
  }

  /** Decides whether `site` fires now; a firing is recorded with the process it hit. */
  fire(site: FaultSite, process: string, detail?: unknown): boolean {
    if (!this.on) return false;
    const p = this.enabled.get(site);
    if (p === undefined || !this.random.chance(p)) return false;
    this.fired.set(site, (this.fired.get(site) ?? 0) + 1);
    this.history.add(this.clock.now(), "fault", process, site, detail);
    this.onFire?.(site, process);
    return true;
  }

  isEnabled(site: FaultSite): boolean {
    return this.on && this.enabled.has(site);
  }

  /** A random draw from the fault stream (latency sizes and the like), kept off the workload's stream. */
  int(maxExclusive: number): number {
    return this.random.int(maxExclusive);
  }
}

const round = (p: number) => Math.round(p * 1000) / 1000;
