/**
 * Runs one scenario on a fresh engine and gathers everything a report needs.
 * The run ends with a full collection (like runtime.GC()) and a full sweep,
 * so liveBytes is exactly what the scenario still holds and allocated − freed
 * objects equals the live count; then the independent verifier runs.
 *
 * Pause statistics, MMU and cycle sums come from the engine's event recorder
 * (src/records.ts), which keeps them in bounded memory as the run goes; the
 * timeline holds every event only when the engine records "all" (--trace).
 */
import * as abi from "../../contract/abi.js";
import type { Barrier, CycleRecord, Engine, EngineOptions, HeapStats, MarkSlice, Pause } from "../engine/engine.js";
import type { PauseSummary, WorkSummary } from "../metrics/pauses.js";
import type { MmuPoint } from "../metrics/mmu.js";
import type { RecordMode, RecordsSummary } from "../engine/records.js";
import { mergeResult, resolveParams, seededRandom, type Params, type Scenario, type ScenarioContext, type ScenarioResult } from "../scenario/scenario.js";
import type { HeapComposition, OomDetail } from "../engine/errors.js";
import { OutOfMemoryError } from "../engine/errors.js";
import type { EscapeCounts, EscapeDestination } from "../engine/escapes.js";
import { AnalysisOutOfMemoryError, type SiteCount } from "../engine/analysis.js";

export interface RunConfig {
  params: Params;
  barrier: Barrier;
  maxHeapBytes: number;
  gogc: number | "off";
  memoryLimitBytes: number;
  verifyEachCycle: boolean;
  seed: number;
  build: string;
}

export interface RunResult {
  scenario: string;
  config: RunConfig;
  output: string[];
  /** What the scenario reported with ctx.result: its invariants as numbers, strings and booleans ({} if none). */
  result: ScenarioResult;
  gc: {
    cycles: number;
    forcedCycles: number;
    /** Global stop-the-world pauses (sweep termination, mark termination, or whole stw cycles). */
    pauses: PauseSummary;
    /** Deterministic work of the global pauses. */
    stwWork: WorkSummary;
    /** Per-goroutine stack-scan pauses, reported apart from the global ones. */
    stackPauses: PauseSummary & WorkSummary;
    /**
     * Every word of mark work (roots and objects), wherever it ran; the three
     * parts add up to the total: stop-the-world pauses, background slices and
     * mark assists. Includes the runner's final collection.
     */
    work: { totalWords: number; stwWords: number; backgroundWords: number; assistWords: number };
    /** Mutator-clock units the scenario ran for (one unit ≈ one word of scanning, ≈ 1 ns). */
    mutatorUnits: number;
    /**
     * GC work over GC work plus mutator time, in the deterministic clock, over
     * the scenario (the runner's final collection excluded): what the CPU
     * limiter bounds at about 50%.
     */
    gcWorkFraction: number;
  };
  barrier: { calls: number; shaded: number; floatingObjects: number };
  heap: {
    peakBytes: number;
    liveBytes: number;
    liveObjects: number;
    mappedBytes: number;
    /** Bytes in in-use heap spans at the end (Go's HeapInuse): mapped pages, less free pages, less stack spans. */
    inUseBytes: number;
    maxBytes: number;
    objectsAllocated: number;
    objectsFreed: number;
    bytesAllocated: number;
    bytesFreed: number;
    /** Goroutines still alive at the end, and the bytes of their stacks. */
    goroutines: number;
    stackBytes: number;
  };
  verify: {
    /** Pointers the marker met that named no live object (a stale handle written into the heap, or a bug). */
    heapCorruptions: number;
    /** Lost objects: found at mark termination (rescued, under none) plus any at the end. */
    lostObjects: number;
    lostAtMark: number;
    integrityErrors: number;
    reachableObjects: number;
    reachableBytes: number;
  };
  /** One record per cycle (in bounded mode the first 100,000; `records.cycles` says how many there were). */
  cycles: readonly CycleRecord[];
  /** How many events of each kind the run had and how many the timeline (and `cycles`) kept. */
  records: RecordsSummary;
  /** Minimum mutator utilization over log-spaced windows from 10 µs to the run length. */
  mmu: MmuPoint[];
  /** Share of the run's wall time spent in pauses, mark slices and assists. */
  gcCpuFraction: number;
  /** Bytes allocated per second of wall time (slot bytes). */
  allocBytesPerSec: number;
  /** Set when the scenario threw: the run's figures cover everything up to that point. */
  error?: { message: string; step: number | null };
  wallNs: number;
  /** Raw events for the trace and HTML reporters; left out of --json (see jsonReport). */
  timeline: Timeline;
  /** The goroutine, escape and out-of-memory figures of the run's end (src/analysis makes findings of them); left out of --json. */
  memoryRaw?: RunMemory;
}

