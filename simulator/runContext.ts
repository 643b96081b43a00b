// What every part of one run shares: the seed's random streams, virtual time, the scheduler, the
// fault sites, the harness that wraps ports, the history, and the run's resolved parameters. Built
// once by runScenario and handed to the world setup, the buyers, the system and the harness's own
// processes (provider webhooks, consumers, nemesis).
import { LocationId, MerchantId } from "../core/ids.ts";
import type { Currency } from "../core/money.ts";
import type { Mitigations, ReservationPolicy } from "../core/checkout/deps.ts";
import type { Clock } from "../core/clock.ts";
import type { TimerClock } from "../core/checkout/coordinator.ts";
import type { Faults } from "./faults.ts";
import type { PortWrapper, ProcessRef } from "./harness.ts";
import type { History } from "./history.ts";
import type { SeededRandom } from "./random.ts";
import type { timingDefaults, workloadDefaults } from "./scenario.ts";

export const MERCHANT = MerchantId("m-1");
export const LOCATION = LocationId("loc-1");
export const CURRENCY: Currency = "USD";

/** Periods of the harness's own processes (the system's jobs declare theirs). */
export const HARNESS_PERIOD_MS = { consumers: 500, webhooks: 250, nemesis: 1000, admin: 1200 } as const;

/**
 * The run's clock: the virtual clock under simulation (simulator/clock.ts), a real one in live mode
 * (simulator/live/realClock.ts). `jump` is the nemesis's clock step.
 */
export interface RunClock extends Clock, TimerClock {
  jump(ms: number): void;
}

export interface RunContext {
  readonly seed: number;
  readonly workload: typeof workloadDefaults;
  readonly timing: typeof timingDefaults;
  readonly policy: ReservationPolicy;
  readonly mitigations: Mitigations;
  readonly clock: RunClock;
  readonly history: History;
  readonly faults: Faults;
  /** What the system reads of the scheduler: how many calls are in flight (for the crash note). */
  readonly scheduler: { readonly pending: number };
  readonly harness: PortWrapper;
  readonly rng: { readonly workload: SeededRandom };
}

/** A process that never dies: buyers and the harness's own processes outlive coordinator crashes. */
export const foreverAlive = (name: string): ProcessRef => ({ name, alive: true });

/** Sleeps on virtual time. */
export const sleep = (clock: RunClock, ms: number) => new Promise<void>((resolve) => clock.setTimeout(() => resolve(), ms)); // allowed: the virtual clock

/**
 * Runs `body` every `periodMs` while `running()` holds, one round at a time (a round that is still
 * waiting on its calls delays the next): a periodic process on virtual time.
 */
export function every(clock: RunClock, periodMs: number, running: () => boolean, body: () => Promise<unknown>): void {
  const tick = () => {
    if (!running()) return;
    body()
      .catch(() => undefined)
      .finally(() => {
        if (running()) clock.setTimeout(tick, periodMs); // allowed: the virtual clock
      });
  };
  clock.setTimeout(tick, periodMs); // allowed: the virtual clock
}
