/**
 * slice-append: `s = append(s, &T{…})` on several slices at once, with Go's
 * growth rule, so backing arrays are re-allocated, copied and abandoned —
 * and the big ones are large objects in spans of their own.
 *
 *   table (global 0)   one pointer slot per slice
 *   slice header       [array] + len (u32), cap (u32) — Go's {ptr, len, cap}
 *   backing array      cap pointer slots
 *   element            16 scalar bytes; its first word is its index
 *
 * Growth is runtime.growslice's since Go 1.20: a full slice doubles its
 * capacity while it is below 256 elements, then grows by (cap + 3·256)/4 at
 * a time (about ×1.25 for large slices); the new capacity is then rounded
 * up to what the array's size class (or, beyond 32 KiB, its whole pages)
 * holds, as roundupsize does. The new array is allocated (on the worker's
 * stack, so it survives the allocation), the elements are copied over, the
 * header is pointed at it, and the old array is garbage. Arrays beyond
 * 8 190 elements (32 KiB) are large objects, so the slices keep freeing and
 * taking runs of pages of different lengths: the fragmentation Go's page
 * heap has to live with. `slices` slices grow round-robin so their arrays
 * interleave in the heap.
 *
 * Invariants, checked after a forced collection: every slice has length
 * `length` and element i at index i; and no old backing array survives —
 * the live objects are exactly the table, the headers, one array per slice
 * and the elements. One step appends one element to every slice.
 */
import { HEADER_BYTES, MAX_POINTER_SLOTS, MAX_SMALL_OBJECT } from "../../contract/abi.js";
import type { Engine } from "../engine/engine.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { heapFor, stepped } from "../scenario/toolkit.js";

const TABLE = 0;
const ELEM_BYTES = 16;
const THRESHOLD = 256;
/** Bytes of backing array per element, for sizing the heap: 4 per slot, up to ×1.25 spare capacity, and the old array while it is copied. */
const ARRAY_BYTES_PER_ELEM = 8;

/** runtime.nextslicecap: the capacity append picks for `newLen` elements when `oldCap` is full. */
export function nextSliceCap(newLen: number, oldCap: number): number {
  const doubleCap = oldCap + oldCap;
  if (newLen > doubleCap) return newLen;
  if (oldCap < THRESHOLD) return doubleCap;
  let newCap = oldCap;
  while (newCap < newLen) newCap += (newCap + 3 * THRESHOLD) >> 2;
  return newCap;
}

/** roundupsize: the capacity an array of `cap` pointers really gets from its size class or pages. */
function roundUp(e: Engine, cap: number): number {
  return Math.min(MAX_POINTER_SLOTS, Math.floor((e.slotBytesFor(cap, 0) - HEADER_BYTES) / 4));
}

/** What the steps share: the goroutine, the sites, each slice's len and cap, the counters. */
interface Slices {
  g: number;
  arraySite: number;
  elemSite: number;
  len: number[];
  cap: number[];
  grows: number;
  abandoned: number;
  abandonedBytes: number;
  abandonedLarge: number;
}

const header = (e: Engine, s: number): number => e.field(e.getGlobal(TABLE), s);

/** growslice: a bigger array for slice s, the elements copied, the old array dropped. */
function grow(e: Engine, st: Slices, s: number): void {
  const g = st.g;
  const newCap = roundUp(e, Math.min(MAX_POINTER_SLOTS, nextSliceCap(st.len[s] + 1, st.cap[s])));
  e.allocPush(g, newCap, 0, 0, st.arraySite);
  const fresh = e.peek(g);
  const h = header(e, s);
  const old = e.field(h, 0);
  for (let i = 0; i < st.len[s]; i++) e.writeField(fresh, i, e.field(old, i));
  e.writeField(h, 0, fresh);
  e.setUint32(h, 4, newCap);
  e.drop(g);
  if (old !== 0) {
    const bytes = e.slotBytesFor(st.cap[s], 0);
    st.abandoned++;
    st.abandonedBytes += bytes;
    if (bytes > MAX_SMALL_OBJECT) st.abandonedLarge++;
  }
  st.cap[s] = newCap;
  st.grows++;
}

