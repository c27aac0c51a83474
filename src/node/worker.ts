/** A compare worker thread: receives Jobs, answers JobOutcomes, until told to stop. */
import { parentPort } from "node:worker_threads";
import { runJob, type Job } from "./job.js";

parentPort!.on("message", async (msg: { index: number; job: Job } | null) => {
  if (msg === null) {
    parentPort!.close();
    return;
  }
  const outcome = await runJob(msg.job);
  parentPort!.postMessage({ index: msg.index, outcome });
});