/**
 * The timed events of a run, on the host clock (ns): every one when
 * `recorded` is "all", else the bounded lists (src/records.ts; `records` in
 * the RunResult counts what was kept of what).
 */
export interface Timeline {
  startNs: number;
  endNs: number;
  recorded: RecordMode;
  pauses: readonly Pause[];
  stackPauses: readonly Pause[];
  slices: readonly MarkSlice[];
  /** One kept slice per this many (1: every slice). */
  sliceEvery: number;
  /** Pauses per 1-2-5 bin of wall duration (src/metrics.ts bin125), counted over all of them. */
  pauseBins: readonly number[];
  stackPauseBins: readonly number[];
}

/** A scenario failed; the partial result is attached. */
export class ScenarioError extends Error {
  constructor(readonly scenario: string, readonly step: number | null, override readonly cause: unknown, readonly result: RunResult) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`scenario ${scenario} failed ${step === null ? "during its run" : `at step ${step}`}: ${msg}`);
  }
}

export interface RunOptions {
  params?: Record<string, string | number>;
  engine?: EngineOptions;
  seed?: number;
  build?: string;
  /** Called with each output line as it is printed. */
  onLine?: (line: string) => void;
  /** Called once the engine exists, before the scenario starts (e.g. to trace cycles). */
  onEngine?: (engine: Engine) => void;
  /** Progress in [0, 1], as the scenario reports it. */
  onProgress?: (fraction: number) => void;
  /**
   * Called once the run is over and summarized, with the engine still alive:
   * after the runner's final collection, so the heap is exactly what the
   * scenario still holds — and when the scenario failed (out of memory
   * included), before the error is thrown: the reachable heap is then as it
   * was at the failing call, the collection having freed only garbage. For
   * exports that need the heap itself (--heapsnapshot, --pprof).
   */
  onEnd?: (engine: Engine, result: RunResult) => void;
}

/**
 * Drives the scenario: run(ctx), or setup / step i / teardown. Tracks the
 * step for error messages. A step that returns no promise is not awaited:
 * an await per step would cost a microtask turn each, millions of them in a
 * large run.
 */
async function drive(scenario: Scenario, ctx: ScenarioContext, at: { step: number | null; main: Set<number> }): Promise<void> {
  if (scenario.run) {
    await scenario.run(ctx);
    return;
  }
  await scenario.setup?.(ctx);
  // The goroutines setup left running are the program's main ones (goleak's IgnoreCurrent at the start of a test).
  for (const g of ctx.engine.goroutines()) at.main.add(g.id);
  const n = scenario.steps!(ctx.params);
  const every = Math.max(1, Math.floor(n / 200));
  for (let i = 0; i < n; i++) {
    at.step = i;
    const pending = scenario.step!(ctx, i);
    if (pending) await pending;
    if (i % every === 0) ctx.progress(i / n);
  }
  at.step = null;
  await scenario.teardown?.(ctx);
}

