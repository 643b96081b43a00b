// Virtual time: implements core's Clock and XState's Clock, so `after` timeouts, TTLs, holds and
// retry backoff all run on the simulator's time, which only moves when the scheduler says so.
import type { Clock } from "../core/clock.ts";

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class VirtualClock implements Clock {
  private t: number;
  private nextTimerId = 1;
  /** Min-heap on (at, id): equal deadlines fire in creation order, deterministically. */
  private heap: Timer[] = [];
  private cancelled = new Set<number>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout = (fn: (...args: unknown[]) => void, timeout: number): number => {
    const id = this.nextTimerId++;
    this.push({ id, at: this.t + Math.max(0, timeout | 0), fn: fn as () => void });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    if (typeof id === "number") this.cancelled.add(id);
  };

  /** Deadline of the next live timer, or undefined when none is pending. */
  nextDeadline(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.at;
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
      const top = this.heap[0];
      if (!top || top.at > at) break;
      this.pop();
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
    return this.heap.length - this.cancelled.size;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.cancelled.has(this.heap[0]!.id)) {
      this.cancelled.delete(this.heap[0]!.id);
      this.pop();
    }
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.id < b.id);
