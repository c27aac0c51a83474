/**
 * The event recorder keeps what the reports need in memory that does not grow
 * with the run: a run ten times as long stores no more events, histogram
 * buckets or MMU knots under the bounded recorder, while the "all" recorder
 * grows with it. Counted, never timed: no wall time or RSS is asserted.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import type { Engine } from "../src/engine/engine.js";
import { EXACT_PERCENTILES, PauseStats, percentile, summarizePauses, summarizeWork } from "../src/metrics/pauses.js";
import { CYCLE_CAP, EventRecorder, LongestKept, PAUSE_CAP, SLICE_CAP, SliceSample, STACK_PAUSE_CAP, type RecordMode } from "../src/engine/records.js";
import { seededRandom } from "../src/scenario/scenario.js";
import type { Pause } from "../src/engine/engine.js";
import { at } from "./helpers.js";

const pause = (startNs: number, ns: number, words = 0): Pause => ({ kind: "mark-termination", cycle: 1, startNs, endNs: startNs + ns, words, stacks: 0, objects: 0 });

/** A hybrid churn run whose mark is cut into many small slices; `scale` multiplies its length. */
async function hybridRun(scale: number, mode: RecordMode): Promise<{ r: RunResult; e: Engine }> {
  let e: Engine | undefined;
  const r = await runScenario(churn, async (o) => (e = await loadEngine({ ...o, build: "release", barrier: "hybrid", gogc: 25, markQuantum: 1, recordEvents: mode })), {
    params: { live: 5_000, goroutines: 4, "stack-depth": 2, steps: 120_000 * scale },
  });
  return { r, e: e! };
}

/** Everything the recorder stores that could grow: events kept, percentile store bytes, MMU knots. */
function stored(e: Engine): { events: number; statsBytes: number; knots: number } {
  const ev = e.events;
  return {
    events: ev.pauses.length + ev.stackPauses.length + ev.slices.length + ev.cycles.length,
    statsBytes: ev.pauseStats.footprint + ev.stackStats.footprint,
    knots: ev.onlineMmu!.knots,
  };
}

describe("bounded records", () => {
  it("a run 10× as long stores no more under the bounded recorder; the all recorder grows", async () => {
    const short = await hybridRun(1, "bounded");
    const long = await hybridRun(10, "bounded");
    // The long run saw many more slices than the cap; the short one kept all of its own.
    expect(long.r.records.slices.total).toBeGreaterThan(4 * SLICE_CAP);
    expect(long.r.records.slices.total).toBeGreaterThan(10 * short.r.records.slices.kept);
    for (const { r } of [short, long]) {
      expect(r.records.slices.kept).toBeLessThanOrEqual(SLICE_CAP);
      expect(r.records.pauses.kept).toBeLessThanOrEqual(PAUSE_CAP);
      expect(r.records.stackPauses.kept).toBeLessThanOrEqual(STACK_PAUSE_CAP);
      expect(r.records.cycles.kept).toBeLessThanOrEqual(CYCLE_CAP);
      expect(r.timeline.slices.length).toBe(r.records.slices.kept);
    }
    const a = stored(short.e);
    const b = stored(long.e);
    expect(b.events).toBeLessThanOrEqual(PAUSE_CAP + STACK_PAUSE_CAP + SLICE_CAP + CYCLE_CAP);
    // Past the cap the sample halves and refills: between half the cap and the cap, whatever the length.
    expect(long.r.records.slices.kept).toBeGreaterThanOrEqual(SLICE_CAP / 2);
    // Histograms and knots are fixed-size structures: the long run holds no more than a fixed bound.
    expect(b.statsBytes).toBeLessThanOrEqual(4 * 200_000);
    expect(b.knots).toBeLessThanOrEqual(51 * 1002);
    expect(a.knots).toBeLessThanOrEqual(51 * 1002);
    // The figures still cover every event.
    expect(long.r.gc.pauses.count).toBe(long.r.records.pauses.total);
    expect(long.r.gc.stackPauses.count).toBe(long.r.records.stackPauses.total);
    expect(long.r.gc.pauses.count).toBe(2 * long.r.gc.cycles);

    const all = await hybridRun(1, "all");
    const allLong = await hybridRun(10, "all");
    for (const { r } of [all, allLong]) {
      for (const k of ["pauses", "stackPauses", "slices", "cycles"] as const) expect(r.records[k].kept).toBe(r.records[k].total);
      expect(r.timeline.recorded).toBe("all");
    }
    expect(stored(allLong.e).events).toBeGreaterThan(5 * stored(all.e).events);
    expect(stored(allLong.e).events).toBeGreaterThan(4 * b.events);
  });

  it("synthetic: 10× the events, the same bounded footprint", () => {
    const feed = (n: number) => {
      const rec = new EventRecorder("bounded");
      rec.startMmu(0);
      const rnd = seededRandom(3);
      let t = 0;
      for (let i = 0; i < n; i++) {
        t += 1_000 + 9_000 * rnd();
        const d = 500 + 4_000 * rnd();
        if (i % 20 === 0) rec.pause("sweep-termination", i, t, t + d, 10, 0, 0);
        else if (i % 10 === 0) rec.stackPause(i, t, t + d, 16, 1, 0);
        else rec.slice(i % 3 === 0, i, t, t + d, 4096);
        t += d;
      }
      rec.finishMmu(t + 1);
      return rec;
    };
    const a = feed(100_000);
    const b = feed(1_000_000);
    const size = (r: EventRecorder) => r.pauses.length + r.stackPauses.length + r.slices.length;
    expect(size(a)).toBeLessThanOrEqual(PAUSE_CAP + STACK_PAUSE_CAP + SLICE_CAP);
    expect(size(b)).toBeLessThanOrEqual(PAUSE_CAP + STACK_PAUSE_CAP + SLICE_CAP);
    expect(b.summary().slices.total).toBe(10 * a.summary().slices.total);
    // Both are past the exact store (> 4096 pauses of each kind): the same value range gives the same histogram sizes.
    expect(a.summary().pauses.total).toBeGreaterThan(EXACT_PERCENTILES);
    expect(b.pauseStats.footprint).toBe(a.pauseStats.footprint);
    expect(b.stackStats.footprint).toBe(a.stackStats.footprint);
    expect(b.onlineMmu!.knots).toBeLessThanOrEqual(51 * 1002);
  });
});

