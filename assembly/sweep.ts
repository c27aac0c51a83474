// The sweeper: after a mark, a span's mark bits become its alloc bits.
//
// Go does this with a pointer swap (mgcsweep.go: s.allocBits = s.gcmarkBits;
// s.gcmarkBits = newMarkBits()). Here each span's bitmaps have fixed homes in
// the side tables, so the swap is a copy of the span's few mark words over its
// alloc words and a clear of the mark words: 64 bytes per page at most.
// Objects are never touched: a freed slot keeps its stale bytes until the
// allocator hands it out again and zeroes it.
//
// Spans are swept three ways, as in Go:
//  - lazily: the allocator sweeps a span of its class before taking it;
//  - proportionally: every refill also sweeps spans in address order until
//    the pages swept keep pace with the bytes allocated (Go's
//    sweepPagesPerByte), so that sweeping is done before the next trigger
//    and sweep termination finds little or nothing left;
//  - all at once by finishSweep(): at sweep termination and when the page
//    heap needs the pages of empty spans.
// A span with no live object after sweeping goes back to the page heap.

import { NONE, pageSpanBase } from "./layout";
import { mappedPages } from "./pages";
import {
  isSwept, setSwept, allocBits, markBits, spanNelems, spanElemSize, spanAllocCount, setSpanAllocCount,
  bitmapBytes, countBits, releaseSpan, listHead, spanNext, setListCursor, spanState, spanPages, SPAN_SMALL, SPAN_LARGE
} from "./spans";
import { NUM_CLASSES } from "../src/abi";

export let objectsFreed: u64 = 0;
export let bytesFreed: u64 = 0;
export let heapAlloc: u64 = 0; // bytes in allocated slots not yet reclaimed (alloc.ts adds)
export let unsweptSpans: u32 = 0;
let sweepPage: u32 = 0; // proportional sweep cursor: next page to look at
let pagesPerByte: f64 = 0;
let sweepBasis: u64 = 0; // heapLive when this sweep phase started
let pagesSwept: u64 = 0; // by the proportional sweeper, this phase

/** Adds `bytes` of newly allocated slots (alloc.ts calls this when it counts a cache span). */
export function noteAllocated(bytes: u64): void {
  heapAlloc += bytes;
}

/** Sweeps span `s` if it is unswept. Returns false if the span was empty and released. */
export function sweepSpan(s: u32): bool {
  if (isSwept(s)) return true;
  let live = countBits(markBits(s), spanNelems(s));
  let dead = spanAllocCount(s) - live;
  let elem = <u64>spanElemSize(s);
  let bytes = <usize>bitmapBytes(s);
  memory.copy(allocBits(s), markBits(s), bytes);
  memory.fill(markBits(s), 0, bytes);
  setSpanAllocCount(s, live);
  setSwept(s);
  unsweptSpans--;
  objectsFreed += dead;
  bytesFreed += <u64>dead * elem;
  heapAlloc -= <u64>dead * elem;
  if (live == 0) {
    releaseSpan(s);
    return false;
  }
  return true;
}

/** Sweeps every unswept span (Go's finishsweep_m); returns how many it swept. */
export function finishSweep(): u32 {
  let n = unsweptSpans;
  if (n == 0) return 0;
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    let s = listHead(c);
    while (s != NONE) {
      let next = spanNext(s);
      sweepSpan(s);
      s = next;
    }
  }
  if (!ASC_NO_ASSERT) assert(unsweptSpans == 0);
  return n;
}

/**
 * Starts a sweep phase: `n` spans (`pages` pages) became unswept; allocators
 * restart their walk at each list head; the proportional sweeper must cover
 * the pages before the heap grows by `runway` bytes from `basis`.
 */
export function startSweep(n: u32, pages: u64, basis: u64, runway: u64): void {
  unsweptSpans = n;
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) setListCursor(c, listHead(c));
  sweepPage = 0;
  pagesSwept = 0;
  sweepBasis = basis;
  pagesPerByte = <f64>pages / <f64>max<u64>(runway, 1);
}

/** Proportional sweep: called on refill with the current heapLive. */
export function sweepProportionally(live: u64): void {
  if (unsweptSpans == 0) return;
  let grown: u64 = live > sweepBasis ? live - sweepBasis : 0;
  let target = <u64>(<f64>grown * pagesPerByte) + 1;
  while (pagesSwept < target && unsweptSpans > 0 && sweepPage < mappedPages) {
    let p = sweepPage;
    let s = load<u32>(pageSpanBase + (<usize>p << 2));
    if (s != p) { sweepPage++; continue; } // a free page, or not a span's first page
    let st = spanState(s);
    let n = spanPages(s);
    sweepPage += n;
    if (st != SPAN_SMALL && st != SPAN_LARGE) continue;
    if (isSwept(s)) continue;
    sweepSpan(s);
    pagesSwept += n;
  }
}
