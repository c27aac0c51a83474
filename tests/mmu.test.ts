/**
 * MMU against hand-computed curves and against a brute-force discretisation;
 * the online, bounded accumulator against the exact class, within its bound.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Mmu, MMU_GRID, mergeIntervals, mmuWindows, OnlineMmu, type Interval } from "../src/metrics/mmu.js";
import { loadEngine } from "../src/node/loader.js";
import { runScenario } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import type { Engine } from "../src/engine/engine.js";
import { at } from "./helpers.js";

const MS = 1e6;

describe("MMU", () => {
  it("one 10 ms pause in a 100 ms run: MMU(10ms)=0, MMU(20ms)=0.5, MMU(100ms)=0.9", () => {
    const m = new Mmu([[40 * MS, 50 * MS]], 0, 100 * MS);
    expect(m.at(5 * MS)).toBe(0);
    expect(m.at(10 * MS)).toBe(0);
    expect(m.at(20 * MS)).toBeCloseTo(0.5, 12);
    expect(m.at(40 * MS)).toBeCloseTo(0.75, 12);
    expect(m.at(100 * MS)).toBeCloseTo(0.9, 12);
  });

  it("two 5 ms pauses 10 ms apart: the worst 20 ms window holds both", () => {
    const m = new Mmu([[10 * MS, 15 * MS], [25 * MS, 30 * MS]], 0, 100 * MS);
    expect(m.at(5 * MS)).toBe(0);
    expect(m.at(10 * MS)).toBeCloseTo(0.5, 12);
    expect(m.at(20 * MS)).toBeCloseTo(0.5, 12);
    expect(m.at(30 * MS)).toBeCloseTo(1 - 10 / 30, 12);
  });

  it("overlapping intervals (a stack scan inside a mark slice) count once", () => {
    expect(mergeIntervals([[0, 10], [5, 8], [9, 20], [30, 40]], 0, 100)).toEqual([[0, 20], [30, 40]]);
    const m = new Mmu([[0, 10], [5, 8], [9, 20]], 0, 100);
    expect(m.gcTime).toBe(20);
  });

  it("no GC: utilization 1 at every window; the curve ends at the run length", () => {
    const m = new Mmu([], 0, 1e9);
    const c = m.curve();
    expect(c.every((p) => p.utilization === 1)).toBe(true);
    expect(at(c, 0).windowNs).toBe(10_000);
    expect(at(c, -1).windowNs).toBe(1e9);
  });

  it("matches a brute-force sweep over every integer window position", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 30 })), { maxLength: 12 }),
        fc.integer({ min: 1, max: 200 }),
        (raw, w) => {
          const intervals: Interval[] = raw.map(([s, d]) => [s, s + d]);
          const end = 200;
          const m = new Mmu(intervals, 0, end);
          const busy = new Array(end).fill(false);
          for (const [s, e] of intervals) for (let t = s; t < Math.min(e, end); t++) busy[t] = true;
          let worst = 0;
          const width = Math.min(w, end);
          for (let a = 0; a + width <= end; a++) {
            let gc = 0;
            for (let t = a; t < a + width; t++) if (busy[t]) gc++;
            worst = Math.max(worst, gc);
          }
          expect(m.at(w)).toBeCloseTo(w >= end ? 1 - busy.filter(Boolean).length / end : (width - worst) / width, 9);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Feeds intervals to an online MMU in order of their start, as the recorder does. */
function online(intervals: readonly Interval[], start: number, end: number, windows: number[], grid: number): OnlineMmu {
  const m = new OnlineMmu(start, windows, grid);
  for (const [s, e] of [...intervals].sort((a, b) => a[0] - b[0])) m.add(s, e);
  m.finish(end);
  return m;
}

