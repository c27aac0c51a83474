/**
 * Out of memory: a small heap filled with rooted objects refuses the next
 * allocation with OutOfMemoryError carrying the heap's composition; the
 * engine stays usable, and once the roots go the same allocations succeed.
 * Requests larger than the heap could ever hold are refused up front.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import type { Engine } from "../src/engine/engine.js";
import { BadRequestError, OutOfMemoryError } from "../src/engine/errors.js";
import * as abi from "../contract/abi.js";
import { at, PAGE, engine, expectThrow, expectUnchanged, expectVerifyClean, expectedSlotBytes, objectBytes, snapshot } from "./helpers.js";

const MiB = 1 << 20;
/** Every strategy that must never lose an object. */
const SAFE_BARRIERS = ["stw", "dijkstra", "yuasa", "hybrid"] as const;

interface Filled {
  count: number;
  perSite: Map<string, number>;
  error: OutOfMemoryError;
}

/**
 * Fills the heap with a chain of rooted objects on `g` (each new object's
 * field 0 holds the previous one, so the stack holds one value), cycling
 * through `sites`, until allocation throws. Returns what was allocated.
 */
function fillRooted(e: Engine, g: number, pointers: number, scalar: number, sites: string[]): Filled {
  const perSite = new Map<string, number>(sites.map((s) => [s, 0]));
  let count = 0;
  for (;;) {
    const name = at(sites, count % sites.length);
    try {
      e.allocPush(g, pointers, scalar, count === 0 ? 0 : 1, e.site(name));
    } catch (err) {
      expect(err).toBeInstanceOf(OutOfMemoryError);
      return { count, perSite, error: err as OutOfMemoryError };
    }
    count++;
    perSite.set(name, perSite.get(name)! + 1);
    if (count > 10_000_000) throw new Error("the heap never filled");
  }
}

/** Length of the chain hanging from `head` through field 0. */
function chainLength(e: Engine, head: number): number {
  let n = 0;
  for (let p = head; p !== 0; p = e.field(p, 0)) n++;
  return n;
}

/** Allocates unrooted one-page objects until every page of the maximum heap is taken by garbage. */
function fillWithGarbage(e: Engine): number {
  let n = 0;
  for (;;) {
    const s = e.stats();
    if (s.pagesFree === 0 && s.heapMappedBytes === s.heapMaxBytes) return n;
    e.alloc(0, PAGE - 8); // the 8192-byte class: one object per one-page span
    n++;
  }
}