/** Runs `scenario` on the engine `makeEngine` creates; throws what the scenario throws. */
export async function runScenario(scenario: Scenario, makeEngine: (o: EngineOptions) => Promise<Engine>, options: RunOptions = {}): Promise<RunResult> {
  const params = resolveParams(scenario, options.params ?? {});
  const seed = options.seed ?? 1;
  const engine = await makeEngine({ ...scenario.engineOptions?.(params), ...options.engine });
  options.onEngine?.(engine);
  const output: string[] = [];
  const reported: ScenarioResult = {};
  const random = seededRandom(seed);
  const ctx: ScenarioContext = {
    engine,
    params,
    print: (line) => {
      output.push(line);
      options.onLine?.(line);
    },
    result: (fields) => mergeResult(reported, fields),
    random,
    randomInt: (n) => Math.floor(random() * n),
    progress: (f) => options.onProgress?.(Math.min(1, Math.max(0, f))),
    state: {},
  };
  const at: { step: number | null; main: Set<number> } = { step: null, main: new Set() };
  const t0 = performance.now();
  engine.events.startMmu(t0 * 1e6);
  let failure: unknown = null;
  try {
    await drive(scenario, ctx, at);
  } catch (err) {
    failure = err;
  }
  const t1 = performance.now();
  const wallNs = Math.round((t1 - t0) * 1e6);
  // The scenario's span only: the final collection is the runner's, not the workload's.
  const mmu = engine.events.finishMmu(t1 * 1e6);
  const atEnd = engine.stats(); // read-only: the scenario's own totals, before the runner collects
  // The engine stays usable after a scenario error: finish with a full collection either way.
  engine.collect();
  engine.sweep();
  const o = engine.options;
  const config: RunConfig = {
    params,
    barrier: o.barrier,
    maxHeapBytes: o.maxHeap,
    gogc: o.gogc,
    memoryLimitBytes: o.memoryLimit,
    verifyEachCycle: o.verifyEachCycle,
    seed,
    build: options.build ?? "release",
  };
  const result = summarize(scenario.name, engine, config, output, reported, { wallNs, startNs: t0 * 1e6, endNs: t1 * 1e6, mmu, atEnd });
  result.memoryRaw = gatherMemory(engine, at.main, failure);
  options.onEnd?.(engine, result);
  if (failure !== null) {
    const err = new ScenarioError(scenario.name, at.step, failure, result);
    result.error = { message: err.message, step: at.step };
    throw err;
  }
  return result;
}

/** The run's span on the host clock, and its MMU over that span. */
interface Span {
  wallNs: number;
  startNs: number;
  endNs: number;
  mmu: { curve: MmuPoint[]; gcTimeNs: number };
  /** The engine's counters when the scenario ended, before the runner's final collection. */
  atEnd: HeapStats;
}

function summarize(name: string, engine: Engine, config: RunConfig, output: string[], reported: ScenarioResult, span: Span): RunResult {
  const s = engine.stats();
  const v = engine.verify();
  const ev = engine.events;
  const t = ev.totals;
  const { wallNs, mmu } = span;
  return {
    scenario: name,
    config,
    output,
    result: reported,
    gc: {
      cycles: s.cycles,
      forcedCycles: t.forced,
      pauses: ev.pauseStats.wall(),
      stwWork: ev.pauseStats.work(),
      stackPauses: { ...ev.stackStats.wall(), ...ev.stackStats.work() },
      work: { totalWords: s.gcWork, stwWords: s.gcWorkStw, backgroundWords: s.gcWorkBackground, assistWords: s.gcWorkAssist },
      mutatorUnits: span.atEnd.mutatorClock,
      gcWorkFraction: span.atEnd.gcWork > 0 ? span.atEnd.gcWork / (span.atEnd.gcWork + span.atEnd.mutatorClock) : 0,
    },
    barrier: { calls: t.barrierCalls, shaded: t.barrierShaded, floatingObjects: t.floatingObjects },
    heap: {
      peakBytes: s.heapPeakBytes,
      liveBytes: s.markedBytes,
      liveObjects: s.markedObjects,
      mappedBytes: s.heapMappedBytes,
      inUseBytes: s.heapMappedBytes - s.pagesFree * abi.PAGE_BYTES - s.stackBytes,
      maxBytes: s.heapMaxBytes,
      objectsAllocated: s.objectsAllocated,
      objectsFreed: s.objectsFreed,
      bytesAllocated: s.bytesAllocated,
      bytesFreed: s.bytesFreed,
      goroutines: s.goroutines,
      stackBytes: s.stackBytes,
    },
    verify: {
      heapCorruptions: s.heapCorruptions,
      lostObjects: s.lostAtMark + v.lostObjects,
      lostAtMark: s.lostAtMark,
      integrityErrors: v.integrityErrors,
      reachableObjects: v.reachableObjects,
      reachableBytes: v.reachableBytes,
    },
    cycles: engine.cycles,
    records: ev.summary(),
    mmu: mmu.curve,
    gcCpuFraction: wallNs > 0 ? mmu.gcTimeNs / wallNs : 0,
    allocBytesPerSec: wallNs > 0 ? s.bytesAllocated / (wallNs / 1e9) : 0,
    wallNs,
    timeline: {
      startNs: span.startNs,
      endNs: span.endNs,
      recorded: ev.mode,
      pauses: engine.pauses,
      stackPauses: engine.stackPauses,
      slices: engine.slices,
      sliceEvery: ev.sliceEvery,
      pauseBins: [...ev.pauseStats.bins],
      stackPauseBins: [...ev.stackStats.bins],
    },
  };
}

