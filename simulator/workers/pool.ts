// Runs a list of scenario x seed jobs on N worker threads (or in this thread for N = 1) and returns
// their digests in job order, so what `run` reports is identical for any N: runs are deterministic and
// independent, and every later decision (which failure to shrink, the report's order) is made here, in order.
import { Worker } from "node:worker_threads";
import { runJob, type RunDigest, type RunJob } from "./digest.ts";

const JOBS_PER_THREAD_MIN = 4;

export async function runJobs(jobs: readonly RunJob[], workers: number, onDone: (digest: RunDigest, done: number) => void): Promise<RunDigest[]> {
  const results: RunDigest[] = new Array(jobs.length);
  let done = 0;
  // A thread costs a second or so to load the simulator: not worth it for a handful of runs.
  if (workers <= 1 || jobs.length < JOBS_PER_THREAD_MIN * 2) {
    for (const [i, job] of jobs.entries()) {
      results[i] = await runJob(job);
      onDone(results[i]!, ++done);
    }
    return results;
  }
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(new URL("./worker.mjs", import.meta.url)));
  let next = 0;
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              worker.postMessage({ id, job: jobs[id] });
            };
            worker.on("message", (m: { id: number; digest?: RunDigest; error?: string }) => {
              if (m.error !== undefined || m.digest === undefined) return reject(new Error(`${jobs[m.id]!.scenario} seed ${jobs[m.id]!.seed}: ${m.error ?? "no result"}`));
              results[m.id] = m.digest;
              onDone(m.digest, ++done);
              feed();
            });
            worker.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
