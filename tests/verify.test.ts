/**
 * The verifier must see damage, not only report its absence. Here the tests
 * play a buggy mutator: they write words into objects directly through the
 * wasm memory, bypassing every check (as a missing write barrier or a stray
 * store would), and the verifier must count and sample exactly that damage.
 */
import { describe, expect, test } from "vitest";
import type { Engine } from "../src/engine/engine.js";
import * as abi from "../contract/abi.js";
import { at, engine, expectVerifyClean } from "./helpers.js";

/** Stores a raw word at byte address `a`, with no check and no barrier. */
function poke(e: Engine, a: number, v: number): void {
  new DataView(e.raw.memory.buffer).setUint32(a, v, true);
}

async function setup() {
  const e = await engine({ maxHeap: 16 << 20 });
  const g = e.spawn();
  const a = e.allocPush(g, 2, 8, 0);
  const d = e.allocPush(g, 2, 8, 0);
  e.drop(g, 1);
  e.collect(); // d is freed (its span is not swept yet)
  expect(e.isLive(d)).toBe(false);
  expectVerifyClean(e);
  return { e, g, a, d };
}

describe("the verifier detects damage", () => {
  test("a live object pointing at a freed one (a lost object): counted lost, sampled, and an integrity error at the field", async () => {
    const { e, a, d } = await setup();
    poke(e, a + abi.HEADER_BYTES, d);
    const v = e.verify();
    expect(v.lostObjects).toBe(1);
    expect(v.reachableObjects).toBe(2);
    expect(v.liveObjects).toBe(1);
    expect(v.samples).toContainEqual({ address: d, code: abi.I_LOST });
    expect(v.integrityErrors).toBe(1);
    expect(v.samples).toContainEqual({ address: a + abi.HEADER_BYTES, code: abi.I_BAD_POINTER });
    // Repairing the field repairs the heap.
    poke(e, a + abi.HEADER_BYTES, 0);
    expectVerifyClean(e);
  });

  test("a field holding an interior pointer (misaligned): an integrity error sampled at the field's address", async () => {
    const { e, a } = await setup();
    poke(e, a + abi.HEADER_BYTES + 4, a + 8);
    const v = e.verify();
    expect(v.integrityErrors).toBeGreaterThanOrEqual(1);
    expect(v.samples).toContainEqual({ address: a + abi.HEADER_BYTES + 4, code: abi.I_BAD_POINTER });
    expect(v.lostObjects).toBe(0);
  });

  test("a header claiming more pointer slots than its slot can hold: an integrity error sampled at the object", async () => {
    const { e, a } = await setup();
    // a is 8 + 8 + 8 = 24 bytes in a 32-byte slot; 100 pointer slots cannot fit.
    poke(e, a + abi.HDR_META, 100);
    const v = e.verify();
    expect(v.integrityErrors).toBeGreaterThanOrEqual(1);
    expect(v.samples).toContainEqual({ address: a, code: abi.I_BAD_HEADER });
  });

  test("samples stop at 16 while the counts keep going", async () => {
    const e = await engine({ maxHeap: 16 << 20 });
    const g = e.spawn();
    const holder = e.allocPush(g, 40, 0, 0);
    const dead: number[] = [];
    for (let i = 0; i < 40; i++) dead.push(e.alloc(0, 0));
    e.collect();
    dead.forEach((d, i) => poke(e, holder + abi.HEADER_BYTES + 4 * i, d));
    const v = e.verify();
    expect(v.lostObjects).toBe(40);
    expect(v.integrityErrors).toBe(40);
    expect(v.samples).toHaveLength(abi.V_MAX_SAMPLES);
  });
});

describe("allocWith keeps its arguments alive while it may collect", () => {
  test("f0 and f1 held only by the host survive a collection forced inside allocWith", async () => {
    const e = await engine({ maxHeap: 4 << 20, gogc: "off" });
    const f0 = e.alloc(0, 8);
    const f1 = e.alloc(0, 8);
    // Fill every remaining page with one-page garbage, without collecting.
    for (;;) {
      const s = e.stats();
      if (s.pagesFree === 0 && s.heapMappedBytes === s.heapMaxBytes) break;
      e.alloc(0, 8192 - 8);
    }
    expect(e.cycles.length).toBe(0);
    // A 1 KiB object needs a new span: the allocation must collect first.
    const p = e.allocWith(2, 1000, f0, f1);
    expect(e.cycles.length).toBe(1);
    expect([e.isLive(f0), e.isLive(f1)]).toEqual([true, true]);
    expect([e.readField(p, 0), e.readField(p, 1)]).toEqual([f0, f1]);
    // The cycle marked exactly the two pinned arguments.
    expect(at(e.cycles, 0).markedObjects).toBe(2);
    const g = e.spawn();
    e.push(g, p);
    e.collect();
    expect(e.stats().markedObjects).toBe(3);
    expectVerifyClean(e);
  });
});
