/**
 * Goroutine stacks and globals as roots, against a model of frames.
 *
 * Stacks are copied into a span twice the size when they fill (Go's copying
 * stacks), so bursts of thousands of values force several copies; every
 * value must survive each copy and keep its object alive. The model also
 * predicts the stack sizes: a stack starts at one 8 KiB page (2048 words)
 * and doubles until the words it needs fit, and never shrinks.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import type { Engine } from "../src/engine/engine.js";
import { at, engine, expectVerifyClean, sum } from "./helpers.js";

const INITIAL_WORDS = 2048;

interface MG {
  g: number;
  frames: number[][];
  /** Stack capacity in words, as the copying-stack rule predicts it. */
  cap: number;
}

class StackModel {
  readonly gs: MG[] = [];
  constructor(readonly e: Engine) {}

  words(m: MG): number {
    // One header word per frame plus the values.
    return m.frames.length + sum(m.frames.map((f) => f.length));
  }

  /** Grows the model's capacity the way the engine grows a stack that needs `n` more words. */
  ensure(m: MG, n: number): void {
    const need = this.words(m) + n;
    while (m.cap < need) m.cap *= 2;
  }

  top(m: MG): number[] {
    return at(m.frames, -1);
  }

  rooted(): number[] {
    const s = new Set<number>();
    for (const m of this.gs) for (const f of m.frames) for (const v of f) if (v !== 0) s.add(v);
    return [...s].sort((a, b) => a - b);
  }

  spawn(): void {
    this.gs.push({ g: this.e.spawn(), frames: [[]], cap: INITIAL_WORDS });
  }

  check(m: MG): void {
    const e = this.e;
    expect([e.frames(m.g), e.frameSlots(m.g), e.stackWords(m.g)]).toEqual([m.frames.length, this.top(m).length, this.words(m)]);
  }

  checkAll(): void {
    const e = this.e;
    for (const m of this.gs) {
      this.check(m);
      const top = this.top(m);
      const got = top.map((_, i) => e.getLocal(m.g, i));
      expect(got).toEqual(top);
    }
    const s = e.stats();
    expect(s.goroutines).toBe(this.gs.length);
    expect(s.stackBytes).toBe(sum(this.gs.map((m) => m.cap * 4)));
  }
}

type StackOp =
  | { k: "allocBurst"; g: number; n: number }
  | { k: "pushBurst"; g: number; n: number; v: number }
  | { k: "drop"; g: number; n: number }
  | { k: "pop"; g: number }
  | { k: "frame"; g: number; slots: number }
  | { k: "popFrame"; g: number }
  | { k: "local"; g: number; i: number; v: number }
  | { k: "collect" }
  | { k: "spawn" }
  | { k: "exit"; g: number };

const stackOpArb: fc.Arbitrary<StackOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant("allocBurst" as const), g: fc.nat(), n: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("pushBurst" as const), g: fc.nat(), n: fc.integer({ min: 1, max: 3000 }), v: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("drop" as const), g: fc.nat(), n: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("pop" as const), g: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("frame" as const), g: fc.nat(), slots: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1000, max: 9000 })) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("popFrame" as const), g: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("local" as const), g: fc.nat(), i: fc.nat(), v: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ k: "collect" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "spawn" as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("exit" as const), g: fc.nat() }) },
);

function apply(model: StackModel, op: StackOp): void {
  const e = model.e;
  const pick = (v: number) => {
    const r = model.rooted();
    return r.length === 0 || v % 6 === 0 ? 0 : at(r, v % r.length);
  };
  if (op.k === "collect") {
    const rooted = model.rooted();
    e.collect();
    expect(e.stats().markedObjects).toBe(rooted.length);
    for (const p of rooted) expect(e.isLive(p)).toBe(true);
    expectVerifyClean(e);
    model.checkAll();
    return;
  }
  if (op.k === "spawn") {
    if (model.gs.length < 4) model.spawn();
    return;
  }
  if (model.gs.length === 0) return;
  const m = at(model.gs, op.g % model.gs.length);
  const top = model.top(m);
  switch (op.k) {
    case "allocBurst":
      for (let i = 0; i < op.n; i++) {
        model.ensure(m, 1);
        top.push(e.allocPush(m.g, 0, 4, 0));
      }
      break;
    case "pushBurst": {
      const v = pick(op.v);
      for (let i = 0; i < op.n; i++) {
        model.ensure(m, 1);
        e.push(m.g, v);
        top.push(v);
      }
      break;
    }
    case "drop": {
      const n = op.n % (top.length + 1);
      e.drop(m.g, n);
      top.length -= n;
      break;
    }
    case "pop":
      if (top.length === 0) return;
      expect(e.pop(m.g)).toBe(top.pop());
      break;
    case "frame":
      model.ensure(m, op.slots + 1);
      e.pushFrame(m.g, op.slots);
      m.frames.push(new Array(op.slots).fill(0));
      break;
    case "popFrame":
      if (m.frames.length === 1) return;
      e.popFrame(m.g);
      m.frames.pop();
      break;
    case "local": {
      if (top.length === 0) return;
      const i = op.i % top.length;
      const v = pick(op.v);
      e.setLocal(m.g, i, v);
      top[i] = v;
      break;
    }
    case "exit":
      e.exit(m.g);
      model.gs.splice(model.gs.indexOf(m), 1);
      return;
  }
  model.check(m);
}

