/** MMU against hand-computed curves and against a brute-force discretisation. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Mmu, mergeIntervals, type Interval } from "../src/mmu.js";

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
    expect(c[0].windowNs).toBe(10_000);
    expect(c[c.length - 1].windowNs).toBe(1e9);
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
