/**
 * Differential tests of mark and sweep against the reference model
 * (tests/model.ts): random object graphs — sizes, pointer fields, edges with
 * cycles, self-loops and shared children — rooted in goroutine frames,
 * globals and several goroutines. After every collection the engine's live
 * set must be exactly the model's reachable set, the mark counters must be
 * the model's count and slot-byte sum, and the verifier must find nothing.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Driver, SITES, GLOBALS, type ObjSpec, type Op } from "./model.js";
import { at, engine } from "./helpers.js";
import type { Build } from "../src/node/loader.js";
import { BARRIERS, type EngineOptions } from "../src/engine/engine.js";

// ── Arbitraries ──────────────────────────────────────────────────────────

/** Mostly small objects, some medium, a few with thousands of slots or large (> 32 KiB) scalars. */
const specArb: fc.Arbitrary<ObjSpec> = fc.record({
  ptrs: fc.oneof(
    { weight: 7, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 3, arbitrary: fc.integer({ min: 5, max: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 2500 }) },
  ),
  scalar: fc.oneof(
    { weight: 7, arbitrary: fc.integer({ min: 0, max: 64 }) },
    { weight: 3, arbitrary: fc.integer({ min: 65, max: 3000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 32761, max: 120000 }) },
  ),
  site: fc.integer({ min: 0, max: SITES - 1 }),
});

type RootSpec =
  | { k: "global"; i: number; o: number }
  | { k: "push"; g: number; o: number }
  | { k: "local"; g: number; i: number; o: number }
  | { k: "frame"; g: number; slots: number }
  | { k: "popFrame"; g: number };

const graphArb = fc.record({
  goroutines: fc.integer({ min: 1, max: 4 }),
  objects: fc.array(specArb, { minLength: 1, maxLength: 80, size: "medium" }),
  edges: fc.array(fc.record({ from: fc.nat(), slot: fc.nat(), to: fc.nat() }), { maxLength: 200, size: "max" }),
  roots: fc.array(
    fc.oneof(
      fc.record({ k: fc.constant("global" as const), i: fc.nat(), o: fc.nat() }),
      fc.record({ k: fc.constant("push" as const), g: fc.nat(), o: fc.nat() }),
      fc.record({ k: fc.constant("local" as const), g: fc.nat(), i: fc.nat(), o: fc.nat() }),
      fc.record({ k: fc.constant("frame" as const), g: fc.nat(), slots: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ k: fc.constant("popFrame" as const), g: fc.nat() }),
    ) as fc.Arbitrary<RootSpec>,
    { maxLength: 30, size: "max" },
  ),
  exits: fc.array(fc.boolean(), { maxLength: 4 }),
  exitScaffold: fc.boolean(),
  sweep: fc.boolean(),
});

/** Wider graphs for the tiny-queue tests: many roots and high fan-out, so 16 grey entries cannot hold the frontier. */
const wideGraphArb = fc.record({
  goroutines: fc.integer({ min: 1, max: 4 }),
  objects: fc.array(
    fc.record({ ptrs: fc.integer({ min: 0, max: 40 }), scalar: fc.integer({ min: 0, max: 200 }), site: fc.integer({ min: 0, max: SITES - 1 }) }),
    { minLength: 20, maxLength: 150, size: "max" },
  ),
  edges: fc.array(fc.record({ from: fc.nat(), slot: fc.nat(), to: fc.nat() }), { minLength: 20, maxLength: 400, size: "max" }),
  roots: fc.array(
    fc.oneof(
      { weight: 1, arbitrary: fc.record({ k: fc.constant("global" as const), i: fc.nat(), o: fc.nat() }) },
      { weight: 4, arbitrary: fc.record({ k: fc.constant("push" as const), g: fc.nat(), o: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant("frame" as const), g: fc.nat(), slots: fc.integer({ min: 0, max: 4 }) }) },
    ) as fc.Arbitrary<RootSpec>,
    { minLength: 5, maxLength: 60, size: "max" },
  ),
  exits: fc.array(fc.boolean(), { maxLength: 4 }),
  exitScaffold: fc.boolean(),
  sweep: fc.boolean(),
});

