/**
 * The pacer against Go's own formulas (golang/go src/runtime/mgcpacer.go,
 * Go 1.21+), written out here independently of assembly/pacer.ts, at several
 * GOGC values and memory limits:
 *
 *   goal    (commit, heapGoalInternal)  L + (L + S + G) × GOGC/100, at least
 *           4 MiB × GOGC/100, at least the sweep distance L + 1 MiB, and at
 *           least 64 KiB past the point the cycle triggered at; L = heap
 *           marked by the last cycle, S = stack bytes it scanned, G = globals
 *   trigger (trigger)  goal − runway, runway = consMark × (1 − u)/u × expected
 *           scan work, bounded below by the sweep distance and 45/64 of the
 *           way from L to the goal, above by 61/64 of the way (or goal − 4 MiB
 *           for large heaps), never above the goal
 *   assists (revise, at mark start)  expected work / (goal − heapLive), with
 *           Go's floors; past the goal, the goal stretches 1.1× and the
 *           expected work becomes the worst case
 *   over-assist and stealing (gcAssistAlloc), and the CPU limiter (mgclimit.go)
 *
 * Counters only: no wall time is asserted.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import type { CycleRecord, Engine, EngineOptions } from "../src/engine/engine.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { scenarios } from "../src/scenarios/index.js";
import { at } from "./helpers.js";

const MiB = 1 << 20;
const HEAP_MINIMUM = 4 * MiB; // Go's defaultHeapMinimum
const SWEEP_DISTANCE = MiB; // sweepMinHeapDistance
const MIN_RUNWAY = 64 << 10;
const U = 0.25; // gcBackgroundUtilization

/**
 * churn with 1000 goroutines: their stacks are large allocated, small scanned
 * (the case the old goal got wrong); long enough for several cycles at `gogc`.
 */
function churn1000(gogc: number, options: EngineOptions = {}): Promise<RunResult> {
  return runScenario(churn, (o) => loadEngine({ ...o, build: "release", barrier: "hybrid", gogc, ...options }), {
    params: { live: 60_000, goroutines: 1000, "stack-depth": 4, steps: Math.max(300_000, gogc * 5_000) },
  });
}

/** Go's gcPercentHeapGoal after a cycle that marked `prev` (heapMinimum and the sweep distance applied). */
function goGoal(prev: CycleRecord, globals: number, gogc: number): number {
  const L = prev.heapMarkedBytes;
  const gogcGoal = L + Math.floor(((L + prev.stackScanWork + globals) * gogc) / 100);
  return Math.max(gogcGoal, Math.floor((HEAP_MINIMUM * gogc) / 100), L + SWEEP_DISTANCE);
}

/** Go's trigger() for that goal, with the cons/mark the previous cycle measured and this cycle's expected scan work. */
function goTrigger(prev: CycleRecord, c: CycleRecord, goal: number): number {
  const L = prev.heapMarkedBytes;
  let minTrigger = Math.max(L + SWEEP_DISTANCE, L);
  minTrigger = Math.max(minTrigger, Math.floor((goal - L) / 64) * 45 + L);
  let maxTrigger = Math.floor((goal - L) / 64) * 61 + L;
  if (goal > HEAP_MINIMUM && goal - HEAP_MINIMUM > maxTrigger) maxTrigger = goal - HEAP_MINIMUM;
  maxTrigger = Math.max(maxTrigger, minTrigger);
  const runway = Math.floor(((prev.consMark * (1 - U)) / U) * c.expectedScanWork);
  const t = runway > goal ? minTrigger : goal - runway;
  return Math.min(Math.max(t, minTrigger), maxTrigger);
}

const natural = (r: RunResult) => r.cycles.filter((c) => c.trigger === "heap");

