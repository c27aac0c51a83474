/**
 * A run's figures under Go's `runtime.MemStats` names (Go 1.19,
 * runtime/mstats.go), so a script written against Go's ReadMemStats reads
 * `--json`'s `memstats` unchanged. Each field says where it comes from;
 * docs/json.md has the same table.
 *
 * Every figure is the state after the runner's final collection and sweep,
 * as ReadMemStats after runtime.GC() would see it. One figure is not in the
 * RunResult: HeapInuse needs the pages of in-use spans, which the caller
 * reads from the RunResult (heap.inUseBytes, from the engine's stats).
 */
import type { CycleRecord } from "../engine/engine.js";
import type { RunResult } from "../run/run.js";

/** Go's uint64 "no goal": ^uint64(0), which a JS number cannot hold exactly (see jsonReport). */
export const NO_GOAL = 2n ** 64n - 1n;

/** Go's PauseNs ring: 256 entries, cycle n (from 1) at index (n − 1) % 256. */
export const PAUSE_RING = 256;

export interface MemStats {
  HeapAlloc: number;
  HeapSys: number;
  HeapInuse: number;
  HeapObjects: number;
  Mallocs: number;
  Frees: number;
  NumGC: number;
  NumForcedGC: number;
  PauseTotalNs: number;
  PauseNs: number[];
  NextGC: number | bigint;
  GCCPUFraction: number;
  StackInuse: number;
}

/**
 * A cycle's stop-the-world time, as Go's work.pauseNS sums it: sweep
 * termination + mark termination; under stw the one pause is the whole cycle
 * (its three phases, timed apart for gctrace). Per-goroutine stack scans are
 * not stop-the-world pauses, in Go or here.
 */
export function cyclePauseNs(c: CycleRecord, stw: boolean): number {
  return c.sweepTermNs + (stw ? c.markNs : 0) + c.markTermNs;
}

/**
 * Go's PauseNs: gcMarkTermination stores cycle k's pause total (k counted
 * from 0, before numgc++) at pause_ns[k % 256], so the most recent is at
 * (NumGC + 255) % 256 and an entry holds the latest cycle that maps to it;
 * entries no cycle reached yet are 0. `cycles` are the kept records (the
 * first 100,000: a longer run's latest cycles are not kept, and stay 0).
 */
export function pauseRing(cycles: readonly CycleRecord[], stw: boolean, numGC: number): number[] {
  const ring = new Array<number>(PAUSE_RING).fill(0);
  for (const c of cycles) {
    if (c.cycle > numGC - PAUSE_RING) ring[(c.cycle - 1) % PAUSE_RING] = Math.round(cyclePauseNs(c, stw));
  }
  return ring;
}


/** The goal of the cycle after the last one (Go's NextGC), or ^uint64(0) when there is none (GOGC=off, no limit). */
function nextGC(r: RunResult): number | bigint {
  const last = r.cycles.at(-1);
  if (!last) return NO_GOAL;
  return last.nextGoalBytes < 0 ? NO_GOAL : last.nextGoalBytes;
}

/** The run's MemStats, from its RunResult alone (so compare's runs on worker threads have them too). */
export function memstats(r: RunResult): MemStats {
  const stw = r.config.barrier === "stw";
  return {
    HeapAlloc: r.heap.bytesAllocated - r.heap.bytesFreed,
    HeapSys: r.heap.mappedBytes - r.heap.stackBytes,
    HeapInuse: r.heap.inUseBytes,
    HeapObjects: r.heap.objectsAllocated - r.heap.objectsFreed,
    Mallocs: r.heap.objectsAllocated,
    Frees: r.heap.objectsFreed,
    NumGC: r.gc.cycles,
    NumForcedGC: r.gc.forcedCycles,
    PauseTotalNs: Math.round(r.gc.pauses.totalNs),
    PauseNs: pauseRing(r.cycles, stw, r.gc.cycles),
    NextGC: nextGC(r),
    GCCPUFraction: r.gcCpuFraction,
    StackInuse: r.heap.stackBytes,
  };
}