/** After a forced collection: every slice has `length` elements, element i holding i, and no old array survives. */
function check(ctx: ScenarioContext): void {
  const e = ctx.engine;
  const { slices: n, length } = ctx.params;
  for (let s = 0; s < n; s++) {
    const h = header(e, s);
    if (e.word(h, 1) !== length) throw new Error(`slice-append: slice ${s} has length ${e.word(h, 1)}`);
    const array = e.field(h, 0);
    for (let i = 0; i < length; i++) {
      if (e.word(e.field(array, i), 0) !== i) throw new Error(`slice-append: slice ${s}[${i}] is wrong`);
    }
  }
}

export const sliceAppend = stepped<Slices>({
  name: "slice-append",
  description: "slices grown by append (×2, then ×1.25): old backing arrays become garbage, large spans fragment",
  params: [
    { name: "slices", description: "slices appended to round-robin", type: "int", default: 8, min: 1, max: 1000 },
    { name: "length", description: "final length of every slice (elements are objects)", type: "int", default: 50_000, min: 0, max: MAX_POINTER_SLOTS },
  ],
  engineOptions: (p) => heapFor(p.slices * p.length * (HEADER_BYTES + ELEM_BYTES + ARRAY_BYTES_PER_ELEM)),
  steps: (p) => p.length,
  setup(ctx) {
    const e = ctx.engine;
    const n = ctx.params.slices;
    const headerSite = e.site("slice-append.header");
    const arraySite = e.site("slice-append.array");
    const elemSite = e.site("slice-append.element");
    const g = e.spawn();
    e.allocPush(g, n, 0, 0, e.site("slice-append.table"));
    e.setGlobal(TABLE, e.pop(g));
    for (let s = 0; s < n; s++) {
      e.allocPush(g, 1, 8, 0, headerSite); // var s []*T: nil array, len 0, cap 0
      e.writeField(e.getGlobal(TABLE), s, e.pop(g));
    }
    const zeros = () => new Array<number>(n).fill(0);
    return { g, arraySite, elemSite, len: zeros(), cap: zeros(), grows: 0, abandoned: 0, abandonedBytes: 0, abandonedLarge: 0 };
  },
  step(ctx, st, i) {
    const e = ctx.engine;
    const g = st.g;
    for (let s = 0; s < st.len.length; s++) {
      const elem = e.allocPush(g, 0, ELEM_BYTES, 0, st.elemSite); // &T{index: i}
      e.setUint32(elem, 0, i);
      if (st.len[s] === st.cap[s]) grow(e, st, s); // the element waits on g's stack
      const h = header(e, s);
      e.writeField(e.field(h, 0), st.len[s], e.peek(g));
      e.drop(g);
      st.len[s]++;
      e.setUint32(h, 0, st.len[s]);
    }
  },
  teardown(ctx, st) {
    const e = ctx.engine;
    const { slices: n, length } = ctx.params;
    e.exit(st.g);
    e.collect();
    if (st.len.some((l) => l !== length)) throw new Error(`slice-append: a slice has length ${st.len.find((l) => l !== length)}`);
    check(ctx);
    const arrays = length > 0 ? n : 0;
    const expected = 1 + n + arrays + n * length;
    const stats = e.stats();
    if (stats.markedObjects !== expected) throw new Error(`slice-append: ${stats.markedObjects} objects live after GC, expected ${expected}`);
    const finalArray = length > 0 ? e.slotBytesFor(st.cap[0], 0) : 0;
    const { grows, abandoned, abandonedBytes, abandonedLarge } = st;

    ctx.print(`slice-append: ${n} slices × ${length} elements: every len ${length}, cap ${st.cap[0]} (array of ${finalArray} bytes${finalArray > MAX_SMALL_OBJECT ? ", a large object" : ""})`);
    ctx.print(`${grows} growths; ${abandoned} old backing arrays abandoned (${Math.round(abandonedBytes / 1024)} KiB), ${abandonedLarge} of them large (> 32 KiB)`);
    ctx.print(`after GC: ${stats.markedObjects} live objects = 1 table + ${n} headers + ${arrays} arrays + ${n * length} elements: no old array survives`);
    ctx.print(`heap mapped ${Math.round(stats.heapMappedBytes / 1024)} KiB for ${Math.round(stats.markedBytes / 1024)} KiB live; ${stats.pagesFree} pages free`);
    ctx.result({
      slices: n,
      length,
      cap: st.cap[0],
      finalArrayBytes: finalArray,
      growths: grows,
      abandoned,
      abandonedBytes,
      abandonedLarge,
      liveObjects: stats.markedObjects,
      mappedBytes: stats.heapMappedBytes,
      liveBytes: stats.markedBytes,
      pagesFree: stats.pagesFree,
    });
  },
});
