/**
 * What each strategy's pauses are made of, in deterministic work units
 * (words scanned), at two sizes. These are the shapes docs/architecture.md §4 predicts:
 * stw pauses grow with the live heap, dijkstra's mark termination with the
 * dirty stacks, yuasa's mark start with all stacks, and hybrid's global
 * pauses with nothing at all.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import type { Barrier, Engine } from "../src/engine/engine.js";
import { runScenario } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { at } from "./helpers.js";

const GLOBALS = 16;

/** `goroutines` goroutines, each `frames` frames of 4 slots pointing at a shared object. */
async function engineWithStacks(barrier: Barrier, goroutines: number, frames: number): Promise<{ e: Engine; gs: number[] }> {
  const e = await loadEngine({ build: "debug", barrier, globals: GLOBALS, markQuantum: 64 });
  const gs: number[] = [];
  const holder = e.spawn();
  // A long list gives the concurrent mark grey work to drain after the stacks are scanned.
  e.allocList(holder, 100_000);
  e.allocPush(holder, 0, 16, 0);
  for (let k = 0; k < goroutines; k++) {
    const g = e.spawn();
    for (let f = 0; f < frames; f++) {
      e.pushFrame(g, 4);
      for (let s = 0; s < 4; s++) e.setLocal(g, s, e.peek(holder));
    }
    gs.push(g);
  }
  return { e, gs };
}

/** Stack words a goroutine with `frames` frames of 4 slots holds (frame headers are not slots). */
const slotsOf = (frames: number) => frames * 4;

describe("stw: the pause grows with the live heap", () => {
  it.each([[20_000, 200_000]])("max pause work for %i vs %i live list nodes scales ~×10", async (small, large) => {
    const work = async (n: number) => {
      const e = await loadEngine({ build: "debug", barrier: "stw", globals: GLOBALS });
      e.allocList(e.spawn(), n);
      e.collect();
      return Math.max(...e.pauses.map((p) => p.words));
    };
    const a = await work(small);
    const b = await work(large);
    expect(a).toBeGreaterThanOrEqual(small * 3); // 3 words per node at least: header + slot
    expect(b / a).toBeGreaterThan(9);
    expect(b / a).toBeLessThan(11);
  });
});

describe("dijkstra: mark termination rescans the stacks that ran", () => {
  async function markTermWords(goroutines: number, frames: number, running: number) {
    const { e, gs } = await engineWithStacks("dijkstra", goroutines, frames);
    e.startCycle();
    // Let the concurrent mark scan every stack once.
    while (e.events.stackStats.count < goroutines + 1) e.yield(0, 256);
    expect(e.marking).toBe(true);
    // `running` goroutines run after their scan: their stacks are dirty again.
    for (const g of gs.slice(0, running)) e.setLocal(g, 0, e.getLocal(g, 1));
    e.collect();
    return at(e.cycles, 0).rescanWords;
  }

  it("grows with the total slots of dirty stacks, and only of dirty ones", async () => {
    // With no goroutine running after its scan, only the global roots are rescanned.
    const roots = await markTermWords(100, 16, 0);
    expect(roots).toBeGreaterThanOrEqual(GLOBALS);
    expect(roots).toBeLessThan(GLOBALS + 8);
    const dirty = async (g: number, f: number, running: number) => (await markTermWords(g, f, running)) - roots;
    const base = await dirty(10, 16, 10);
    expect(base).toBe(10 * slotsOf(16));
    expect(await dirty(100, 16, 100)).toBe(10 * base);
    expect(await dirty(10, 160, 10)).toBe(10 * base);
    expect(await dirty(100, 16, 50)).toBe(5 * base);
  });
});

describe("yuasa: mark start scans every stack with the world stopped", () => {
  async function markStartWords(goroutines: number, frames: number) {
    const { e } = await engineWithStacks("yuasa", goroutines, frames);
    e.startCycle();
    const start = e.pauses.find((p) => p.kind === "sweep-termination")!;
    expect(start.stacks).toBe(goroutines + 1);
    return start.words;
  }

  // The snapshot also holds the three pin words (values an allocation keeps across its safe point).
  const PINS = 3;

  it("grows with the total stack slots", async () => {
    const base = await markStartWords(10, 16);
    expect(base).toBe(10 * slotsOf(16) + 2 + PINS); // + the holder's two values
    expect(await markStartWords(100, 16)).toBe(10 * slotsOf(16) * 10 + 2 + PINS);
    expect(await markStartWords(10, 160)).toBe(10 * slotsOf(160) + 2 + PINS);
  });
});

describe("hybrid: global pauses stay bounded", () => {
  async function churnRun(barrier: Barrier, scale: number) {
    const r = await runScenario(churn, (o) => loadEngine({ ...o, build: "release", barrier, globals: GLOBALS, gogc: 25 }), {
      params: { live: 20_000 * scale, goroutines: 10 * scale, "stack-depth": 8, steps: 60_000 * scale },
    });
    expect(r.gc.cycles).toBeGreaterThan(2);
    expect(r.verify.lostObjects).toBe(0);
    return r;
  }

  it("live heap ×10 and stacks ×10: hybrid's max STW work does not grow; stw's does", async () => {
    const h1 = await churnRun("hybrid", 1);
    const h10 = await churnRun("hybrid", 10);
    expect(h10.gc.stwWork.maxWords).toBeLessThanOrEqual(h1.gc.stwWork.maxWords + 64);
    // Per-goroutine pauses are bounded by one stack, not by all of them.
    expect(h10.gc.stackPauses.maxWords).toBeLessThanOrEqual(slotsOf(8) + 8);
    const s1 = await churnRun("stw", 1);
    const s10 = await churnRun("stw", 10);
    expect(s10.gc.stwWork.maxWords / s1.gc.stwWork.maxWords).toBeGreaterThan(5);
  });
});