// ── Goroutines, escapes, out of memory at the end of the run ───────────────────

/** A goroutine spawned with this label is a main goroutine wherever it was spawned (README: leaked goroutines). */
export const MAIN_GOROUTINE_LABEL = "main";

/** Goroutines alive at the end that are not main ones, with one label. */
export interface GoroutineGroupRaw {
  label: string;
  count: number;
  /** The smallest cycle any of them last ran in. */
  blockedSinceCycle: number;
  stackBytes: number;
  /** Bytes only this group's stacks keep alive. */
  retainedBytes: number;
  retainedObjects: number;
  /** The objects their frames point to, by site, largest first (at most 8 sites). */
  sites: SiteCount[];
}

export interface RunMemory {
  goroutines: {
    /** Alive after the final collection. */
    alive: number;
    /** Of those, main goroutines: alive when the steps began (what a stepped scenario's setup left running), or labelled "main". */
    main: number;
    /** The others (goleak's leaked goroutines), by label, most first. */
    groups: GoroutineGroupRaw[];
    /** Of the others together: stack bytes, and what their stacks alone keep alive. */
    stackBytes: number;
    retainedBytes: number;
    retainedObjects: number;
    /** Goroutines alive at each completed cycle (sampled as the site series are). */
    series: { cycles: number[]; alive: number[] };
  };
  /** Frame locals (engine.allocLocal) per site, with where the sampled escaped ones are reachable from. */
  escapes: (EscapeCounts & { escapedTo: { to: string; objects: number }[] })[];
  /** When the scenario ended in out of memory: what the error measured. */
  oom?: { requestedBytes: number; composition: HeapComposition; detail?: OomDetail };
}

/** The figures of RunMemory, from the engine after the final collection; `main`: ids of the main goroutines. */
/** Where the escaped locals went (a retainer analysis): none when its side tables do not fit beside the heap, rather than losing the run's result. */
function escapeDestinations(engine: Engine): EscapeDestination[] {
  try {
    return engine.escapeDestinations();
  } catch (err) {
    if (err instanceof AnalysisOutOfMemoryError) return [];
    throw err;
  }
}

function gatherMemory(engine: Engine, main: ReadonlySet<number>, failure: unknown): RunMemory {
  const alive = engine.goroutines();
  const others = alive.filter((g) => !main.has(g.id) && g.label !== MAIN_GOROUTINE_LABEL);
  const byLabel = new Map<string, typeof others>();
  for (const g of others) {
    const list = byLabel.get(g.label);
    if (list) list.push(g); else byLabel.set(g.label, [g]);
  }
  const labels = [...byLabel.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0));
  const ids = (gs: typeof others) => gs.map((g) => g.id);
  const retained = others.length > 0 ? engine.retainedByGoroutines([ids(others), ...labels.map(([, gs]) => ids(gs))]) : [];
  const groups: GoroutineGroupRaw[] = labels.map(([label, gs], i) => ({
    label,
    count: gs.length,
    blockedSinceCycle: gs.reduce((n, g) => Math.min(n, g.lastActiveCycle), Infinity),
    stackBytes: gs.reduce((n, g) => n + g.stackBytes, 0),
    retainedBytes: retained[i + 1]?.bytes ?? 0,
    retainedObjects: retained[i + 1]?.objects ?? 0,
    sites: engine.goroutineSites(ids(gs)).slice(0, 8),
  }));
  const counts = engine.escapes();
  const destinations: EscapeDestination[] = counts.some((c) => c.escapedObjects > 0) ? escapeDestinations(engine) : [];
  const escapes = counts.map((c) => ({ ...c, escapedTo: destinations.filter((d) => d.site === c.site).map(({ to, objects }) => ({ to, objects })) }));
  const oom = failure instanceof OutOfMemoryError ? { requestedBytes: failure.requestedBytes, composition: failure.composition, detail: failure.detail } : undefined;
  return {
    goroutines: {
      alive: alive.length,
      main: alive.length - others.length,
      groups,
      stackBytes: others.reduce((n, g) => n + g.stackBytes, 0),
      retainedBytes: retained[0]?.bytes ?? 0,
      retainedObjects: retained[0]?.objects ?? 0,
      series: engine.goroutineSeries(),
    },
    escapes,
    ...(oom ? { oom } : {}),
  };
}
