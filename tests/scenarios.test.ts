/**
 * The scenario library: every registered scenario runs (with its defaults
 * and with small parameters) on the debug core, loses nothing, keeps the heap
 * intact, and shows the invariant it exists to show — exact output for the
 * benchmarks, bounded sizes for the caches and the queue, leak growth where
 * there is a leak and none where there is not, and exactly the expected
 * survivors after forced collections.
 *
 * Figures come from the scenario's structured result (ctx.result, `r.result`)
 * and from the engine's own counters, never from parsing printed prose. An
 * expected value is computed independently of the scenario: a closed form
 * of its parameters, the Benchmarks Game spec (./binary-trees-spec.ts), Go's
 * size classes (./helpers.ts) or Go's append growth rule written out here.
 * What a scenario already enforces by throwing is not asserted again: a
 * failed run fails the test by itself.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { scenarios } from "../src/scenarios/index.js";
import { cycleTrend } from "../src/scenario/toolkit.js";
import type { EngineOptions } from "../src/engine/engine.js";
import { binaryTreesLines, binaryTreesResult, nodes } from "./binary-trees-spec.js";
import { expectedSlotBytes, HEADER } from "./helpers.js";

/** Runs `name` on the debug core and checks what every run must satisfy. */
async function run(name: string, params: Record<string, number> = {}, engine: EngineOptions = {}): Promise<RunResult> {
  const scenario = scenarios.get(name);
  expect(scenario, `scenario ${name} is registered`).toBeDefined();
  const result = await runScenario(scenario!, (o) => loadEngine({ ...o, build: "debug" }), { params, engine, build: "debug" });
  expect(result.verify.lostObjects).toBe(0);
  expect(result.verify.integrityErrors).toBe(0);
  expect(result.verify.reachableObjects).toBe(result.heap.liveObjects);
  return result;
}

/** The number the scenario reported as `key` (or `key`.`inner`); fails the test if it is missing or not a number. */
function num(r: RunResult, key: string, inner?: string): number {
  const top = r.result[key];
  const value = inner === undefined ? top : typeof top === "object" ? top[inner] : undefined;
  expect(typeof value, `result.${key}${inner === undefined ? "" : "." + inner} in ${JSON.stringify(r.result)}`).toBe("number");
  return value as number;
}

/** Objects every run allocated and freed, from the engine's counters (the runner's final sweep included). */
const allocs = (r: RunResult) => ({ allocated: r.heap.objectsAllocated, freed: r.heap.objectsFreed });

/** Slot bytes of a Node of GCBench (two pointers, i and j) from Go's size classes: 8 + 8 + 8 = 24 bytes. */
const GCBENCH_NODE = expectedSlotBytes(2, 8);

/** Each blocked worker's stack: the engine's initial goroutine stack, 8 KiB (4 frames of 4 slots never grow it). */
const STACK_BYTES = 8192;

/** GCBench's lines, from its formulas: NumIters(d) = 2·TreeSize(stretch)/TreeSize(d), integer division. */
function gcbenchLines(stretch: number, longLived: number, array: number, min: number, max: number): string[] {
  const k = Math.min(1000, Math.floor(array / 2) - 1);
  const lines = [
    "Garbage Collector Test",
    ` Live storage will peak at ${2 * GCBENCH_NODE * nodes(longLived) + 8 * array} bytes.`,
    ` Stretching memory with a binary tree of depth ${stretch}`,
    ` Creating a long-lived binary tree of depth ${longLived}`,
    ` Creating a long-lived array of ${array} doubles`,
  ];
  for (let d = min; d <= max; d += 2) {
    lines.push(`Creating ${Math.floor((2 * nodes(stretch)) / nodes(d))} trees of depth ${d}`, "\tTop down construction", "\tBottom up construction");
  }
  lines.push(` Long-lived tree of depth ${longLived} still alive: ${nodes(longLived)} nodes`, ` Long-lived array still alive: array[${k}] == 1.0/${k}`);
  return lines;
}

