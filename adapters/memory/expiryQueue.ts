// A min-heap of (expiresAt, key) so the expiry sweep touches only due holds instead of scanning
// every reservation. Entries are never removed early: the sweep skips keys no longer held.
export interface ExpiryEntry {
  readonly expiresAt: number;
  readonly key: string;
}

const before = (a: ExpiryEntry, b: ExpiryEntry): boolean => a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.key < b.key);

export class ExpiryQueue {
  private readonly heap: ExpiryEntry[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(entry: ExpiryEntry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as ExpiryEntry, h[parent] as ExpiryEntry)) break;
      [h[i], h[parent]] = [h[parent] as ExpiryEntry, h[i] as ExpiryEntry];
      i = parent;
    }
  }

  /** Removes and returns the earliest entry if it is due at `now`, in (expiresAt, key) order. */
  popDue(now: number): ExpiryEntry | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined || top.expiresAt > now) return undefined;
    const last = h.pop() as ExpiryEntry;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as ExpiryEntry, h[m] as ExpiryEntry)) m = l;
        if (r < h.length && before(h[r] as ExpiryEntry, h[m] as ExpiryEntry)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as ExpiryEntry, h[i] as ExpiryEntry];
        i = m;
      }
    }
    return top;
  }
}
