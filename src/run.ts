/**
 * Runs one scenario on a fresh engine and gathers everything a report needs.
 * The run ends with a full collection (like runtime.GC()) and a full sweep,
 * so liveBytes is exactly what the scenario still holds and allocated − freed
 * objects equals the live count; then the independent verifier runs.
 */
import type { Barrier, CycleRecord, Engine, EngineOptions, Pause } from "./engine.js";
import { summarizePauses, summarizeWork, type PauseSummary, type WorkSummary } from "./metrics.js";
import { resolveParams, seededRandom, type Params, type Scenario } from "./scenario.js";

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
  gc: {
    cycles: number;
    forcedCycles: number;
    /** Global stop-the-world pauses (sweep termination, mark termination, or whole stw cycles). */
    pauses: PauseSummary;
    /** Deterministic work of the global pauses. */
    stwWork: WorkSummary;
    /** Per-goroutine stack-scan pauses, reported apart from the global ones. */
    stackPauses: PauseSummary & WorkSummary;
    /** All mark work, wherever it ran: words scanned in pauses, background slices and assists. */
    markWords: number;
    assistWords: number;
    backgroundWords: number;
  };
  barrier: { calls: number; shaded: number; floatingObjects: number };
  heap: {
    peakBytes: number;
    liveBytes: number;
    liveObjects: number;
    mappedBytes: number;
    maxBytes: number;
    objectsAllocated: number;
    objectsFreed: number;
    bytesAllocated: number;
    bytesFreed: number;
  };
  verify: {
    /** Lost objects: found at mark termination (rescued, under none) plus any at the end. */
    lostObjects: number;
    lostAtMark: number;
    integrityErrors: number;
    reachableObjects: number;
    reachableBytes: number;
  };
  cycles: CycleRecord[];
  wallNs: number;
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
}

/** Runs `scenario` on the engine `makeEngine` creates; throws what the scenario throws. */
export async function runScenario(scenario: Scenario, makeEngine: (o: EngineOptions) => Promise<Engine>, options: RunOptions = {}): Promise<RunResult> {
  const params = resolveParams(scenario, options.params ?? {});
  const seed = options.seed ?? 1;
  const engine = await makeEngine({ ...scenario.engineOptions?.(params), ...options.engine });
  options.onEngine?.(engine);
  const output: string[] = [];
  const t0 = performance.now();
  await scenario.run({
    engine,
    params,
    print: (line) => {
      output.push(line);
      options.onLine?.(line);
    },
    random: seededRandom(seed),
  });
  const wallNs = Math.round((performance.now() - t0) * 1e6);
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
  return summarize(scenario.name, engine, config, output, wallNs);
}

function stackSummary(pauses: readonly Pause[]): PauseSummary & WorkSummary {
  return { ...summarizePauses(pauses), ...summarizeWork(pauses) };
}

function summarize(name: string, engine: Engine, config: RunConfig, output: string[], wallNs: number): RunResult {
  const s = engine.stats();
  const v = engine.verify();
  const sum = (f: (c: CycleRecord) => number) => engine.cycles.reduce((a, c) => a + f(c), 0);
  const floating = engine.cycles.filter((c) => c.floatingObjects >= 0);
  return {
    scenario: name,
    config,
    output,
    gc: {
      cycles: s.cycles,
      forcedCycles: sum((c) => (c.forced ? 1 : 0)),
      pauses: summarizePauses(engine.pauses),
      stwWork: summarizeWork(engine.pauses),
      stackPauses: stackSummary(engine.stackPauses),
      markWords: s.wordsScanned,
      assistWords: sum((c) => c.assistWords),
      backgroundWords: sum((c) => c.backgroundWords),
    },
    barrier: {
      calls: sum((c) => c.barrierCalls),
      shaded: sum((c) => c.barrierShaded),
      floatingObjects: floating.length ? floating.reduce((a, c) => a + c.floatingObjects, 0) : -1,
    },
    heap: {
      peakBytes: s.heapPeakBytes,
      liveBytes: s.markedBytes,
      liveObjects: s.markedObjects,
      mappedBytes: s.heapMappedBytes,
      maxBytes: s.heapMaxBytes,
      objectsAllocated: s.objectsAllocated,
      objectsFreed: s.objectsFreed,
      bytesAllocated: s.bytesAllocated,
      bytesFreed: s.bytesFreed,
    },
    verify: {
      lostObjects: s.lostAtMark + v.lostObjects,
      lostAtMark: s.lostAtMark,
      integrityErrors: v.integrityErrors,
      reachableObjects: v.reachableObjects,
      reachableBytes: v.reachableBytes,
    },
    cycles: engine.cycles,
    wallNs,
  };
}