describe("online MMU", () => {
  it("stays within [exact, exact + 2/K] on random intervals, windows and grids", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0.01, max: 60, noNaN: true })), { maxLength: 40 }),
        fc.uniqueArray(fc.double({ min: 0.5, max: 999, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 2, max: 64 }),
        (raw, windows, grid) => {
          const end = 1000;
          const intervals: Interval[] = raw.map(([s, d]) => [s, Math.min(s + d, end)]);
          const exact = new Mmu(intervals, 0, end);
          const m = online(intervals, 0, end, windows, grid);
          expect(m.gcTime).toBeCloseTo(exact.gcTime, 6);
          for (const w of windows) {
            const u = m.at(w);
            expect(u).toBeGreaterThanOrEqual(exact.at(w) - 1e-9);
            expect(u).toBeLessThanOrEqual(exact.at(w) + 2 / grid + 1e-9);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("matches the hand-computed curves at the default grid", () => {
    const m = online([[40 * MS, 50 * MS]], 0, 100 * MS, [5 * MS, 10 * MS, 20 * MS, 40 * MS], MMU_GRID);
    expect(m.at(5 * MS)).toBe(0); // an interval as long as the window: the fast path
    expect(m.at(10 * MS)).toBe(0);
    expect(m.at(20 * MS)).toBeCloseTo(0.5, 9);
    expect(m.at(40 * MS)).toBeCloseTo(0.75, 9);
    expect(m.at(100 * MS)).toBeCloseTo(0.9, 12);
  });

  it("counts overlapping and nested intervals once, and touching ones as one stretch", () => {
    const m = online([[0, 10], [5, 8], [9, 20], [30, 40]], 0, 100, [15, 25], 10);
    expect(m.gcTime).toBe(30);
    expect(m.at(15)).toBe(0); // [0, 20] is one stretch of 20 > 15
    const touching = online([[10, 15], [15, 20], [20, 25]], 0, 100, [15], 10);
    expect(touching.at(15)).toBe(0);
  });

  it("gives the exact curve's shape: the same windows, then the run length", () => {
    const intervals: Interval[] = [[1e6, 2e6], [5e7, 5.1e7]];
    const exact = new Mmu(intervals, 0, 3e8).curve();
    const on = online(intervals, 0, 3e8, mmuWindows(), MMU_GRID).curve();
    expect(on.map((p) => p.windowNs)).toEqual(exact.map((p) => p.windowNs));
    on.forEach((p, i) => expect(p.utilization - at(exact, i).utilization).toBeLessThanOrEqual(2 / MMU_GRID + 1e-12));
    expect(new OnlineMmu(0).curve()).toEqual([]);
  });

  it("holds at most K+2 knots per window however many intervals arrive", () => {
    const windows = mmuWindows(10_000, 5, 1e9);
    const m = new OnlineMmu(0, windows, 100);
    let t = 0;
    let most = 0;
    for (let i = 0; i < 200_000; i++) {
      t += 3_000 + ((i * 7919) % 9_000);
      m.add(t, t + 2_000);
      t += 2_000;
      if (i % 1000 === 0) most = Math.max(most, m.knots);
    }
    expect(most).toBeLessThanOrEqual(windows.length * 102);
  });

  it("agrees with the exact MMU over a real concurrent run's events (stack scans inside mark slices)", async () => {
    let engine: Engine | undefined;
    const r = await runScenario(churn, async (o) => (engine = await loadEngine({ ...o, build: "release", barrier: "hybrid", gogc: 25, markQuantum: 256, recordEvents: "all" })), {
      params: { live: 5000, goroutines: 8, "stack-depth": 4, steps: 40_000 },
    });
    expect(r.records.slices.total).toBeGreaterThan(100);
    expect(r.records.stackPauses.total).toBeGreaterThan(8);
    const on = engine!.events.onlineMmu!;
    // r.mmu is exact here (every event was recorded): the union of pauses, stack scans and slices.
    const curve = on.curve();
    expect(curve.map((p) => p.windowNs)).toEqual(r.mmu.map((p) => p.windowNs));
    curve.forEach((p, i) => {
      expect(p.utilization).toBeGreaterThanOrEqual(at(r.mmu, i).utilization - 1e-9);
      expect(p.utilization).toBeLessThanOrEqual(at(r.mmu, i).utilization + 2 / MMU_GRID + 1e-9);
    });
    expect(on.gcTime).toBeCloseTo(r.gcCpuFraction * r.wallNs, 0);
  });
});
