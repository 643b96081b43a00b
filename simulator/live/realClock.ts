// Live mode's clock: real milliseconds since the run began, with real timers, so buyers, the
// coordinator's XState `after` timeouts, holds and job periods all run on wall time against real
// engines. It keeps the virtual clock's shape (now, setTimeout, clearTimeout, jump) so the simulator's
// processes run on it unchanged. `jump` is the nemesis's clock step: the clock the system reads leaps
// forward and every pending timer whose deadline it passed fires at once, as on the virtual clock.
import type { RunClock } from "../runContext.ts";

interface Pending {
  readonly due: number;
  readonly fn: () => void;
  handle: ReturnType<typeof setTimeout>;
}

export class RealClock implements RunClock {
  private readonly origin = performance.now(); // live mode: real time
  private offset = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  /** Whole ms since the clock was made, plus every jump. */
  now(): number {
    return Math.floor(performance.now() - this.origin) + this.offset; // live mode: real time
  }

  setTimeout = (fn: (...args: unknown[]) => void, timeout: number): number => {
    const id = this.nextId++;
    if (this.closed) return id;
    const due = this.now() + Math.max(0, timeout | 0);
    this.pending.set(id, { due, fn: fn as () => void, handle: this.arm(id, due) });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    if (typeof id !== "number") return;
    const p = this.pending.get(id);
    if (p === undefined) return;
    clearTimeout(p.handle); // live mode: real time
    this.pending.delete(id);
  };

  jump(ms: number): void {
    this.offset += Math.max(0, ms);
    for (const [id, p] of this.pending) {
      clearTimeout(p.handle); // live mode: real time
      p.handle = this.arm(id, p.due);
    }
  }

  /** Timers still pending. */
  pendingTimers(): number {
    return this.pending.size;
  }

  /** End of the run: every pending timer is dropped and no new one is armed, so the process can exit. */
  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) clearTimeout(p.handle); // live mode: real time
    this.pending.clear();
  }

  private arm(id: number, due: number): ReturnType<typeof setTimeout> {
    // live mode: real time
    return setTimeout(() => {
      const p = this.pending.get(id);
      if (p === undefined) return;
      this.pending.delete(id);
      p.fn();
    }, Math.max(0, due - this.now()));
  }
}
