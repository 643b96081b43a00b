// Runs a list of scenario x seed jobs on N worker threads (or in this thread for N = 1) and returns
// their digests in job order, so what `run` reports is identical for any N: runs are deterministic and
// independent, and every later decision (which failure to shrink, the report's order) is made here, in order.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { threadId, Worker } from "node:worker_threads";
import { runJob, type RunDigest, type RunJob } from "./digest.ts";

/**
 * What a worker thread loads. Through tsx every thread compiles the simulator's modules again behind
 * its loader (about a second each) and runs esbuild's keepNames code; so the worker's module graph is
 * bundled once to plain JavaScript with esbuild (which tsx runs on anyway), beside this file so that
 * its packages resolve as the sources' do, under a name that is the hash of its contents. When that
 * cannot be done (no esbuild, a read-only install), the threads load the sources through tsx.
 */
let bundlesWritten = 0;

/** Bundles of earlier sources pile up as the code changes; one unused for an hour is no run's any more. */
function removeOldBundles(dir: string, keep: string): void {
  const hourAgo = statSync(keep).mtimeMs - 3_600_000; // file ages, measured from the bundle just written
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!name.startsWith(".bundle-") || path === keep) continue;
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path);
    } catch {
      // another run removed it first
    }
  }
}

async function workerEntry(): Promise<URL> {
  try {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [fileURLToPath(new URL("./worker.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    const file = fileURLToPath(new URL(`./.bundle-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`, import.meta.url));
    if (!existsSync(file)) {
      // Written whole, then renamed: a concurrent run (another CI shard) never loads half a file.
      const partial = `${file}.${process.pid}-${threadId}-${++bundlesWritten}.partial`;
      writeFileSync(partial, code);
      renameSync(partial, file);
      removeOldBundles(dirname(file), file);
    }
    return pathToFileURL(file);
  } catch {
    return new URL("./worker.mjs", import.meta.url);
  }
}

const JOBS_PER_THREAD_MIN = 4;

export interface PoolOptions {
  /** Run on one worker thread even when `workers` is 1 (a benchmark's baseline runs the same code as its threads). */
  readonly threadForOne?: boolean;
}

export async function runJobs(jobs: readonly RunJob[], workers: number, onDone: (digest: RunDigest, done: number) => void, options: PoolOptions = {}): Promise<RunDigest[]> {
  const results: RunDigest[] = new Array(jobs.length);
  let done = 0;
  // A thread costs half a second or so to load the simulator: not worth it for a handful of runs.
  if ((workers <= 1 && options.threadForOne !== true) || jobs.length < JOBS_PER_THREAD_MIN * 2) {
    for (const [i, job] of jobs.entries()) {
      results[i] = await runJob(job);
      onDone(results[i]!, ++done);
    }
    return results;
  }
  const entry = await workerEntry();
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(entry));
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
