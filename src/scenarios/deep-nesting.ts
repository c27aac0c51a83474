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
 * exactly part 1's two plus the chain's depth + 1.
 */
import type { Engine } from "../engine/engine.js";
import type { Scenario, ScenarioContext } from "../scenario/scenario.js";

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

export const deepNesting: Scenario = {
  name: "deep-nesting",
  description: "runtime test TestGcDeepNesting: a[0]…[0] == 13 after GC, for [2]^10 and for a chain of `depth` levels",
  params: [
    { name: "depth", description: "levels of the nested chain (each an object)", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "gc-every", description: "forced collections every this many levels while building (0: depth / 8)", type: "int", default: 0, min: 0, max: 50_000_000 },
  ],
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const depth = ctx.params.depth;
    const gcEvery = ctx.params["gc-every"] || Math.max(1, Math.floor(depth / 8));
    const levelSite = e.site("deep-nesting.level");
    const intSite = e.site("deep-nesting.int");
    const g = e.spawn();

    // Part 1: TestGcDeepNesting as written. Stack: [a].
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

    // Part 2: a chain of `depth` levels, innermost first. Stack: [a, chain].
    const leaf = e.allocPush(g, 0, INT_BYTES, 0, intSite);
    e.setUint32(leaf, 0, 13);
    let midCollections = 0;
    for (let level = 1; level <= depth; level++) {
      e.allocPush(g, 2, 0, 1, levelSite); // new level, slot 0 = the level below
      if (level % gcEvery === 0 && level < depth) {
        e.collect();
        midCollections++;
        if (follow(e, e.peek(g), level) !== 13) throw new Error(`deep-nesting: chain broken at ${level} levels`);
      }
      if (level % 65_536 === 0) ctx.progress?.(level / depth);
    }
    e.collect();
    const value = follow(e, e.peek(g), depth);
    const st = e.stats();
    const expected = 2 + depth + 1;
    if (value !== 13 || follow(e, e.peek(g, 1), 1) !== 13) throw new Error(`deep-nesting: *a[0]…[0] (${depth} levels) = ${value} after GC`);
    if (st.markedObjects !== expected) throw new Error(`deep-nesting: ${st.markedObjects} objects live after GC, expected ${expected}`);
    ctx.print(`chain of ${depth} levels built with ${midCollections} collections along the way; after runtime.GC() *a[0]…[0] == 13`);
    ctx.print(`live after GC: ${st.markedObjects} objects = 2 (part 1) + ${depth} levels + 1 int`);
  },
};