describe.each([25, 50, 100, 200, 400])("GOGC=%i on churn with 1000 goroutines", (gogc) => {
  it("every cycle's goal, trigger and starting assist ratio are Go's", async () => {
    const r = await churn1000(gogc);
    const cycles = natural(r).filter((c) => c.cycle > 1);
    expect(cycles.length).toBeGreaterThan(2);
    for (const c of cycles) {
      const prev = at(r.cycles, c.cycle - 2);
      const goal = goGoal(prev, c.globalsBytes, gogc);
      // The trigger in force when the cycle started, and the goal it then ran against (64 KiB past its start).
      expect({ cycle: c.cycle, trigger: c.triggerBytes }).toEqual({ cycle: c.cycle, trigger: goTrigger(prev, c, goal) });
      expect(c.triggerBytes).toBeLessThanOrEqual(goal);
      expect({ cycle: c.cycle, goal: c.goalAtStartBytes }).toEqual({ cycle: c.cycle, goal: Math.max(goal, c.triggeredBytes + MIN_RUNWAY) });
      // revise() at mark start: no work done yet, under the goal.
      expect(c.triggeredBytes).toBeLessThan(c.goalAtStartBytes);
      const ratio = Math.max(c.expectedScanWork, 1000) / Math.max(c.goalAtStartBytes - c.triggeredBytes, 1);
      expect({ cycle: c.cycle, ratio: c.assistRatio }).toEqual({ cycle: c.cycle, ratio });
    }
    // The stacks in the goal are those scanned (1000 × 21 words), not those allocated (1000 × 8 KiB).
    expect(at(cycles, 0).stackScanWork).toBe(1000 * (1 + 4 * 5) * 4);
    expect(at(cycles, 0).stackBytes).toBe(1000 * 8192);
    expect(r.verify.lostObjects).toBe(0);
  });
});

describe("the trigger never exceeds the goal", () => {
  it("GOGC=1 on a small heap: every cycle starts at or below its goal (Go: trigger ≤ goal, always)", async () => {
    const r = await runScenario(scenarios.get("map-indirection")!, (o) => loadEngine({ ...o, build: "release", barrier: "hybrid" }), { params: { entries: 3000 } });
    const cycles = natural(r);
    expect(cycles.length).toBeGreaterThan(10);
    for (const c of cycles) expect(c.triggerBytes, `cycle ${c.cycle}`).toBeLessThanOrEqual(c.goalAtStartBytes);
  });
});

describe("at the goal at mark start (a memory limit below the live heap)", () => {
  it("revise floors the distance at one byte, so assists owe the whole expected scan work", async () => {
    // The goal is the marked heap (memoryLimitHeapGoal's floor) and so is the trigger: each cycle
    // starts as soon as the last ends, with heapLive at the goal (Go: "avoid dividing by zero").
    const r = await churn1000(100, { memoryLimit: 2 * MiB });
    const atGoal = r.cycles.filter((c) => c.trigger === "heap" && c.triggeredBytes >= c.goalAtStartBytes);
    expect(atGoal.length).toBeGreaterThan(2);
    for (const c of atGoal) {
      const ratio = Math.max(c.expectedScanWork, 1000) / Math.max(c.goalAtStartBytes - c.triggeredBytes, 1);
      expect({ cycle: c.cycle, ratio: c.assistRatio }).toEqual({ cycle: c.cycle, ratio });
    }
    expect(r.verify.lostObjects).toBe(0);
  });
});

/** A cycle in progress over a 100,000-node list on goroutine h, nothing scanned yet. */
async function markingOverList(options: EngineOptions): Promise<{ e: Engine; h: number }> {
  const e = await loadEngine({ build: "debug", barrier: "hybrid", recordEvents: "all", ...options });
  const h = e.spawn();
  e.allocList(h, 100_000);
  e.collect();
  e.startCycle();
  expect(e.marking).toBe(true);
  return { e, h };
}

describe("the background worker (gcBgMarkWorker's share)", () => {
  // Each unit of mutator time earns u/(1−u) words of background work (u = the background share),
  // and a slice of one quantum runs at the first safe point where the earnings reach it. In
  // integers: the first slice comes after ⌈quantum·(100 − p)/p⌉ units, whether they come one per
  // safe point or all at once. One per safe point, the sum must not drift: the float sum the core
  // kept before reached the quantum a unit late at 60% and a 333-word quantum (223, not 222).
  it.each([
    [25, 4096],
    [60, 333],
    [1, 64],
    [99, 7],
  ])("at a %i percent share and a %i-word quantum, the first slice comes at the safe point where the earnings reach a quantum, even one unit at a time", async (p, quantum) => {
    const due = Math.ceil((quantum * (100 - p)) / p);
    /** Background slices of the mark in progress. */
    const slices = (e: Engine): number => e.slices.filter((s) => s.kind === "background" && s.cycle === e.cycles.length + 1).length;
    const { e, h } = await markingOverList({ backgroundPercent: p, markQuantum: quantum });
    let units = 0;
    while (slices(e) === 0 && units < 2 * due) {
      e.yield(h, 1);
      units++;
    }
    expect(units).toBe(due);
    // All at once: one unit short of the quantum runs no slice, the next unit runs exactly one.
    const { e: e2, h: h2 } = await markingOverList({ backgroundPercent: p, markQuantum: quantum });
    e2.yield(h2, due - 1);
    expect(slices(e2)).toBe(0);
    e2.yield(h2, 1);
    expect(slices(e2)).toBe(1);
  });
});

