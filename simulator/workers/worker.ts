// A worker thread of `run --workers N`: runs the jobs the pool sends, one at a time, and answers digests.
import { parentPort } from "node:worker_threads";
import { runJob, type RunJob } from "./digest.ts";

parentPort!.on("message", (message: { id: number; job: RunJob }) => {
  runJob(message.job).then(
    (digest) => parentPort!.postMessage({ id: message.id, digest }),
    (e: unknown) => parentPort!.postMessage({ id: message.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
