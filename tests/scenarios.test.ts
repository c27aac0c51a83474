/**
 * The scenario library: every registered scenario runs (with its defaults
 * and with small parameters) on the debug core, loses nothing, keeps the heap
 * intact, and shows the invariant it exists to show — exact output for the
 * benchmarks, bounded sizes for the caches and the queue, leak growth where
 * there is a leak and none where there is not, and exactly the expected
 * survivors after forced collections.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { scenarios } from "../src/scenarios/index.js";
import type { EngineOptions, Engine } from "../src/engine/engine.js";

interface Run extends RunResult {
  engine: Engine;
}

/** Runs `name` on the debug core and checks what every run must satisfy. */
async function run(name: string, params: Record<string, number> = {}, engine: EngineOptions = {}): Promise<Run> {
  const scenario = scenarios.get(name);
  expect(scenario, `scenario ${name} is registered`).toBeDefined();
  let handle: Engine | null = null;
  const result = await runScenario(scenario!, (o) => loadEngine({ ...o, build: "debug" }), {
    params,
    engine,
    build: "debug",
    onEngine: (e) => (handle = e),
  });
  expect(result.verify.lostObjects).toBe(0);
  expect(result.verify.integrityErrors).toBe(0);
  expect(result.verify.reachableObjects).toBe(result.heap.liveObjects);
  return { ...result, engine: handle! };
}

/** Live bytes after each cycle the pacer started (the runner's final forced collection left out). */
const liveTrend = (r: RunResult) => r.cycles.filter((c) => !c.forced).map((c) => c.heapMarkedBytes);

/** The numbers in a line of output, in order. */
const numbersOf = (line: string): number[] => [...line.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));

/** The numbers in the output line that starts with `prefix`. */
function numbersIn(r: RunResult, prefix: string): number[] {
  const line = r.output.find((l) => l.startsWith(prefix));
  expect(line, `a line starting with "${prefix}" in\n${r.output.join("\n")}`).toBeDefined();
  return numbersOf(line!);
}

const treeSize = (i: number) => 2 ** (i + 1) - 1;

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
  it.each(names)("%s runs with its defaults, printing its invariants", async (name) => {
    const r = await run(name);
    expect(r.output.length).toBeGreaterThanOrEqual(1);
    expect(r.gc.cycles).toBeGreaterThan(1);
  });
});

describe("benchmarks print their reference output", () => {
  it("binary-trees at depth 10", async () => {
    const n = 10;
    const r = await run("binary-trees", { depth: n });
    const want = [`stretch tree of depth ${n + 1}\t check: ${treeSize(n + 1)}`];
    for (let d = 4; d <= n; d += 2) {
      const iters = 2 ** (n - d + 4);
      want.push(`${iters}\t trees of depth ${d}\t check: ${iters * treeSize(d)}`);
    }
    want.push(`long lived tree of depth ${n}\t check: ${treeSize(n)}`);
    expect(r.output).toEqual(want);
  });

  /** GCBench's lines, from its formulas: NumIters(d) = 2·TreeSize(stretch)/TreeSize(d), integer division. */
  function gcbenchLines(stretch: number, longLived: number, array: number, min: number, max: number, nodeBytes: number): string[] {
    const k = Math.min(1000, Math.floor(array / 2) - 1);
    const lines = [
      "Garbage Collector Test",
      ` Live storage will peak at ${2 * nodeBytes * treeSize(longLived) + 8 * array} bytes.`,
      ` Stretching memory with a binary tree of depth ${stretch}`,
      ` Creating a long-lived binary tree of depth ${longLived}`,
      ` Creating a long-lived array of ${array} doubles`,
    ];
    for (let d = min; d <= max; d += 2) {
      lines.push(`Creating ${Math.floor((2 * treeSize(stretch)) / treeSize(d))} trees of depth ${d}`, "\tTop down construction", "\tBottom up construction");
    }
    lines.push(` Long-lived tree of depth ${longLived} still alive: ${treeSize(longLived)} nodes`, ` Long-lived array still alive: array[${k}] == 1.0/${k}`);
    return lines;
  }

  it("gcbench with GCBench's own parameters (stretch 18, long-lived 16, 500000 doubles, depths 4…16)", async () => {
    const r = await run("gcbench");
    const nodeBytes = r.engine.slotBytesFor(2, 8);
    expect(r.output).toEqual(gcbenchLines(18, 16, 500_000, 4, 16, nodeBytes));
    expect(r.output[5]).toBe("Creating 33824 trees of depth 4"); // the published figure
    // At the end only the long-lived tree and array are live.
    expect(r.heap.liveObjects).toBe(treeSize(16) + 1);
    expect(r.gc.cycles).toBeGreaterThan(10);
  });

  it("gcbench scaled down keeps the formulas", async () => {
    const p = { stretch: 12, "long-lived": 10, array: 3000, "min-depth": 3, "max-depth": 9 };
    const r = await run("gcbench", p);
    expect(r.output).toEqual(gcbenchLines(12, 10, 3000, 3, 9, r.engine.slotBytesFor(2, 8)));
  });
});