describe("assists (gcAssistAlloc)", () => {
  it("the first allocation of a mark owes less than gcOverAssistWork, and assists exactly that: 64 KiB of scan work", async () => {
    const { e, h } = await markingOverList({});
    const before = e.slices.length;
    e.allocPush(h, 1, 0, 0);
    const assists = e.slices.slice(before).filter((s) => s.kind === "assist");
    // One assist of 16,384 words of scan work; like Go's gcDrainN it finishes the object it is in,
    // so it may overshoot by less than one list node's scan (header + its pointer: 3 words).
    expect(assists.length).toBe(1);
    expect(at(assists, 0).words).toBeGreaterThanOrEqual((64 << 10) / 4);
    expect(at(assists, 0).words).toBeLessThan((64 << 10) / 4 + 3);
  });

  it("an assist steals background scan credit before it marks", async () => {
    // A 99% background share: four yields run four background slices of 4,096 words (one per safe
    // point), banking 64 KiB of scan credit — exactly one over-assist at the default quantum.
    const { e, h } = await markingOverList({ backgroundPercent: 99 });
    for (let i = 0; i < 4; i++) e.yield(h, 200);
    const cycle = e.cycles.length + 1;
    const credit = e.slices.filter((s) => s.kind === "background" && s.cycle === cycle).reduce((a, s) => a + s.words, 0);
    expect(credit).toBeGreaterThanOrEqual((64 << 10) / 4);
    const before = e.slices.length;
    e.allocPush(h, 1, 0, 0);
    expect(e.slices.slice(before).filter((s) => s.kind === "assist")).toEqual([]);
    // With less credit, the assist steals all of it and marks the rest of the over-assist. (The
    // allocation's own safe point runs one more banked background slice before it assists.)
    const part = await markingOverList({ backgroundPercent: 99 });
    part.e.yield(part.h, 200);
    const n = part.e.slices.length;
    part.e.allocPush(part.h, 1, 0, 0);
    const c2 = part.e.cycles.length + 1;
    const events = part.e.slices.filter((s) => s.cycle === c2);
    const assistAt = events.findIndex((s) => s.kind === "assist");
    expect(assistAt).toBeGreaterThan(0);
    expect(part.e.slices.length - n).toBeGreaterThan(0);
    const stolen = events.slice(0, assistAt).filter((s) => s.kind === "background").reduce((a, s) => a + s.words, 0);
    expect(stolen).toBeLessThan((64 << 10) / 4);
    const assist = at(events, assistAt).words;
    expect(assist).toBeGreaterThanOrEqual((64 << 10) / 4 - stolen - 3);
    expect(assist).toBeLessThan((64 << 10) / 4 - stolen + 3);
  });
});

describe("the GC CPU limiter (mgclimit.go)", () => {
  it.each(["stw", "dijkstra", "yuasa", "hybrid"] as const)("%s: leaky-cache under a 4 MiB memory limit keeps GC at most 55 percent of the mutator-clock time", async (barrier) => {
    const r = await runScenario(scenarios.get("leaky-cache")!, (o) => loadEngine({ ...o, build: "release", barrier, memoryLimit: 4 * MiB }));
    expect(r.gc.gcWorkFraction).toBeLessThanOrEqual(0.55);
    // The limit is below the live heap: without the limiter GC would take most of the time.
    expect(r.heap.liveBytes).toBeGreaterThan(4 * MiB);
    expect(r.cycles.some((c) => c.limiterOn)).toBe(true);
    expect(r.verify.lostObjects).toBe(0);
  });

  it("without a memory limit the same run never needs the limiter", async () => {
    const r = await runScenario(scenarios.get("leaky-cache")!, (o) => loadEngine({ ...o, build: "release", barrier: "hybrid" }));
    expect(r.cycles.some((c) => c.limiterOn)).toBe(false);
    expect(r.gc.gcWorkFraction).toBeLessThan(0.3);
  });
});

describe("GC work adds up", () => {
  it("total = STW pauses + background + assists, and equals the per-cycle parts", async () => {
    const r = await churn1000(100);
    const w = r.gc.work;
    expect(w.totalWords).toBe(w.stwWords + w.backgroundWords + w.assistWords);
    const perCycle = r.cycles.reduce((a, c) => a + c.sweepTermWords + c.markTermWords + c.backgroundWords + c.assistWords, 0);
    expect(perCycle).toBe(w.totalWords);
    expect(w.assistWords).toBeGreaterThan(0);
    expect(w.backgroundWords).toBeGreaterThan(0);
  });
});
