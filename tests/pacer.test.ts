/**
 * The pacer on a steady workload (churn): where cycles start relative to the
 * goal, what a memory limit does with GOGC=off, and how GOGC sets the
 * number of cycles. Counters only; no wall time is asserted.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import type { Barrier, EngineOptions } from "../src/engine/engine.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { at } from "./helpers.js";

const LIVE = 150_000; // ≈ 5.5 MiB live: above the 4 MiB heap minimum at GOGC=100

function steady(engine: EngineOptions & { barrier: Barrier }, steps = 1_500_000): Promise<RunResult> {
  return runScenario(churn, (o) => loadEngine({ ...o, ...engine, build: "release" }), {
    params: { live: LIVE, goroutines: 16, "stack-depth": 8, steps },
  });
}

describe.each(["stw", "hybrid"] as const)("pacer under %s", (barrier) => {
  it("GOGC=100: each cycle's goal is Go's L + (L + stacks scanned + globals), it starts at or below it, and not far below it", async () => {
    const r = await steady({ barrier, gogc: 100 });
    const natural = r.cycles.filter((c) => !c.forced);
    expect(natural.length).toBeGreaterThan(4);
    for (const c of natural.slice(2)) {
      const prev = at(r.cycles, c.cycle - 2);
      // mgcpacer.go commit: heapMarked + (heapMarked + lastStackScan + globalsScan) × GOGC/100; with
      // 16 goroutines of 8 frames the stack scanned is each stack's used words (frame headers included).
      const goal = 2 * prev.heapMarkedBytes + prev.stackScanWork + c.globalsBytes;
      expect(prev.stackScanWork).toBe(16 * (1 + 8 * 5) * 4);
      expect(c.heapGoalBytes).toBe(goal);
      expect(c.heapStartBytes).toBeLessThanOrEqual(goal * 1.1);
      // A concurrent mark starts early, to finish near the goal; stw starts at the goal.
      expect(c.heapStartBytes).toBeGreaterThanOrEqual(goal * (barrier === "stw" ? 0.9 : 0.6));
      expect(c.heapEndBytes).toBeLessThanOrEqual(goal * 1.1);
    }
    expect(r.verify.lostObjects).toBe(0);
  });

  it("GOGC=off with a memory limit: the heap stays under the limit, and the limit drives the cycles", async () => {
    const limit = 16 << 20;
    const r = await steady({ barrier, gogc: "off", memoryLimit: limit });
    expect(r.cycles.filter((c) => !c.forced).length).toBeGreaterThan(2);
    // GOMEMLIMIT is a soft limit (Go's GC guide). The first cycle starts with no scan-work estimate
    // (Go's lastHeapScan is 0) and, under GOGC=off, revise() lets its goal stretch as in Go, so it may
    // overshoot by up to the 1 MiB headroom; every later cycle stays under the limit.
    const headroom = 1 << 20;
    const first = at(r.cycles, 0);
    expect(r.heap.peakBytes + first.stackBytes).toBeLessThanOrEqual(limit + headroom);
    expect(first.heapEndBytes + first.stackBytes).toBeLessThanOrEqual(limit + headroom);
    for (const c of r.cycles.slice(1)) expect(c.heapEndBytes + c.stackBytes).toBeLessThanOrEqual(limit);
  });

  it("GOGC=off without a limit never collects on its own", async () => {
    const r = await steady({ barrier, gogc: "off" }, 200_000);
    expect(r.cycles.every((c) => c.forced)).toBe(true);
  });

  it("GOGC=50 runs about twice as many cycles as GOGC=100", async () => {
    const n = async (gogc: number) => (await steady({ barrier, gogc })).cycles.filter((c) => !c.forced).length;
    const c100 = await n(100);
    const c50 = await n(50);
    expect(c100).toBeGreaterThan(4);
    expect(c50 / c100).toBeGreaterThan(1.6);
    expect(c50 / c100).toBeLessThan(2.5);
  });
});