describe("caches", () => {
  it("lru-cache: size never exceeds capacity and the live heap is flat", async () => {
    const capacity = 3000;
    const r = await run("lru-cache", { capacity, steps: 120_000 });
    const [size, cap] = numbersIn(r, "final size");
    expect(cap).toBe(capacity);
    expect(size).toBeLessThanOrEqual(capacity);
    expect(size).toBe(capacity); // 120 000 requests over 6 000 keys fill it
    const live = liveTrend(r);
    expect(live.length).toBeGreaterThanOrEqual(6);
    const half = Math.floor(live.length / 2);
    // No leak: the second half of the run holds no more than the first.
    expect(Math.max(...live.slice(half))).toBeLessThanOrEqual(1.05 * Math.max(...live.slice(0, half)));
    // What stays live is the cache: entries + values + buckets + the cache object.
    expect(r.heap.liveObjects).toBe(2 * capacity + 2);
  });

  it("leaky-cache: the live heap grows after every cycle", async () => {
    const r = await run("leaky-cache", { entries: 40_000 });
    const live = liveTrend(r);
    expect(live.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < live.length; i++) expect(live[i]).toBeGreaterThan(live[i - 1]);
    expect(live[live.length - 1]).toBeGreaterThan(3 * live[0]);
    // Nothing was evicted: every entry and value is still live.
    expect(r.heap.liveObjects).toBe(2 * 40_000 + 2);
    expect(r.output.filter((l) => /^cycle \d+: live/.test(l))).toHaveLength(live.length);
  });
});

describe("goroutine-leak", () => {
  const params = { requests: 30_000, "leak-percent": 5 };

  it("leaks one blocked goroutine per timed-out request, and its stack", async () => {
    const r = await run("goroutine-leak", { ...params, fixed: 0 });
    const [, , timedOut] = numbersIn(r, "goroutine-leak");
    const [left] = numbersIn(r, "goroutines left blocked");
    expect(timedOut).toBeGreaterThan(1000);
    expect(left).toBe(timedOut);
    expect(r.engine.stats().goroutines).toBe(timedOut);
    const stacks = r.cycles.filter((c) => !c.forced).map((c) => c.stackBytes);
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < stacks.length; i++) expect(stacks[i]).toBeGreaterThan(stacks[i - 1]);
    expect(r.cycles[r.cycles.length - 1].stackBytes).toBeGreaterThanOrEqual(timedOut * 8192);
    expect(r.heap.liveObjects).toBe(4 * timedOut); // each blocked worker holds its request, body, channel and result
  });

  it("with fixed = 1 no goroutine is left and the stacks stay flat", async () => {
    const r = await run("goroutine-leak", { ...params, fixed: 1 });
    const [left] = numbersIn(r, "goroutines left blocked");
    expect(left).toBe(0);
    expect(r.engine.stats().goroutines).toBe(0);
    const stacks = r.cycles.filter((c) => !c.forced).map((c) => c.stackBytes);
    expect(Math.max(...stacks)).toBeLessThanOrEqual(2 * Math.min(...stacks));
    expect(r.cycles[r.cycles.length - 1].stackBytes).toBe(0);
    expect(r.heap.liveObjects).toBe(0);
  });
});

describe("producer-consumer", () => {
  it("keeps the queue within capacity and consumes everything produced", async () => {
    const r = await run("producer-consumer", { items: 50_000, capacity: 128, burst: 100 });
    const [produced, consumed, left] = numbersIn(r, "produced");
    expect(produced).toBe(50_000);
    expect(consumed).toBe(50_000);
    expect(left).toBe(0);
    const [maxLen, cap, blocked] = numbersIn(r, "max queue length");
    expect(cap).toBe(128);
    expect(maxLen).toBeLessThanOrEqual(128);
    expect(maxLen).toBe(128); // the bursts do fill it …
    expect(blocked).toBeGreaterThan(0); // … and block the producers
    expect(r.heap.liveObjects).toBe(1); // only the (empty) queue
  });
});

