/**
 * Allocation and the page heap: Go's size-class rounding, zeroed slots,
 * span reuse after sweep, large objects (> 32 KiB) freed and their pages
 * reused, alone and mixed with small objects.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { BARRIERS, type Engine } from "../src/engine/engine.js";
import { InvalidHandleError, TricolorError } from "../src/engine/errors.js";
import * as abi from "../contract/abi.js";
import { at, BUILDS, GO_SIZE_CLASSES, PAGE, MAX_SMALL, engine, expectedSlotBytes, expectThrow, expectVerifyClean, objectBytes, sum } from "./helpers.js";

/** (pointers, scalarBytes) pairs biased towards class boundaries, with some large objects. */
const shapeArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ pointers: fc.integer({ min: 0, max: 64 }), scalar: fc.integer({ min: 0, max: 512 }) }) },
  { weight: 3, arbitrary: fc.record({ pointers: fc.integer({ min: 0, max: 8200 }), scalar: fc.integer({ min: 0, max: 33000 }) }) },
  { weight: 1, arbitrary: fc.record({ pointers: fc.integer({ min: 0, max: 20000 }), scalar: fc.integer({ min: 0, max: 300_000 }) }) },
  // Exactly at, one below and one above a class size (scalar-only objects).
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...GO_SIZE_CLASSES), fc.constantFrom(-1, 0, 1))
      .map(([c, d]) => ({ pointers: 0, scalar: Math.max(0, c + d - 8) })),
  },
);

/**
 * The debug core holds freed slots in quarantine (assembly/quarantine.ts) so
 * stale handles are caught; these tests are about how soon the allocator
 * and the page heap reuse freed memory, so they turn it off.
 */
const NO_QUARANTINE = { quarantine: false } as const;

