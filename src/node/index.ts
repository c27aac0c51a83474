/**
 * The "tricolor/node" entry: what only Node can do — load the core from
 * build/, run jobs on worker threads, load user scenario files, write the
 * HTML report — on top of everything the browser-safe entry ("tricolor") has.
 */
export * from "../index.js";
export { coreModule, loadEngine, type Build } from "./loader.js";
export { renderHtml } from "./html.js";
export { loadScenarioFile } from "./load-scenario.js";
export { runJob, type Job, type JobOutcome } from "./job.js";
export { writeHeapSnapshotFile } from "./heapsnapshot.js";
