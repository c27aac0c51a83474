/**
 * tricolor's browser-safe entry: the engine, its errors, the scenario API and
 * the reporters that need no file system. Node-only pieces — loading the
 * wasm from build/, the HTML report (it inlines Chart.js from disk), user
 * scenario files, worker threads — live behind "tricolor/node".
 */
export { Engine, BARRIERS, MAX_HEAP_LIMIT } from "./engine.js";
export type { Barrier, EngineOptions, HeapStats, VerifyReport, Pause, MarkSlice, CycleRecord, ObjectHeader } from "./engine.js";
export * from "./errors.js";
export type { Scenario, ScenarioContext, ParamSpec, Params } from "./scenario.js";
export { resolveParams, seededRandom } from "./scenario.js";
export { runScenario, ScenarioError } from "./run.js";
export type { RunResult, RunConfig, Timeline } from "./run.js";
export { summarizePauses, summarizeWork, percentile, PauseStats, EXACT_PERCENTILES, HISTOGRAM_DIGITS } from "./metrics.js";
export { Mmu, OnlineMmu, MMU_GRID, mmuWindows } from "./mmu.js";
export { EventRecorder, PAUSE_CAP, STACK_PAUSE_CAP, SLICE_CAP, CYCLE_CAP } from "./records.js";
export type { RecordMode, RecordsSummary } from "./records.js";
export { GcTracer, type GcTracerOptions } from "./gctrace.js";
export { textSummary, jsonReport, compareTable, verdicts } from "./report.js";
export { traceJson, traceEvents } from "./trace.js";
export { scenarios } from "./scenarios/index.js";
