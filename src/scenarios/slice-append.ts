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
 * and the elements.
 */
import { HEADER_BYTES, MAX_POINTER_SLOTS, MAX_SMALL_OBJECT } from "../../contract/abi.js";
import type { Engine, EngineOptions } from "../engine/engine.js";
import type { Params, Scenario, ScenarioContext } from "../scenario/scenario.js";

const TABLE = 0;
const ELEM_BYTES = 16;
const THRESHOLD = 256;

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

export const sliceAppend: Scenario = {
  name: "slice-append",
  description: "slices grown by append (×2, then ×1.25): old backing arrays become garbage, large spans fragment",
  params: [
    { name: "slices", description: "slices appended to round-robin", type: "int", default: 8, min: 1, max: 1000 },
    { name: "length", description: "final length of every slice (elements are objects)", type: "int", default: 50_000, min: 0, max: MAX_POINTER_SLOTS },
  ],
  engineOptions(p: Params): EngineOptions {
    const need = 3 * p.slices * p.length * (ELEM_BYTES + 8 + 8) + (64 << 20);
    return need > 2 ** 30 ? { maxHeap: Math.min(3 * 2 ** 30, Math.ceil(need / 2 ** 20) * 2 ** 20) } : {};
  },
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const n = ctx.params.slices;
    const length = ctx.params.length;
    const headerSite = e.site("slice-append.header");
    const arraySite = e.site("slice-append.array");
    const elemSite = e.site("slice-append.element");
    const len = new Array<number>(n).fill(0);
    const cap = new Array<number>(n).fill(0);
    let grows = 0;
    let abandoned = 0;
    let abandonedBytes = 0;
    let abandonedLarge = 0;

    const g = e.spawn();
    e.allocPush(g, n, 0, 0, e.site("slice-append.table"));
    e.setGlobal(TABLE, e.pop(g));
    for (let s = 0; s < n; s++) {
      e.allocPush(g, 1, 8, 0, headerSite); // var s []*T: nil array, len 0, cap 0
      e.writeField(e.getGlobal(TABLE), s, e.pop(g));
    }
    const header = (s: number) => e.field(e.getGlobal(TABLE), s);

    /** growslice: a bigger array for slice s, the elements copied, the old array dropped. */
    const grow = (s: number): void => {
      const newCap = roundUp(e, Math.min(MAX_POINTER_SLOTS, nextSliceCap(len[s] + 1, cap[s])));
      e.allocPush(g, newCap, 0, 0, arraySite);
      const fresh = e.peek(g);
      const h = header(s);
      const old = e.field(h, 0);
      for (let i = 0; i < len[s]; i++) e.writeField(fresh, i, e.field(old, i));
      e.writeField(h, 0, fresh);
      e.setUint32(h, 4, newCap);
      e.drop(g);
      if (old !== 0) {
        const bytes = e.slotBytesFor(cap[s], 0);
        abandoned++;
        abandonedBytes += bytes;
        if (bytes > MAX_SMALL_OBJECT) abandonedLarge++;
      }
      cap[s] = newCap;
      grows++;
    };

    const every = Math.max(1, Math.floor(length / 100));
    for (let i = 0; i < length; i++) {
      for (let s = 0; s < n; s++) {
        const elem = e.allocPush(g, 0, ELEM_BYTES, 0, elemSite); // &T{index: i}
        e.setUint32(elem, 0, i);
        if (len[s] === cap[s]) grow(s); // the element waits on g's stack
        const h = header(s);
        e.writeField(e.field(h, 0), len[s], e.peek(g));
        e.drop(g);
        len[s]++;
        e.setUint32(h, 0, len[s]);
      }
      if (i % every === 0) ctx.progress?.(i / length);
    }
    e.exit(g);

    e.collect();
    for (let s = 0; s < n; s++) {
      const h = header(s);
      if (e.word(h, 1) !== length || len[s] !== length) throw new Error(`slice-append: slice ${s} has length ${len[s]}`);
      const array = e.field(h, 0);
      for (let i = 0; i < length; i++) {
        if (e.word(e.field(array, i), 0) !== i) throw new Error(`slice-append: slice ${s}[${i}] is wrong`);
      }
    }
    const arrays = length > 0 ? n : 0;
    const expected = 1 + n + arrays + n * length;
    const st = e.stats();
    if (st.markedObjects !== expected) throw new Error(`slice-append: ${st.markedObjects} objects live after GC, expected ${expected}`);
    const finalArray = length > 0 ? e.slotBytesFor(cap[0], 0) : 0;

    ctx.print(`slice-append: ${n} slices × ${length} elements: every len ${length}, cap ${cap[0]} (array of ${finalArray} bytes${finalArray > MAX_SMALL_OBJECT ? ", a large object" : ""})`);
    ctx.print(`${grows} growths; ${abandoned} old backing arrays abandoned (${Math.round(abandonedBytes / 1024)} KiB), ${abandonedLarge} of them large (> 32 KiB)`);
    ctx.print(`after GC: ${st.markedObjects} live objects = 1 table + ${n} headers + ${arrays} arrays + ${n * length} elements: no old array survives`);
    ctx.print(`heap mapped ${Math.round(st.heapMappedBytes / 1024)} KiB for ${Math.round(st.markedBytes / 1024)} KiB live; ${st.pagesFree} pages free`);
  },
};
