// Time and randomness are handed in, never read from the environment: core and adapters under
// simulation use these, so the same seed gives the same run.

/** Milliseconds on whatever clock drives the run (virtual under simulation). */
export interface Clock {
  now(): number;
}

/** A source of uniform randomness (a seeded PRNG under simulation). */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/** A real clock, for the CLI's wall-time bookkeeping and for adapters outside simulation. */
export const systemClock: Clock = { now: () => Date.now() }; // real clock: only used outside simulated runs

/** A settable clock for tests of adapters (TTL, expiry) without a simulator. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
