/**
 * map-indirection: golang/go's runtime test TestGcHashmapIndirection
 * (src/runtime/gc_test.go), which fills a map whose keys and values are too
 * big to live in its buckets, under GOGC=1 so the collector runs all the time:
 *
 *   defer debug.SetGCPercent(debug.SetGCPercent(1))
 *   runtime.GC()
 *   type T struct{ a [256]int }
 *   m := make(map[T]T)
 *   for i := 0; i < 2000; i++ { var a T; a.a[0] = i; m[a] = T{} }
 *
 * A Go map stores keys and values over 128 bytes indirectly: each bucket
 * slot holds a pointer to a separately allocated key or value. Here:
 *
 *   map (global 0)   [buckets array]
 *   buckets array    2^B pointer slots, each nil or a bucket chain
 *   bucket (bmap)    [key0 … key7, elem0 … elem7, overflow] + 8 tophash bytes
 *   key, elem        `array-words` × 8 scalar bytes (T.a); key.a[0] = i
 *
 * Buckets are allocated when first needed and chained through `overflow`
 * when full. When the map would exceed 6.5 entries per bucket (Go's load
 * factor) it doubles: a new buckets array is built and every entry moved
 * into it — all at once here, where Go evacuates two buckets per write —
 * and the old buckets become garbage. Every allocation may run the collector
 * (GOGC=1), so whatever is being moved sits on the goroutine's stack first.
 *
 * Invariants, checked after a forced collection: the map holds `entries`
 * entries, every key i is found with a[0] == i, and its value is a zero T.
 * Each insertion is one step.
 */
import type { Engine } from "../engine/engine.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { heapFor, stepped } from "../scenario/toolkit.js";

const MAP = 0;
const SLOTS = 8; // bucketCnt
const OVERFLOW = 2 * SLOTS;
const BUCKET_POINTERS = 2 * SLOTS + 1;
const TOPHASH_BYTES = 8;
const LOAD_NUM = 13; // loadFactor 6.5 = 13/2
const LOAD_DEN = 2;
/** Bytes of buckets per entry, for sizing the heap: a bmap of 8 entries is 96 bytes; growth holds two arrays at once. */
const BUCKET_BYTES_PER_ENTRY = 32;

const hash = (k: number): number => Math.imul(k ^ (k >>> 16), 0x45d9f3b) >>> 0;
/** T.a[0] of a key object. */
const keyValue = (e: Engine, key: number): number => e.word(key, 0);

/** The map's host-side header (Go's hmap: B, count, noverflow) and the sites. */
interface GoMap {
  g: number;
  bucketSite: number;
  arraySite: number;
  keySite: number;
  elemSite: number;
  nBuckets: number;
  count: number;
  overflowBuckets: number;
  grows: number;
  cyclesBefore: number;
}

/** The current buckets array. */
const table = (e: Engine): number => e.field(e.getGlobal(MAP), 0);

/**
 * Puts the key and elem on top of g's stack (elem on top) into a buckets
 * array of `n` buckets, allocating a bucket if every slot on the chain is
 * taken, and pops both. `array(extra)` finds the buckets array when
 * `extra` more values sit on g's stack above the key and elem.
 */
function place(e: Engine, m: GoMap, array: (extra: number) => number, n: number): void {
  const g = m.g;
  const b = hash(keyValue(e, e.peek(g, 1))) & (n - 1);
  for (;;) {
    // Find a free slot on the chain (no allocation: handles are good until the end of the walk).
    let bucket = e.field(array(0), b);
    let last = 0;
    while (bucket !== 0) {
      for (let j = 0; j < SLOTS; j++) {
        if (e.field(bucket, j) === 0) {
          e.writeField(bucket, j, e.peek(g, 1));
          e.writeField(bucket, SLOTS + j, e.peek(g, 0));
          e.drop(g, 2);
          return;
        }
      }
      last = bucket;
      bucket = e.field(bucket, OVERFLOW);
    }
    // The chain is full (or empty): a new bucket, linked at its end, then try again.
    const fresh = e.allocPush(g, BUCKET_POINTERS, TOPHASH_BYTES, 0, m.bucketSite);
    if (last === 0) {
      e.writeField(array(1), b, fresh);
    } else {
      // Walk again: `last` was read before the allocation.
      let tail = e.field(array(1), b);
      while (e.field(tail, OVERFLOW) !== 0) tail = e.field(tail, OVERFLOW);
      e.writeField(tail, OVERFLOW, fresh);
      m.overflowBuckets++;
    }
    e.drop(g);
  }
}

/** hashGrow + evacuate: every entry moved into a buckets array twice the size. */
function grow(e: Engine, m: GoMap): void {
  const g = m.g;
  const oldCount = m.nBuckets;
  m.nBuckets *= 2;
  m.overflowBuckets = 0;
  e.allocPush(g, m.nBuckets, 0, 0, m.arraySite); // stack: [key, elem being inserted, new array]
  const fresh = (extra: number) => e.peek(g, 2 + extra); // under the key and elem being moved
  for (let b = 0; b < oldCount; b++) {
    for (let depth = 0; ; depth++) {
      let bucket = e.field(table(e), b);
      for (let d = 0; d < depth && bucket !== 0; d++) bucket = e.field(bucket, OVERFLOW);
      if (bucket === 0) break;
      for (let j = 0; j < SLOTS; j++) {
        const key = e.field(bucket, j);
        if (key === 0) continue;
        e.push(g, key);
        e.push(g, e.field(bucket, SLOTS + j));
        place(e, m, fresh, m.nBuckets); // may allocate: re-read the old bucket after it
        bucket = e.field(table(e), b);
        for (let d = 0; d < depth; d++) bucket = e.field(bucket, OVERFLOW);
      }
    }
  }
  e.writeField(e.getGlobal(MAP), 0, e.peek(g)); // the old buckets are garbage now
  e.drop(g);
  m.grows++;
}