describe("out of memory", () => {
  test("a small heap filled with rooted objects (any safe strategy): OutOfMemoryError with its composition; drop the roots and allocate again", async () => {
    const shapeArb = fc.oneof(
      fc.record({ pointers: fc.integer({ min: 1, max: 40 }), scalar: fc.integer({ min: 120, max: 3000 }) }),
      fc.record({ pointers: fc.integer({ min: 1, max: 40 }), scalar: fc.integer({ min: 32_800, max: 300_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.constantFrom(2 * MiB, 3 * MiB, 4 * MiB), fc.constantFrom(...SAFE_BARRIERS), async ({ pointers, scalar }, maxHeap, barrier) => {
        const e = await engine({ maxHeap, barrier, verifyEachCycle: true });
        const g = e.spawn();
        const slot = expectedSlotBytes(pointers, scalar);
        const { count, perSite, error } = fillRooted(e, g, pointers, scalar, ["fill.a", "fill.a", "fill.b"]);
        expect(count).toBeGreaterThan(0);

        // The error: what was asked for, and what holds the heap.
        expect(error.code).toBe(abi.E_OUT_OF_MEMORY);
        expect([objectBytes(pointers, scalar), slot]).toContain(error.requestedBytes);
        expect(error.message).toMatch(/^out of memory: cannot allocate \d+ bytes/);
        expect(error.message).toContain(String(error.requestedBytes));
        const c = error.composition;
        expect(c.heapMaxBytes).toBe(maxHeap);
        expect(c.heapAllocBytes).toBe(count * slot);
        const sites = new Map(c.sites.map((s) => [s.name, { objects: s.objects, bytes: s.bytes }]));
        expect(sites).toEqual(new Map([...perSite].filter(([, n]) => n > 0).map(([name, n]) => [name, { objects: n, bytes: n * slot }])));
        expect(c.sites.map((s) => s.bytes)).toEqual(c.sites.map((s) => s.bytes).sort((x, y) => y - x));
        expect(error.message).toContain(at(c.sites, 0).name);
        expect(c.classes).toEqual([{ sizeClass: at(c.classes, 0).sizeClass, objectBytes: slot > 32768 ? 0 : slot, objects: count, bytes: count * slot }]);
        // The heap really was full: less than one more span's worth of pages is left.
        expect(c.freePages * PAGE).toBeLessThan(Math.max(slot, 10 * PAGE));

        // Nothing was damaged by the failed allocation and its forced collection.
        expect(chainLength(e, e.peek(g))).toBe(count);
        expect(e.stats().objectsAllocated).toBe(count);
        expect(expectVerifyClean(e).reachableObjects).toBe(count);

        // Drop the roots: the same allocations fit again.
        e.drop(g, 1);
        for (let i = 0; i < count; i++) e.allocPush(g, pointers, scalar, i === 0 ? 0 : 1, e.site("again"));
        expect(chainLength(e, e.peek(g))).toBe(count);
        e.collect();
        e.sweep();
        const s = e.stats();
        expect(s.objectsAllocated - s.objectsFreed).toBe(count);
        expect(s.lostAtMark).toBe(0);
        expectVerifyClean(e);
      }),
      { numRuns: 40 },
    );
  });

  test("a single allocation bigger than the max heap (bad input: 8 MiB on a 4 MiB heap) is BadRequestError; nothing runs; engine usable", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    const g = e.spawn();
    e.allocPush(g, 1, 100, 0);
    const before = snapshot(e);
    const err = expectThrow(() => e.alloc(0, 8 * MiB), BadRequestError);
    expect(err.code).toBe(abi.E_TOO_LARGE);
    expect(err.message).toMatch(new RegExp(`\\b(${8 * MiB}|${8 * MiB + 8})\\b`));
    expect(err.message).toContain("exceeds");
    // Refused up front: no collection was attempted, nothing moved.
    expectUnchanged(e, before);
    expect(e.pauses.length).toBe(0);
    const p = e.allocPush(g, 2, 2 * MiB, 0);
    expect(e.slotBytes(p)).toBe(expectedSlotBytes(2, 2 * MiB));
    expectVerifyClean(e);
  });

  test("more pointer slots than a header can describe (bad input: 2^20 slots) and a 4 GiB scalar (bad input: 0xFFFFFFFF) are BadRequestError", async () => {
    const e = await engine({ maxHeap: 64 * MiB });
    const g = e.spawn();
    for (const [pointers, scalar, named] of [
      [abi.MAX_POINTER_SLOTS + 1, 0, String(abi.MAX_POINTER_SLOTS + 1)],
      [0, 0xffffffff, String(0xffffffff)],
    ] as const) {
      const before = snapshot(e);
      const err = expectThrow(() => e.allocPush(g, pointers, scalar, 0), BadRequestError);
      expect(err.code).toBe(abi.E_TOO_LARGE);
      expect(err.message).toContain(named);
      expectUnchanged(e, before);
    }
    // The largest header still works.
    const p = e.allocPush(g, abi.MAX_POINTER_SLOTS, 0, 0);
    expect(e.header(p).pointers).toBe(abi.MAX_POINTER_SLOTS);
    e.collect();
    expect(e.stats().markedObjects).toBe(1);
  });

  test("an object exactly the size of the max heap fits an empty heap; one byte more is too large", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    const p = e.alloc(0, 4 * MiB - 8);
    expect(e.slotBytes(p)).toBe(4 * MiB);
    expect(e.stats().pagesFree).toBe(0);
    expectThrow(() => e.alloc(0, 4 * MiB - 7), BadRequestError);
    // The unrooted giant is garbage: a collection and sweep make room for ordinary objects.
    e.collect();
    e.sweep();
    const g = e.spawn();
    e.allocPush(g, 1, 0, 0);
    expect(e.isLive(p)).toBe(false);
    expectVerifyClean(e);
  });

  test("an allocation that fits the max heap but not beside the live data is OutOfMemoryError, not BadRequestError", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    const g = e.spawn();
    e.allocPush(g, 0, 2 * MiB, 0);
    const err = expectThrow(() => e.alloc(0, 3 * MiB), OutOfMemoryError);
    expect(err.requestedBytes).toBeGreaterThanOrEqual(3 * MiB);
    expect(err.composition.heapAllocBytes).toBe(expectedSlotBytes(0, 2 * MiB));
    e.drop(g, 1);
    const p = e.allocPush(g, 0, 3 * MiB, 0);
    expect(e.slotBytes(p)).toBe(expectedSlotBytes(0, 3 * MiB));
  });

  test("garbage never causes out of memory: random rooted/unrooted allocations with live data under a quarter of the heap", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ pointers: fc.integer({ min: 0, max: 8 }), scalar: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 33_000, max: 200_000 })), keep: fc.boolean() }),
          { minLength: 50, maxLength: 400, size: "max" },
        ),
        async (allocs) => {
          const maxHeap = 4 * MiB;
          const e = await engine({ maxHeap });
          const g = e.spawn();
          let live = 0;
          const kept: number[] = [];
          for (let round = 0; round < 5; round++) {
            for (const { pointers, scalar, keep } of allocs) {
              const slot = expectedSlotBytes(pointers, scalar);
              if (keep && live + slot <= maxHeap / 4) {
                kept.push(e.allocPush(g, pointers, scalar, 0));
                live += slot;
              } else {
                e.alloc(pointers, scalar);
              }
            }
          }
          e.collect();
          expect(e.stats().markedBytes).toBe(live);
          for (const p of kept) expect(e.isLive(p)).toBe(true);
          expectVerifyClean(e);
        },
      ),
      { numRuns: 20 },
    );
  });

  test("bulk builders out of memory (bad input: a 10^6-node list and a depth-20 tree on a 4 MiB heap): OutOfMemoryError, heap consistent, reclaimable", async () => {
    for (const build of [(e: Engine, g: number) => e.allocList(g, 1_000_000), (e: Engine, g: number) => e.allocTree(g, 20)]) {
      const e = await engine({ maxHeap: 4 * MiB });
      const g = e.spawn();
      const err = expectThrow(() => build(e, g), OutOfMemoryError);
      expect(err.code).toBe(abi.E_OUT_OF_MEMORY);
      expect(err.composition.heapAllocBytes).toBeGreaterThan(3 * MiB);
      expectVerifyClean(e);
      // Whatever was built is on g's stack; popping the frame's values frees it all.
      e.drop(g, e.frameSlots(g));
      e.collect();
      expect(e.stats().markedObjects).toBe(0);
      e.allocTree(g, 10);
      e.collect();
      expect(e.stats().markedObjects).toBe(2 ** 11 - 1);
    }
  });
});