describe("PauseStats", () => {
  it("is exact nearest-rank up to 4096 pauses, as summarizePauses is", () => {
    const rnd = seededRandom(11);
    const ps = Array.from({ length: EXACT_PERCENTILES }, (_, i) => pause(i * 1e6, 1e3 + 1e6 * rnd() ** 3, Math.floor(1e5 * rnd())));
    const st = new PauseStats();
    for (const p of ps) st.add(p.endNs - p.startNs, p.words);
    const exact = summarizePauses(ps);
    expect(st.wall()).toEqual({ ...exact, totalNs: expect.closeTo(exact.totalNs, 3) });
    expect(st.work()).toEqual(summarizeWork(ps));
    expect(st.wall().percentiles).toBe("exact");
  });

  it("past 4096, counts, totals and max stay exact and percentiles are within [v, v·(1+1/1024)+0.5]", () => {
    const rnd = seededRandom(5);
    const ns = Array.from({ length: 50_000 }, () => 100 + 1e7 * rnd() ** 4);
    const words = ns.map((v) => Math.floor(v / 3));
    const st = new PauseStats();
    ns.forEach((v, i) => st.add(v, at(words, i)));
    const wall = st.wall();
    const work = st.work();
    expect(wall.percentiles).toBe("histogram");
    expect(wall.count).toBe(50_000);
    expect(wall.totalNs).toBeCloseTo(ns.reduce((a, b) => a + b, 0), 0);
    expect(wall.maxNs).toBe(Math.max(...ns));
    expect(work.totalWords).toBe(words.reduce((a, b) => a + b, 0));
    expect(work.maxWords).toBe(Math.max(...words));
    const sortedNs = [...ns].sort((a, b) => a - b);
    const sortedWords = [...words].sort((a, b) => a - b);
    const within = (got: number, v: number) => {
      expect(got).toBeGreaterThanOrEqual(v - 0.5);
      expect(got).toBeLessThanOrEqual(v * (1 + 1 / 1024) + 0.5);
    };
    for (const [p, k] of [[0.5, "p50"], [0.95, "p95"], [0.99, "p99"]] as const) {
      within(wall[`${k}Ns`], percentile(sortedNs, p));
      within(work[`${k}Words`], percentile(sortedWords, p));
    }
  });
});

describe("the capped lists", () => {
  it("LongestKept keeps all up to its cap, then the longest, in time order", () => {
    const l = new LongestKept(4);
    [5, 1, 7, 3].forEach((d, i) => l.add(pause(i, d)));
    expect(l.list.map((p) => p.endNs - p.startNs)).toEqual([5, 1, 7, 3]);
    [2, 9, 6, 4].forEach((d, i) => l.add(pause(10 + i, d)));
    expect(l.list.map((p) => p.endNs - p.startNs)).toEqual([5, 7, 9, 6]);
    expect(l.list.map((p) => p.startNs)).toEqual([0, 2, 11, 12]);
  });

  it("SliceSample keeps every 2^k-th slice, spanning the whole run", () => {
    const s = new SliceSample(8);
    for (let i = 0; i < 100; i++) s.add(i % 2 === 1, 1, i, i + 0.5, i);
    expect(s.total).toBe(100);
    expect(s.every).toBe(16);
    expect(s.list.map((x) => x.startNs)).toEqual([0, 16, 32, 48, 64, 80, 96]);
    expect(s.list[1]).toEqual({ kind: "background", cycle: 1, startNs: 16, endNs: 16.5, words: 16 });
  });

  it("an unknown record mode is refused", () => {
    expect(() => new EventRecorder("some" as RecordMode)).toThrow(/recordEvents/);
  });
});
