// Reservation rows for the in-memory engine, stored column-wise in growable typed arrays: one object
// per reservation would make the garbage collector, not the strategy, the thing being measured.
// Ids are dense (1, 2, 3...), so a row's id is its index.

export class RowLog {
  private sku = new Int32Array(1024);
  private bucket = new Int32Array(1024);
  private qty = new Int32Array(1024);
  private active = new Uint8Array(1024);
  /** Rows appended so far; the next id is size + 1. */
  size = 0;

  append(sku: number, bucket: number, qty: number): number {
    if (this.size === this.qty.length) this.grow();
    const i = this.size++;
    this.sku[i] = sku;
    this.bucket[i] = bucket;
    this.qty[i] = qty;
    this.active[i] = 1;
    return i + 1;
  }

  /** Marks a row released; undefined when the id is unknown or already released. */
  deactivate(id: number): { sku: number; bucket: number; qty: number } | undefined {
    const i = id - 1;
    if (!Number.isInteger(i) || i < 0 || i >= this.size || this.active[i] !== 1) return undefined;
    this.active[i] = 0;
    return { sku: this.sku[i] as number, bucket: this.bucket[i] as number, qty: this.qty[i] as number };
  }

  /** Calls `fn` for every active row. */
  forEachActive(fn: (sku: number, bucket: number, qty: number) => void): void {
    for (let i = 0; i < this.size; i++) if (this.active[i] === 1) fn(this.sku[i] as number, this.bucket[i] as number, this.qty[i] as number);
  }

  private grow(): void {
    const n = this.qty.length * 2;
    const widen = <A extends Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.sku = widen(this.sku, (k) => new Int32Array(k));
    this.bucket = widen(this.bucket, (k) => new Int32Array(k));
    this.qty = widen(this.qty, (k) => new Int32Array(k));
    this.active = widen(this.active, (k) => new Uint8Array(k));
  }
}
