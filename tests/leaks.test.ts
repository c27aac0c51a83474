/**
 * The leak detector's rules (src/analysis/leaks.ts) on series written by
 * hand, each case a rule: a steady rise after warm-up is a suspect; the same
 * rise that the final collection frees (floating garbage) is not, nor is a
 * rise below 1% of the heap, nor one confined to the warm-up; too few
 * cycles need memlab's signal, which needs a site that keeps at least half
 * of what it allocates; a run that keeps 90% of all it allocated gets no
 * verdict; suspects are ranked by retained growth, not own bytes.
 *
 * And the whole analysis on a real run: it leaves every counter of the run
 * as it was (the same job with and without analysis), and --json carries
 * the findings at the top level.
 */
import { describe, expect, test } from "vitest";
import type { LiveSeries } from "../src/engine/analysis.js";
import { leakSuspects, siteTrends, warmup, type LeakInput, type SiteAtEnd } from "../src/analysis/leaks.js";
import { runJob, type Job } from "../src/node/job.js";
import { at } from "./helpers.js";
import { cli } from "./cli-helper.js";

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

interface SiteSpec {
  site: number;
  name: string;
  /** Live objects and bytes per cycle (the last is the final collection). */
  objects: number[];
  bytes: number[];
  allocObjects: number;
  retainedBytes?: number;
}

/** A LeakInput: the series, and each site's end taken from its series' last point. */
function input(sites: SiteSpec[], opts: { liveHeap?: number; allocated?: number; middle?: Map<number, { objects: number; bytes: number }> | null } = {}): LeakInput {
  const n = at(sites, 0).bytes.length;
  const series: LiveSeries = { cycles: range(n, (i) => i + 1), allocated: range(n, (i) => (i + 1) * 1e6), sites: sites.map((s) => ({ site: s.site, name: s.name, objects: s.objects, bytes: s.bytes })) };
  const atEnd: SiteAtEnd[] = sites.map((s) => ({
    site: s.site, name: s.name, allocObjects: s.allocObjects, liveObjects: at(s.objects, -1), liveBytes: at(s.bytes, -1), retainedBytes: s.retainedBytes ?? at(s.bytes, -1),
  }));
  const liveHeap = opts.liveHeap ?? atEnd.reduce((t, s) => t + s.liveBytes, 0);
  return { series, sites: atEnd, middleThird: opts.middle ?? null, liveHeapBytes: liveHeap, allocatedBytes: opts.allocated ?? 10 * liveHeap };
}

/** A site growing by `per` objects of 80 bytes each cycle over `n` cycles, all still live at the end. */
const rising = (site: number, name: string, n: number, per = 1000): SiteSpec => ({
  site, name, objects: range(n, (i) => per * (i + 1)), bytes: range(n, (i) => 80 * per * (i + 1)), allocObjects: per * n,
});

describe("warm-up", () => {
  test("the first third of the cycles, at least one; none of a single cycle", () => {
    expect([1, 2, 3, 5, 6, 12, 13, 100].map(warmup)).toEqual([0, 1, 1, 1, 2, 4, 4, 33]);
  });
});