describe("goroutine stacks against the frame model", () => {
  for (const build of ["debug", "release"] as const) {
    test(`${build}: random pushes, pops, frames, locals and exits across stack copies; collections keep exactly the rooted objects`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(stackOpArb, { minLength: 5, maxLength: 60, size: "max" }), async (ops) => {
          const model = new StackModel(await engine({ build, maxHeap: 128 << 20 }));
          model.spawn();
          for (const op of ops) apply(model, op);
          apply(model, { k: "collect" });
        }),
        { numRuns: build === "debug" ? 60 : 25 },
      );
    });
  }

  test("a stack copied four times keeps every one of 40,000 values, in order, through collections", async () => {
    const e = await engine({ maxHeap: 64 << 20 });
    const g = e.spawn();
    const values: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      values.push(e.allocPush(g, 0, 4, 0));
      e.setUint32(at(values, i), 0, i);
      if (i % 9_999 === 0) e.collect();
    }
    // 40,001 words need 65,536: one page doubled five times.
    expect(e.stats().stackBytes).toBe(65_536 * 4);
    e.collect();
    expect(e.stats().markedObjects).toBe(40_000);
    for (let i = 0; i < 40_000; i++) if (e.getLocal(g, i) !== values[i] || e.getUint32(at(values, i), 0) !== i) expect.fail(`slot ${i}`);
    for (let i = 39_999; i >= 0; i--) if (e.pop(g) !== values[i]) expect.fail(`pop ${i}`);
    e.collect();
    expect(e.stats().markedObjects).toBe(0);
  });

  test("values in frames below the top are roots; popping their frame unroots them", async () => {
    const e = await engine({ maxHeap: 16 << 20 });
    const g = e.spawn();
    const base = e.allocPush(g, 0, 0, 0);
    e.pushFrame(g, 2);
    const mid = e.allocPush(g, 0, 0, 0);
    e.setLocal(g, 0, mid);
    e.pushFrame(g, 0);
    const topObj = e.allocPush(g, 0, 0, 0);
    e.collect();
    expect([base, mid, topObj].map((p) => e.isLive(p))).toEqual([true, true, true]);
    e.popFrame(g);
    e.collect();
    expect([base, mid, topObj].map((p) => e.isLive(p))).toEqual([true, true, false]);
    e.popFrame(g);
    e.collect();
    expect([base, mid, topObj].map((p) => e.isLive(p))).toEqual([true, false, false]);
    expect(e.frames(g)).toBe(1);
    expect(e.getLocal(g, 0)).toBe(base);
  });

  test("an exited goroutine's stack is no longer a root, and its pages go back to the page heap", async () => {
    const e = await engine({ maxHeap: 16 << 20 });
    const g = e.spawn();
    for (let i = 0; i < 5000; i++) e.allocPush(g, 0, 0, 0); // grows the stack to 4 pages
    const s1 = e.stats();
    expect(s1.stackBytes).toBe(8192 * 4);
    e.exit(g);
    const s2 = e.stats();
    expect(s2.stackBytes).toBe(0);
    expect(s2.pagesFree - s1.pagesFree).toBe(4);
    e.collect();
    expect(e.stats().markedObjects).toBe(0);
  });

  test("globals are roots; overwriting or clearing a global unroots its object", async () => {
    const e = await engine({ maxHeap: 16 << 20, globals: 4 });
    const g = e.spawn();
    const objs = [0, 1, 2, 3].map(() => e.allocPush(g, 0, 0, 0));
    objs.forEach((p, i) => e.setGlobal(i, p));
    e.drop(g, 4);
    e.collect();
    expect(e.stats().markedObjects).toBe(4);
    e.setGlobal(0, at(objs, 1));
    e.setGlobal(3, 0);
    e.collect();
    expect(objs.map((p) => e.isLive(p))).toEqual([false, true, true, false]);
    expect([0, 1, 2, 3].map((i) => e.getGlobal(i))).toEqual([objs[1], objs[1], objs[2], 0]);
  });
});
