// The seeded PRNG: every random decision of a run comes from here, forked per subsystem so that
// adding a draw in one subsystem does not shift the others' sequences.
import type { Random } from "../core/clock.ts";

/** sfc32: small, fast, good statistical quality, 32-bit state words (exact in JS numbers). */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    // splitmix32 expands (seed, stream) into four non-zero state words.
    let s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextU32() / 4294967296;
  }

  int(maxExclusive: number): number {
    return maxExclusive <= 1 ? 0 : Math.floor(this.next() * maxExclusive);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)] as T;
  }

  /** A uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** An independent generator for a named subsystem, derived from this run's seed. */
  fork(name: string): SeededRandom {
    return new SeededRandom(this.seedOf(name), hashString(name));
  }

  private seedOf(name: string): number {
    return (this.nextU32() ^ hashString(name)) >>> 0;
  }
}

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Root generator for a seed; subsystems fork from it in a fixed order. */
export const rootRandom = (seed: number) => new SeededRandom(seed >>> 0, 0x5eed);
