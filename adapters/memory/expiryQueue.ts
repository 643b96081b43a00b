// A min-heap of (expiresAt, key) so the expiry sweep touches only due holds instead of scanning
// every reservation. Entries are never removed early: the sweep skips keys no longer held.
import { MinHeap } from "../../core/minHeap.ts";

export interface ExpiryEntry {
  readonly expiresAt: number;
  readonly key: string;
}

const before = (a: ExpiryEntry, b: ExpiryEntry): boolean => a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.key < b.key);

export class ExpiryQueue {
  private readonly heap = new MinHeap<ExpiryEntry>(before);

  get size(): number {
    return this.heap.size;
  }

  push(entry: ExpiryEntry): void {
    this.heap.push(entry);
  }

  /** Removes and returns the earliest entry if it is due at `now`, in (expiresAt, key) order. */
  popDue(now: number): ExpiryEntry | undefined {
    const top = this.heap.peek();
    if (top === undefined || top.expiresAt > now) return undefined;
    return this.heap.pop();
  }
}
