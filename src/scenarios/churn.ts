/**
 * churn: a steady live set under a high pointer-write rate, built to make
 * barriers and stacks matter.
 *
 * The live set is `live` items (two pointer slots and 16 scalar bytes each)
 * held in a table: a directory object (global 0) of chunk objects of 1024
 * slots. `goroutines` goroutines each hold `stack-depth` frames of 4 slots
 * pointing at items. Every step, a random goroutine runs and
 *   1. allocates a new item on its stack and stores it into a random table
 *      slot, dropping the old item (garbage, once nothing else holds it);
 *   2. points the new item at a random item (heap write);
 *   3. loads a random item into one of its stack slots (a stack write: no
 *      barrier) — the pointer now hides on a stack;
 *   4. stores one of its stack slots into a random item's field (heap write);
 *   5. now and then returns from its top frame and calls a new one.
 * Evicted items have their fields cleared, so garbage does not chain and the
 * live set stays near `live` plus what fields and stacks still reach. One
 * mutator step is one scenario step.
 */
import type { Engine } from "../engine/engine.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { stepped } from "../scenario/toolkit.js";

const CHUNK = 1024;
const SLOTS = 4;
const ITEM_SCALAR = 16;

/** What the steps share: the goroutines and the item site. */
interface Churn {
  gs: number[];
  itemSite: number;
  replaced: number;
}

/** The directory of the table (global 0). */
const dir = (e: Engine): number => e.getGlobal(0);
/** Item i of the table. */
const item = (e: Engine, i: number): number => e.field(e.field(dir(e), (i / CHUNK) | 0), i % CHUNK);

/** The table: directory in global 0, chunks in its slots, items in theirs. */
function buildTable(e: Engine, live: number, itemSite: number): void {
  const chunkSite = e.site("churn.chunk");
  const nChunks = Math.ceil(live / CHUNK);
  e.setGlobal(0, e.alloc(nChunks, 0, e.site("churn.directory")));
  const g0 = e.spawn();
  for (let c = 0; c < nChunks; c++) {
    e.allocPush(g0, Math.min(CHUNK, live - c * CHUNK), 0, 0, chunkSite);
    e.writeField(dir(e), c, e.pop(g0));
  }
  for (let i = 0; i < live; i++) {
    e.allocPush(g0, 2, ITEM_SCALAR, 0, itemSite);
    e.writeField(e.field(dir(e), (i / CHUNK) | 0), i % CHUNK, e.pop(g0));
  }
  e.exit(g0);
}

/** `count` goroutines, each with `depth` frames of SLOTS slots pointing at random items. */
function spawnGoroutines(ctx: ScenarioContext, count: number, depth: number): number[] {
  const e = ctx.engine;
  const live = ctx.params.live;
  const gs: number[] = [];
  for (let k = 0; k < count; k++) {
    const g = e.spawn("churn.worker");
    gs.push(g);
    for (let f = 0; f < depth; f++) {
      e.pushFrame(g, SLOTS);
      for (let s = 0; s < SLOTS; s++) e.setLocal(g, s, item(e, ctx.randomInt(live)));
    }
  }
  return gs;
}

export const churn = stepped<Churn>({
  name: "churn",
  description: "steady live set, many goroutines with deep stacks, high pointer-write rate",
  params: [
    { name: "live", description: "items in the steady live set", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "goroutines", description: "goroutines holding pointers on their stacks", type: "int", default: 16, min: 1, max: 65_536 },
    { name: "stack-depth", description: "frames of 4 pointer slots per goroutine", type: "int", default: 8, min: 1, max: 4096 },
    { name: "steps", description: "mutator steps (0: 5 × live)", type: "int", default: 0, min: 0, max: 1e10 },
  ],
  steps: (p) => p.steps || 5 * p.live,
  setup(ctx) {
    const e = ctx.engine;
    const itemSite = e.site("churn.item");
    buildTable(e, ctx.params.live, itemSite);
    return { gs: spawnGoroutines(ctx, ctx.params.goroutines, ctx.params["stack-depth"]), itemSite, replaced: 0 };
  },
  step(ctx, s) {
    const e = ctx.engine;
    const live = ctx.params.live;
    const rnd = (n: number) => ctx.randomInt(n);
    const g = s.gs[rnd(s.gs.length)];
    const i = rnd(live);
    e.allocPush(g, 2, ITEM_SCALAR, 0, s.itemSite); // a safe point: handles are re-read after it
    const fresh = e.peek(g);
    const old = item(e, i);
    e.writeField(old, 0, 0);
    e.writeField(old, 1, 0);
    e.writeField(e.field(dir(e), (i / CHUNK) | 0), i % CHUNK, fresh);
    e.writeField(fresh, 0, item(e, rnd(live)));
    e.drop(g);
    e.setLocal(g, rnd(SLOTS), item(e, rnd(live)));
    e.writeField(item(e, rnd(live)), 1, e.getLocal(g, rnd(SLOTS)));
    if (rnd(16) === 0 && ctx.params["stack-depth"] > 1) {
      e.popFrame(g);
      e.pushFrame(g, SLOTS);
      e.setLocal(g, 0, item(e, rnd(live)));
    }
    s.replaced++;
  },
  teardown(ctx, s) {
    const p = ctx.params;
    ctx.print(`churn: ${p.live} live items, ${p.goroutines} goroutines × ${p["stack-depth"]} frames, ${s.replaced} items replaced`);
    ctx.result({ live: p.live, goroutines: p.goroutines, stackDepth: p["stack-depth"], replaced: s.replaced });
  },
});