describe("size classes", () => {
  test("slotBytesFor rounds random (pointers, scalarBytes) to the smallest Go class, whole pages above 32 KiB", async () => {
    const e = await engine({ maxHeap: 16 << 20 });
    fc.assert(
      fc.property(shapeArb, ({ pointers, scalar }) => {
        expect(e.slotBytesFor(pointers, scalar)).toBe(expectedSlotBytes(pointers, scalar));
      }),
      { numRuns: 3000 },
    );
  });

  test("every class boundary: a class's own size stays in it, one byte more moves to the next class", async () => {
    const e = await engine({ maxHeap: 16 << 20 });
    for (let k = 0; k < GO_SIZE_CLASSES.length; k++) {
      const c = at(GO_SIZE_CLASSES, k);
      // Split the same total between pointer slots and scalar bytes in several ways.
      for (const pointers of [0, 1, Math.floor((c - 8) / 8), Math.floor((c - 8) / 4)]) {
        const scalar = c - 8 - 4 * pointers;
        if (scalar < 0) continue;
        expect(e.slotBytesFor(pointers, scalar)).toBe(c);
        const next = k + 1 < GO_SIZE_CLASSES.length ? at(GO_SIZE_CLASSES, k + 1) : c + PAGE;
        expect(e.slotBytesFor(pointers, scalar + 1)).toBe(next);
      }
    }
    // The smallest object (header only) takes the 16-byte class.
    expect(e.slotBytesFor(0, 0)).toBe(16);
    // Large objects: whole pages, boundary at each page.
    for (const pages of [5, 6, 17, 128]) {
      expect(e.slotBytesFor(0, pages * PAGE - 8)).toBe(pages * PAGE);
      expect(e.slotBytesFor(0, pages * PAGE - 7)).toBe((pages + 1) * PAGE);
    }
  });

  for (const build of BUILDS) {
    test(`${build}: slotBytes(alloc(p, s)) is the class; the header records the shape; the payload is zeroed`, async () => {
      const e = await engine({ build, maxHeap: 256 << 20 });
      fc.assert(
        fc.property(shapeArb, ({ pointers, scalar }) => {
          const p = e.alloc(pointers, scalar);
          // Checked before the next allocation, which may collect this unrooted object.
          expect(e.slotBytes(p)).toBe(expectedSlotBytes(pointers, scalar));
          expect(e.slotBytes(p)).toBe(e.slotBytesFor(pointers, scalar));
          expect(e.header(p)).toEqual({ size: 4 * pointers + scalar, pointers, site: 0 });
          expect(p % 8).toBe(0);
          if (pointers > 0) for (const i of new Set([0, pointers >> 1, pointers - 1])) expect(e.readField(p, i)).toBe(0);
          if (pointers > 0) expectThrow(() => e.readField(p, pointers), Error);
          for (const off of new Set([0, (scalar >> 1) & ~3, scalar - 4])) if (off >= 0 && scalar >= 4) expect(e.getUint32(p, off)).toBe(0);
        }),
        { numRuns: build === "debug" ? 600 : 300 },
      );
    });
  }

  test("a reused slot comes back zeroed, and reusing dead neighbours' slots leaves live objects intact", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ pointers: fc.integer({ min: 1, max: 30 }), scalar: fc.integer({ min: 8, max: 300 }), n: fc.integer({ min: 3, max: 150 }) }),
        async ({ pointers, scalar, n }) => {
          const e = await engine({ maxHeap: 64 << 20, ...NO_QUARANTINE });
          const keeper = e.spawn();
          const g = e.spawn();
          const dead = new Set<number>();
          const kept: number[] = [];
          for (let i = 0; i < n; i++) {
            const p = e.allocPush(g, pointers, scalar, 0);
            // Dirty every word: pointers to itself, all-ones scalars.
            for (let k = 0; k < pointers; k++) e.writeField(p, k, p);
            for (let off = 0; off + 4 <= scalar; off += 4) e.setUint32(p, off, 0xffffffff);
            if (i % 3 === 0) {
              e.push(keeper, p);
              kept.push(p);
            } else dead.add(p);
          }
          e.exit(g);
          e.collect();
          const g2 = e.spawn();
          let reused = 0;
          for (let i = 0; i < dead.size; i++) {
            const p = e.allocPush(g2, pointers, scalar, 0);
            if (dead.has(p)) reused++;
            for (let k = 0; k < pointers; k++) expect(e.readField(p, k)).toBe(0);
            for (let off = 0; off + 4 <= scalar; off += 4) expect(e.getUint32(p, off)).toBe(0);
          }
          // The spans still hold kept objects, so the dead slots between them are what got reused.
          expect(reused).toBe(dead.size);
          for (const p of kept) {
            for (let k = 0; k < pointers; k++) expect(e.readField(p, k)).toBe(p);
            for (let off = 0; off + 4 <= scalar; off += 4) expect(e.getUint32(p, off)).toBe(0xffffffff);
          }
          expectVerifyClean(e);
        },
      ),
      { numRuns: 40 },
    );
  });
});

// ── Span and page reuse ────────────────────────────────────────────────────

interface Round {
  handles: number[];
  slotBytes: number;
}

/** One round: a fresh goroutine roots `shapes`, then exits; a full collection and sweep free everything. */
function round(e: Engine, shapes: { pointers: number; scalar: number }[]): Round {
  const g = e.spawn();
  const handles = shapes.map(({ pointers, scalar }) => e.allocPush(g, pointers, scalar, 0));
  const slotBytes = sum(handles.map((h) => e.slotBytes(h)));
  e.exit(g);
  e.collect();
  // Collected objects are freed before the sweep.
  for (const h of handles) expect(e.isLive(h)).toBe(false);
  e.sweep();
  return { handles, slotBytes };
}

/** After a round nothing is live: no object spans, every mapped page free except live goroutines' stacks. */
function expectEmptyHeap(e: Engine): void {
  const s = e.stats();
  expect(s.heapAllocBytes).toBe(0);
  expect(s.objectsAllocated).toBe(s.objectsFreed);
  expect(s.bytesAllocated).toBe(s.bytesFreed);
  expect(s.spansInUse).toBe(s.goroutines); // one stack span each
  expect(s.pagesFree * PAGE + s.stackBytes).toBe(s.heapMappedBytes);
  expect(s.unsweptSpans).toBe(0);
}

