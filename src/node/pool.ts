/**
 * Runs jobs on worker threads, one job per worker at a time, so `compare`
 * uses every core the machine has (two here). Reports how many cores the
 * run really used: process CPU time (all threads) over wall time.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Job, JobOutcome } from "./job.js";

export interface PoolReport {
  outcomes: JobOutcome[];
  threads: number;
  wallNs: number;
  cpuNs: number;
  /** Worker thread id that ran each job. */
  ranOn: number[];
}

export async function runPool(jobs: readonly Job[], threads = availableParallelism(), onDone?: (done: number, total: number) => void): Promise<PoolReport> {
  const n = Math.max(1, Math.min(threads, jobs.length));
  const outcomes: JobOutcome[] = new Array(jobs.length);
  const ranOn: number[] = new Array(jobs.length);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL("./worker.js", import.meta.url));
        const feed = () => {
          if (next >= jobs.length) {
            worker.postMessage(null);
            return;
          }
          const index = next++;
          ranOn[index] = worker.threadId;
          worker.postMessage({ index, job: jobs[index] });
        };
        worker.on("message", (m: { index: number; outcome: JobOutcome }) => {
          outcomes[m.index] = m.outcome;
          onDone?.(++done, jobs.length);
          feed();
        });
        worker.on("error", reject);
        worker.on("exit", () => resolve());
        feed();
      }),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  return { outcomes, threads: n, wallNs: (performance.now() - t0) * 1e6, cpuNs: (cpu.user + cpu.system) * 1e3, ranOn };
}
