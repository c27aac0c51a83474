/**
 * Goroutine leaks, end to end: labels and the goroutine table
 * (engine.goroutines), the cycle each goroutine last ran in (acting sets it,
 * looking does not), goroutines alive per cycle, what a set of goroutines'
 * stacks retain and the sites their frames hold — on hand-built heaps whose
 * answers are worked out below — then goleak's definition of leaked over
 * whole runs (main goroutines excluded), the trend tests with hand-computed
 * values, and the report's line in the issue's exact words.
 */
import { describe, expect, it } from "vitest";
import { engine } from "./helpers.js";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import type { Scenario } from "../src/scenario/scenario.js";
import { goroutineLeak } from "../src/scenarios/goroutine-leak.js";
import { goroutineFinding } from "../src/analysis/goroutines.js";
import { hasLeak, runFindings } from "../src/analysis/index.js";
import { goroutineLines, memoryReport } from "../src/report/memory.js";
import { OutOfRangeError, BadRequestError } from "../src/engine/errors.js";
import * as abi from "../contract/abi.js";
import { at, expectThrow } from "./helpers.js";

const PAGE = 8192;

describe("the goroutine table", () => {
  it("labels, stack bytes, stack words in use and frames, as spawned and grown", async () => {
    const e = await engine();
    const a = e.spawn("worker");
    const b = e.spawn("worker");
    const c = e.spawn();
    const d = e.spawn("other");
    e.pushFrame(a, 3); // words: header of frame 0, header of frame 1, 3 slots = 5
    e.push(b, 0);
    e.push(b, 0); // header + 2 values = 3 words
    // A stack of 3000 words outgrows its first page (2048 words): copied into a span of 4096 words, two pages.
    e.pushFrame(d, 2998);
    const table = new Map(e.goroutines().map((g) => [g.id, g]));
    expect([...table.keys()]).toEqual([a, b, c, d]);
    expect(table.get(a)).toMatchObject({ label: "worker", stackBytes: PAGE, stackUsedBytes: 5 * 4, frames: 2 });
    expect(table.get(b)).toMatchObject({ label: "worker", stackBytes: PAGE, stackUsedBytes: 3 * 4, frames: 1 });
    expect(table.get(c)).toMatchObject({ label: "", stackBytes: PAGE, stackUsedBytes: 4, frames: 1 });
    expect(table.get(d)).toMatchObject({ label: "other", stackBytes: 2 * PAGE, stackUsedBytes: 3000 * 4, frames: 2 });
    // The stats' stack bytes are the sum of the spans.
    expect(e.stats().stackBytes).toBe(5 * PAGE);
    e.exit(b);
    expect(e.goroutines().map((g) => g.id)).toEqual([a, c, d]);
    // A label id 0 is "no label"; the same name always maps to the same id.
    expect(e.label("worker")).toBe(e.label("worker"));
    expect(e.labelName(0)).toBe("");
  });

  it("bad input: a label id beyond the table (spawn(65536) on the raw core) is refused and spawns nothing", async () => {
    const e = await engine();
    const r = e.raw.spawn(abi.MAX_LABELS) >>> 0;
    expect(r).toBe(abi.E_BAD_ARGUMENT);
    expect(e.goroutines()).toEqual([]);
    // Through the engine, a bad goroutine id is an OutOfRangeError for allocLocal as for any call acting as one.
    expectThrow(() => e.allocLocal(12345, 0, 1), OutOfRangeError);
    const g = e.spawn();
    expectThrow(() => e.allocLocal(g, 0, 1), OutOfRangeError); // its one frame has no slot 0 yet
    e.push(g, 0);
    expectThrow(() => e.allocLocal(g, 0, abi.MAX_POINTER_SLOTS + 1), BadRequestError);
    expect(e.getLocal(g, 0)).toBe(0);
    expect(e.stats().objectsAllocated).toBe(0);
  });

  it("the cycle a goroutine last ran in: acting sets it, looking does not", async () => {
    for (const barrier of ["stw", "hybrid"] as const) {
      const e = await engine({ barrier });
      const a = e.spawn("a");
      const b = e.spawn("b");
      const last = () => new Map(e.goroutines().map((g) => [g.label, g.lastActiveCycle]));
      expect(last()).toEqual(new Map([["a", 0], ["b", 0]]));
      e.collect(); // cycle 1
      e.push(a, 0);
      expect(last()).toEqual(new Map([["a", 1], ["b", 0]]));
      e.collect(); // cycle 2
      // Every read-only query, on b: nothing changes.
      e.push(b, 0); // (acting: b ran in cycle 2)
      e.collect(); // cycle 3
      e.peek(b);
      e.getLocal(b, 0);
      e.frames(b);
      e.frameSlots(b);
      e.stackWords(b);
      e.goroutines();
      e.goroutineSites([b]);
      e.retainedByGoroutines([[b]]);
      expect(last()).toEqual(new Map([["a", 1], ["b", 2]]));
      e.yield(b, 10); // a yield as b is b running
      expect(last()).toEqual(new Map([["a", 1], ["b", 3]]));
      e.pushFrame(a, 1);
      e.setLocal(a, 0, 0);
      e.popFrame(a);
      expect(last().get("a")).toBe(3);
      // An allocation onto a with no mark running (allocPush's fast path) is a running too.
      e.collect(); // cycle 4
      expect(e.marking).toBe(false);
      e.allocPush(a, 0, 16, 0);
      expect(last()).toEqual(new Map([["a", 4], ["b", 3]]));
      if (barrier === "hybrid") {
        // During a concurrent mark, the cycle in progress: cycle 5.
        e.startCycle();
        expect(e.marking).toBe(true);
        e.allocPush(a, 0, 16, 0);
        expect(last()).toEqual(new Map([["a", 5], ["b", 3]]));
      }
    }
  });

  it("goroutines alive at every completed cycle, in the cycle records and the bounded series", async () => {
    const e = await engine();
    const g1 = e.spawn();
    e.spawn();
    e.collect(); // 2 alive
    e.spawn();
    e.collect(); // 3
    e.exit(g1);
    e.collect(); // 2
    const all = [...e.goroutines()];
    for (const g of all) e.exit(g.id);
    e.collect(); // 0
    expect(e.cycles.map((c) => c.goroutines)).toEqual([2, 3, 2, 0]);
    expect(e.goroutineSeries()).toEqual({ cycles: [1, 2, 3, 4], alive: [2, 3, 2, 0] });
  });
});

