/**
 * leaky-cache: the commonest Go leak — a map used as a cache with no
 * eviction. Every request stores its response under a fresh id and nothing
 * ever deletes it, so the live heap climbs without bound (the seed document's first pitfall:
 * a leak is memory that stays reachable after the program stopped needing it).
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
 *
 * The map is the toolkit's HeapMap (src/scenario/heap-map.ts) with a load
 * factor; one request is one step.
 */
import type { Engine } from "../engine/engine.js";
import { HeapMap } from "../scenario/heap-map.js";
import { cycleTrend, heapFor, kib, rises, stepped } from "../scenario/toolkit.js";

const CACHE = 0;
const C_BUCKETS = 0;
const E_VALUE = 0;
const E_CHAIN = 1;
const ENTRY_POINTERS = 2;
const ENTRY_SCALAR = 8;
const LOAD_FACTOR = 4;
/** Slot bytes an entry and its value's header take beside the value's scalar bytes (an estimate, for sizing the heap). */
const ENTRY_BYTES = 48;

const valueId = (e: Engine, value: number): number => e.word(value, 0);

/** What the steps share: the worker, the map, the sites, the counters. */
interface Leaky {
  g: number;
  map: HeapMap;
  entrySite: number;
  valueSite: number;
  responseSite: number;
  found: number;
  grows: number;
}

export const leakyCache = stepped<Leaky>({
  name: "leaky-cache",
  description: "a map used as a cache and never evicted: the live heap grows every cycle (a leak)",
  params: [
    { name: "entries", description: "requests served, each leaving one entry + value behind", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "value-bytes", description: "scalar bytes per leaked value", type: "int", default: 128, min: 4, max: 1 << 20 },
    { name: "garbage-bytes", description: "scalar bytes of the per-request response buffer (short-lived)", type: "int", default: 512, min: 0, max: 1 << 20 },
    { name: "lookups", description: "gets of random earlier ids per request", type: "int", default: 2, min: 0, max: 1000 },
  ],
  // Everything leaked stays live to the end.
  engineOptions: (p) => heapFor(p.entries * (ENTRY_BYTES + p["value-bytes"])),
  steps: (p) => p.entries,
  setup(ctx) {
    const e = ctx.engine;
    const entrySite = e.site("leaky-cache.entry");
    const valueSite = e.site("leaky-cache.value");
    const bucketSite = e.site("leaky-cache.buckets");
    const responseSite = e.site("leaky-cache.response");
    const g = e.spawn();
    e.allocPush(g, 1, 0, 0, e.site("leaky-cache.cache"));
    e.setGlobal(CACHE, e.pop(g));
    const map = new HeapMap(e, { holder: () => e.getGlobal(CACHE), slot: C_BUCKETS, chain: E_CHAIN, keyWord: ENTRY_POINTERS, buckets: 16, loadFactor: LOAD_FACTOR, site: bucketSite });
    map.create(g);
    return { g, map, entrySite, valueSite, responseSite, found: 0, grows: 0 };
  },
  step(ctx, s, id) {
    const e = ctx.engine;
    const p = ctx.params;
    const g = s.g;
    if (p["garbage-bytes"] > 0) e.allocPush(g, 0, p["garbage-bytes"], 0, s.responseSite); // the response buffer
    const v = e.allocPush(g, 0, p["value-bytes"], 0, s.valueSite);
    e.setUint32(v, 0, id);
    const entry = e.allocPush(g, ENTRY_POINTERS, ENTRY_SCALAR, 1, s.entrySite);
    e.setUint32(entry, 0, id);
    s.map.insert(entry);
    e.drop(g); // the entry is in the map now: leaked
    if (p["garbage-bytes"] > 0) e.drop(g); // the response is sent: garbage
    if (s.map.growFor(g, id + 1)) s.grows++;
    for (let k = 0; k < p.lookups; k++) if (s.map.get(ctx.randomInt(id + 1)) !== 0) s.found++;
  },
  teardown(ctx, s) {
    const e = ctx.engine;
    const entries = ctx.params.entries;
    // Every id ever stored is still there, with its value: nothing was evicted.
    for (let id = 0; id < entries; id++) {
      const entry = s.map.get(id);
      if (entry === 0 || valueId(e, e.field(entry, E_VALUE)) !== id) throw new Error(`leaky-cache: id ${id} lost`);
    }
    e.exit(s.g);

    const live = cycleTrend(e.cycles);
    const rising = rises(live);
    ctx.print(`leaky-cache: ${entries} entries stored, none evicted; ${s.map.buckets} buckets after ${s.grows} doublings; ${s.found} lookups hit`);
    live.forEach((bytes, i) => ctx.print(`cycle ${i + 1}: live ${kib(bytes)} KiB${i > 0 ? ` (${bytes >= live[i - 1] ? "+" : "-"}${kib(Math.abs(bytes - live[i - 1]))})` : ""}`));
    if (live.length > 1) ctx.print(`live heap grew in ${rising} of ${live.length - 1} cycles: ${kib(live[0])} KiB → ${kib(live[live.length - 1])} KiB (a leak)`);
    ctx.result({
      entries,
      buckets: s.map.buckets,
      doublings: s.grows,
      lookupsHit: s.found,
      cycles: live.length,
      risingCycles: rising,
      firstLiveBytes: live[0] ?? 0,
      lastLiveBytes: live[live.length - 1] ?? 0,
    });
  },
});
