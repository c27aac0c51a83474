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
 */
import type { Engine, EngineOptions } from "../engine/engine.js";
import type { Params, Scenario, ScenarioContext } from "../scenario/scenario.js";

const MAP = 0;
const SLOTS = 8; // bucketCnt
const OVERFLOW = 2 * SLOTS;
const BUCKET_POINTERS = 2 * SLOTS + 1;
const TOPHASH_BYTES = 8;
const LOAD_NUM = 13; // loadFactor 6.5 = 13/2
const LOAD_DEN = 2;

const hash = (k: number): number => Math.imul(k ^ (k >>> 16), 0x45d9f3b) >>> 0;
/** T.a[0] of a key object. */
const keyValue = (e: Engine, key: number): number => e.word(key, 0);

export const mapIndirection: Scenario = {
  name: "map-indirection",
  description: "runtime test TestGcHashmapIndirection: a map of big keys/values stored indirectly, GOGC=1",
  params: [
    { name: "entries", description: "map entries inserted (the Go test: 2000)", type: "int", default: 2000, min: 0, max: 50_000_000 },
    { name: "array-words", description: "8-byte words in T (the Go test: [256]int, 2 KiB)", type: "int", default: 256, min: 1, max: 1 << 17 },
    { name: "gc-percent", description: "GOGC while inserting (debug.SetGCPercent; the Go test: 1)", type: "int", default: 1, min: 0, max: 1000 },
  ],
  engineOptions(p: Params): EngineOptions {
    const need = 1.5 * p.entries * (2 * (8 * p["array-words"] + 16) + 32) + (64 << 20);
    return need > 2 ** 30 ? { maxHeap: Math.min(3 * 2 ** 30, Math.ceil(need / 2 ** 20) * 2 ** 20) } : {};
  },
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const p = ctx.params;
    const entries = p.entries;
    const tBytes = 8 * p["array-words"];
    const bucketSite = e.site("map-indirection.bucket");
    const arraySite = e.site("map-indirection.buckets");
    const keySite = e.site("map-indirection.key");
    const elemSite = e.site("map-indirection.elem");

    e.setGogc(p["gc-percent"]); // defer debug.SetGCPercent(debug.SetGCPercent(1))
    e.collect(); // runtime.GC()
    const cyclesBefore = e.cycles.length;

    const g = e.spawn();
    let nBuckets = 1;
    let count = 0;
    let overflowBuckets = 0;
    let grows = 0;
    e.allocPush(g, 1, 0, 0, e.site("map-indirection.map"));
    e.setGlobal(MAP, e.pop(g));
    e.allocPush(g, nBuckets, 0, 0, arraySite);
    e.writeField(e.getGlobal(MAP), 0, e.pop(g));
    const table = () => e.field(e.getGlobal(MAP), 0);

    /**
     * Puts the key and elem on top of g's stack (elem on top) into a buckets
     * array of `n` buckets, allocating a bucket if every slot on the chain is
     * taken, and pops both. `array(extra)` finds the buckets array when
     * `extra` more values sit on g's stack above the key and elem.
     */
    const place = (array: (extra: number) => number, n: number): void => {
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
        const fresh = e.allocPush(g, BUCKET_POINTERS, TOPHASH_BYTES, 0, bucketSite);
        if (last === 0) {
          e.writeField(array(1), b, fresh);
        } else {
          // Walk again: `last` was read before the allocation.
          let tail = e.field(array(1), b);
          while (e.field(tail, OVERFLOW) !== 0) tail = e.field(tail, OVERFLOW);
          e.writeField(tail, OVERFLOW, fresh);
          overflowBuckets++;
        }
        e.drop(g);
      }
    };

    /** hashGrow + evacuate: every entry moved into a buckets array twice the size. */
    const grow = (): void => {
      const oldCount = nBuckets;
      nBuckets *= 2;
      overflowBuckets = 0;
      e.allocPush(g, nBuckets, 0, 0, arraySite); // stack: [key, elem being inserted, new array]
      const fresh = (extra: number) => e.peek(g, 2 + extra); // under the key and elem being moved
      for (let b = 0; b < oldCount; b++) {
        for (let depth = 0; ; depth++) {
          let bucket = e.field(table(), b);
          for (let d = 0; d < depth && bucket !== 0; d++) bucket = e.field(bucket, OVERFLOW);
          if (bucket === 0) break;
          for (let j = 0; j < SLOTS; j++) {
            const key = e.field(bucket, j);
            if (key === 0) continue;
            e.push(g, key);
            e.push(g, e.field(bucket, SLOTS + j));
            place(fresh, nBuckets); // may allocate: re-read the old bucket after it
            bucket = e.field(table(), b);
            for (let d = 0; d < depth; d++) bucket = e.field(bucket, OVERFLOW);
          }
        }
      }
      e.writeField(e.getGlobal(MAP), 0, e.peek(g)); // the old buckets are garbage now
      e.drop(g);
      grows++;
    };

    const every = Math.max(1, Math.floor(entries / 100));
    for (let i = 0; i < entries; i++) {
      const key = e.allocPush(g, 0, tBytes, 0, keySite); // var a T; a.a[0] = i
      e.setUint32(key, 0, i);
      e.allocPush(g, 0, tBytes, 0, elemSite); // T{}
      if (count + 1 > (LOAD_NUM * nBuckets) / LOAD_DEN) grow();
      place(table, nBuckets);
      count++;
      if (i % every === 0) ctx.progress?.(i / entries);
    }
    const cyclesDuring = e.cycles.length - cyclesBefore;
    e.exit(g);
    e.setGogc(e.options.gogc); // the deferred SetGCPercent

    // After runtime.GC(): every key is there, with a[0] == i and a zero value.
    e.collect();
    let found = 0;
    const seen = new Uint8Array(entries);
    for (let b = 0; b < nBuckets; b++) {
      for (let bucket = e.field(table(), b); bucket !== 0; bucket = e.field(bucket, OVERFLOW)) {
        for (let j = 0; j < SLOTS; j++) {
          const key = e.field(bucket, j);
          if (key === 0) continue;
          const i = keyValue(e, key);
          const elem = e.field(bucket, SLOTS + j);
          if (i >= entries || seen[i] || (hash(i) & (nBuckets - 1)) !== b) throw new Error(`map-indirection: key ${i} misplaced or duplicated`);
          if (elem === 0 || e.word(elem, 0) !== 0) throw new Error(`map-indirection: value of key ${i} is not T{}`);
          seen[i] = 1;
          found++;
        }
      }
    }
    if (found !== entries || count !== entries) throw new Error(`map-indirection: ${found} of ${entries} keys found after GC`);

    ctx.print(`map-indirection: ${entries} entries with ${tBytes}-byte keys and values, stored indirectly, GOGC=${p["gc-percent"]}`);
    ctx.print(`${cyclesDuring} collections while inserting; ${grows} map growths to ${nBuckets} buckets (+${overflowBuckets} overflow)`);
    ctx.print(`after runtime.GC(): all ${found} keys found with a[0] == i, every value a zero T`);
  },
};