/**
 * The heap of the next tests, with each object's slot (Go's size classes):
 *
 *   goroutine A frame 0: [a1, a1]      a1: 2 ptrs + 100 B = 116 B → 128   a1.0 = a2, a1.1 = s
 *   goroutine B frame 0: [b1]          b1: 1 ptr + 1000 B = 1012 B → 1024 b1.0 = s
 *   global 0: x                         x: 1 ptr = 12 B → 16              x.0 = a2
 *                                       a2: 200 B = 208 B → 208           s: 40 B = 48 B → 48
 *
 * Without A's stack, only a1 becomes unreachable (a2 is x's, s is b1's):
 * 128 B. Without B's: b1 (s is a1's): 1024 B. Without both: a1, b1 and s,
 * 128 + 1024 + 48 = 1200 B, 3 objects. Frames hold: A — a1 (once, though
 * twice on the stack); B — b1.
 */
async function handBuilt() {
  const e = await engine({ barrier: "hybrid" });
  const A = e.spawn("A");
  const B = e.spawn("B");
  const site = (n: string) => e.site(n);
  e.allocPush(A, 0, 200, 0, site("a2"));
  const s = e.allocPush(A, 0, 40, 0, site("s"));
  const a1 = e.allocPush(A, 2, 100, 2, site("a1")); // pops a2 and s into its fields: A's frame is [a1]
  e.push(A, a1);
  e.push(B, s);
  e.allocPush(B, 1, 1000, 1, site("b1")); // b1.0 = s: B's frame is [b1]
  e.setGlobal(0, e.alloc(1, 0, site("x")));
  e.writeField(e.getGlobal(0), 0, e.readField(a1, 0));
  return { e, A, B };
}

