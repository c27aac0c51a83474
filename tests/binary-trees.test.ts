/**
 * binary-trees through runScenario: output lines and the reported result
 * equal the Benchmarks Game format computed from the formula (and the
 * published N = 16 lines), the final heap holds exactly the long-lived tree,
 * allocation counts are the formula's node counts (in bytes, from Go's size
 * classes), and the verifier is clean — on both builds.
 */
import { describe, expect, test } from "vitest";
import { loadEngine, type Build } from "../src/node/loader.js";
import type { Engine, EngineOptions } from "../src/engine/engine.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { binaryTrees } from "../src/scenarios/binary-trees.js";
import { ParamError } from "../src/scenario/scenario.js";
import { plainBinaryTrees } from "../bench/binary-trees-plain.js";
import { PUBLISHED_16, binaryTreesLines, binaryTreesResult, maxDepth, nodes, totalNodes } from "./binary-trees-spec.js";
import { expectedSlotBytes } from "./helpers.js";

const MiB = 2 ** 20;
/** A node's slot: header and two pointer slots, 16 bytes, Go's smallest class here. */
const NODE_SLOT = expectedSlotBytes(2, 0);

/** Runs binary-trees at depth n; returns the result and the engine it ran on. */
async function run(n: number, build: Build, engine: EngineOptions = {}): Promise<{ r: RunResult; e: Engine }> {
  let e: Engine | undefined;
  const r = await runScenario(binaryTrees, async (o) => (e = await loadEngine({ ...o, build })), { params: { depth: n }, engine, build });
  return { r, e: e! };
}

/** Everything the run must satisfy for depth n. */
function expectCorrectRun(n: number, r: RunResult, e: Engine): void {
  expect(r.output).toEqual(binaryTreesLines(n));
  expect(r.result).toEqual(binaryTreesResult(n));
  const live = nodes(maxDepth(n));
  const slot = NODE_SLOT;
  expect(r.heap.liveBytes).toBe(live * slot);
  expect(r.heap.liveObjects).toBe(live);
  expect(r.heap.objectsAllocated - r.heap.objectsFreed).toBe(live);
  expect(r.heap.bytesAllocated - r.heap.bytesFreed).toBe(live * slot);
  // Deterministic work: every node the formula builds was allocated, no more.
  expect(r.heap.objectsAllocated).toBe(totalNodes(n));
  expect(r.heap.bytesAllocated).toBe(totalNodes(n) * slot);
  expect(r.verify).toEqual({ heapCorruptions: 0, lostObjects: 0, lostAtMark: 0, integrityErrors: 0, reachableObjects: live, reachableBytes: live * slot });
  // One pause per cycle when the whole cycle stops the world; sweep- and mark-termination pauses otherwise (docs/architecture.md §3).
  expect(r.gc.pauses.count).toBe(r.gc.cycles * (e.options.barrier === "stw" ? 1 : 2));
  expect(r.gc.stwWork.maxWords).toBeLessThanOrEqual(r.gc.stwWork.totalWords);
  expect(r.heap.peakBytes).toBeGreaterThanOrEqual(r.heap.liveBytes);
  expect(e.stats().lostAtMark).toBe(0);
}

