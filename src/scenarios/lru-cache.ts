/**
 * lru-cache: a bounded cache at steady state — a hash map plus a doubly
 * linked recency list, all in the heap, the way a Go service keeps one.
 *
 *   cache (global 0)   [buckets, head, tail]
 *   buckets            2^k pointer slots (≥ capacity, at most 2^19), chains of entries
 *   entry              [value, prev, next, chain] + key (u32) and 4 spare bytes
 *   value              `value-bytes` of scalar data; its first word repeats the key
 *
 * Every step serves one request for a random key among `keys`: it allocates
 * a short-lived request object (garbage when the step ends), then looks the
 * key up. A hit moves the entry to the front of the list and, `update-percent`
 * of the time, replaces its value (the old value becomes garbage). A miss
 * inserts a new entry at the front and, once the cache holds more than
 * `capacity` entries, evicts the least recently used one at the tail: it is
 * unlinked from the list and its bucket chain and its fields are cleared.
 *
 * Invariants: the size never exceeds `capacity` (checked after every step),
 * the list and the buckets hold the same entries, every value carries its
 * entry's key, and the live heap after each cycle is steady once the cache
 * is full: no growth, unlike leaky-cache.
 *
 * Handles read from the heap are used only until the next allocation; what
 * must survive an allocation is on the worker goroutine's stack or in the
 * cache itself.
 */
import type { Engine } from "../engine/engine.js";
import type { Scenario, ScenarioContext } from "../scenario/scenario.js";

const CACHE = 0; // global slot of the cache object
const C_BUCKETS = 0;
const C_HEAD = 1;
const C_TAIL = 2;
const E_VALUE = 0;
const E_PREV = 1;
const E_NEXT = 2;
const E_CHAIN = 3;
const ENTRY_POINTERS = 4;
const ENTRY_SCALAR = 8;
const REQUEST_BYTES = 32;
const MAX_BUCKETS = 1 << 19; // a buckets array is one object: at most 2^20 − 1 pointer slots

/** The u32 key stored right after an entry's pointer slots. */
const keyOf = (e: Engine, entry: number): number => e.word(entry, ENTRY_POINTERS);
/** The first scalar word of a value (a copy of its key). */
const valueKey = (e: Engine, value: number): number => e.word(value, 0);

/** Number of cycles' live bytes to print as the trend line. */
const TREND_POINTS = 12;

/** Live bytes after each cycle the pacer started (forced cycles left out), at most `points` of them spread evenly. */
export function liveTrend(e: Engine, points = TREND_POINTS): number[] {
  const live = e.cycles.filter((c) => !c.forced).map((c) => c.heapMarkedBytes);
  if (live.length <= points) return live;
  return Array.from({ length: points }, (_, i) => live[Math.round((i * (live.length - 1)) / (points - 1))]);
}

export const kib = (bytes: number): string => `${Math.round(bytes / 1024)}`;

