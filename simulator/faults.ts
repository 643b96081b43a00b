// Fault sites in FoundationDB's BUGGIFY style: each site is switched on or off once per seed, then
// fires by probability at every opportunity. Both decisions are written to the trace.
import type { History } from "./history.ts";
import type { SeededRandom } from "./random.ts";
import type { Clock } from "../core/clock.ts";

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

/**
 * One firing instance, `SITE@PROCESS/DETAIL#N`: the N-th time (from 1) SITE's probability said "fire"
 * for that process and detail (the operation or id it hit), e.g.
 * `store.request-lost@checkout:c-4-1/inventory.release#1`. Shrinking restricts a run to a set of these;
 * naming the process and operation keeps an instance pointing at the same call when other firings are
 * dropped, and a suppressed firing still consumes its draw, so the fault stream stays aligned.
 */
export type FiringId = string;

/** What a firing instance is counted under: site, process and (when it is a string) the detail. */
function firingKey(site: string, process: string, detail: unknown): string {
  return `${site}@${process}${typeof detail === "string" && detail.length > 0 ? `/${detail}` : ""}`;
}

export function firingId(site: FaultSite, process: string, detail: unknown, n: number): FiringId {
  return `${firingKey(site, process, detail)}#${n}`;
}

/** Parses `SITE@PROCESS[/DETAIL]#N`; undefined when it is not one. */
export function parseFiringId(text: string): { site: FaultSite; key: string; n: number } | undefined {
  const m = /^(([a-z0-9.-]+)@[^\s,]+)#([1-9][0-9]*)$/.exec(text);
  if (!m || !(FAULT_SITES as readonly string[]).includes(m[2]!)) return undefined;
  return { site: m[2] as FaultSite, key: m[1]!, n: Number(m[3]) };
}

/**
 * The firing instance of every fault entry in a history (entry index -> id). Without a restriction the
 * n-th entry under a key is `key#n`. With one, the firings that happened are the kept ids a run reached,
 * and since a key's ordinals only grow they are the first ones of its kept list.
 */
export function firingsOf(entries: readonly { readonly index: number; readonly type: string; readonly f: string; readonly process: string; readonly value?: unknown }[], kept?: readonly string[]): Map<number, FiringId> {
  const keptByKey = new Map<string, number[]>();
  for (const id of kept ?? []) {
    const parsed = parseFiringId(id);
    if (parsed) keptByKey.set(parsed.key, [...(keptByKey.get(parsed.key) ?? []), parsed.n]);
  }
  for (const list of keptByKey.values()) list.sort((a, b) => a - b);
  const seen = new Map<string, number>();
  const out = new Map<number, FiringId>();
  for (const e of entries) {
    if (e.type !== "fault" || !(FAULT_SITES as readonly string[]).includes(e.f)) continue;
    const key = firingKey(e.f, e.process, e.value);
    const k = (seen.get(key) ?? 0) + 1;
    seen.set(key, k);
    const n = kept ? keptByKey.get(key)?.[k - 1] : k;
    if (n !== undefined) out.set(e.index, `${key}#${n}`);
  }
  return out;
}

export class Faults {
  private readonly enabled = new Map<FaultSite, number>();
  private on = true;
  readonly fired = new Map<FaultSite, number>();
  /** Told of every firing (coverage of state x fault pairs). */
  onFire: ((site: FaultSite, process: string) => void) | undefined;
  /** Per firing key, how many times its probability said "fire" (kept or suppressed): the N of `key#N`. */
  private readonly drawnToFire = new Map<string, number>();
  /** Shrinking: only these firing instances may fire; undefined means every one may. */
  private readonly kept: ReadonlySet<string> | undefined;

  constructor(
    plan: FaultPlan,
    private readonly random: SeededRandom,
    private readonly history: History,
    private readonly clock: Clock,
    /** Swarm testing: each planned site is switched on with probability 1/2 per seed. */
    swarm: boolean,
    /** Restrict firings to these instances (`SITE@PROCESS/DETAIL#N`); absent: no restriction, the trace as always. */
    firings?: readonly string[],
  ) {
    this.kept = firings ? new Set(firings) : undefined;
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
    if (this.kept) {
      const key = firingKey(site, process, detail);
      const n = (this.drawnToFire.get(key) ?? 0) + 1;
      this.drawnToFire.set(key, n);
      if (!this.kept.has(`${key}#${n}`)) return false; // suppressed: nothing recorded, nothing drawn
    }
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
