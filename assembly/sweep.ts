// The sweeper: after a mark, a span's mark bits become its alloc bits.
//
// Go does this with a pointer swap (mgcsweep.go: s.allocBits = s.gcmarkBits;
// s.gcmarkBits = newMarkBits()). Here each span's bitmaps have fixed homes in
// the side tables, so the swap is a copy of the span's few mark words over its
// alloc words and a clear of the mark words: 64 bytes per page at most.
// Objects are never touched: a freed slot keeps its stale bytes until the
// allocator hands it out again and zeroes it.
//
// Spans are swept lazily — the allocator sweeps a span of its class before
// taking it (alloc.ts) — and all at once by finishSweep(), which runs at sweep
// termination (the first STW phase of the next cycle) and when the page heap
// needs the pages of empty spans. A span with no live object after sweeping
// goes back to the page heap.

import { NONE } from "./layout";
import {
  isSwept, setSwept, allocBits, markBits, spanNelems, spanElemSize, spanAllocCount, setSpanAllocCount,
  bitmapBytes, countBits, releaseSpan, listHead, spanNext, setListCursor
} from "./spans";
import { NUM_CLASSES } from "../src/abi";

export let objectsFreed: u64 = 0;
export let bytesFreed: u64 = 0;
export let heapAlloc: u64 = 0; // bytes in allocated slots not yet reclaimed (alloc.ts adds)
export let unsweptSpans: u32 = 0;

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

/** Sweeps every unswept span (Go's finishsweep_m). */
export function finishSweep(): void {
  if (unsweptSpans == 0) return;
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    let s = listHead(c);
    while (s != NONE) {
      let next = spanNext(s);
      sweepSpan(s);
      s = next;
    }
  }
  if (!ASC_NO_ASSERT) assert(unsweptSpans == 0);
}

/** Starts a sweep phase: `n` spans became unswept; allocators restart their walk at each list head. */
export function startSweep(n: u32): void {
  unsweptSpans = n;
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) setListCursor(c, listHead(c));
}
