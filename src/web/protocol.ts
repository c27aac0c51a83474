/**
 * What the page and its engine worker say to each other.
 *
 * The page posts one message, `run`, to a fresh worker per run (a stop is
 * `worker.terminate()`: nothing a run leaves behind can leak into the next).
 * The worker posts back what the page draws: the clock it measured, the
 * scenario's lines, a frame of the heap now and then (and at every pause), a
 * record and a gctrace line per cycle, and the run's result.
 *
 * Pausing and stepping go through shared memory, not messages: while a run
 * is paused, the worker is blocked inside the core's call (Atomics.wait) and
 * reads no messages. The page writes the CONTROL words and bumps GEN;
 * the worker waits on GEN. Shared memory needs a cross-origin isolated page
 * (COOP/COEP headers, as `tricolor serve` and `npm run web` send); without it
 * there is no pause or step, only run and stop.
 */
import type { MemoryFindings } from "../analysis/findings.js";
import type { Barrier, CycleRecord, Gogc } from "../engine/engine.js";
import type { HeapComposition } from "../engine/errors.js";
import type { HeapMapSnapshot } from "../engine/inspect.js";
import type { RunResult } from "../run/run.js";

// ── the control words (an Int32Array over a SharedArrayBuffer) ─────────────

/** RUN or PAUSE: what the run should be doing. */
export const CTL_MODE = 0;
/** Steps the page asked for and the worker has not taken yet (each runs to the next pause point). */
export const CTL_STEPS = 1;
/** Where a paused or stepping run stops: GRAIN_*. */
export const CTL_GRAIN = 2;
/** Bumped by the page after every change; the worker waits on it. */
export const CTL_GEN = 3;
export const CTL_WORDS = 4;

export const MODE_RUN = 0;
export const MODE_PAUSE = 1;
/** Stop at every GC event (a pause, a stack scan, a background slice, an assist) and every scenario step. */
export const GRAIN_SLICE = 0;
/** Also stop after every mutator operation while marking: each allocation, pointer write and stack operation. */
export const GRAIN_CALL = 1;

// ── page → worker ──────────────────────────────────────────────────────────

export type ScenarioRef = { kind: "builtin"; name: string } | { kind: "module"; url: string; name: string };

export interface RunRequest {
  scenario: ScenarioRef;
  params: Record<string, number>;
  barrier: Barrier;
  /** Left out: the scenario's default (as the CLI does when --gogc is not given). */
  gogc?: Gogc;
  memoryLimit?: number;
  maxHeap?: number;
  markQuantum?: number;
  verify: boolean;
  seed: number;
  /** Start paused, before the scenario's first pause point. */
  paused: boolean;
  /** Count (and allow stepping through) the mutator's calls while marking: slower, so only for step mode. */
  watchCalls: boolean;
  /** Frames carry every slot's colour up to this many slots; beyond it, per-span counts only. */
  slotLimit: number;
}

export interface ToWorker {
  type: "run";
  run: RunRequest;
  /** CTL_WORDS Int32 words, or null when the page is not cross-origin isolated. */
  control: SharedArrayBuffer | null;
}

// ── worker → page ──────────────────────────────────────────────────────────

/** The clock the engine's timestamps come from, as measured in the worker. */
export interface ClockInfo {
  /** Smallest step of performance.now() seen, ns. */
  resolutionNs: number;
  crossOriginIsolated: boolean;
}

/** What just happened when a frame was taken. */
export type Moment =
  | { kind: "start" }
  | { kind: "event"; event: EventName; cycle: number; words: number; objects: number; goroutine: number }
  | { kind: "step"; step: number }
  | { kind: "call"; name: string; args: number[] }
  | { kind: "end" };

export type EventName = "sweep-termination" | "mark-termination" | "stack-scan" | "stw-cycle" | "background" | "assist";

/** The counters a frame shows beside the grid. */
export interface FrameStats {
  cycles: number;
  heapAllocBytes: number;
  heapLiveBytes: number;
  heapGoalBytes: number;
  markedBytes: number;
  objectsAllocated: number;
  objectsFreed: number;
  gcWork: number;
  mutatorClock: number;
  lostAtMark: number;
  goroutines: number;
}

export interface Frame {
  /** Pause points passed so far (the same run gives the same index at the same point, in any browser or in Node). */
  index: number;
  /** The run is held here until the page lets it go. */
  paused: boolean;
  moment: Moment;
  map: HeapMapSnapshot;
  stats: FrameStats;
  /** Objects the last verified mark termination found lost (the verifier's samples; at most 16). */
  lost: number[];
  /** Wall time since the run started, ms. */
  tMs: number;
}

/**
 * A RunResult as posted: without the mark slices (the page does not draw
 * them), with the heap's composition at the end, and the memory analysis's
 * findings when the run carries them (the memory panel draws nothing else).
 */
export type PageResult = Omit<RunResult, "timeline"> & {
  timeline: Omit<RunResult["timeline"], "slices">;
  composition: HeapComposition | null;
  memory?: MemoryFindings;
};

export type FromWorker =
  | { type: "ready"; clock: ClockInfo }
  | { type: "started"; scenario: string; params: Record<string, number>; barrier: Barrier; /** The run's time zero on the worker's clock (cycle records' ns are on it). */ originNs: number }
  | { type: "frame"; frame: Frame }
  | { type: "cycle"; cycle: CycleRecord; gctrace: string; tMs: number }
  | { type: "line"; text: string }
  | { type: "progress"; fraction: number }
  | { type: "done"; result: PageResult }
  | { type: "error"; message: string; result: PageResult | null };
