/**
 * The scenario toolkit (src/scenario/toolkit.ts, src/scenario/heap-map.ts)
 * and the context's randomInt and result: each helper against a model or a
 * closed form, and the in-heap hash map against a JS Map while the collector
 * runs concurrently and the verifier checks every mark termination.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, ScenarioError } from "../src/run/run.js";
import { jsonReport } from "../src/report/text.js";
import { mergeResult, seededRandom, type ScenarioContext, type ScenarioResult } from "../src/scenario/scenario.js";
import { HEAP_HEADROOM, HEAP_SLACK, cycleTrend, heapFor, kib, pacedCycles, progressMeter, rises, stepped } from "../src/scenario/toolkit.js";
import { HeapMap, MAX_BUCKETS, bucketsFor } from "../src/scenario/heap-map.js";
import { DEFAULT_MAX_HEAP, MAX_HEAP_LIMIT, type CycleRecord } from "../src/engine/engine.js";
import { engine, expectVerifyClean, thrown } from "./helpers.js";

const MiB = 2 ** 20;
const debug = (o: object) => loadEngine({ ...o, build: "debug" });

describe("ctx.result", () => {
  it("merges flat and one-level nested numbers, strings and booleans; a later key replaces an earlier one", () => {
    const into: ScenarioResult = {};
    mergeResult(into, { a: 1, b: "x", c: true, nested: { d: 4 } });
    mergeResult(into, { a: 2, nested: { e: "y" } });
    expect(into).toEqual({ a: 2, b: "x", c: true, nested: { e: "y" } });
  });

  it.each([
    ["NaN", { a: NaN }, "a"],
    ["Infinity", { a: Infinity }, "a"],
    ["undefined", { a: undefined }, "a"],
    ["null", { a: null }, "a"],
    ["an array", { a: [1, 2] }, "a"],
    ["a function", { a: () => 1 }, "a"],
    ["two levels of nesting", { a: { b: { c: 1 } } }, "a.b"],
    ["NaN one level down", { a: { b: NaN } }, "a.b"],
  ])("refuses %s, naming the key", (_, fields, key) => {
    const into: ScenarioResult = {};
    const err = thrown(() => mergeResult(into, fields as unknown as ScenarioResult));
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toContain(key);
  });

  it("reaches RunResult.result and the --json document, and survives a failed step", async () => {
    const ok = stepped<{ n: number }>({
      name: "reports",
      description: "reports a result",
      params: [],
      steps: () => 3,
      setup: () => ({ n: 0 }),
      step: (_ctx, s) => void s.n++,
      teardown: (ctx, s) => ctx.result({ steps: s.n, depth: { "4": 16 } }),
    });
    const r = await runScenario(ok, debug);
    expect(r.result).toEqual({ steps: 3, depth: { "4": 16 } });
    expect(JSON.parse(jsonReport(r)).result).toEqual({ steps: 3, depth: { "4": 16 } });

    const failing = stepped<null>({
      name: "fails",
      description: "reports, then fails",
      params: [],
      steps: () => 10,
      setup: (ctx) => (ctx.result({ before: true }), null),
      step: (_ctx, _s, i) => {
        if (i === 4) throw new Error("boom");
      },
    });
    const err = await runScenario(failing, debug).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).step).toBe(4);
    expect((err as ScenarioError).result.result).toEqual({ before: true });
  });
});

describe("ctx.randomInt", () => {
  it("is Math.floor(random() * n) over the run's seeded sequence, one draw each", async () => {
    const drawn: number[] = [];
    await runScenario(
      { name: "draws", description: "draws integers", params: [], run: (ctx) => void drawn.push(...[10, 1, 1000, 7, 2 ** 32].map((n) => ctx.randomInt(n))) },
      debug,
      { seed: 42 },
    );
    const random = seededRandom(42);
    expect(drawn).toEqual([10, 1, 1000, 7, 2 ** 32].map((n) => Math.floor(random() * n)));
    expect(drawn[1]).toBe(0);
  });
});

describe("stepped", () => {
  /** A scenario that counts its steps in its state and reports the count. */
  const counting = stepped<{ steps: number; g: number }>({
    name: "counting",
    description: "counts steps in typed state",
    params: [{ name: "n", description: "steps to run", type: "int", default: 5 }],
    steps: (p) => p.n ?? 0,
    setup: (ctx) => ({ steps: 0, g: ctx.engine.spawn() }),
    step(ctx, s) {
      ctx.engine.allocPush(s.g, 0, 16, 0);
      ctx.engine.drop(s.g);
      s.steps++;
    },
    teardown: (ctx, s) => ctx.result({ steps: s.steps }),
  });

  it("gives every run its own state, even two runs of one scenario at once", async () => {
    const [a, b] = await Promise.all([runScenario(counting, debug, { params: { n: 300 } }), runScenario(counting, debug, { params: { n: 7 } })]);
    expect(a.result).toEqual({ steps: 300 });
    expect(b.result).toEqual({ steps: 7 });
    expect(a.heap.objectsAllocated).toBe(300);
  });

  it("gets the runner's progress: increasing fractions in [0, 1), at most 200 of them", async () => {
    const seen: number[] = [];
    await runScenario(counting, debug, { params: { n: 10_000 }, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.length).toBeLessThanOrEqual(200);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBeLessThan(1);
  });
});