function reuseRounds(e: Engine, shapes: { pointers: number; scalar: number }[], rounds: number): void {
  const expectedBytes = sum(shapes.map((s) => expectedSlotBytes(s.pointers, s.scalar)));
  const s0 = e.stats();
  const r1 = round(e, shapes);
  expect(r1.slotBytes).toBe(expectedBytes);
  const s1 = e.stats();
  expectEmptyHeap(e);
  // Every object span (plus the goroutine's stack) went back to the page heap.
  expect(s1.spansFreed).toBeGreaterThan(s0.spansFreed);
  expect(s1.objectsFreed - s0.objectsFreed).toBe(shapes.length);
  expect(s1.bytesFreed - s0.bytesFreed).toBe(expectedBytes);
  let prev = s1;
  for (let k = 2; k <= rounds; k++) {
    const r = round(e, shapes);
    const s = e.stats();
    expectEmptyHeap(e);
    // Served from freed pages: reuse grows, the mapped arena does not.
    expect(s.pagesReused).toBeGreaterThan(prev.pagesReused);
    expect(s.spansFreed).toBeGreaterThan(prev.spansFreed);
    expect(s.heapMappedBytes).toBe(s1.heapMappedBytes);
    expect(s.objectsFreed - prev.objectsFreed).toBe(shapes.length);
    // The arena did not grow, so every object of this round sits in pages mapped in round one.
    const arena = e.arena();
    for (const h of r.handles) expect(h >= arena.base && h < arena.end).toBe(true);
    prev = s;
  }
  expectVerifyClean(e);
}

describe("span reuse after sweep", () => {
  test("small objects (any strategy): swept spans return to the page heap and later rounds reuse their pages", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pointers: fc.integer({ min: 0, max: 40 }), scalar: fc.integer({ min: 0, max: 4000 }) }), { minLength: 1, maxLength: 400, size: "max" }),
        fc.constantFrom(...BARRIERS),
        async (shapes, barrier) => {
          reuseRounds(await engine({ maxHeap: 64 << 20, barrier, ...NO_QUARANTINE }), shapes, 4);
        },
      ),
      { numRuns: 40 },
    );
  });

  test("many rounds of the same workload: heapMappedBytes stops growing after the first", async () => {
    const e = await engine({ maxHeap: 64 << 20, ...NO_QUARANTINE });
    const shapes = Array.from({ length: 3000 }, (_, i) => ({ pointers: i % 7, scalar: (i * 37) % 700 }));
    reuseRounds(e, shapes, 12);
  });
});