describe("the registry", () => {
  const names = ["binary-trees", "churn", "gcbench", "lru-cache", "leaky-cache", "goroutine-leak", "producer-consumer", "slice-append", "map-indirection", "deep-nesting", "array-slice", "escape"];

  it("holds every scenario, each with documented parameters and defaults in range", () => {
    expect([...scenarios.keys()].sort()).toEqual([...names].sort());
    for (const s of scenarios.values()) {
      expect(s.description.length, s.name).toBeGreaterThan(10);
      for (const p of s.params) {
        expect(p.description.length, `${s.name} --${p.name}`).toBeGreaterThan(5);
        if (p.min !== undefined) expect(p.default, `${s.name} --${p.name}`).toBeGreaterThanOrEqual(p.min);
        if (p.max !== undefined) expect(p.default, `${s.name} --${p.name}`).toBeLessThanOrEqual(p.max);
      }
    }
  });

  // Defaults must stay small (each runs in about a second or less on this machine).
  it.each(names)("%s runs with its defaults, printing its invariants and reporting them as a result", async (name) => {
    const r = await run(name);
    expect(r.output.length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(r.result).length).toBeGreaterThanOrEqual(3);
    expect(r.gc.cycles).toBeGreaterThan(1);
  });
});

describe("benchmarks print their reference output", () => {
  it("binary-trees at depth 10", async () => {
    const r = await run("binary-trees", { depth: 10 });
    expect(r.output).toEqual(binaryTreesLines(10));
    expect(r.result).toEqual(binaryTreesResult(10));
  });

  it("gcbench with GCBench's own parameters (stretch 18, long-lived 16, 500000 doubles, depths 4…16)", async () => {
    const r = await run("gcbench");
    expect(r.output).toEqual(gcbenchLines(18, 16, 500_000, 4, 16));
    expect(r.output[5]).toBe("Creating 33824 trees of depth 4"); // the published figure
    expect(num(r, "iterations", "4")).toBe(33824);
    expect(num(r, "iterations", "16")).toBe(Math.floor((2 * nodes(18)) / nodes(16)));
    expect([num(r, "longLivedNodes"), num(r, "arrayIndex")]).toEqual([nodes(16), 1000]);
    // At the end only the long-lived tree and array are live.
    expect(r.heap.liveObjects).toBe(nodes(16) + 1);
    expect(r.gc.cycles).toBeGreaterThan(10);
  });

  it("gcbench scaled down keeps the formulas", async () => {
    const p = { stretch: 12, "long-lived": 10, array: 3000, "min-depth": 3, "max-depth": 9 };
    const r = await run("gcbench", p);
    expect(r.output).toEqual(gcbenchLines(12, 10, 3000, 3, 9));
    expect(num(r, "livePeakBytes")).toBe(2 * GCBENCH_NODE * nodes(10) + 8 * 3000);
  });
});