describe("the trend signal", () => {
  test("12 cycles rising: a suspect, measured over the 8 after warm-up, +80,000 bytes per cycle", () => {
    const [s] = leakSuspects(input([rising(1, "a", 12)]));
    expect(s).toMatchObject({ name: "a", signals: ["trend"], cycles: 8, bytesPerCycle: 80_000, liveObjects: 12_000, liveBytes: 960_000 });
    // Per million allocations: the series' allocations grow by 1e6 per cycle.
    expect(s?.bytesPerMillionAllocs).toBeCloseTo(80_000, 6);
    expect(s?.pValue).toBeLessThan(0.01);
  });

  test("significance at 0.01: a window with S = 18 of 8 points (p ≈ 0.035) is not a suspect, however it ends", () => {
    // Window (after 4 warm-up cycles): 3 2 1 5 4 7 6 8 — a rise with 5 inversions, S = 28 − 2·5 = 18;
    // Var = 8·7·21/18 = 65.33, z = 17/8.083 = 2.103, two-sided p = 2·(1 − 0.98228) = 0.0354 (normal table).
    const w = [3, 2, 1, 5, 4, 7, 6, 8];
    const units = [1, 2, 3, 3, ...w];
    const a = { site: 1, name: "weak", objects: units.map((u) => 1000 * u), bytes: units.map((u) => 80_000 * u), allocObjects: 8000 };
    const [t] = siteTrends(input([a]));
    expect(t?.points).toBe(8);
    expect(t?.pValue).toBeCloseTo(0.0354, 3);
    expect(leakSuspects(input([a]))).toEqual([]);
    // The same rise without the inversions is one.
    const b = { ...a, bytes: [1, 2, 3, 3, 1, 2, 3, 4, 5, 6, 7, 8].map((u) => 80_000 * u) };
    expect(leakSuspects(input([b])).map((s) => s.name)).toEqual(["weak"]);
  });

  test("floating garbage: the same rise, freed by the final collection, is not a suspect", () => {
    const g = rising(1, "garbage", 12);
    g.bytes[11] = 0;
    g.objects[11] = 0;
    const other = rising(2, "kept", 12, 10); // something else is live, so the heap is not empty
    expect(leakSuspects(input([g, other])).map((s) => s.name)).toEqual(["kept"]);
    expect(at(siteTrends(input([g, other])), 0).netGrowth).toBeLessThan(0);
  });

  test("immaterial: a rise below 1% of the live heap is not a suspect", () => {
    const tiny = rising(1, "tiny", 12, 1); // 880 bytes of growth over the window
    const big = { site: 2, name: "big", objects: new Array<number>(12).fill(1), bytes: new Array<number>(12).fill(100_000), allocObjects: 1 };
    expect(leakSuspects(input([tiny, big]))).toEqual([]);
    // The same growth in a heap 100 times smaller is material.
    expect(leakSuspects(input([tiny, { ...big, bytes: new Array<number>(12).fill(500) }])).map((s) => s.name)).toEqual(["tiny"]);
  });

  test("confined to the warm-up: a build-up in the first third, flat after it, is not a suspect", () => {
    const b = { site: 1, name: "warm", objects: [100, 200, 300, 400, 400, 400, 400, 400, 400, 400, 400, 400], bytes: [8e3, 16e3, 24e3, 32e3, 32e3, 32e3, 32e3, 32e3, 32e3, 32e3, 32e3, 32e3], allocObjects: 400 };
    expect(leakSuspects(input([b]))).toEqual([]);
  });
});

describe("memlab's middle-third signal", () => {
  const short = rising(1, "s", 5); // 5 cycles: 4 after warm-up, too few for the trend
  const middle = (objects: number) => new Map([[1, { objects, bytes: 80 * objects }]]);

  test("too few cycles for a trend: flagged by middle-third survivors in a site that keeps what it allocates", () => {
    const [s] = leakSuspects(input([short], { middle: middle(1700) }));
    expect(s).toMatchObject({ name: "s", signals: ["middle-third"], cycles: 4, pValue: 1, middleThirdObjects: 1700 });
  });

  test("not when the site keeps less than half of what it allocated, or survivors are under 10% of its live objects", () => {
    expect(leakSuspects(input([{ ...short, allocObjects: 5000 / 0.4 }], { middle: middle(1700) }))).toEqual([]);
    expect(leakSuspects(input([short], { middle: middle(499) }))).toEqual([]);
    expect(leakSuspects(input([short], { middle: null }))).toEqual([]);
  });
});

describe("no steady state, no verdict", () => {
  test("a run that kept ≥ 90% of the bytes it allocated only built something", () => {
    const a = rising(1, "built", 12);
    // 960,000 live bytes: of 1,066,666 allocated that is 90.00006%, of 1,066,667 it is 89.99997%.
    expect(leakSuspects(input([a], { allocated: 1_066_666 }))).toEqual([]);
    expect(leakSuspects(input([a], { allocated: 1_066_667 })).map((s) => s.name)).toEqual(["built"]);
  });
});

