/**
 * Same seed, same run: the scheduler interleaves the collector by counted
 * work, never by the clock, so every counter of two runs is identical; only
 * wall times differ. A different seed must change them, or the comparison
 * proves nothing.
 */
import { describe, expect, it } from "vitest";
import { cliJson } from "./cli-helper.js";

interface Run {
  gc: { cycles: number; stwWork: { maxWords: number }; stackPauses: { count: number; maxWords: number }; work: { totalWords: number } };
  barrier: { calls: number; shaded: number };
  verify: { lostObjects: number };
}

function compareJson(seed: number): Record<string, Run> {
  return cliJson(
    "compare", "churn", "--live", "20000", "--goroutines", "20", "--stack-depth", "8", "--steps", "80000",
    "--gogc", "25", "--seed", String(seed),
  );
}

/** Wall-clock fields and figures derived from them (MMU, GC CPU share, allocation rate), in the report and its memstats. */
const WALL = /Ns$|^mmu$|^gcCpuFraction$|^GCCPUFraction$|^allocBytesPerSec$/; // memstats' GCCPUFraction is gcCpuFraction

/** Drops every wall-clock field (names ending in Ns: totalNs, p50Ns, startNs, …) and what is computed from them. */
function withoutWallTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWallTimes);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !WALL.test(k)).map(([k, x]) => [k, withoutWallTimes(x)]));
  }
  return v;
}

describe("determinism", () => {
  it("two runs with the same seed give identical counters under every strategy", () => {
    const a = compareJson(7);
    const b = compareJson(7);
    expect(Object.keys(a)).toEqual(["stw", "dijkstra", "yuasa", "hybrid", "none"]);
    for (const [k, r] of Object.entries(a)) {
      expect(r.gc.cycles, k).toBeGreaterThan(1);
      // Every strategy's pauses do some work (at least the globals and pins); stw's is the whole mark.
      expect(r.gc.stwWork.maxWords, k).toBeGreaterThan(0);
      if (k !== "stw") expect(a.stw!.gc.stwWork.maxWords, k).toBeGreaterThan(r.gc.stwWork.maxWords);
      // The barrier runs only under the barrier strategies: stw marks with the world stopped, none has none.
      if (k === "stw" || k === "none") expect([r.barrier.calls, r.barrier.shaded], k).toEqual([0, 0]);
      else expect(r.barrier.calls, k).toBeGreaterThan(0);
      expect(r.barrier.shaded, k).toBeLessThanOrEqual(r.barrier.calls);
      if (k !== "none") expect(r.verify.lostObjects, k).toBe(0);
    }
    // The point of the test: the deterministic counters of two runs with one seed are equal, strategy by strategy.
    for (const [k, x] of Object.entries(a)) {
      const y = b[k]!;
      expect([y.gc.work.totalWords, y.gc.stwWork.maxWords, y.barrier.calls, y.gc.stackPauses.count], k).toEqual(
        [x.gc.work.totalWords, x.gc.stwWork.maxWords, x.barrier.calls, x.gc.stackPauses.count],
      );
    }
    expect(withoutWallTimes(a)).toEqual(withoutWallTimes(b));
    const c = compareJson(8);
    expect(withoutWallTimes(c)).not.toEqual(withoutWallTimes(a));
  });
});