describe("caches", () => {
  it("lru-cache: size never exceeds capacity and the live heap is flat", async () => {
    const capacity = 3000;
    const steps = 120_000;
    const r = await run("lru-cache", { capacity, steps });
    expect(num(r, "capacity")).toBe(capacity);
    expect(num(r, "size")).toBe(capacity); // 120 000 requests over 6 000 keys fill it
    // Every request hits or misses; every miss inserts, so once full each miss evicts one.
    expect(num(r, "hits") + num(r, "misses")).toBe(steps);
    expect(num(r, "evictions")).toBe(num(r, "misses") - capacity);
    // About half the requests hit (6 000 keys, 3 000 cached); 10% of hits replace the value.
    expect(num(r, "hits") / steps).toBeGreaterThan(0.4);
    expect(num(r, "hits") / steps).toBeLessThan(0.6);
    expect(num(r, "updates") / num(r, "hits")).toBeGreaterThan(0.08);
    expect(num(r, "updates") / num(r, "hits")).toBeLessThan(0.12);
    const live = cycleTrend(r.cycles);
    expect(live.length).toBeGreaterThanOrEqual(6);
    const half = Math.floor(live.length / 2);
    // No leak: the second half of the run holds no more than the first.
    expect(Math.max(...live.slice(half))).toBeLessThanOrEqual(1.05 * Math.max(...live.slice(0, half)));
    // What stays live is the cache: entries + values + buckets + the cache object.
    expect(r.heap.liveObjects).toBe(2 * capacity + 2);
  });

  it("leaky-cache: the live heap grows after every cycle", async () => {
    const entries = 40_000;
    const r = await run("leaky-cache", { entries });
    const live = cycleTrend(r.cycles);
    expect(live.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < live.length; i++) expect(live[i]).toBeGreaterThan(live[i - 1]!);
    expect(live[live.length - 1]).toBeGreaterThan(3 * live[0]!);
    expect([num(r, "cycles"), num(r, "risingCycles")]).toEqual([live.length, live.length - 1]);
    expect([num(r, "firstLiveBytes"), num(r, "lastLiveBytes")]).toEqual([live[0], live[live.length - 1]]);
    // Nothing was evicted: every entry and value is still live, and every lookup (2 per request) hits.
    expect(r.heap.liveObjects).toBe(2 * entries + 2);
    expect(num(r, "lookupsHit")).toBe(2 * entries);
    // The map doubles from 16 buckets while it holds more than 4 entries per bucket.
    let buckets = 16;
    while (4 * buckets < entries) buckets *= 2;
    expect([num(r, "buckets"), num(r, "doublings")]).toEqual([buckets, Math.log2(buckets / 16)]);
    expect(r.output.filter((l) => /^cycle \d+: live/.test(l))).toHaveLength(live.length);
  });
});

describe("goroutine-leak", () => {
  const params = { requests: 30_000, "leak-percent": 5 };

  it("leaks one blocked goroutine per timed-out request, and its stack", async () => {
    const r = await run("goroutine-leak", { ...params, fixed: 0 });
    const timedOut = num(r, "timedOut");
    expect(timedOut).toBeGreaterThan(1000);
    expect(num(r, "answered") + timedOut).toBe(params.requests);
    expect(r.heap.stackBytes).toBe(timedOut * STACK_BYTES);
    const stacks = cycleTrend(r.cycles, "stackBytes");
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < stacks.length; i++) expect(stacks[i]).toBeGreaterThan(stacks[i - 1]!);
    expect(r.cycles[r.cycles.length - 1]!.stackBytes).toBe(timedOut * STACK_BYTES);
    expect(r.heap.liveObjects).toBe(4 * timedOut); // each blocked worker holds its request, body, channel and result
  });

  it("with fixed = 1 no goroutine is left and the stacks stay flat", async () => {
    const r = await run("goroutine-leak", { ...params, fixed: 1 });
    // Handlers still time out; the buffered channel lets their workers exit.
    expect(num(r, "timedOut")).toBeGreaterThan(1000);
    expect(num(r, "answered") + num(r, "timedOut")).toBe(params.requests);
    const stacks = cycleTrend(r.cycles, "stackBytes");
    expect(Math.max(...stacks)).toBeLessThanOrEqual(2 * Math.min(...stacks));
    expect(r.cycles[r.cycles.length - 1]!.stackBytes).toBe(0);
    expect(r.heap.liveObjects).toBe(0);
  });
});

describe("producer-consumer", () => {
  it("keeps the queue within capacity and consumes everything produced", async () => {
    const items = 50_000;
    const r = await run("producer-consumer", { items, capacity: 128, burst: 100 });
    expect(num(r, "capacity")).toBe(128);
    expect(num(r, "maxQueueLength")).toBe(128); // the bursts do fill it …
    expect(num(r, "blockedSends")).toBeGreaterThan(0); // … and block the producers
    // The queue, then per item its payload, the item and the consumer's result: all freed but the (empty) queue.
    expect(allocs(r)).toEqual({ allocated: 1 + 3 * items, freed: 3 * items });
    expect(r.heap.liveObjects).toBe(1);
  });
});