type Graph = typeof graphArb extends fc.Arbitrary<infer T> ? T : never;

const opArb = (spec: fc.Arbitrary<ObjSpec>, allocWeight = 10, collectWeight = 2): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: allocWeight, arbitrary: fc.record({ k: fc.constant("alloc" as const), g: fc.nat(), spec, pop: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("allocWith" as const), g: fc.nat(), spec, a: fc.nat(), b: fc.nat() }) },
    { weight: 10, arbitrary: fc.record({ k: fc.constant("write" as const), src: fc.nat(), slot: fc.nat(), dst: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("global" as const), i: fc.nat(), v: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("push" as const), g: fc.nat(), v: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("pop" as const), g: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("drop" as const), g: fc.nat(), n: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("local" as const), g: fc.nat(), i: fc.nat(), v: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("frame" as const), g: fc.nat(), slots: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("popFrame" as const), g: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ k: "spawn" as const }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("exit" as const), g: fc.nat() }) },
    { weight: collectWeight, arbitrary: fc.constant({ k: "collect" as const }) },
    { weight: 1, arbitrary: fc.constant({ k: "sweep" as const }) },
  );

const programArb = (spec: fc.Arbitrary<ObjSpec>, max: number, min = 10, allocWeight = 10, collectWeight = 2) =>
  fc.record({
    goroutines: fc.integer({ min: 1, max: 3 }),
    ops: fc.array(opArb(spec, allocWeight, collectWeight), { minLength: min, maxLength: max, size: "max" }),
  });

// ── Building a random graph and collecting once ───────────────────────────

/**
 * Goroutine 0 is scaffolding: every object is pushed on it as it is
 * created, so any edge between any two objects is legal while wiring. Then
 * the roots are set on goroutines 1..k and globals, some goroutines exit,
 * and the scaffolding goes (exit or drop), leaving only the intended roots.
 */
function buildGraph(d: Driver, graph: Graph): void {
  d.spawn();
  for (let i = 0; i < graph.goroutines; i++) d.spawn();
  const ids = graph.objects.map((spec) => d.alloc(0, spec, 0));
  const n = ids.length;
  for (const edge of graph.edges) {
    const src = at(ids, edge.from % n);
    const ptrs = at(graph.objects, edge.from % n).ptrs;
    if (ptrs === 0) continue;
    const dst = edge.to % 9 === 0 ? src : edge.to % 9 === 1 ? 0 : at(ids, edge.to % n);
    d.writeField(src, edge.slot % ptrs, dst);
  }
  const obj = (o: number) => (o % 10 === 0 ? 0 : at(ids, o % n));
  const k = graph.goroutines;
  for (const r of graph.roots) {
    switch (r.k) {
      case "global":
        d.setGlobal(r.i % GLOBALS, obj(r.o));
        break;
      case "push":
        d.push(1 + (r.g % k), obj(r.o));
        break;
      case "local": {
        const gi = 1 + (r.g % k);
        const len = d.e.frameSlots(at(d.gs, gi).g);
        if (len > 0) d.setLocal(gi, r.i % len, obj(r.o));
        else d.push(gi, obj(r.o));
        break;
      }
      case "frame":
        d.pushFrame(1 + (r.g % k), r.slots);
        break;
      case "popFrame": {
        const gi = 1 + (r.g % k);
        if (d.e.frames(at(d.gs, gi).g) > 1) d.popFrame(gi);
        break;
      }
    }
  }
  // Exit some root goroutines (from the end, so indices stay valid): their frames stop being roots.
  for (let i = Math.min(graph.exits.length, k); i >= 1; i--) if (graph.exits[i - 1]) d.exit(i);
  if (graph.exitScaffold) d.exit(0);
  else d.drop(0, n);
}

async function singleCollection(graph: Graph, build: Build, markQueue?: number, options: EngineOptions = {}): Promise<Driver> {
  const d = new Driver(await engine({ build, maxHeap: 64 << 20, globals: GLOBALS, ...(markQueue ? { markQueue } : {}), ...options }));
  buildGraph(d, graph);
  d.checkAnytime();
  const first = d.collect();
  if (graph.sweep) d.sweep();
  // Collecting again with nothing changed finds the same set.
  const second = d.collect();
  expect(second).toEqual(first);
  return d;
}