describe("ranking", () => {
  test("by retained growth: entries (fewer bytes, each retaining its value) before values; a growing array of one object last", () => {
    const entry = { ...rising(1, "entry", 12), bytes: range(12, (i) => 48 * 1000 * (i + 1)), retainedBytes: 12_000 * (48 + 144) };
    const value = { ...rising(2, "value", 12), bytes: range(12, (i) => 144 * 1000 * (i + 1)), retainedBytes: 12_000 * 144 };
    const buckets = { site: 3, name: "buckets", objects: new Array<number>(12).fill(1), bytes: range(12, (i) => 4096 * 2 ** Math.floor(i / 2)), allocObjects: 2, retainedBytes: 12_000 * 192 + 131_072 };
    const ranked = leakSuspects(input([value, buckets, entry]));
    expect(ranked.map((s) => s.name)).toEqual(["entry", "value", "buckets"]);
  });
});

// ── On a real run ─────────────────────────────────────────────────────────

const job = (scenario: string, barrier: Job["barrier"], analysis: boolean): Job => ({ scenario, barrier, params: {}, seed: 1, build: "release", verify: false, analysis });

describe("the analysis reads, never writes", () => {
  for (const barrier of ["hybrid", "stw"] as const) {
    test(`${barrier}: leaky-cache with and without analysis (and epoch tracking) has identical counters`, async () => {
      const on = await runJob(job("leaky-cache", barrier, true));
      const off = await runJob(job("leaky-cache", barrier, false));
      if (!on.ok || !off.ok) throw new Error("the runs should succeed");
      expect(on.result.leaks?.length).toBeGreaterThan(0);
      expect(off.result.leaks).toBeUndefined();
      const counters = (r: typeof on.result) => ({
        gc: { ...r.gc, pauses: { count: r.gc.pauses.count }, stackPauses: { count: r.gc.stackPauses.count, totalWords: r.gc.stackPauses.totalWords } },
        stwWork: r.gc.stwWork, barrier: r.barrier, heap: r.heap, verify: r.verify, result: r.result, output: r.output,
        cycles: r.cycles.map((c) => ({ cycle: c.cycle, heapMarkedBytes: c.heapMarkedBytes, markedObjects: c.markedObjects, heapGoalBytes: c.heapGoalBytes, assistWords: c.assistWords, backgroundWords: c.backgroundWords, barrierCalls: c.barrierCalls, mutatorUnits: c.mutatorUnits })),
      });
      expect(counters(on.result)).toEqual(counters(off.result));
    });
  }
});

describe("--json", () => {
  test("examples/sessions.js: sites, leaks and retainers at the top level; the suspect's path as the issue writes it", () => {
    const r = cli("run", "examples/sessions.js", "--users", "60000", "--json");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { sites: { name: string; allocObjects: number; liveObjects: number }[]; leaks: { name: string; paths: { text: string; steps: unknown[]; length: number }[] }[]; retainers: { name: string; kind: string }[] };
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(["sites", "leaks", "retainers"]));
    expect(doc.sites.find((s) => s.name === "sessions.entry")).toMatchObject({ allocObjects: 60_000, liveObjects: 60_000 });
    expect(at(doc.leaks, 0).name).toBe("sessions.entry");
    const p = at(at(doc.leaks, 0).paths, 0);
    expect(p.text).toMatch(/^global\[0\] → sessions\.head\.0 → sessions\.entry\.0 → \(× [\d,]+ sessions\.entry\.0\) → sessions\.entry$/);
    expect(p.steps.length).toBe(128); // ends only: the path is tens of thousands of steps long
    expect(p.length).toBeGreaterThan(128);
    expect(doc.retainers.map((t) => [t.kind, t.name])).toContainEqual(["object", "sessions.head"]);
  });
});