/** runtime.nextslicecap (Go 1.20+): double below 256 elements, then grow by (cap + 3·256)/4 until it fits. */
function goNextSliceCap(newLen: number, oldCap: number): number {
  if (newLen > 2 * oldCap) return newLen;
  if (oldCap < 256) return 2 * oldCap;
  let cap = oldCap;
  do cap += (cap + 3 * 256) >> 2;
  while (cap < newLen);
  return cap;
}

/** How many times append grows one slice of pointers from empty to `length`, each new capacity rounded up to its size class (roundupsize). */
function goGrowths(length: number): number {
  let cap = 0;
  let growths = 0;
  for (let len = 0; len < length; len++) {
    if (len < cap) continue;
    cap = Math.floor((expectedSlotBytes(goNextSliceCap(len + 1, cap), 0) - HEADER) / 4);
    growths++;
  }
  return growths;
}

describe("slice-append", () => {
  it("ends at the requested length with every old backing array freed", async () => {
    const slices = 3;
    const length = 20_000; // arrays beyond 8190 elements are large objects
    const r = await run("slice-append", { slices, length });
    expect([num(r, "slices"), num(r, "length")]).toEqual([slices, length]);
    const growths = num(r, "growths");
    expect(growths).toBe(slices * goGrowths(length));
    // Every growth but each slice's first abandons the array before it.
    expect(num(r, "abandoned")).toBe(growths - slices);
    expect(num(r, "abandoned")).toBeGreaterThan(slices * 10);
    expect(num(r, "abandonedLarge")).toBeGreaterThan(0);
    // The table, the headers, the elements and every array ever made; all freed but the last array of each slice.
    // (So 1 + 2·slices + slices·length live: the scenario checks that count itself.)
    expect(allocs(r)).toEqual({ allocated: 1 + slices + slices * length + growths, freed: growths - slices });
  });
});

describe("runtime tests from golang/go gc_test.go", () => {
  it("map-indirection: all keys found after many collections at GOGC=1", async () => {
    // Enough entries that Go's pacer (goal ≥ heapLive + 1 MiB of sweep distance after each cycle) still collects often.
    const entries = 5000;
    const r = await run("map-indirection", { entries });
    expect(num(r, "collectionsWhileInserting")).toBeGreaterThan(10);
    // Go's load factor 6.5: the map doubles from 1 bucket until 6.5 × buckets ≥ entries.
    let buckets = 1;
    while (6.5 * buckets < entries) buckets *= 2;
    expect([num(r, "buckets"), num(r, "growths")]).toEqual([buckets, Math.log2(buckets)]);
    // Every key and value (2 objects each), the bucket objects (8 entries each at most), the buckets array and the map header.
    const bucketObjects = num(r, "bucketObjects");
    expect(bucketObjects).toBeGreaterThanOrEqual(Math.ceil(entries / 8));
    expect(r.heap.liveObjects).toBe(2 * entries + bucketObjects + 2);
  });

  it("deep-nesting: the value at the bottom of a deep chain survives", async () => {
    const depth = 20_000;
    const gcEvery = 2000;
    const r = await run("deep-nesting", { depth, "gc-every": gcEvery });
    // A collection at every multiple of gc-every below depth: 9.
    const mid = Math.floor((depth - 1) / gcEvery);
    expect([num(r, "depth"), num(r, "collections"), num(r, "value")]).toEqual([depth, mid, 13]);
    // runtime.GC() in part 1, the mid-build ones, the final one, and the runner's.
    expect(r.gc.forcedCycles).toBe(1 + mid + 1 + 1);
    // T and its int, the chain's depth levels and its int: all still live, nothing ever freed.
    expect(allocs(r)).toEqual({ allocated: depth + 3, freed: 0 });
  });

  it("array-slice: the Go test as written (10 nodes, a GC after each)", async () => {
    const r = await run("array-slice", { nodes: 10, "gc-every": 1, stride: 1 });
    expect([num(r, "nodes"), num(r, "collections"), num(r, "kept")]).toEqual([10, 10, 9]);
    // One runtime.GC() per X, the one before the walk, the one after dropping the list, and the runner's.
    expect(r.gc.forcedCycles).toBe(10 + 3);
    // 10 Xs and 10 bufs, then the table: the Xs and the first buf (it has no slice pointing at it) are freed.
    expect(allocs(r)).toEqual({ allocated: 21, freed: 11 });
  });

  it("array-slice: kept slices outlive their list", async () => {
    const nodes = 20_000;
    const kept = Math.floor((nodes - 1) / 7);
    const r = await run("array-slice", { nodes, stride: 7 });
    expect(num(r, "kept")).toBe(kept);
    expect(allocs(r)).toEqual({ allocated: 2 * nodes + 1, freed: 2 * nodes - kept });
  });
});