describe("slice-append", () => {
  it("ends at the requested length with every old backing array freed", async () => {
    const slices = 3;
    const length = 20_000; // arrays beyond 8190 elements are large objects
    const r = await run("slice-append", { slices, length });
    const [n, len, lenEach] = numbersIn(r, "slice-append");
    expect([n, len, lenEach]).toEqual([slices, length, length]);
    const [, abandoned, , large] = numbersOf(r.output[1]); // "N growths; M old backing arrays abandoned (K KiB), L of them large"
    expect(r.output[1]).toMatch(/^\d+ growths; \d+ old backing arrays abandoned/);
    expect(abandoned).toBeGreaterThan(slices * 10);
    expect(large).toBeGreaterThan(0);
    expect(r.heap.liveObjects).toBe(1 + 2 * slices + slices * length);
  });
});

describe("runtime tests from golang/go gc_test.go", () => {
  it("map-indirection: all keys found after many collections at GOGC=1", async () => {
    // Enough entries that Go's pacer (goal ≥ heapLive + 1 MiB of sweep distance after each cycle) still collects often.
    const r = await run("map-indirection", { entries: 5000 });
    expect(r.output[1]).toMatch(/^\d+ collections while inserting/);
    expect(numbersOf(r.output[1])[0]).toBeGreaterThan(10);
    expect(r.output[2]).toContain("all 5000 keys found");
    // Every key and value (2 objects each), the buckets, the buckets array and the map header.
    expect(r.heap.liveObjects).toBeGreaterThan(2 * 5000 + 2);
  });

  it("deep-nesting: the value at the bottom of a deep chain survives", async () => {
    const depth = 20_000;
    const r = await run("deep-nesting", { depth, "gc-every": 2000 });
    expect(r.output[1]).toContain(`chain of ${depth} levels built with 9 collections`);
    expect(r.heap.liveObjects).toBe(depth + 3);
  });

  it("array-slice: the Go test as written (10 nodes, a GC after each)", async () => {
    const r = await run("array-slice", { nodes: 10, "gc-every": 1, stride: 1 });
    expect(r.output[0]).toContain("10 Xs linked with 10 collections");
    expect(r.heap.liveObjects).toBe(1 + 9);
  });

  it("array-slice: kept slices outlive their list", async () => {
    const r = await run("array-slice", { nodes: 20_000, stride: 7 });
    expect(r.heap.liveObjects).toBe(1 + Math.floor(19_999 / 7));
  });
});

describe("escape", () => {
  it("only the escaped objects survive the final collection", async () => {
    const r = await run("escape", { calls: 40_000, "escape-percent": 5 });
    const [allocated] = numbersIn(r, "escape:").slice(3);
    expect(r.output[1]).toMatch(/^\d+ escaped into the global list/);
    const [escaped, pct, stayed] = numbersOf(r.output[1]);
    expect(allocated).toBe(80_000);
    expect(escaped + stayed).toBe(allocated);
    expect(escaped).toBeGreaterThan(0.03 * allocated);
    expect(escaped).toBeLessThan(0.07 * allocated);
    expect(pct).toBeLessThan(10);
    expect(r.heap.liveObjects).toBe(escaped + 1);
  });

  it("nothing escapes at 0%", async () => {
    const r = await run("escape", { calls: 20_000, "escape-percent": 0 });
    expect(r.heap.liveObjects).toBe(1);
  });
});

describe("under the hybrid barrier (concurrent mark, verified at every mark termination)", () => {
  const hybrid: EngineOptions = { barrier: "hybrid", verifyEachCycle: true, markQuantum: 256 };

  it("lru-cache", async () => {
    const r = await run("lru-cache", { capacity: 2000, steps: 60_000 }, hybrid);
    expect(r.gc.cycles).toBeGreaterThan(3);
    expect(numbersIn(r, "final size")[0]).toBe(2000);
  });

  it("producer-consumer", async () => {
    const r = await run("producer-consumer", { items: 30_000, capacity: 64 }, hybrid);
    expect(numbersIn(r, "produced").slice(0, 2)).toEqual([30_000, 30_000]);
  });

  it("goroutine-leak", async () => {
    const r = await run("goroutine-leak", { requests: 10_000 }, hybrid);
    expect(r.engine.stats().goroutines).toBe(numbersIn(r, "goroutine-leak")[2]);
  });

  it("escape and gcbench (scaled down)", async () => {
    const e = await run("escape", { calls: 20_000 }, hybrid);
    expect(e.heap.liveObjects).toBe(numbersOf(e.output[1])[0] + 1);
    const g = await run("gcbench", { stretch: 12, "long-lived": 10, array: 3000, "max-depth": 10 }, hybrid);
    expect(g.output[g.output.length - 2]).toContain("still alive");
  });
});
