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
 * live set stays near `live` plus what fields and stacks still reach.
 */
import type { Scenario, ScenarioContext } from "../scenario/scenario.js";

const CHUNK = 1024;
const SLOTS = 4;
const ITEM_SCALAR = 16;

export const churn: Scenario = {
  name: "churn",
  description: "steady live set, many goroutines with deep stacks, high pointer-write rate",
  params: [
    { name: "live", description: "items in the steady live set", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "goroutines", description: "goroutines holding pointers on their stacks", type: "int", default: 16, min: 1, max: 65_536 },
    { name: "stack-depth", description: "frames of 4 pointer slots per goroutine", type: "int", default: 8, min: 1, max: 4096 },
    { name: "steps", description: "mutator steps (0: 5 × live)", type: "int", default: 0, min: 0, max: 1e10 },
  ],
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const live = ctx.params.live;
    const nGoroutines = ctx.params.goroutines;
    const depth = ctx.params["stack-depth"];
    const steps = ctx.params.steps || 5 * live;
    const rnd = (n: number) => Math.floor(ctx.random() * n);
    const itemSite = e.site("churn.item");
    const chunkSite = e.site("churn.chunk");
    const nChunks = Math.ceil(live / CHUNK);

    // The table: directory in global 0, chunks in its slots, items in theirs.
    e.setGlobal(0, e.alloc(nChunks, 0, e.site("churn.directory")));
    const dir = () => e.getGlobal(0);
    const g0 = e.spawn();
    for (let c = 0; c < nChunks; c++) {
      e.allocPush(g0, Math.min(CHUNK, live - c * CHUNK), 0, 0, chunkSite);
      e.writeField(dir(), c, e.pop(g0));
    }
    for (let i = 0; i < live; i++) {
      e.allocPush(g0, 2, ITEM_SCALAR, 0, itemSite);
      e.writeField(e.field(dir(), (i / CHUNK) | 0), i % CHUNK, e.pop(g0));
    }
    e.exit(g0);
    const item = (i: number) => e.field(e.field(dir(), (i / CHUNK) | 0), i % CHUNK);

    const gs: number[] = [];
    for (let k = 0; k < nGoroutines; k++) {
      const g = e.spawn();
      gs.push(g);
      for (let f = 0; f < depth; f++) {
        e.pushFrame(g, SLOTS);
        for (let s = 0; s < SLOTS; s++) e.setLocal(g, s, item(rnd(live)));
      }
    }

    let replaced = 0;
    for (let step = 0; step < steps; step++) {
      const g = gs[rnd(nGoroutines)];
      const i = rnd(live);
      e.allocPush(g, 2, ITEM_SCALAR, 0, itemSite); // a safe point: handles are re-read after it
      const fresh = e.peek(g);
      const old = item(i);
      e.writeField(old, 0, 0);
      e.writeField(old, 1, 0);
      e.writeField(e.field(dir(), (i / CHUNK) | 0), i % CHUNK, fresh);
      e.writeField(fresh, 0, item(rnd(live)));
      e.drop(g);
      e.setLocal(g, rnd(SLOTS), item(rnd(live)));
      e.writeField(item(rnd(live)), 1, e.getLocal(g, rnd(SLOTS)));
      if (rnd(16) === 0 && depth > 1) {
        e.popFrame(g);
        e.pushFrame(g, SLOTS);
        e.setLocal(g, 0, item(rnd(live)));
      }
      replaced++;
      if ((step & 0xffff) === 0) ctx.progress(step / steps);
    }
    ctx.print(`churn: ${live} live items, ${nGoroutines} goroutines × ${depth} frames, ${replaced} items replaced`);
  },
};
