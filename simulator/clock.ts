// Virtual time: implements core's Clock and XState's Clock, so `after` timeouts, TTLs, holds and
// retry backoff all run on the simulator's time, which only moves when the scheduler says so.
import type { Clock } from "../core/clock.ts";
import { MinHeap } from "../core/minHeap.ts";

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class VirtualClock implements Clock {
  private t: number;
  private nextTimerId = 1;
  /** Ordered on (at, id): equal deadlines fire in creation order, deterministically. */
  private readonly heap = new MinHeap<Timer>((a, b) => before(a, b));
  private cancelled = new Set<number>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout = (fn: (...args: unknown[]) => void, timeout: number): number => {
    const id = this.nextTimerId++;
    this.heap.push({ id, at: this.t + Math.max(0, timeout | 0), fn: fn as () => void });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    if (typeof id === "number") this.cancelled.add(id);
  };

  /** Deadline of the next live timer, or undefined when none is pending. */
  nextDeadline(): number | undefined {
    this.dropCancelledTop();
    return this.heap.peek()?.at;
  }

  /** Moves time to the next deadline and fires every timer due then. Returns how many fired. */
  advanceToNext(): number {
    const at = this.nextDeadline();
    if (at === undefined) return 0;
    return this.advanceTo(at);
  }

  /** Moves time forward to `at` (never back), firing due timers in deadline order. */
  advanceTo(at: number): number {
    let fired = 0;
    for (;;) {
      this.dropCancelledTop();
      const top = this.heap.peek();
      if (!top || top.at > at) break;
      this.heap.pop();
      this.t = Math.max(this.t, top.at);
      fired++;
      top.fn();
    }
    this.t = Math.max(this.t, at);
    return fired;
  }

  /** A clock jump (NTP step, a paused VM): time leaps; timers due meanwhile fire on the next advance. */
  jump(ms: number): void {
    this.t += Math.max(0, ms);
  }

  /** How many timers are still pending (cancelled ones excluded). */
  pendingTimers(): number {
    return this.heap.size - this.cancelled.size;
  }

  private dropCancelledTop(): void {
    for (let top = this.heap.peek(); top !== undefined && this.cancelled.has(top.id); top = this.heap.peek()) {
      this.cancelled.delete(top.id);
      this.heap.pop();
    }
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.id < b.id);
