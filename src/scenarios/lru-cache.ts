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
 * cache itself. The map is the toolkit's HeapMap (src/scenario/heap-map.ts)
 * with a fixed table; one request is one step.
 */
import type { Engine } from "../engine/engine.js";
import { HeapMap, bucketsFor } from "../scenario/heap-map.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { cycleTrend, kib, stepped } from "../scenario/toolkit.js";

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

/** The first scalar word of a value (a copy of its key). */
const valueKey = (e: Engine, value: number): number => e.word(value, 0);

/** Number of cycles' live bytes to print as the trend line. */
const TREND_POINTS = 12;

/** What the steps share: the worker, the map, the sites, the counters. */
interface Lru {
  g: number;
  map: HeapMap;
  capacity: number;
  keys: number;
  steps: number;
  entrySite: number;
  valueSite: number;
  requestSite: number;
  size: number;
  hits: number;
  misses: number;
  evictions: number;
  updates: number;
}

const cache = (e: Engine): number => e.getGlobal(CACHE);

function unlink(e: Engine, entry: number): void {
  const c = cache(e);
  const prev = e.field(entry, E_PREV);
  const next = e.field(entry, E_NEXT);
  if (prev !== 0) e.writeField(prev, E_NEXT, next);
  else e.writeField(c, C_HEAD, next);
  if (next !== 0) e.writeField(next, E_PREV, prev);
  else e.writeField(c, C_TAIL, prev);
}

function pushFront(e: Engine, entry: number): void {
  const c = cache(e);
  const head = e.field(c, C_HEAD);
  e.writeField(entry, E_PREV, 0);
  e.writeField(entry, E_NEXT, head);
  if (head !== 0) e.writeField(head, E_PREV, entry);
  else e.writeField(c, C_TAIL, entry);
  e.writeField(c, C_HEAD, entry);
}

/** A new value for `key`, pushed on the worker's stack. */
function newValue(ctx: ScenarioContext, s: Lru, key: number): void {
  const v = ctx.engine.allocPush(s.g, 0, ctx.params["value-bytes"], 0, s.valueSite);
  ctx.engine.setUint32(v, 0, key);
}

/** A hit: move the entry to the front; now and then replace its value. */
function hit(ctx: ScenarioContext, s: Lru, key: number, found: number): void {
  const e = ctx.engine;
  s.hits++;
  if (e.field(cache(e), C_HEAD) !== found) {
    unlink(e, found);
    pushFront(e, found);
  }
  if (ctx.randomInt(100) < ctx.params["update-percent"]) {
    s.updates++;
    newValue(ctx, s, key);
    e.writeField(s.map.get(key), E_VALUE, e.peek(s.g)); // re-found: the allocation was a safe point
    e.drop(s.g);
  }
}

/** A miss: insert a new entry at the front, and evict the least recently used one beyond capacity. */
function miss(ctx: ScenarioContext, s: Lru, key: number): void {
  const e = ctx.engine;
  s.misses++;
  newValue(ctx, s, key);
  const entry = e.allocPush(s.g, ENTRY_POINTERS, ENTRY_SCALAR, 1, s.entrySite); // pops the value into slot 0
  e.setUint32(entry, 0, key);
  s.map.insert(entry);
  pushFront(e, entry);
  e.drop(s.g);
  s.size++;
  if (s.size > s.capacity) evict(e, s);
}

function evict(e: Engine, s: Lru): void {
  const victim = e.field(cache(e), C_TAIL);
  unlink(e, victim);
  s.map.remove(victim);
  for (let slot = 0; slot < ENTRY_POINTERS; slot++) e.writeField(victim, slot, 0);
  s.size--;
  s.evictions++;
}

