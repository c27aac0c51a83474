/**
 * A chained hash map that lives in the engine's heap, shared by lru-cache
 * and leaky-cache (and free for user scenarios): the way a Go map[uint32]*T
 * costs the collector — a buckets array of pointers, each slot a chain of
 * entries — without Go's bucket layout (map-indirection models that one).
 *
 *   holder            any object; pointer slot `slot` holds the buckets array
 *   buckets array     2^k pointer slots, at most MAX_BUCKETS (one object has
 *                     fewer than 2^20 pointer slots)
 *   entry             the caller's object: pointer slot `chain` links the
 *                     bucket's chain, payload word `keyWord` holds a u32 key
 *
 * Keys hash by Fibonacci hashing (the top k bits of key × 2^32/φ). Inserts go
 * to the head of the chain. With a load factor the map doubles when it holds
 * more entries than loadFactor × buckets: the new array is built on a
 * goroutine's stack (a root while it is filled), every entry is relinked,
 * and the old array becomes garbage — what Go's growing maps leave behind.
 *
 * Nothing here holds a handle across an allocation: the buckets array is
 * re-read from the holder on every use, and the only allocation (growing)
 * keeps its new array on the stack.
 */
import type { Engine } from "../engine/engine.js";

/** The most buckets one array object can hold (a power of two below 2^20 − 1 pointer slots). */
export const MAX_BUCKETS = 1 << 19;

export interface HeapMapOptions {
  /** The object holding the buckets array; called on every use, since handles go stale across allocations. */
  holder: () => number;
  /** The holder's pointer slot that holds the buckets array. */
  slot: number;
  /** The entry's pointer slot that links its bucket chain. */
  chain: number;
  /** The entry's payload word (pointer slots first) that holds its u32 key. */
  keyWord: number;
  /** Buckets to start with: a power of two from 2 to MAX_BUCKETS. */
  buckets: number;
  /** Double when entries exceed loadFactor × buckets (until MAX_BUCKETS); Infinity: never grow. */
  loadFactor: number;
  /** Allocation site of the buckets arrays. */
  site: number;
}

/** The smallest power of two from `min` up that holds `entries` at one per bucket, at most MAX_BUCKETS. */
export function bucketsFor(entries: number, min = 16): number {
  let n = min;
  while (n < entries && n < MAX_BUCKETS) n *= 2;
  return n;
}

export class HeapMap {
  private nBuckets: number;
  private shift: number;

  constructor(private readonly e: Engine, private readonly o: HeapMapOptions) {
    const n = o.buckets;
    if (!Number.isInteger(Math.log2(n)) || n < 2 || n > MAX_BUCKETS) throw new RangeError(`HeapMap: buckets must be a power of two from 2 to ${MAX_BUCKETS}, got ${n}`);
    this.nBuckets = n;
    this.shift = 32 - Math.log2(n);
  }

  /** Allocates the empty buckets array (rooted on g's stack until it is stored) and stores it in the holder. */
  create(g: number): void {
    const e = this.e;
    e.allocPush(g, this.nBuckets, 0, 0, this.o.site);
    e.writeField(this.o.holder(), this.o.slot, e.peek(g));
    e.drop(g);
  }

  /** Buckets in the current array. */
  get buckets(): number {
    return this.nBuckets;
  }

  /** The current buckets array. */
  table(): number {
    return this.e.field(this.o.holder(), this.o.slot);
  }

  /** The bucket `key` hashes to: the top bits of Fibonacci hashing. */
  bucketOf(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The u32 key of an entry. */
  keyOf(entry: number): number {
    return this.e.word(entry, this.o.keyWord);
  }

  /** The entry with `key`, or 0. */
  get(key: number): number {
    const e = this.e;
    let entry = e.field(this.table(), this.bucketOf(key));
    while (entry !== 0 && this.keyOf(entry) !== key) entry = e.field(entry, this.o.chain);
    return entry;
  }

  /** Links `entry` (key already set, reachable from a root) at the head of its bucket's chain. */
  insert(entry: number): void {
    const e = this.e;
    const buckets = this.table();
    const b = this.bucketOf(this.keyOf(entry));
    e.writeField(entry, this.o.chain, e.field(buckets, b));
    e.writeField(buckets, b, entry);
  }

  /** Unlinks `entry`, which must be in the map, from its bucket's chain (its own chain slot is left as it was). */
  remove(entry: number): void {
    const e = this.e;
    const chain = this.o.chain;
    const buckets = this.table();
    const b = this.bucketOf(this.keyOf(entry));
    let prev = 0;
    let cur = e.field(buckets, b);
    while (cur !== entry) {
      prev = cur;
      cur = e.field(cur, chain);
    }
    if (prev === 0) e.writeField(buckets, b, e.field(entry, chain));
    else e.writeField(prev, chain, e.field(entry, chain));
  }

  /** Doubles the buckets if `count` entries exceed the load factor (and the map may still grow); true if it did. */
  growFor(g: number, count: number): boolean {
    if (count <= this.o.loadFactor * this.nBuckets || this.nBuckets >= MAX_BUCKETS) return false;
    this.grow(g);
    return true;
  }

  /** The new array is filled on g's stack; each old chain is relinked entry by entry and its slot cleared. */
  private grow(g: number): void {
    const e = this.e;
    const chain = this.o.chain;
    e.allocPush(g, 2 * this.nBuckets, 0, 0, this.o.site);
    const fresh = e.peek(g);
    const old = this.table();
    const oldCount = this.nBuckets;
    this.nBuckets *= 2;
    this.shift--;
    for (let b = 0; b < oldCount; b++) {
      let entry = e.field(old, b);
      while (entry !== 0) {
        const next = e.field(entry, chain);
        const nb = this.bucketOf(this.keyOf(entry));
        e.writeField(entry, chain, e.field(fresh, nb));
        e.writeField(fresh, nb, entry);
        entry = next;
      }
      e.writeField(old, b, 0);
    }
    e.writeField(this.o.holder(), this.o.slot, fresh);
    e.drop(g);
  }

  /** Entries on all chains, counted by walking them (no allocation). */
  count(): number {
    const e = this.e;
    const buckets = this.table();
    let n = 0;
    for (let b = 0; b < this.nBuckets; b++) for (let entry = e.field(buckets, b); entry !== 0; entry = e.field(entry, this.o.chain)) n++;
    return n;
  }
}