describe("mark/sweep vs the reference model of reachability", () => {
  test("random graphs (200), one collection: live set = reachable set, mark counts = model's, verify clean", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, async (graph) => {
        await singleCollection(graph, "debug");
      }),
      { numRuns: 200 },
    );
  });

  test("release build: random graphs (60), the same checks", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, async (graph) => {
        await singleCollection(graph, "release");
      }),
      { numRuns: 60 },
    );
  });

  test("multi-cycle programs (100): mutate edges and roots, allocate, collect and sweep repeatedly", async () => {
    let collections = 0;
    await fc.assert(
      fc.asyncProperty(programArb(specArb, 200), fc.boolean(), async (program, verifyEachCycle) => {
        const d = new Driver(await engine({ maxHeap: 64 << 20, globals: GLOBALS, verifyEachCycle }));
        for (let i = 0; i < program.goroutines; i++) d.spawn();
        program.ops.forEach((op, i) => {
          d.apply(op);
          // The verifier flushes allocation caches: run it now and then, not after every op.
          if (i % 10 === 9) d.checkAnytime();
        });
        d.collect();
        d.sweep();
        d.collect();
        collections += d.history.length;
      }),
      { numRuns: 100 },
    );
    // Each program ends with two collections; most collect in the middle too.
    expect(collections).toBeGreaterThan(2 * 100);
  });

  test("collections started inside allocations (pacer and forced): the model is pruned exactly there", async () => {
    // Objects of 100–600 KiB: a few dozen of them cross the 4 MiB heap minimum.
    const bigSpec: fc.Arbitrary<ObjSpec> = fc.record({
      ptrs: fc.integer({ min: 0, max: 8 }),
      scalar: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 2, arbitrary: fc.integer({ min: 100_000, max: 600_000 }) }),
      site: fc.integer({ min: 0, max: SITES - 1 }),
    });
    let auto = 0;
    await fc.assert(
      fc.asyncProperty(programArb(bigSpec, 100, 60, 40, 0), fc.constantFrom(100, 50, 0), async (program, gogc) => {
        const d = new Driver(await engine({ maxHeap: 48 << 20, globals: GLOBALS, gogc }));
        for (let i = 0; i < program.goroutines; i++) d.spawn();
        for (const op of program.ops) d.apply(op);
        d.checkAnytime();
        d.collect();
        d.sweep();
        auto += d.autoCollections;
      }),
      { numRuns: 25 },
    );
    expect(auto).toBeGreaterThan(0);
  });
});

describe("mark queue overflow", () => {
  test("a 16-entry grey queue overflows and recovers: same live sets as the default queue (60 programs)", async () => {
    let overflows = 0;
    await fc.assert(
      // Allocation-heavy programs: dozens of live objects, more than 16 grey at once.
      fc.asyncProperty(programArb(specArb, 160, 60, 25, 2), async (program) => {
        const a = new Driver(await engine({ maxHeap: 64 << 20, globals: GLOBALS }));
        const b = new Driver(await engine({ maxHeap: 64 << 20, globals: GLOBALS, markQueue: 16, verifyEachCycle: true }));
        for (const d of [a, b]) {
          for (let i = 0; i < program.goroutines; i++) d.spawn();
          for (const op of program.ops) d.apply(op);
          d.collect();
        }
        expect(b.history).toEqual(a.history);
        expect(b.e.stats().lostAtMark).toBe(0);
        overflows += b.e.stats().queueOverflows;
      }),
      { numRuns: 60 },
    );
    expect(overflows).toBeGreaterThan(0);
  });

  test("random wide graphs (50) on a 16-entry queue: same live set as the default queue", async () => {
    let overflows = 0;
    await fc.assert(
      fc.asyncProperty(wideGraphArb, async (graph) => {
        const a = await singleCollection(graph, "debug");
        const b = await singleCollection(graph, "debug", 16);
        expect(b.history).toEqual(a.history);
        overflows += b.e.stats().queueOverflows;
      }),
      { numRuns: 50 },
    );
    expect(overflows).toBeGreaterThan(0);
  });

  for (const build of ["debug", "release"] as const) {
    test(`${build}: 300 roots and a 500-way fan-out through a 16-entry queue mark everything exactly once`, async () => {
      const d = new Driver(await engine({ build, maxHeap: 64 << 20, globals: GLOBALS, markQueue: 16 }));
      d.spawn();
      // 300 objects straight on the stack: shading the roots alone overflows 16 entries.
      for (let i = 0; i < 300; i++) d.alloc(0, { ptrs: 1, scalar: 8, site: 0 }, 0);
      // A hub with 500 children, each pointing back at the hub (cycles), reachable only through a global.
      d.spawn();
      const hub = d.alloc(1, { ptrs: 500, scalar: 0, site: 1 }, 0);
      d.setGlobal(3, hub);
      for (let i = 0; i < 500; i++) {
        const child = d.alloc(1, { ptrs: 2, scalar: 4, site: 2 }, 0);
        d.writeField(hub, i, child);
        d.writeField(child, 0, hub);
        d.drop(1, 1);
      }
      d.drop(1, 1);
      const r = d.collect();
      expect(r.markedObjects).toBe(300 + 1 + 500);
      expect(d.e.stats().queueOverflows).toBeGreaterThan(0);
      // Unroot half the stack and the hub: the rest is freed, again through overflow.
      d.drop(0, 150);
      d.setGlobal(3, 0);
      expect(d.collect().markedObjects).toBe(150);
      d.sweep();
    });
  }
});