describe("out of memory in goroutine stacks", () => {
  // A stack that grows in a full heap collects first. Whatever the growing call
  // is about to store must survive that collection: the value being pushed, the
  // node being built.
  test("push(g, h) of a host-held object, when the push must grow the stack in a heap full of garbage: h is rooted and live", async () => {
    const e = await engine({ maxHeap: 4 * MiB, gogc: "off" });
    const g = e.spawn();
    for (let i = 0; i < 2047; i++) e.push(g, 0); // the one-page stack (2048 words) is now full
    const h = e.alloc(1, 8); // held by the host only until the push roots it
    e.setUint32(h, 0, 0xabcd);
    fillWithGarbage(e);
    const cycles = e.cycles.length;
    e.push(g, h);
    expect(e.cycles.length).toBe(cycles + 1); // growing the stack had to collect
    expect(e.peek(g)).toBe(h);
    expect(e.isLive(h)).toBe(true);
    expect(e.getUint32(h, 0)).toBe(0xabcd);
    expectVerifyClean(e);
    e.collect();
    expect(e.stats().markedObjects).toBe(1);
  });

  test("allocTree whose leaf push must grow the stack in a heap full of garbage keeps every node", async () => {
    for (const depth of [0, 2, 5]) {
      const e = await engine({ maxHeap: 4 * MiB, gogc: "off" });
      const g = e.spawn();
      e.allocPush(g, 2, 0, 0); // a 16-byte span stays cached: the tree's first nodes need no new page
      for (let i = 0; i < 2046 - depth; i++) e.push(g, 0); // the stack fills up while the first leaves are pushed
      fillWithGarbage(e);
      e.allocTree(g, depth);
      expect(e.isLive(e.peek(g))).toBe(true);
      expectVerifyClean(e);
      e.collect();
      expect({ depth, marked: e.stats().markedObjects }).toEqual({ depth, marked: 1 + 2 ** (depth + 1) - 1 });
      expectVerifyClean(e);
    }
  });

  test("a stack can grow while the heap is full of garbage: the garbage is collected first", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    const g = e.spawn();
    fillWithGarbage(e);
    // 3000 values need a second stack page.
    for (let i = 0; i < 3000; i++) e.push(g, 0);
    expect(e.frameSlots(g)).toBe(3000);
    expectVerifyClean(e);
  });

  test("spawn succeeds while the heap is full of garbage", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    e.spawn();
    fillWithGarbage(e);
    const g = e.spawn();
    e.allocPush(g, 0, 0, 0);
    expect(e.frames(g)).toBe(1);
  });

  test("spawn succeeds right after a collection that left only unswept empty spans", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    fillWithGarbage(e);
    e.collect();
    expect(e.stats().markedObjects).toBe(0);
    const g = e.spawn();
    expect(e.frames(g)).toBe(1);
  });

  test("a stack that cannot grow in a heap full of live data: OutOfMemoryError naming the bytes the stack needed; stack unchanged", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    const g = e.spawn();
    e.pushFrame(g, 2);
    const { count } = fillRooted(e, g, 1, PAGE - 12, ["live"]);
    expect(count).toBeGreaterThan(400);
    const frames = e.frames(g);
    const slots = e.frameSlots(g);
    const words = e.stackWords(g);
    // A frame of 600 000 slots needs at least 2.4 MB of stack.
    const err = expectThrow(() => e.pushFrame(g, 600_000), OutOfMemoryError);
    expect(err.requestedBytes).toBeGreaterThanOrEqual(4 * 600_000);
    expect([e.frames(g), e.frameSlots(g), e.stackWords(g)]).toEqual([frames, slots, words]);
    expect(chainLength(e, e.peek(g))).toBe(count);
    expectVerifyClean(e);
  });

  test("spawn in a heap full of live data: OutOfMemoryError naming at least a stack page", async () => {
    const e = await engine({ maxHeap: 4 * MiB });
    const g = e.spawn();
    fillRooted(e, g, 1, PAGE - 12, ["live"]);
    const err = expectThrow(() => e.spawn(), OutOfMemoryError);
    expect(err.requestedBytes).toBeGreaterThanOrEqual(PAGE);
    expect(e.stats().goroutines).toBe(1);
    expectVerifyClean(e);
  });
});
