/**
 * deep-nesting: golang/go's runtime test TestGcDeepNesting
 * (src/runtime/gc_test.go), then the same question asked of a long chain.
 *
 *   type T [2][2][2][2][2][2][2][2][2][2]*int
 *   a := new(T)
 *   a[0][0][0][0][0][0][0][0][0][0] = new(int)
 *   *a[0][0][0][0][0][0][0][0][0][0] = 13
 *   runtime.GC()
 *   if *a[0][0][0][0][0][0][0][0][0][0] != 13 { t.Fail() }
 *
 * Part 1 is that test: a nested array type is one object of 2^10 = 1024
 * pointer slots, only the first set, pointing at an int holding 13.
 *
 * Part 2 nests for real: a chain of `depth` objects, each of two pointer
 * slots, where slot 0 holds the next level and the innermost points at an
 * int holding 13 — a[0][0]…[0] with `depth` indirections. It is built from
 * the inside out on a goroutine's stack (allocPush pops the level below into
 * the new one), with a forced collection every `gc-every` levels while it is
 * half built. A marker that recursed per level, or lost work when its grey
 * queue overflowed, would fail here.
 *
 * Invariants, after a final forced collection: *a[0]…[0] == 13 in both
 * parts, the chain has exactly `depth` levels, and the live objects are
 * exactly part 1's two plus the chain's depth + 1. Part 1 is the setup; each
 * level of part 2 is one step.
 */
import type { Engine } from "../engine/engine.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { stepped } from "../scenario/toolkit.js";

const T_SLOTS = 1024; // [2]^10 pointers
const INT_BYTES = 8;

/** The int at the bottom of the chain from `p`, following slot 0 `levels` times; -1 if the chain is short. */
function follow(e: Engine, p: number, levels: number): number {
  for (let i = 0; i < levels; i++) {
    p = e.field(p, 0);
    if (p === 0) return -1;
  }
  return e.word(p, 0);
}

/** What the levels share: the goroutine, the site, the collection count. */
interface Nesting {
  g: number;
  levelSite: number;
  gcEvery: number;
  midCollections: number;
}

/** Part 1: TestGcDeepNesting as written. Leaves g's stack as [a]. */
function part1(ctx: ScenarioContext, g: number, intSite: number): void {
  const e = ctx.engine;
  e.allocPush(g, T_SLOTS, 0, 0, e.site("deep-nesting.T"));
  const n = e.allocPush(g, 0, INT_BYTES, 0, intSite); // new(int)
  e.setUint32(n, 0, 13);
  e.writeField(e.peek(g, 1), 0, n);
  e.drop(g);
  e.collect();
  const a = e.peek(g);
  let others = 0;
  for (let i = 1; i < T_SLOTS; i++) if (e.field(a, i) !== 0) others++;
  if (follow(e, a, 1) !== 13 || others !== 0) throw new Error("deep-nesting: *a[0]…[0] != 13 after GC");
  ctx.print(`TestGcDeepNesting: a := new([2]^10 *int) (${T_SLOTS} pointer slots); after runtime.GC() *a[0]…[0] == 13`);
}

export const deepNesting = stepped<Nesting>({
  name: "deep-nesting",
  description: "runtime test TestGcDeepNesting: a[0]…[0] == 13 after GC, for [2]^10 and for a chain of `depth` levels",
  params: [
    { name: "depth", description: "levels of the nested chain (each an object)", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "gc-every", description: "forced collections every this many levels while building (0: depth / 8)", type: "int", default: 0, min: 0, max: 50_000_000 },
  ],
  steps: (p) => p.depth,
  setup(ctx) {
    const e = ctx.engine;
    const depth = ctx.params.depth;
    const gcEvery = ctx.params["gc-every"] || Math.max(1, Math.floor(depth / 8));
    const levelSite = e.site("deep-nesting.level");
    const intSite = e.site("deep-nesting.int");
    const g = e.spawn();
    part1(ctx, g, intSite);
    // Part 2: a chain of `depth` levels, innermost first. Stack: [a, chain].
    const leaf = e.allocPush(g, 0, INT_BYTES, 0, intSite);
    e.setUint32(leaf, 0, 13);
    return { g, levelSite, gcEvery, midCollections: 0 };
  },
  step(ctx, s, i) {
    const e = ctx.engine;
    const level = i + 1;
    e.allocPush(s.g, 2, 0, 1, s.levelSite); // new level, slot 0 = the level below
    if (level % s.gcEvery === 0 && level < ctx.params.depth) {
      e.collect();
      s.midCollections++;
      if (follow(e, e.peek(s.g), level) !== 13) throw new Error(`deep-nesting: chain broken at ${level} levels`);
    }
  },
  teardown(ctx, s) {
    const e = ctx.engine;
    const depth = ctx.params.depth;
    e.collect();
    const value = follow(e, e.peek(s.g), depth);
    const st = e.stats();
    const expected = 2 + depth + 1;
    if (value !== 13 || follow(e, e.peek(s.g, 1), 1) !== 13) throw new Error(`deep-nesting: *a[0]…[0] (${depth} levels) = ${value} after GC`);
    if (st.markedObjects !== expected) throw new Error(`deep-nesting: ${st.markedObjects} objects live after GC, expected ${expected}`);
    ctx.print(`chain of ${depth} levels built with ${s.midCollections} collections along the way; after runtime.GC() *a[0]…[0] == 13`);
    ctx.print(`live after GC: ${st.markedObjects} objects = 2 (part 1) + ${depth} levels + 1 int`);
    ctx.result({ depth, collections: s.midCollections, value, liveObjects: st.markedObjects });
  },
});