describe("binary-trees output and heap", () => {
  for (const n of [0, 2, 4, 6, 7, 10, 12]) {
    test(`debug, depth ${n}: lines from the formula, live heap = the long-lived tree, verify clean`, async () => {
      const { r, e } = await run(n, "debug", { verifyEachCycle: true });
      expectCorrectRun(n, r, e);
    });
  }

  for (const build of ["debug", "release"] as const) {
    test(`${build}, depth 16: the published lines, and the formula's`, async () => {
      const { r, e } = await run(16, build);
      expect(r.output).toHaveLength(PUBLISHED_16.lines);
      expect(r.output.slice(0, 2)).toEqual(PUBLISHED_16.first);
      expect(r.output.slice(-2)).toEqual(PUBLISHED_16.last);
      expectCorrectRun(16, r, e);
      // 131071 live nodes of 16 bytes: 2 MiB − 16 bytes, exactly.
      expect(r.heap.liveBytes).toBe(131071 * 16);
    });
  }

  for (const n of [4, 12]) {
    test(`release, depth ${n}: same lines and counts as the formula`, async () => {
      const { r, e } = await run(n, "release");
      expectCorrectRun(n, r, e);
    });
  }

  test("the same lines as the plain-JS baseline (bench/binary-trees-plain.ts) for depths 4, 9, 11", async () => {
    for (const n of [4, 9, 11]) {
      const { r } = await run(n, "release");
      expect(r.output).toEqual(plainBinaryTrees(n));
    }
  });

  test("runs are deterministic: the same depth twice gives identical cycles, work and heap counts", async () => {
    const a = (await run(12, "debug", { maxHeap: 8 * MiB })).r;
    const b = (await run(12, "debug", { maxHeap: 8 * MiB })).r;
    expect(b.gc.cycles).toBe(a.gc.cycles);
    expect(b.gc.stwWork).toEqual(a.gc.stwWork);
    expect(b.heap).toEqual(a.heap);
    expect(b.output).toEqual(a.output);
  });
});

describe("binary-trees under memory pressure", () => {
  for (const build of ["debug", "release"] as const) {
    test(`${build}, depth 14 in a 2 MiB heap: many forced collections, still exact`, async () => {
      const { r, e } = await run(14, build, { maxHeap: 2 * MiB, verifyEachCycle: build === "debug" });
      expectCorrectRun(14, r, e);
      expect(r.gc.cycles).toBeGreaterThan(10);
      expect(r.heap.peakBytes).toBeLessThanOrEqual(2 * MiB);
    });
  }

  test("GOGC=off: the only collection is the final one", async () => {
    const { r, e } = await run(10, "debug", { gogc: "off" });
    expectCorrectRun(10, r, e);
    expect(r.gc.cycles).toBe(1);
    expect(r.heap.peakBytes).toBe(r.heap.bytesAllocated);
  });
});

describe("binary-trees under each concurrent barrier", () => {
  // Marking interleaves with the mutator; the verifier runs at every mark termination.
  for (const barrier of ["dijkstra", "yuasa", "hybrid"] as const) {
    for (const maxHeap of [2 * MiB, 64 * MiB]) {
      test(`${barrier}, depth 12, ${maxHeap / MiB} MiB heap: exact lines, live heap and counts; nothing lost at any mark`, async () => {
        const { r, e } = await run(12, "debug", { barrier, maxHeap, verifyEachCycle: true });
        expectCorrectRun(12, r, e);
        expect(e.cycles.every((c) => c.lostObjects === 0)).toBe(true);
      });
    }
  }
});

describe("binary-trees parameters", () => {
  for (const [name, params, mention] of [
    ["depth above 24 (bad input: 25)", { depth: 25 }, "25"],
    ["negative depth (bad input: -1)", { depth: -1 }, "-1"],
    ["fractional depth (bad input: 2.5)", { depth: 2.5 }, "2.5"],
    ["non-numeric depth (bad input: \"deep\")", { depth: "deep" }, "deep"],
    ["unknown parameter (bad input: --width)", { width: 3 }, "--width"],
  ] as const) {
    test(`${name}: ParamError naming it, before any engine is made`, async () => {
      let made = false;
      const err = await runScenario(
        binaryTrees,
        async (o) => {
          made = true;
          return loadEngine({ ...o, build: "debug" });
        },
        { params: params as Record<string, string | number> },
      ).then(
        () => null,
        (x: unknown) => x,
      );
      expect(err).toBeInstanceOf(ParamError);
      expect((err as Error).message).toContain(mention);
      expect(made).toBe(false);
    });
  }
});