describe("what goroutines retain, and what their frames hold", () => {
  it("retained bytes by exact reachability passes on a hand-built heap", async () => {
    const { e, A, B } = await handBuilt();
    expect(e.retainedByGoroutines([[A], [B], [A, B], []])).toEqual([
      { objects: 1, bytes: 128 },
      { objects: 1, bytes: 1024 },
      { objects: 3, bytes: 1200 },
      { objects: 0, bytes: 0 },
    ]);
    // The passes used the verify bits and left the heap as it was: the verifier agrees with every object.
    const v = e.verify();
    expect({ lost: v.lostObjects, reachable: v.reachableObjects }).toEqual({ lost: 0, reachable: 5 });
  });

  it("sites held by the frames, each object once", async () => {
    const { e, A, B } = await handBuilt();
    const strip = (xs: { name: string; objects: number; bytes: number }[]) => xs.map(({ name, objects, bytes }) => ({ name, objects, bytes }));
    expect(strip(e.goroutineSites([A]))).toEqual([{ name: "a1", objects: 1, bytes: 128 }]);
    expect(strip(e.goroutineSites([A, B]))).toEqual([{ name: "b1", objects: 1, bytes: 1024 }, { name: "a1", objects: 1, bytes: 128 }]);
    // The profile block is the composition's again afterwards (it refills it).
    expect(e.composition().sites.map((x) => x.name).sort()).toEqual(["a1", "a2", "b1", "s", "x"]);
  });

  it("a heap analysis is stale after a pass (the passes reuse its bits), and a new one is right", async () => {
    const { e, A } = await handBuilt();
    const d = e.dominators();
    e.retainedByGoroutines([[A]]);
    expect(d.fresh).toBe(false);
    expect(e.dominators().count).toBe(5);
  });
});

// ── Whole runs ────────────────────────────────────────────────────────────────

async function run(s: Scenario, params: Record<string, number> = {}, barrier: "hybrid" | "stw" = "hybrid"): Promise<RunResult> {
  return runScenario(s, (o) => loadEngine({ ...o, build: "release" }), { params, engine: { barrier } });
}

/** A stepped scenario: `setup` spawns `setupSpawns` goroutines, each step spawns one labelled `w` that never exits; step 0 also spawns one labelled `main`. */
function stepped(setupSpawns: number, steps: number): Scenario {
  return {
    name: "spawner",
    description: "test",
    params: [],
    setup(ctx) {
      for (let i = 0; i < setupSpawns; i++) ctx.engine.spawn("server");
    },
    steps: () => steps,
    step(ctx, i) {
      const g = ctx.engine.spawn("w");
      ctx.engine.allocPush(g, 0, 100, 0, ctx.engine.site("held")); // 108 B → 112 per goroutine
      if (i === 0) ctx.engine.spawn("main");
    },
  };
}

