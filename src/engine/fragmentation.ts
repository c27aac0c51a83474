/**
 * Free memory the heap cannot hand to every request (assembly/spans.ts
 * fillFragmentation): free slots inside part-filled spans, per size class,
 * against whole free pages. A small object can use a free slot of its own
 * class only; a large object or a new span needs whole pages, contiguous.
 * Read-only.
 */
import * as abi from "../../contract/abi.js";
import type { Engine } from "./engine.js";
import { f64s } from "./views.js";

export interface FragmentationReport {
  /** Pages a new span could take: free mapped pages plus pages the arena may still map below its limit. */
  freePages: number;
  freePageBytes: number;
  /** Of those, not yet mapped. */
  unmappedPages: number;
  /** The longest run of free mapped pages (a large object of more pages needs unmapped ones). */
  largestFreeRunPages: number;
  /** Small-object spans with at least one free slot (every class), and the bytes of those slots. */
  partialSpans: number;
  freeBytesInPartialSpans: number;
  /** Per size class with such spans, most free bytes first. */
  classes: { sizeClass: number; slotBytes: number; partialSpans: number; freeSlots: number; usedSlots: number; freeBytes: number }[];
}

/**
 * The contiguous pages a new span for an object of `bytes` (header
 * included) takes: its size class's span, or the object's own pages if it
 * is large; and for a small object, the free slots its class has now (a new
 * span is needed only when there are none).
 */
export function pagesFor(e: Engine, bytes: number): { pages: number; sizeClass: number; freeSlots: number } {
  const core = e.raw;
  const c = core.sizeClassOf(bytes);
  if (c === 0) return { pages: Math.ceil(bytes / abi.PAGE_BYTES), sizeClass: 0, freeSlots: 0 };
  const o = ((core.fragmentation() >>> 0) >>> 3) + abi.FR_CLASS_BASE + 4 * c;
  const f = f64s(core);
  return { pages: f[o + 3], sizeClass: c, freeSlots: f[o + 1] };
}

export function fragmentation(e: Engine): FragmentationReport {
  const core = e.raw;
  const base = (core.fragmentation() >>> 0) >>> 3;
  const f = f64s(core);
  const classes: FragmentationReport["classes"] = [];
  for (let c = 1; c < abi.NUM_CLASSES; c++) {
    const o = base + abi.FR_CLASS_BASE + 4 * c;
    const partialSpans = f[o];
    if (partialSpans === 0) continue;
    const slotBytes = core.classBytes(c);
    classes.push({ sizeClass: c, slotBytes, partialSpans, freeSlots: f[o + 1], usedSlots: f[o + 2], freeBytes: f[o + 1] * slotBytes });
  }
  classes.sort((a, b) => b.freeBytes - a.freeBytes || a.sizeClass - b.sizeClass);
  const freePages = f[base + abi.FR_FREE_PAGES] + f[base + abi.FR_UNMAPPED_PAGES];
  return {
    freePages,
    freePageBytes: freePages * abi.PAGE_BYTES,
    unmappedPages: f[base + abi.FR_UNMAPPED_PAGES],
    largestFreeRunPages: f[base + abi.FR_LARGEST_RUN],
    partialSpans: classes.reduce((n, c) => n + c.partialSpans, 0),
    freeBytesInPartialSpans: classes.reduce((n, c) => n + c.freeBytes, 0),
    classes,
  };
}