describe("large objects (> 32 KiB)", () => {
  const largeArb = fc.record({ pointers: fc.integer({ min: 0, max: 3000 }), scalar: fc.integer({ min: MAX_SMALL, max: 400_000 }) });

  test("large objects alone: freed at collection, their pages reused, slot = whole pages", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(largeArb, { minLength: 1, maxLength: 30 }), async (shapes) => {
        for (const s of shapes) expect(expectedSlotBytes(s.pointers, s.scalar) % PAGE).toBe(0);
        reuseRounds(await engine({ maxHeap: 128 << 20, ...NO_QUARANTINE }), shapes, 3);
      }),
      { numRuns: 30 },
    );
  });

  test("large and small objects mixed: both kinds freed and reused; spansFreed counts each large object", async () => {
    const mixedArb = fc.array(
      fc.oneof(largeArb, fc.record({ pointers: fc.integer({ min: 0, max: 16 }), scalar: fc.integer({ min: 0, max: 2000 }) })),
      { minLength: 2, maxLength: 120, size: "max" },
    );
    await fc.assert(
      fc.asyncProperty(mixedArb, async (shapes) => {
        const e = await engine({ maxHeap: 256 << 20, ...NO_QUARANTINE });
        const large = shapes.filter((s) => objectBytes(s.pointers, s.scalar) > MAX_SMALL).length;
        const before = e.stats().spansFreed;
        reuseRounds(e, shapes, 3);
        // Each round frees at least one span per large object (and the goroutine's stack).
        expect(e.stats().spansFreed - before).toBeGreaterThanOrEqual(3 * (large + 1));
      }),
      { numRuns: 30 },
    );
  });

  test("a freed large object's handle is rejected; a live neighbour is untouched; its pages serve the next large object", async () => {
    const e = await engine({ maxHeap: 64 << 20, ...NO_QUARANTINE });
    const g = e.spawn();
    const keep = e.allocPush(g, 4, 100_000, 0);
    const dead = e.allocPush(g, 0, 200_000, 0);
    e.setUint32(keep, 0, 0xc0ffee);
    const deadSlot = e.slotBytes(dead);
    expect(deadSlot).toBe(Math.ceil(objectBytes(0, 200_000) / PAGE) * PAGE);
    e.drop(g, 1);
    e.collect();
    const err = expectThrow(() => e.checkHandle(dead), InvalidHandleError);
    expect(err.code).toBe(abi.E_FREED);
    expect(e.isLive(keep)).toBe(true);
    e.sweep();
    const s = e.stats();
    expect(s.heapAllocBytes).toBe(e.slotBytes(keep));
    // The freed run is the lowest free run that fits: a same-size object lands exactly there.
    const again = e.allocPush(g, 0, 200_000, 0);
    expect(again).toBe(dead);
    expect(e.stats().pagesReused - s.pagesReused).toBe(deadSlot / PAGE);
    expect(e.stats().heapMappedBytes).toBe(s.heapMappedBytes);
    expect(e.getUint32(keep, 0)).toBe(0xc0ffee);
    expectVerifyClean(e);
  });
});

describe("observing the heap does not change it", () => {
  // stats(), verify() and composition() are inspections: a workload must place its
  // objects the same way whether or not the host looks at the heap in between.
  for (const inspect of ["stats", "verify", "composition"] as const) {
    test(`calling ${inspect}() between allocations leaves spans, pages and addresses as without it`, async () => {
      const run = async (look: boolean) => {
        const e = await engine({ maxHeap: 64 << 20 });
        const g = e.spawn();
        const handles: number[] = [];
        for (let i = 0; i < 500; i++) {
          handles.push(e.allocPush(g, 1, 8, 0));
          if (look) e[inspect]();
        }
        const s = e.stats();
        return { handles, spansInUse: s.spansInUse, mapped: s.heapMappedBytes, pagesFree: s.pagesFree, heapAlloc: s.heapAllocBytes };
      };
      const quiet = await run(false);
      const observed = await run(true);
      expect(observed.heapAlloc).toBe(quiet.heapAlloc);
      expect(observed.spansInUse).toBe(quiet.spansInUse);
      expect(observed.mapped).toBe(quiet.mapped);
      expect(observed.handles).toEqual(quiet.handles);
    });
  }
});