describe("leaked goroutines (goleak's VerifyNone): alive at the end, main ones excluded", () => {
  it("setup's goroutines and the `main` label are main; every other survivor is leaked", async () => {
    const r = await run(stepped(2, 5));
    const g = goroutineFinding(r)!;
    expect({ alive: g.alive, main: g.main, leaked: g.leaked }).toEqual({ alive: 8, main: 3, leaked: 5 });
    expect(g.groups.map((x) => ({ label: x.label, count: x.count, stackBytes: x.stackBytes, retainedBytes: x.retainedBytes, sites: x.sites }))).toEqual([
      { label: "w", count: 5, stackBytes: 5 * PAGE, retainedBytes: 5 * 112, sites: [{ name: "held", objects: 5, bytes: 5 * 112 }] },
    ]);
    expect({ stackBytes: g.stackBytes, retainedBytes: g.retainedBytes }).toEqual({ stackBytes: 5 * PAGE, retainedBytes: 5 * 112 });
    expect(hasLeak(runFindings(r))).toBe(true);
  });

  it("a run(ctx) scenario has no setup: its survivors are leaked unless labelled main", async () => {
    const s: Scenario = {
      name: "runner",
      description: "test",
      params: [],
      run(ctx) {
        ctx.engine.spawn("main");
        ctx.engine.spawn();
        ctx.engine.spawn();
        ctx.engine.exit(ctx.engine.spawn());
      },
    };
    const g = goroutineFinding(await run(s))!;
    expect({ alive: g.alive, main: g.main, leaked: g.leaked, groups: g.groups.map((x) => [x.label, x.count]) }).toEqual({ alive: 3, main: 1, leaked: 2, groups: [["", 2]] });
  });

  it("a clean run says nothing: no leaked goroutine, no memory section", async () => {
    const r = await run(stepped(3, 0));
    expect(goroutineFinding(r)!.leaked).toBe(0);
    expect(hasLeak(runFindings(r))).toBe(false);
    expect(memoryReport(runFindings(r))).toBeNull();
  });

  for (const barrier of ["hybrid", "stw"] as const) {
    it(`goroutine-leak (${barrier}): one leaked worker per timed-out request, 8 KiB of stack and 720 B retained each; fixed: none`, async () => {
      // 40,000 requests: 14 cycles, enough after warm-up for the trend test (8 points at least).
      const r = await run(goroutineLeak, { requests: 40_000, "leak-percent": 10 }, barrier);
      const timedOut = r.result.timedOut as number;
      expect(timedOut).toBeGreaterThan(1500);
      expect(r.cycles.length).toBeGreaterThan(5);
      const g = goroutineFinding(r)!;
      expect({ alive: g.alive, main: g.main, leaked: g.leaked }).toEqual({ alive: timedOut, main: 0, leaked: timedOut });
      // Per worker: body 520 B → 576, request 28 → 32, chan 32 → 32, result 72 → 80: 720 B only its stack keeps alive.
      expect(g.groups.map((x) => [x.label, x.count, x.stackBytes, x.retainedBytes, x.retainedObjects])).toEqual([["goroutine-leak.worker", timedOut, timedOut * PAGE, timedOut * 720, timedOut * 4]]);
      expect(g.retainedBytes).toBe(timedOut * 720);
      expect(r.heap.liveBytes).toBe(timedOut * 720);
      // Their frames point at the request, the channel and the result; the body only through the request.
      const sites = at(g.groups, 0).sites;
      expect(new Map(sites.map((x) => [x.name, [x.objects, x.bytes]]))).toEqual(new Map([
        ["goroutine-leak.request", [timedOut, timedOut * 32]],
        ["goroutine-leak.chan", [timedOut, timedOut * 32]],
        ["goroutine-leak.result", [timedOut, timedOut * 80]],
      ]));
      expect(at(g.groups, 0).blockedSinceCycle).toBeLessThanOrEqual(r.gc.cycles);
      // The count climbs with the work: Mann–Kendall sees it.
      expect(g.series.alive.length).toBe(r.cycles.length);
      expect(g.growing).toBe(true);
      expect(g.pValue).toBeLessThan(0.05);
      expect(g.perCycle).toBeGreaterThan(0);

      const fixed = goroutineFinding(await run(goroutineLeak, { requests: 20_000, "leak-percent": 10, fixed: 1 }, barrier))!;
      expect({ alive: fixed.alive, leaked: fixed.leaked, groups: fixed.groups, growing: fixed.growing }).toEqual({ alive: 0, leaked: 0, groups: [], growing: false });
    });
  }
});

describe("the report's line", () => {
  it("in the issue's words, with groups, their frames' sites and a growing count", () => {
    const lines = goroutineLines({
      alive: 3413, main: 1, leaked: 3412, series: { cycles: [], alive: [] }, growing: true, pValue: 0.0004, perCycle: 243.71, trendCycles: 14,
      stackBytes: 22_334_669, retainedBytes: 1_887_437, retainedObjects: 0,
      groups: [
        { label: "goroutine-leak.worker", count: 3398, blockedSinceCycle: 2, stackBytes: 0, retainedBytes: 0, retainedObjects: 0, sites: [{ name: "req", objects: 3398, bytes: 108_736 }] },
        { label: "", count: 14, blockedSinceCycle: 5, stackBytes: 0, retainedBytes: 0, retainedObjects: 0, sites: [] },
      ],
    });
    expect(lines).toEqual([
      "3,412 goroutines still running: 3,398 × goroutine-leak.worker (blocked since cycle 2), 14 × (no label) (blocked since cycle 5), 21.3 MiB of stacks, retaining 1.8 MiB",
      "  goroutine-leak.worker frames hold 3,398 × req (106.2 KiB)",
      "  the count grows: +243.7 goroutines per cycle over 14 cycles (p < 0.001)",
    ]);
  });

  it("one goroutine is singular; no leak, no line", () => {
    const one = { alive: 1, main: 0, leaked: 1, series: { cycles: [], alive: [] }, growing: false, pValue: 1, perCycle: 0, trendCycles: 0, stackBytes: 8192, retainedBytes: 512, retainedObjects: 1, groups: [{ label: "w", count: 1, blockedSinceCycle: 0, stackBytes: 8192, retainedBytes: 512, retainedObjects: 1, sites: [] }] };
    expect(goroutineLines(one)).toEqual(["1 goroutine still running: 1 × w (blocked since cycle 0), 8.0 KiB of stacks, retaining 512 B"]);
    expect(goroutineLines({ ...one, leaked: 0, groups: [] })).toEqual([]);
    expect(goroutineLines(undefined)).toEqual([]);
  });
});