describe("every collector strategy", () => {
  // With GOGC off the only cycles are the forced ones: collect() runs a whole
  // cycle under the strategy's phases and barrier, and must be exact.
  for (const barrier of BARRIERS) {
    test(`${barrier}: random graphs (30), collect() leaves exactly the reachable set live, same as stw`, async () => {
      await fc.assert(
        fc.asyncProperty(graphArb, async (graph) => {
          const stw = await singleCollection(graph, "debug", undefined, { gogc: "off" });
          const d = await singleCollection(graph, "debug", undefined, { gogc: "off", barrier, verifyEachCycle: barrier !== "none" });
          expect(d.history).toEqual(stw.history);
          expect(d.e.stats().lostAtMark).toBe(0);
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe("concurrent marking against the model (one goroutine)", () => {
  // One goroutine sees the world as a Go mutator does: its own stack, the
  // globals and the heap. Cycles start mid-program (startCycle, or the pacer)
  // and advance at safe points (allocations, yields) while the program keeps
  // mutating. A safe barrier may keep floating garbage but must never free a
  // reachable object; collect() is exact afterwards.
  const concurrentOpArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 12, arbitrary: opArb(specArb).filter((op) => op.k !== "spawn" && op.k !== "exit") },
    { weight: 1, arbitrary: fc.constant({ k: "startCycle" as const }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("yield" as const), units: fc.integer({ min: 1, max: 20_000 }) }) },
  );

  for (const barrier of ["dijkstra", "yuasa", "hybrid"] as const) {
    test(`${barrier}: random programs (40): no reachable object is ever freed, nothing lost at any mark, collect() exact`, async () => {
      let opsWhileMarking = 0;
      let cycles = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(concurrentOpArb, { minLength: 20, maxLength: 150, size: "max" }), async (ops) => {
          const d = new Driver(await engine({ barrier, maxHeap: 64 << 20, globals: GLOBALS, verifyEachCycle: true }));
          expect(d.exact).toBe(false);
          d.spawn();
          ops.forEach((op, i) => {
            if (d.e.marking) opsWhileMarking++;
            d.apply(op);
            d.pruneFreed();
            if (i % 10 === 9) d.checkAnytime();
          });
          d.collect();
          d.sweep();
          d.collect();
          expect(d.e.stats().lostAtMark).toBe(0);
          expect(d.e.cycles.filter((c) => c.lostObjects !== 0)).toEqual([]);
          cycles += d.e.cycles.length;
        }),
        { numRuns: 40 },
      );
      // The programs did run while marks were in progress.
      expect(opsWhileMarking).toBeGreaterThan(100);
      expect(cycles).toBeGreaterThan(3 * 40);
    });
  }
});