describe("escape", () => {
  it("only the escaped objects survive the final collection", async () => {
    const calls = 40_000;
    const r = await run("escape", { calls, "escape-percent": 5 });
    const allocated = calls * 2; // 2 locals per call, the default
    expect(num(r, "allocated")).toBe(allocated);
    const escaped = num(r, "escaped");
    expect(escaped).toBeGreaterThan(0.03 * allocated);
    expect(escaped).toBeLessThan(0.07 * allocated);
    // The list header, then every local; all freed but the escaped ones.
    expect(allocs(r)).toEqual({ allocated: 1 + allocated, freed: allocated - escaped });
  });

  it("nothing escapes at 0%", async () => {
    const r = await run("escape", { calls: 20_000, "escape-percent": 0 });
    expect(num(r, "escaped")).toBe(0);
    expect(allocs(r)).toEqual({ allocated: 1 + 2 * 20_000, freed: 2 * 20_000 });
  });
});

describe("under the hybrid barrier (concurrent mark, verified at every mark termination)", () => {
  const hybrid: EngineOptions = { barrier: "hybrid", verifyEachCycle: true, markQuantum: 256 };

  it("lru-cache", async () => {
    const r = await run("lru-cache", { capacity: 2000, steps: 60_000 }, hybrid);
    expect(r.gc.cycles).toBeGreaterThan(3);
    expect(num(r, "size")).toBe(2000);
    expect(num(r, "hits") + num(r, "misses")).toBe(60_000);
    expect(r.heap.liveObjects).toBe(2 * 2000 + 2);
  });

  it("producer-consumer", async () => {
    const r = await run("producer-consumer", { items: 30_000, capacity: 64 }, hybrid);
    expect(allocs(r)).toEqual({ allocated: 1 + 3 * 30_000, freed: 3 * 30_000 });
  });

  it("goroutine-leak", async () => {
    const r = await run("goroutine-leak", { requests: 10_000 }, hybrid);
    const timedOut = num(r, "timedOut");
    expect(num(r, "answered") + timedOut).toBe(10_000);
    expect(r.heap.stackBytes).toBe(timedOut * STACK_BYTES);
    expect(r.heap.liveObjects).toBe(4 * timedOut);
  });

  it("escape and gcbench (scaled down)", async () => {
    const e = await run("escape", { calls: 20_000 }, hybrid);
    const escaped = num(e, "escaped");
    expect(escaped).toBeGreaterThan(0.08 * 40_000); // 10%, the default
    expect(escaped).toBeLessThan(0.12 * 40_000);
    expect(allocs(e)).toEqual({ allocated: 1 + 40_000, freed: 40_000 - escaped });
    const g = await run("gcbench", { stretch: 12, "long-lived": 10, array: 3000, "max-depth": 10 }, hybrid);
    expect(g.output).toEqual(gcbenchLines(12, 10, 3000, 4, 10));
    expect(g.heap.liveObjects).toBe(nodes(10) + 1);
  });
});
