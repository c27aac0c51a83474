/**
 * leaky-cache: the commonest Go leak — a map used as a cache with no
 * eviction. Every request stores its response under a fresh id and nothing
 * ever deletes it, so the live heap climbs without bound (DESIGN.md §9).
 *
 *   cache (global 0)   [buckets]
 *   buckets            2^k pointer slots, doubled (and every entry rehashed,
 *                      the old array left as garbage) whenever the map holds
 *                      more than 4 entries per bucket, up to 2^19 buckets
 *   entry              [value, chain] + id (u32) and 4 spare bytes
 *   value              `value-bytes` of scalar data; its first word repeats the id
 *
 * Every step serves request number `step`: it builds a response buffer of
 * `garbage-bytes` (garbage when the step ends — the part of the work the
 * collector does reclaim), stores a value under the new id (the leak), and
 * performs `lookups` gets of random earlier ids (always hits, no allocation).
 *
 * Invariant: the live heap after each cycle keeps growing — it is printed
 * per cycle from the engine's cycle records — and after the run every one
 * of the `entries` ids is still in the map with its value.
 */
import type { Engine, EngineOptions } from "../engine/engine.js";
import type { Params, Scenario, ScenarioContext } from "../scenario/scenario.js";
import { kib } from "./lru-cache.js";

const CACHE = 0;
const C_BUCKETS = 0;
const E_VALUE = 0;
const E_CHAIN = 1;
const ENTRY_POINTERS = 2;
const ENTRY_SCALAR = 8;
const LOAD_FACTOR = 4;
const MAX_BUCKETS = 1 << 19; // a buckets array is one object: at most 2^20 − 1 pointer slots

const idOf = (e: Engine, entry: number): number => e.word(entry, ENTRY_POINTERS);
const valueId = (e: Engine, value: number): number => e.word(value, 0);

export const leakyCache: Scenario = {
  name: "leaky-cache",
  description: "a map used as a cache and never evicted: the live heap grows every cycle (a leak)",
  params: [
    { name: "entries", description: "requests served, each leaving one entry + value behind", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "value-bytes", description: "scalar bytes per leaked value", type: "int", default: 128, min: 4, max: 1 << 20 },
    { name: "garbage-bytes", description: "scalar bytes of the per-request response buffer (short-lived)", type: "int", default: 512, min: 0, max: 1 << 20 },
    { name: "lookups", description: "gets of random earlier ids per request", type: "int", default: 2, min: 0, max: 1000 },
  ],
  engineOptions(p: Params): EngineOptions {
    // Everything leaked stays live, and GOGC=100 lets the heap reach twice that.
    const need = 2.2 * p.entries * (48 + p["value-bytes"]) + (64 << 20);
    return need > 2 ** 30 ? { maxHeap: Math.min(3 * 2 ** 30, Math.ceil(need / 2 ** 20) * 2 ** 20) } : {};
  },
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const p = ctx.params;
    const entries = p.entries;
    const rnd = (n: number) => Math.floor(ctx.random() * n);
    const entrySite = e.site("leaky-cache.entry");
    const valueSite = e.site("leaky-cache.value");
    const bucketSite = e.site("leaky-cache.buckets");
    const responseSite = e.site("leaky-cache.response");
    let nBuckets = 16;
    let shift = 28;
    const bucketOf = (id: number) => Math.imul(id, 0x9e3779b1) >>> shift;

    const g = e.spawn();
    e.allocPush(g, 1, 0, 0, e.site("leaky-cache.cache"));
    e.setGlobal(CACHE, e.pop(g));
    e.allocPush(g, nBuckets, 0, 0, bucketSite);
    e.writeField(e.getGlobal(CACHE), C_BUCKETS, e.peek(g));
    e.drop(g);
    const buckets = () => e.field(e.getGlobal(CACHE), C_BUCKETS);
    const lookup = (id: number): number => {
      let entry = e.field(buckets(), bucketOf(id));
      while (entry !== 0 && idOf(e, entry) !== id) entry = e.field(entry, E_CHAIN);
      return entry;
    };

    /** Doubles the bucket array: the new one is built on g's stack, the old one becomes garbage. */
    const grow = (): void => {
      e.allocPush(g, 2 * nBuckets, 0, 0, bucketSite);
      const fresh = e.peek(g);
      const old = buckets();
      const oldCount = nBuckets;
      nBuckets *= 2;
      shift--;
      for (let b = 0; b < oldCount; b++) {
        let entry = e.field(old, b);
        while (entry !== 0) {
          const next = e.field(entry, E_CHAIN);
          const nb = bucketOf(idOf(e, entry));
          e.writeField(entry, E_CHAIN, e.field(fresh, nb));
          e.writeField(fresh, nb, entry);
          entry = next;
        }
        e.writeField(old, b, 0);
      }
      e.writeField(e.getGlobal(CACHE), C_BUCKETS, fresh);
      e.drop(g);
    };

    let found = 0;
    let grows = 0;
    const every = Math.max(1, Math.floor(entries / 100));
    for (let id = 0; id < entries; id++) {
      if (p["garbage-bytes"] > 0) e.allocPush(g, 0, p["garbage-bytes"], 0, responseSite); // the response buffer
      const v = e.allocPush(g, 0, p["value-bytes"], 0, valueSite);
      e.setUint32(v, 0, id);
      const entry = e.allocPush(g, ENTRY_POINTERS, ENTRY_SCALAR, 1, entrySite);
      e.setUint32(entry, 0, id);
      const b = bucketOf(id);
      e.writeField(entry, E_CHAIN, e.field(buckets(), b));
      e.writeField(buckets(), b, entry);
      e.drop(g); // the entry is in the map now: leaked
      if (p["garbage-bytes"] > 0) e.drop(g); // the response is sent: garbage
      if (id + 1 > LOAD_FACTOR * nBuckets && nBuckets < MAX_BUCKETS) {
        grow();
        grows++;
      }
      for (let k = 0; k < p.lookups; k++) if (lookup(rnd(id + 1)) !== 0) found++;
      if (id % every === 0) ctx.progress?.(id / entries);
    }

    // Every id ever stored is still there, with its value: nothing was evicted.
    for (let id = 0; id < entries; id++) {
      const entry = lookup(id);
      if (entry === 0 || valueId(e, e.field(entry, E_VALUE)) !== id) throw new Error(`leaky-cache: id ${id} lost`);
    }
    e.exit(g);

    const live = e.cycles.filter((c) => !c.forced).map((c) => c.heapMarkedBytes);
    let rising = 0;
    for (let i = 1; i < live.length; i++) if (live[i] > live[i - 1]) rising++;
    ctx.print(`leaky-cache: ${entries} entries stored, none evicted; ${nBuckets} buckets after ${grows} doublings; ${found} lookups hit`);
    live.forEach((bytes, i) => ctx.print(`cycle ${i + 1}: live ${kib(bytes)} KiB${i > 0 ? ` (${bytes >= live[i - 1] ? "+" : "-"}${kib(Math.abs(bytes - live[i - 1]))})` : ""}`));
    if (live.length > 1) ctx.print(`live heap grew in ${rising} of ${live.length - 1} cycles: ${kib(live[0])} KiB → ${kib(live[live.length - 1])} KiB (a leak)`);
  },
};