/** The list and the buckets must hold the same `size` entries, each value carrying its key; returns the listed count. */
function checkStructure(e: Engine, s: Lru): number {
  let listed = 0;
  let back = 0;
  for (let entry = e.field(cache(e), C_HEAD); entry !== 0; entry = e.field(entry, E_NEXT)) {
    if (e.field(entry, E_PREV) !== back) throw new Error("lru-cache: broken prev link");
    if (valueKey(e, e.field(entry, E_VALUE)) !== s.map.keyOf(entry)) throw new Error("lru-cache: value does not match its key");
    back = entry;
    listed++;
  }
  if (back !== e.field(cache(e), C_TAIL)) throw new Error("lru-cache: tail is not the last entry");
  const chained = s.map.count();
  if (listed !== s.size || chained !== s.size) throw new Error(`lru-cache: size ${s.size}, but ${listed} listed and ${chained} in buckets`);
  return listed;
}

export const lruCache = stepped<Lru>({
  name: "lru-cache",
  description: "bounded LRU cache (hash map + doubly linked list) at steady state: live set flat",
  params: [
    { name: "capacity", description: "most entries the cache holds (each entry + value is 2 objects)", type: "int", default: 10_000, min: 1, max: 20_000_000 },
    { name: "keys", description: "key space requests draw from (0: 2 × capacity, a ~50% hit rate)", type: "int", default: 0, min: 0, max: 2 ** 32 - 1 },
    { name: "steps", description: "requests served (0: 30 × capacity)", type: "int", default: 0, min: 0, max: 1e10 },
    { name: "value-bytes", description: "scalar bytes per cached value", type: "int", default: 256, min: 4, max: 1 << 20 },
    { name: "update-percent", description: "share of hits that replace the value", type: "int", default: 10, min: 0, max: 100 },
  ],
  steps: (p) => p.steps || 30 * p.capacity,
  setup(ctx) {
    const e = ctx.engine;
    const p = ctx.params;
    const entrySite = e.site("lru-cache.entry");
    const valueSite = e.site("lru-cache.value");
    const requestSite = e.site("lru-cache.request");
    const g = e.spawn(); // the worker: holds what is under construction
    e.allocPush(g, 3, 0, 0, e.site("lru-cache.cache"));
    e.setGlobal(CACHE, e.pop(g));
    const map = new HeapMap(e, {
      holder: () => cache(e),
      slot: C_BUCKETS,
      chain: E_CHAIN,
      keyWord: ENTRY_POINTERS,
      buckets: bucketsFor(p.capacity),
      loadFactor: Infinity,
      site: e.site("lru-cache.buckets"),
    });
    map.create(g);
    const s = { size: 0, hits: 0, misses: 0, evictions: 0, updates: 0 };
    return { g, map, capacity: p.capacity, keys: p.keys || 2 * p.capacity, steps: p.steps || 30 * p.capacity, entrySite, valueSite, requestSite, ...s };
  },
  step(ctx, s, step) {
    const e = ctx.engine;
    const key = ctx.randomInt(s.keys);
    e.allocPush(s.g, 0, REQUEST_BYTES, 0, s.requestSite); // the request: garbage once served
    const found = s.map.get(key);
    if (found !== 0) hit(ctx, s, key, found);
    else miss(ctx, s, key);
    e.drop(s.g); // the request
    if (s.size > s.capacity) throw new Error(`lru-cache: size ${s.size} exceeds capacity ${s.capacity} at step ${step}`);
  },
  teardown(ctx, s) {
    const e = ctx.engine;
    const listed = checkStructure(e, s);
    e.exit(s.g);
    const { capacity, keys, steps, size, hits, misses, evictions, updates } = s;
    ctx.print(`lru-cache: capacity ${capacity}, ${keys} keys, ${steps} requests`);
    ctx.print(`hits ${hits} (${((100 * hits) / steps).toFixed(1)}%), misses ${misses}, evictions ${evictions}, value updates ${updates}`);
    ctx.print(`final size ${size} ≤ capacity ${capacity}; list and buckets hold the same ${size} entries`);
    ctx.print(`live KiB after cycles: ${cycleTrend(e.cycles, "heapMarkedBytes", TREND_POINTS).map(kib).join(" ")}`);
    ctx.result({ capacity, keys, requests: steps, size, hits, misses, evictions, updates, listed, buckets: s.map.buckets });
  },
});
