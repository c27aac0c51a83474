/**
 * tricolor's browser-safe entry: the engine, its errors, the scenario API and
 * toolkit, the runner, the metrics and the reporters that need no file
 * system, and loading the core in a browser (loadEngineInBrowser). It imports
 * nothing from src/node/ or src/cli/ and no Node built-in
 * (tests/layers.test.ts). Node-only pieces — loading the wasm from build/,
 * reading the HTML report's built page, user scenario files, worker threads —
 * live behind "tricolor/node" (src/node/index.ts).
 *
 * Published twice: as tsc's output (dist/src/index.js, what Node and bundlers
 * that resolve dependencies themselves get) and as one ESM file with its
 * dependencies bundled (dist/browser/tricolor.js, package.json's "browser"
 * condition), which a page can import with no import map.
 */
export { Engine, BARRIERS, MAX_HEAP_LIMIT, DEFAULT_MAX_HEAP } from "./engine/engine.js";
export { loadEngineInBrowser, compileCore, coreUrl, type CoreBuild } from "./browser-loader.js";
export { readHeapMap, mapSpan, colourAt, lastVerifySamples, type HeapMapSnapshot, type MapSpan, type VerifySample } from "./engine/inspect.js";
export { STRATEGIES, type StrategyInfo } from "./engine/strategies.js";
export type { Barrier, Gogc, EngineOptions, HeapStats, VerifyReport, Pause, MarkSlice, CycleRecord, ObjectHeader } from "./engine/engine.js";
export * from "./engine/errors.js";
export { StaleAnalysisError, AnalysisOutOfMemoryError, SITE_SERIES_CAP, describeStep } from "./engine/analysis.js";
export type { SiteCount, LiveBySite, LiveSeries, AnalysisInfo, RetainerStep, Retainer, SiteRetained, ReachableObject, Dominators } from "./engine/analysis.js";
export type * from "./analysis/findings.js";
export type { Scenario, ScenarioContext, ParamSpec, Params, ScenarioResult, ResultValue } from "./scenario/scenario.js";
export { resolveParams, seededRandom, mergeResult } from "./scenario/scenario.js";
export { stepped, progressMeter, heapFor, HEAP_HEADROOM, HEAP_SLACK, pacedCycles, cycleTrend, rises, kib } from "./scenario/toolkit.js";
export type { SteppedScenario, CycleFigure } from "./scenario/toolkit.js";
export { HeapMap, bucketsFor, MAX_BUCKETS, type HeapMapOptions } from "./scenario/heap-map.js";
export { runScenario, ScenarioError } from "./run/run.js";
export type { RunResult, RunConfig, Timeline } from "./run/run.js";
export { summarizePauses, summarizeWork, percentile, PauseStats, EXACT_PERCENTILES, HISTOGRAM_DIGITS } from "./metrics/pauses.js";
export { Mmu, OnlineMmu, MMU_GRID, mmuWindows } from "./metrics/mmu.js";
export { EventRecorder, PAUSE_CAP, STACK_PAUSE_CAP, SLICE_CAP, CYCLE_CAP } from "./engine/records.js";
export type { RecordMode, RecordsSummary } from "./engine/records.js";
export { GcTracer, type GcTracerOptions } from "./report/gctrace.js";
export { textSummary, jsonReport, formatBytes, formatNs } from "./report/text.js";
export { compareTable, verdicts } from "./report/compare.js";
export { traceJson, traceEvents } from "./report/trace.js";
export { scenarios } from "./scenarios/index.js";
export { heapProfile, encodeHeapProfile, siteProfiles, siteStack, SAMPLE_TYPES, type HeapProfileInput, type SiteProfile } from "./report/pprof.js";
export { writeHeapSnapshot, type HeapSnapshotSummary } from "./report/heapsnapshot.js";
export { rootSlots, type RootSlot } from "./engine/analysis.js";
export { analyseMemory, siteFindings, middleThird, STEPS as ANALYSIS_STEPS, type AnalysedRun, type AnalysisContext, type AnalysisStep } from "./analysis/index.js";
export type { MemoryFindings, SiteFinding, LeakSuspect, RetainerPathFinding, TopRetainer } from "./analysis/findings.js";
export { mannKendall, theilSen, type MannKendall } from "./analysis/trend.js";
export { memoryReport } from "./report/memory.js";
export type { AgeInfo, DatedSites, ShapeStep } from "./engine/analysis.js";