describe("progressMeter", () => {
  /** The fractions a meter over `total` passes on when called with 0, 1, … total. */
  function fractions(total: number, points?: number): number[] {
    const seen: number[] = [];
    const ctx = { progress: (f: number) => seen.push(f) } as unknown as ScenarioContext;
    const meter = progressMeter(ctx, total, points);
    for (let done = 0; done <= total; done++) meter(done);
    return seen;
  }

  it("passes on about `points` increasing fractions, from 0 to 1", () => {
    const seen = fractions(10_000);
    expect(seen).toHaveLength(101); // every 100th: 0, 100, … 10 000
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(fractions(10_000, 10)).toHaveLength(11);
  });

  it("reports every call when there are fewer than `points` units, and 1 for an empty loop", () => {
    expect(fractions(3)).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(fractions(0)).toEqual([1]);
  });
});

describe("heapFor", () => {
  it("leaves small runs to the default heap (1 GiB) and the user's --max-heap", () => {
    expect(heapFor(0)).toEqual({});
    expect(heapFor(300 * MiB)).toEqual({}); // 300 × 2 × 1.25 + 64 = 814 MiB
    expect(DEFAULT_MAX_HEAP).toBe(2 ** 30);
  });

  it("sizes the heap as live × (1 + GOGC/100) × 1.25 + 64 MiB, in whole MiB", () => {
    expect(HEAP_HEADROOM).toBe(1.25);
    expect(HEAP_SLACK).toBe(64 * MiB);
    expect(heapFor(500 * MiB)).toEqual({ maxHeap: (500 * 2 * 1.25 + 64) * MiB });
    expect(heapFor(800 * MiB, 1)).toEqual({ maxHeap: Math.ceil(800 * 1.01 * 1.25 + 64) * MiB });
    expect(heapFor(700 * MiB, 0)).toEqual({}); // 700 × 1.25 + 64 = 939 MiB
    expect(heapFor(800 * MiB, 0)).toEqual({ maxHeap: (800 * 1.25 + 64) * MiB });
  });

  it("never asks for more than the engine can hold (MAX_HEAP_LIMIT, 3 GiB)", () => {
    expect(heapFor(2 ** 40)).toEqual({ maxHeap: MAX_HEAP_LIMIT });
    expect(MAX_HEAP_LIMIT).toBe(3 * 2 ** 30);
  });
});

