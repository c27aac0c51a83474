/**
 * Runs one scenario on a fresh engine and gathers everything a report needs.
 * The run ends with a full collection (like runtime.GC()) so that liveBytes
 * is exactly what the scenario still holds, then the independent verifier.
 */
import type { Engine, EngineOptions, HeapStats, VerifyReport } from "./engine.js";
import { summarizePauses, summarizeWork, type PauseSummary, type WorkSummary } from "./metrics.js";
import { resolveParams, seededRandom, type Params, type Scenario } from "./scenario.js";

export interface RunConfig {
  params: Params;
  maxHeapBytes: number;
  gogc: number | "off";
  seed: number;
  build: string;
}

export interface RunResult {
  scenario: string;
  config: RunConfig;
  output: string[];
  gc: { cycles: number; pauses: PauseSummary; work: WorkSummary };
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
  verify: { lostObjects: number; integrityErrors: number; reachableObjects: number; reachableBytes: number };
  wallNs: number;
}

export interface RunOptions {
  params?: Record<string, string | number>;
  engine?: EngineOptions;
  seed?: number;
  /** Called with each output line as it is printed. */
  onLine?: (line: string) => void;
}

/** Runs `scenario` on the engine `makeEngine` creates; throws what the scenario throws. */
export async function runScenario(
  scenario: Scenario,
  makeEngine: (o: EngineOptions) => Promise<Engine>,
  options: RunOptions & { build?: string } = {},
): Promise<RunResult> {
  const params = resolveParams(scenario, options.params ?? {});
  const seed = options.seed ?? 1;
  const engine = await makeEngine(options.engine ?? {});
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
  // runtime.GC() then a full sweep: live is exact and allocated − freed = live objects.
  engine.collect();
  engine.sweep();
  return summarize(scenario.name, engine, { params, maxHeapBytes: engine.options.maxHeap, gogc: engine.options.gogc, seed, build: options.build ?? "release" }, output, wallNs);
}

function summarize(name: string, engine: Engine, config: RunConfig, output: string[], wallNs: number): RunResult {
  const s: HeapStats = engine.stats();
  const v: VerifyReport = engine.verify();
  return {
    scenario: name,
    config,
    output,
    gc: { cycles: s.cycles, pauses: summarizePauses(engine.pauses), work: summarizeWork(engine.pauses) },
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
    verify: { lostObjects: v.lostObjects, integrityErrors: v.integrityErrors, reachableObjects: v.reachableObjects, reachableBytes: v.reachableBytes },
    wallNs,
  };
}
