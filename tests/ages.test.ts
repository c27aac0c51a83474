/**
 * The core's allocation epochs (assembly/ages.ts, engine.ageInfo /
 * datedBySite): every object that exists is dated by the epoch of the
 * mutator clock it was allocated in, with nothing on the allocation fast
 * path. Expected epochs come from the documented clock costs, not from the
 * code under test: an allocation advances the clock by ALLOC_UNITS (16) plus
 * a quarter of its bytes, a yield by what it declares, and the first epochs
 * are 2^16 units long, doubling (pairs merging) when a 16th would start.
 *
 *  - dating: objects allocated before and after an epoch boundary get the
 *    epochs their clocks fall in;
 *  - death and reuse: a slot freed and reused by a later object carries the
 *    new object's epoch, never the dead one's;
 *  - merging: after the epochs double, the first objects are still in
 *    epoch 1 and later ones where the doubled length puts them;
 *  - random programs (fast-check, stw and hybrid): after a collection the
 *    dated objects are exactly the live ones, site by site, and no object
 *    is dated later than its allocation's epoch;
 *  - it changes nothing the collector counts: the same program with and
 *    without tracking ends with identical stats and handles.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import * as abi from "../contract/abi.js";
import type { Engine } from "../src/engine/engine.js";
import { TricolorError } from "../src/engine/errors.js";
import { at, BUILDS, engine, expectThrow } from "./helpers.js";

const FIRST = 2 ** 16;
const ALLOC_UNITS = 16;
const epochOf = (clock: number, length: number) => Math.floor(clock / length) + 1;
const clock = (e: Engine) => e.stats().mutatorClock;

function dated(e: Engine, from: number, to: number): Record<string, number> {
  return Object.fromEntries(e.datedBySite(from, to)!.sites.map((s) => [s.name, s.objects]));
}

for (const build of BUILDS) {
  describe(`${build}: allocation epochs`, () => {
    test("objects are dated by the epoch their allocation's clock falls in", async () => {
      const e = await engine({ build, maxHeap: 64 << 20, trackAges: true, gogc: "off" });
      const [a, b] = [e.site("a"), e.site("b")];
      const g = e.spawn();
      e.allocList(g, 1000, a);
      expect(clock(e)).toBeLessThan(FIRST);
      e.yield(g, 3 * FIRST);
      const cb = clock(e);
      e.allocList(g, 1000, b);
      expect(clock(e) - cb).toBeGreaterThanOrEqual(1000 * ALLOC_UNITS);
      expect(epochOf(clock(e), FIRST)).toBe(epochOf(cb, FIRST)); // b entirely inside one epoch
      e.collect();
      const info = e.ageInfo()!;
      expect(info).toMatchObject({ on: true, startClock: 0, epochLength: FIRST, merges: 0, dated: 2000 });
      const eb = epochOf(cb, FIRST);
      expect(eb).toBe(4);
      expect(info.epochs.map((x) => x.objects)).toEqual(Array.from({ length: 16 }, (_, k) => (k === 1 || k === eb ? 1000 : 0)));
      expect(at(info.epochs, 1).bytes).toBe(1000 * 16);
      expect(dated(e, 1, 1)).toEqual({ a: 1000 });
      expect(dated(e, eb, eb)).toEqual({ b: 1000 });
      expect(dated(e, 2, 3)).toEqual({});
      const d = e.datedBySite(eb, eb)!;
      expect([d.fromClock, d.toClock]).toEqual([(eb - 1) * FIRST, eb * FIRST]);
    });

    test("a freed slot reused later carries the new object's epoch, not the dead one's", async () => {
      const e = await engine({ build, maxHeap: 64 << 20, trackAges: true, gogc: "off", quarantine: false });
      const [a, c] = [e.site("a"), e.site("c")];
      const g = e.spawn();
      e.allocList(g, 500, a);
      const first = e.peek(g);
      e.drop(g);
      e.collect(); // a is dead: its slots are free
      e.yield(g, 5 * FIRST);
      e.allocList(g, 500, c);
      // The precondition: c reuses a's slots (the lowest free slots come first).
      expect(e.peek(g)).toBe(first);
      const ec = epochOf(clock(e), FIRST);
      e.collect();
      expect(dated(e, 1, 15)).toEqual({ c: 500 });
      expect(dated(e, ec, ec)).toEqual({ c: 500 });
      expect(e.ageInfo()!.dated).toBe(500);
    });

    test("before the sweep: a reader sees the mark's verdict, though each span applies it only when it is swept", async () => {
      // The mark's verdict on the epochs is applied span by span as the sweep reaches each span, not in the mark
      // termination pause; a reader between the two must still see only what the mark kept.
      const e = await engine({ build, maxHeap: 64 << 20, trackAges: true, gogc: "off", barrier: "hybrid", markQuantum: 64 });
      const [a, b] = [e.site("a"), e.site("b")];
      const g = e.spawn();
      const h = e.spawn();
      e.allocList(g, 1000, a);
      e.allocList(h, 1000, b);
      e.yield(g, FIRST); // a tick dates all 2,000
      expect(e.ageInfo()!.dated).toBe(2000);
      e.exit(h); // b is garbage now
      e.startCycle();
      for (let i = 0; e.marking && i < 10_000; i++) e.yield(g, 1000);
      expect(e.marking).toBe(false);
      // The precondition: the mark has ended and nothing has been swept yet (yields do not sweep).
      expect(e.stats().unsweptSpans).toBeGreaterThan(0);
      expect(e.ageInfo()!.dated).toBe(1000);
      expect(dated(e, 1, 15)).toEqual({ a: 1000 });
      e.collect();
      expect(dated(e, 1, 15)).toEqual({ a: 1000 });
    });

    test("merging: when a 16th epoch would start, pairs merge and the length doubles; early objects stay in epoch 1", async () => {
      const e = await engine({ build, maxHeap: 64 << 20, trackAges: true, gogc: "off" });
      const [a, b] = [e.site("a"), e.site("b")];
      const g = e.spawn();
      e.allocList(g, 300, a);
      e.yield(g, 40 * FIRST); // 41 first-length epochs in: 15 → 8 (×2), then past 15 again → ×4
      const cb = clock(e);
      e.allocList(g, 300, b);
      e.collect();
      const info = e.ageInfo()!;
      const length = FIRST * 4;
      expect(info.merges).toBe(2);
      expect(info.epochLength).toBe(length);
      expect(info.epoch).toBe(epochOf(clock(e), length));
      expect(dated(e, 1, 1)).toEqual({ a: 300 });
      const eb = epochOf(cb, length);
      expect(dated(e, eb, eb)).toEqual({ b: 300 });
    });

    test("tracking changes nothing the collector counts: stats and handles are identical with it off", async () => {
      const program = async (trackAges: boolean) => {
        const e = await engine({ build, maxHeap: 64 << 20, trackAges, barrier: "hybrid", markQuantum: 64, gogc: 10 });
        const g = e.spawn();
        const handles: number[] = [];
        for (let i = 0; i < 60000; i++) {
          handles.push(e.allocPush(g, 1, 8 + (i % 7) * 16, 0, e.site(`s${i % 3}`)));
          if (i % 3 !== 0) e.drop(g);
          if (i % 5000 === 0) e.yield(g, 300000);
        }
        e.collect();
        return { stats: e.stats(), handles, cycles: e.cycles.map((c) => ({ ...c, startNs: 0, endNs: 0, sweepTermNs: 0, markNs: 0, markTermNs: 0, assistNs: 0, backgroundNs: 0, utilization: 0 })) };
      };
      const on = await program(true);
      const off = await program(false);
      const timeless = (s: typeof on.stats) => ({ ...s, pauseTotalNs: 0, pauseMaxNs: 0 });
      expect(timeless(on.stats)).toEqual(timeless(off.stats));
      expect(on.handles).toEqual(off.handles);
      expect(on.cycles).toEqual(off.cycles);
      expect(on.stats.cycles).toBeGreaterThan(3);
    });

    test("bad input: epochs outside 1 … 15 are one typed error; without tracking there is nothing to read", async () => {
      const e = await engine({ build, maxHeap: 16 << 20, trackAges: true });
      expect(expectThrow(() => e.datedBySite(0, 3), TricolorError).message).toBe("datedBySite: epochs must be integers from 1 to 15, got 0 … 3");
      expect(expectThrow(() => e.datedBySite(1, 16), TricolorError).code).toBe(abi.E_BAD_ARGUMENT);
      const off = await engine({ build, maxHeap: 16 << 20 });
      expect(off.ageInfo()).toBeNull();
      expect(off.datedBySite(1, 15)).toBeNull();
    });
  });
}

// ── Random programs against a model ──────────────────────────────────────

type Op = { op: "alloc"; site: number; bytes: number; keep: boolean } | { op: "drop" } | { op: "yield"; units: number } | { op: "start" } | { op: "collect" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ op: fc.constant("alloc" as const), site: fc.integer({ min: 0, max: 2 }), bytes: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(40000)), keep: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ op: "drop" as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("yield" as const), units: fc.integer({ min: 1, max: 200000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "start" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "collect" as const }) },
);

describe("random programs (debug core): after a collection, the dated objects are the live ones", () => {
  for (const barrier of ["stw", "hybrid"] as const) {
    test(barrier, async () => {
      await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 400 }), async (ops) => {
        const e = await engine({ maxHeap: 32 << 20, trackAges: true, barrier, markQuantum: 32, gogc: 50 });
        const sites = [e.site("x"), e.site("y"), e.site("z")];
        const g = e.spawn();
        /** Allocation clock of each object the model holds on g's stack, in stack order. */
        const stack: { h: number; clock: number }[] = [];
        for (const o of ops) {
          if (o.op === "alloc") {
            const h = e.allocPush(g, 1, o.bytes, 0, at(sites, o.site));
            const c = clock(e);
            if (o.keep) stack.push({ h, clock: c });
            else e.drop(g);
          } else if (o.op === "drop" && stack.length > 0) {
            stack.pop();
            e.drop(g);
          } else if (o.op === "yield") e.yield(g, o.units);
          else if (o.op === "start") e.startCycle();
          else if (o.op === "collect") e.collect();
        }
        e.collect();
        const info = e.ageInfo()!;
        expect(info.on).toBe(true);
        expect(info.dated).toBe(e.stats().markedObjects);
        expect(info.dated).toBe(stack.length);
        const live = Object.fromEntries((e.liveBySite()?.sites ?? []).map((s) => [s.name, s.objects]));
        expect(dated(e, 1, 15)).toEqual(live);
        // No object is dated after the epoch its allocation fell in: for every k, at least as many are dated ≤ k as were allocated in epochs ≤ k.
        const mine = stack.map(({ clock: c }) => epochOf(c, info.epochLength));
        let datedUpTo = 0;
        for (let k = 1; k <= 15; k++) {
          datedUpTo += at(info.epochs, k).objects;
          expect(datedUpTo).toBeGreaterThanOrEqual(mine.filter((m) => m <= k).length);
        }
      }), { numRuns: 60 });
    });
  }
});