describe("cycle trends", () => {
  /** Cycle records with only the figures the trend reads. */
  const cycles = (...rows: [forced: boolean, live: number][]): CycleRecord[] =>
    rows.map(([forced, heapMarkedBytes], i) => ({ cycle: i + 1, forced, heapMarkedBytes, stackBytes: 10 * i }) as CycleRecord);

  it("keeps the cycles the pacer started, leaving runtime.GC() out", () => {
    const cs = cycles([false, 5], [true, 1], [false, 7], [true, 2]);
    expect(pacedCycles(cs).map((c) => c.cycle)).toEqual([1, 3]);
    expect(cycleTrend(cs)).toEqual([5, 7]);
    expect(cycleTrend(cs, "stackBytes")).toEqual([0, 20]);
  });

  it("samples evenly from the first to the last when asked for fewer points", () => {
    const cs = cycles(...Array.from({ length: 21 }, (_, i) => [false, i] as [boolean, number]));
    expect(cycleTrend(cs, "heapMarkedBytes", 5)).toEqual([0, 5, 10, 15, 20]);
    expect(cycleTrend(cs, "heapMarkedBytes", 50)).toHaveLength(21);
    expect(() => cycleTrend(cs, "heapMarkedBytes", 1)).toThrow(RangeError);
  });

  it("counts the cycles that rose above the one before", () => {
    expect(rises([1, 2, 3, 4])).toBe(3);
    expect(rises([4, 4, 5, 1, 2])).toBe(2);
    expect(rises([])).toBe(0);
    expect(kib(1536)).toBe("2");
  });
});

describe("HeapMap", () => {
  const KEY_WORD = 2; // entries: [value, chain] + key
  const CHAIN = 1;

  it("bucketsFor: powers of two from 16 that hold one entry per bucket, at most MAX_BUCKETS", () => {
    expect([bucketsFor(1), bucketsFor(16), bucketsFor(17), bucketsFor(3000), bucketsFor(2 ** 30)]).toEqual([16, 16, 32, 4096, MAX_BUCKETS]);
    expect(MAX_BUCKETS).toBe(2 ** 19);
  });

  it("refuses a table that is not a power of two within range", async () => {
    const e = await engine({ maxHeap: 16 * MiB });
    for (const buckets of [0, 1, 12, 2 * MAX_BUCKETS]) {
      expect(() => new HeapMap(e, { holder: () => e.getGlobal(0), slot: 0, chain: CHAIN, keyWord: KEY_WORD, buckets, loadFactor: 4, site: 0 })).toThrow(RangeError);
    }
  });

  it("agrees with a JS Map through inserts, removals, lookups and doublings while the collector runs", async () => {
    const e = await engine({ barrier: "hybrid", verifyEachCycle: true, markQuantum: 64, maxHeap: 8 * MiB, gogc: 25 });
    const g = e.spawn();
    e.setGlobal(0, e.alloc(1, 0));
    const map = new HeapMap(e, { holder: () => e.getGlobal(0), slot: 0, chain: CHAIN, keyWord: KEY_WORD, buckets: 2, loadFactor: 2, site: e.site("test.buckets") });
    map.create(g);
    const model = new Map<number, number>(); // key → value written into its entry's scalar word
    const random = seededRandom(9);
    let grows = 0;
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      e.allocPush(g, 0, 1024, 0); // garbage, so that the collector keeps running
      e.drop(g);
      const key = Math.floor(random() * 5000);
      const entry = map.get(key);
      expect(entry === 0, `key ${key} at step ${i}`).toBe(!model.has(key));
      if (entry !== 0) {
        expect(e.word(entry, KEY_WORD + 1)).toBe(model.get(key));
        if (random() < 0.5) {
          map.remove(entry);
          model.delete(key);
        }
        continue;
      }
      const fresh = e.allocPush(g, 2, 8, 0); // the entry waits on g's stack while the map may grow
      e.setUint32(fresh, 0, key);
      e.setUint32(fresh, 4, i);
      map.insert(fresh);
      model.set(key, i);
      peak = Math.max(peak, model.size);
      if (map.growFor(g, model.size)) grows++;
      e.drop(g);
    }
    expect(map.count()).toBe(model.size);
    for (const [key, value] of model) expect(e.word(map.get(key), KEY_WORD + 1)).toBe(value);
    // Doubled from 2 buckets whenever the entries exceeded 2 per bucket: the fewest that held the peak.
    let buckets = 2;
    while (2 * buckets < peak) buckets *= 2;
    expect([map.buckets, grows]).toEqual([buckets, Math.log2(buckets / 2)]);
    expect(e.cycles.length).toBeGreaterThan(5);
    expect(e.cycles.every((c) => c.lostObjects === 0)).toBe(true);
    // What is live: the holder, the current buckets array and the entries still in the map.
    e.collect();
    expect(e.stats().markedObjects).toBe(2 + model.size);
    expectVerifyClean(e);
  });
});