export const lruCache: Scenario = {
  name: "lru-cache",
  description: "bounded LRU cache (hash map + doubly linked list) at steady state: live set flat",
  params: [
    { name: "capacity", description: "most entries the cache holds (each entry + value is 2 objects)", type: "int", default: 10_000, min: 1, max: 20_000_000 },
    { name: "keys", description: "key space requests draw from (0: 2 × capacity, a ~50% hit rate)", type: "int", default: 0, min: 0, max: 2 ** 32 - 1 },
    { name: "steps", description: "requests served (0: 30 × capacity)", type: "int", default: 0, min: 0, max: 1e10 },
    { name: "value-bytes", description: "scalar bytes per cached value", type: "int", default: 256, min: 4, max: 1 << 20 },
    { name: "update-percent", description: "share of hits that replace the value", type: "int", default: 10, min: 0, max: 100 },
  ],
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const p = ctx.params;
    const capacity = p.capacity;
    const keys = p.keys || 2 * capacity;
    const steps = p.steps || 30 * capacity;
    const valueBytes = p["value-bytes"];
    const rnd = (n: number) => Math.floor(ctx.random() * n);
    let nBuckets = 16;
    while (nBuckets < capacity && nBuckets < MAX_BUCKETS) nBuckets *= 2;
    const shift = 32 - Math.log2(nBuckets);
    const bucketOf = (key: number) => Math.imul(key, 0x9e3779b1) >>> shift;
    const entrySite = e.site("lru-cache.entry");
    const valueSite = e.site("lru-cache.value");
    const requestSite = e.site("lru-cache.request");

    const g = e.spawn(); // the worker: holds what is under construction
    e.allocPush(g, 3, 0, 0, e.site("lru-cache.cache"));
    e.setGlobal(CACHE, e.pop(g));
    e.allocPush(g, nBuckets, 0, 0, e.site("lru-cache.buckets"));
    e.writeField(e.getGlobal(CACHE), C_BUCKETS, e.peek(g));
    e.drop(g);
    const cache = () => e.getGlobal(CACHE);

    const lookup = (key: number): number => {
      let entry = e.field(e.field(cache(), C_BUCKETS), bucketOf(key));
      while (entry !== 0 && keyOf(e, entry) !== key) entry = e.field(entry, E_CHAIN);
      return entry;
    };
    const unlink = (entry: number): void => {
      const c = cache();
      const prev = e.field(entry, E_PREV);
      const next = e.field(entry, E_NEXT);
      if (prev !== 0) e.writeField(prev, E_NEXT, next);
      else e.writeField(c, C_HEAD, next);
      if (next !== 0) e.writeField(next, E_PREV, prev);
      else e.writeField(c, C_TAIL, prev);
    };
    const pushFront = (entry: number): void => {
      const c = cache();
      const head = e.field(c, C_HEAD);
      e.writeField(entry, E_PREV, 0);
      e.writeField(entry, E_NEXT, head);
      if (head !== 0) e.writeField(head, E_PREV, entry);
      else e.writeField(c, C_TAIL, entry);
      e.writeField(c, C_HEAD, entry);
    };
    /** A new value for `key`, pushed on g. */
    const newValue = (key: number): void => {
      const v = e.allocPush(g, 0, valueBytes, 0, valueSite);
      e.setUint32(v, 0, key);
    };

    let size = 0;
    let hits = 0;
    let misses = 0;
    let evictions = 0;
    let updates = 0;
    const every = Math.max(1, Math.floor(steps / 100));
    for (let step = 0; step < steps; step++) {
      const key = rnd(keys);
      e.allocPush(g, 0, REQUEST_BYTES, 0, requestSite); // the request: garbage once served
      const found = lookup(key);
      if (found !== 0) {
        hits++;
        if (e.field(cache(), C_HEAD) !== found) {
          unlink(found);
          pushFront(found);
        }
        if (rnd(100) < p["update-percent"]) {
          updates++;
          newValue(key);
          e.writeField(lookup(key), E_VALUE, e.peek(g)); // re-found: the allocation was a safe point
          e.drop(g);
        }
      } else {
        misses++;
        newValue(key);
        const entry = e.allocPush(g, ENTRY_POINTERS, ENTRY_SCALAR, 1, entrySite); // pops the value into slot 0
        e.setUint32(entry, 0, key);
        const buckets = e.field(cache(), C_BUCKETS);
        const b = bucketOf(key);
        e.writeField(entry, E_CHAIN, e.field(buckets, b));
        e.writeField(buckets, b, entry);
        pushFront(entry);
        e.drop(g);
        size++;
        if (size > capacity) {
          const victim = e.field(cache(), C_TAIL);
          unlink(victim);
          const buckets = e.field(cache(), C_BUCKETS);
          const vb = bucketOf(keyOf(e, victim));
          let prev = 0;
          let cur = e.field(buckets, vb);
          while (cur !== victim) {
            prev = cur;
            cur = e.field(cur, E_CHAIN);
          }
          if (prev === 0) e.writeField(buckets, vb, e.field(victim, E_CHAIN));
          else e.writeField(prev, E_CHAIN, e.field(victim, E_CHAIN));
          for (let s = 0; s < ENTRY_POINTERS; s++) e.writeField(victim, s, 0);
          size--;
          evictions++;
        }
      }
      e.drop(g); // the request
      if (size > capacity) throw new Error(`lru-cache: size ${size} exceeds capacity ${capacity} at step ${step}`);
      if (step % every === 0) ctx.progress?.(step / steps);
    }

    // The list and the buckets must hold the same `size` entries, each value carrying its key.
    let listed = 0;
    let back = 0;
    for (let entry = e.field(cache(), C_HEAD); entry !== 0; entry = e.field(entry, E_NEXT)) {
      if (e.field(entry, E_PREV) !== back) throw new Error("lru-cache: broken prev link");
      if (valueKey(e, e.field(entry, E_VALUE)) !== keyOf(e, entry)) throw new Error("lru-cache: value does not match its key");
      back = entry;
      listed++;
    }
    if (back !== e.field(cache(), C_TAIL)) throw new Error("lru-cache: tail is not the last entry");
    let chained = 0;
    const buckets = e.field(cache(), C_BUCKETS);
    for (let b = 0; b < nBuckets; b++) for (let entry = e.field(buckets, b); entry !== 0; entry = e.field(entry, E_CHAIN)) chained++;
    if (listed !== size || chained !== size) throw new Error(`lru-cache: size ${size}, but ${listed} listed and ${chained} in buckets`);
    e.exit(g);

    ctx.print(`lru-cache: capacity ${capacity}, ${keys} keys, ${steps} requests`);
    ctx.print(`hits ${hits} (${((100 * hits) / steps).toFixed(1)}%), misses ${misses}, evictions ${evictions}, value updates ${updates}`);
    ctx.print(`final size ${size} ≤ capacity ${capacity}; list and buckets hold the same ${size} entries`);
    ctx.print(`live KiB after cycles: ${liveTrend(e).map(kib).join(" ")}`);
  },
};