/** After runtime.GC(): every key is there once, in its bucket, with a[0] == i and a zero value. Returns keys and bucket objects found. */
function check(ctx: ScenarioContext, m: GoMap): { found: number; bucketObjects: number } {
  const e = ctx.engine;
  const entries = ctx.params.entries;
  let found = 0;
  let bucketObjects = 0;
  const seen = new Uint8Array(entries);
  for (let b = 0; b < m.nBuckets; b++) {
    for (let bucket = e.field(table(e), b); bucket !== 0; bucket = e.field(bucket, OVERFLOW)) {
      bucketObjects++;
      for (let j = 0; j < SLOTS; j++) {
        const key = e.field(bucket, j);
        if (key === 0) continue;
        const i = keyValue(e, key);
        const elem = e.field(bucket, SLOTS + j);
        if (i >= entries || seen[i] || (hash(i) & (m.nBuckets - 1)) !== b) throw new Error(`map-indirection: key ${i} misplaced or duplicated`);
        if (elem === 0 || e.word(elem, 0) !== 0) throw new Error(`map-indirection: value of key ${i} is not T{}`);
        seen[i] = 1;
        found++;
      }
    }
  }
  if (found !== entries || m.count !== entries) throw new Error(`map-indirection: ${found} of ${entries} keys found after GC`);
  return { found, bucketObjects };
}

export const mapIndirection = stepped<GoMap>({
  name: "map-indirection",
  description: "runtime test TestGcHashmapIndirection: a map of big keys/values stored indirectly, GOGC=1",
  params: [
    { name: "entries", description: "map entries inserted (the Go test: 2000)", type: "int", default: 2000, min: 0, max: 50_000_000 },
    { name: "array-words", description: "8-byte words in T (the Go test: [256]int, 2 KiB)", type: "int", default: 256, min: 1, max: 1 << 17 },
    { name: "gc-percent", description: "GOGC while inserting (debug.SetGCPercent; the Go test: 1)", type: "int", default: 1, min: 0, max: 1000 },
  ],
  // Every key and value stays live, beside the buckets, under the GOGC the insertions run at.
  engineOptions: (p) => heapFor(p.entries * (2 * (8 * p["array-words"] + 16) + BUCKET_BYTES_PER_ENTRY), p["gc-percent"]),
  steps: (p) => p.entries,
  setup(ctx) {
    const e = ctx.engine;
    const bucketSite = e.site("map-indirection.bucket");
    const arraySite = e.site("map-indirection.buckets");
    const keySite = e.site("map-indirection.key");
    const elemSite = e.site("map-indirection.elem");

    e.setGogc(ctx.params["gc-percent"]); // defer debug.SetGCPercent(debug.SetGCPercent(1))
    e.collect(); // runtime.GC()
    const cyclesBefore = e.cycles.length;

    const g = e.spawn();
    const m: GoMap = { g, bucketSite, arraySite, keySite, elemSite, nBuckets: 1, count: 0, overflowBuckets: 0, grows: 0, cyclesBefore };
    e.allocPush(g, 1, 0, 0, e.site("map-indirection.map"));
    e.setGlobal(MAP, e.pop(g));
    e.allocPush(g, m.nBuckets, 0, 0, arraySite);
    e.writeField(e.getGlobal(MAP), 0, e.pop(g));
    return m;
  },
  step(ctx, m, i) {
    const e = ctx.engine;
    const tBytes = 8 * ctx.params["array-words"];
    const key = e.allocPush(m.g, 0, tBytes, 0, m.keySite); // var a T; a.a[0] = i
    e.setUint32(key, 0, i);
    e.allocPush(m.g, 0, tBytes, 0, m.elemSite); // T{}
    if (m.count + 1 > (LOAD_NUM * m.nBuckets) / LOAD_DEN) grow(e, m);
    place(e, m, () => table(e), m.nBuckets);
    m.count++;
  },
  teardown(ctx, m) {
    const e = ctx.engine;
    const p = ctx.params;
    const cyclesDuring = e.cycles.length - m.cyclesBefore;
    e.exit(m.g);
    e.setGogc(e.options.gogc); // the deferred SetGCPercent

    e.collect();
    const { found, bucketObjects } = check(ctx, m);
    const tBytes = 8 * p["array-words"];
    ctx.print(`map-indirection: ${p.entries} entries with ${tBytes}-byte keys and values, stored indirectly, GOGC=${p["gc-percent"]}`);
    ctx.print(`${cyclesDuring} collections while inserting; ${m.grows} map growths to ${m.nBuckets} buckets (+${m.overflowBuckets} overflow)`);
    ctx.print(`after runtime.GC(): all ${found} keys found with a[0] == i, every value a zero T`);
    ctx.result({
      entries: p.entries,
      keyBytes: tBytes,
      gcPercent: p["gc-percent"],
      collectionsWhileInserting: cyclesDuring,
      growths: m.grows,
      buckets: m.nBuckets,
      overflowBuckets: m.overflowBuckets,
      bucketObjects,
      keysFound: found,
    });
  },
});