describe("engine options", () => {
  for (const [what, options, named] of [
    ["unknown barrier (bad input: \"banana\")", { barrier: "banana" }, "banana"],
    ["negative memory limit (bad input: -5)", { memoryLimit: -5 }, "-5"],
    ["background share out of 1..99 (bad input: 150)", { backgroundPercent: 150 }, "150"],
    ["zero mark quantum (bad input: 0)", { markQuantum: 0 }, "0"],
    ["mark queue under 16 entries (bad input: 8)", { markQueue: 8 }, "8-entry"],
    ["goroutine table over 65536 (bad input: 70000)", { maxGoroutines: 70000 }, "70000"],
    ["fractional GOGC (bad input: 1.5)", { gogc: 1.5 }, "1.5"],
  ] as const) {
    test(`an engine with ${what} is refused, naming the value`, async () => {
      const err = await engine({ maxHeap: 16 << 20, ...(options as object) }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(err).toBeInstanceOf(TricolorError);
      expect((err as TricolorError).code).toBe(abi.E_BAD_ARGUMENT);
      expect((err as Error).message).toContain(named);
    });
  }

  test("an option passed as undefined takes its default (markQueue: undefined, globals: undefined)", async () => {
    const e = await engine({ maxHeap: 16 << 20, markQueue: undefined, globals: undefined });
    const g = e.spawn();
    e.allocPush(g, 0, 0, 0);
    e.setGlobal(1023, e.peek(g));
    e.collect();
    expect(e.stats().markedObjects).toBe(1);
  });

  test("maxHeap outside 1 MiB..3 GiB is refused with the value in the message (bad input: 1000 bytes, 4 GiB, NaN)", async () => {
    for (const maxHeap of [1000, 4 * 2 ** 30, NaN]) {
      const err = (await engine({ maxHeap }).then(
        () => null,
        (x: unknown) => x,
      )) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toContain(String(maxHeap));
    }
  });
});

describe("pacer (GOGC)", () => {
  test("after a collection the heap goal is Go's: L + (L + stack scanned + globals) × GOGC/100, at least 4 MiB × GOGC/100 and the sweep distance", async () => {
    // mgcpacer.go commit: gcPercentHeapGoal = heapMarked + (heapMarked + lastStackScan + globalsScan) × GOGC/100,
    // raised to heapMinimum = 4 MiB × GOGC/100; heapGoalInternal then keeps it at least sweepDistMinTrigger =
    // heapLive + 1 MiB, set at mark termination while the sweep had not finished.
    for (const gogc of [0, 25, 100, 400]) {
      for (const n of [1000, 500_000]) {
        const e = await engine({ maxHeap: 256 << 20, gogc });
        const g = e.spawn();
        e.allocList(g, n);
        e.collect();
        const s = e.stats();
        expect(s.markedBytes).toBe(n * 16);
        const L = s.markedBytes;
        // One goroutine: its frame header and the list's head, 2 words scanned. Globals: 1024 words and 3 pins.
        const stackScanned = 2 * 4;
        const globals = (1024 + 3) * 4;
        const gogcGoal = L + Math.floor(((L + stackScanned + globals) * gogc) / 100);
        const goal = Math.max(gogcGoal, Math.floor(((4 << 20) * gogc) / 100), L + (1 << 20));
        expect({ gogc, n, goal: s.heapGoalBytes }).toEqual({ gogc, n, goal });
      }
    }
  });

  test("a larger GOGC means fewer collections for the same work once the live heap is above the 4 MiB minimum", async () => {
    const cycles = async (gogc: number | "off") => {
      const e = await engine({ build: "release", maxHeap: 256 << 20, gogc });
      const g = e.spawn();
      e.allocList(g, 600_000); // 9.6 MB live
      e.collect();
      const before = e.events.pauseStats.count;
      for (let i = 0; i < 2_000_000; i++) e.alloc(0, 8); // 32 MB of garbage
      const n = e.events.pauseStats.count - before;
      e.collect();
      expect(e.stats().markedObjects).toBe(600_000);
      return n;
    };
    const [c25, c100, c400, off] = [await cycles(25), await cycles(100), await cycles(400), await cycles("off")];
    expect(c25).toBeGreaterThan(c100);
    expect(c100).toBeGreaterThan(c400);
    expect(off).toBe(0);
  });

  test("setGogc refuses non-integers and huge values (bad input: 1.5, 2^31, NaN) and keeps the old setting", async () => {
    const e = await engine({ maxHeap: 16 << 20, gogc: 50 });
    const goal = e.stats().heapGoalBytes;
    for (const bad of [1.5, 2 ** 31, NaN]) {
      const err = expectThrow(() => e.setGogc(bad), Error);
      expect(err.message).toContain(String(bad));
    }
    expect(e.stats().heapGoalBytes).toBe(goal);
    e.setGogc("off");
    expect(e.stats().heapGoalBytes).toBe(-1);
  });
});
