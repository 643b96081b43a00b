// The single-writer batching reserver's queue, shared by every engine: callers enqueue and await;
// one writer takes everything queued and settles it in one transaction. Requests that arrive while
// a batch is being written wait for the next one, so batches grow with load.

export class Batcher<Req, Res> {
  private queue: Array<{ req: Req; resolve: (r: Res) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private writing = false;
  /** Batches written and requests in them, for the report. */
  batches = 0;
  requests = 0;

  /** `write` settles one batch: one result per request, in order. */
  constructor(private readonly write: (batch: readonly Req[]) => Promise<Res[]> | Res[], private readonly batchMax = 4096) {}

  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // A macrotask turn lets every client that is about to submit do so first.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    this.writing = true;
    const batch = this.queue.splice(0, this.batchMax);
    try {
      const results = await this.write(batch.map((b) => b.req));
      this.batches += 1;
      this.requests += batch.length;
      batch.forEach((b, i) => b.resolve(results[i] as Res));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.writing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
