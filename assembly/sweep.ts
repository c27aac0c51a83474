// The sweeper: after a mark, a span's mark bits become its alloc bits.
//
// Go does this with a pointer swap (mgcsweep.go sweepLocked.sweep:
// s.allocBits = s.gcmarkBits; s.gcmarkBits = newMarkBits()). Here each
// span's bitmaps have fixed homes in the side tables, so the swap is a copy
// of the span's few mark words over its alloc words and a clear of the mark
// words: 64 bytes per page at most. Objects are never touched: a freed slot
// keeps its stale bytes until the allocator hands it out again and zeroes it
// (the debug core poisons it and holds it in quarantine first, quarantine.ts).
//
// Spans are swept four ways, as in Go:
//  - lazily: the allocator sweeps a span of its class before taking it
//    (mcentral.cacheSpan);
//  - proportionally: before each span is taken from a class list or the page
//    heap, deductSweepCredit() sweeps spans in address order until the pages
//    swept — by any of these four ways — keep pace with the bytes allocated
//    since the sweep began (Go's sweepPagesPerByte, set by gcPaceSweeper), so
//    the sweep is done before the next trigger;
//  - by reclaim(): a request for new pages during the sweep phase first sweeps
//    just enough spans with no marked object to free that many pages (Go's
//    mheap.reclaim), instead of sweeping everything;
//  - all at once by finishSweep(): at sweep termination, and when
//    runtime.GC() returns (Go's finishsweep_m and the end of GC()).
// A span with no live object after sweeping goes back to the page heap.

import { NONE, PAGE_SIZE } from "./layout";
import { mappedPages } from "./pages";
import {
  isSwept, setSwept, pageOwner, allocBits, markBits, quarantineBits, spanNelems, spanElemSize, spanAllocCount, setSpanAllocCount,
  bitmapBytes, countBits, releaseSpan, listHead, spanNext, setListCursor, spanState, spanPages, checkSpan, SPAN_SMALL, SPAN_LARGE
} from "./spans";
import { quarantineOn, quarantineSlots } from "./quarantine";
import { noteCorruption } from "./mark";
import { ageSweep } from "./ages";
import { NUM_CLASSES } from "../contract/abi";

// @ts-ignore: decorator
@inline const SWEEP_MIN_HEAP_DISTANCE: u64 = 1 << 20; // Go's gcPaceSweeper margin

export let objectsFreed: u64 = 0;
export let bytesFreed: u64 = 0;
export let heapAlloc: u64 = 0; // bytes in allocated slots not yet reclaimed (alloc.ts adds)
export let unsweptSpans: u32 = 0;
/** Pages of object spans swept this sweep phase, by any of the four ways (Go's mheap.pagesSwept). */
export let pagesSwept: u64 = 0;
let sweepPage: u32 = 0; // proportional sweep cursor: next page to look at
let reclaimPage: u32 = 0; // reclaim cursor (Go's reclaimIndex)
let reclaimCredit: u64 = 0; // pages reclaimed beyond a request, for the next one (Go's reclaimCredit)
let pagesPerByte: f64 = 0; // Go's sweepPagesPerByte; 0 = proportional sweep done or off
let heapLiveBasis: u64 = 0; // Go's sweepHeapLiveBasis
let pagesSweptBasis: u64 = 0;

/** Adds `bytes` of newly allocated slots (alloc.ts calls this when it counts a cache span). */
export function noteAllocated(bytes: u64): void {
  heapAlloc += bytes;
}

/** True when no span waits to be swept (Go's isSweepDone). */
// @ts-ignore: decorator
@inline export function sweepDone(): bool { return unsweptSpans == 0; }

/**
 * Sweeps span `s` if it is unswept. Returns false if the span was empty and
 * released. Newly dead slots are freed, or quarantined on the debug core.
 */
export function sweepSpan(s: u32): bool {
  if (isSwept(s)) return true;
  ageSweep(s); // allocation epochs: the mark's verdict, while the mark bits still hold it (ages.ts)
  let n = spanNelems(s);
  let live = countBits(markBits(s), n);
  let count = spanAllocCount(s);
  let dead: u32;
  let held: u32 = 0;
  if (quarantineOn) {
    dead = quarantineSlots(s); // poisons and holds every newly dead slot; alloc bits become mark | quarantine
    held = countBits(quarantineBits(s), n);
  } else {
    // The mark bits are checked against the alloc bits while marking (mark.ts),
    // so live ≤ count; if a bug broke that, count it and never wrap.
    if (live > count) { noteCorruption(0); live = count; }
    dead = count - live;
    memory.copy(allocBits(s), markBits(s), <usize>bitmapBytes(s));
  }
  memory.fill(markBits(s), 0, <usize>bitmapBytes(s));
  setSpanAllocCount(s, live + held);
  setSwept(s);
  unsweptSpans--;
  pagesSwept += spanPages(s);
  let bytes = <u64>dead * <u64>spanElemSize(s);
  objectsFreed += dead;
  bytesFreed += bytes;
  heapAlloc = heapAlloc > bytes ? heapAlloc - bytes : 0;
  checkSpan(s);
  if (live + held == 0) {
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
  pagesPerByte = 0;
  return n;
}

/**
 * Starts a sweep phase: `n` spans became unswept; allocators restart their
 * walk at each list head; the proportional sweeper must cover `pagesInUse`
 * pages before heapLive grows from `liveBasis` to `trigger` (Go's
 * gcPaceSweeper: the distance less a 1 MiB margin, at least one page).
 */
export function startSweep(n: u32, pagesInUse: u64, liveBasis: u64, trigger: u64): void {
  unsweptSpans = n;
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) setListCursor(c, listHead(c));
  sweepPage = 0;
  reclaimPage = 0;
  reclaimCredit = 0;
  pagesSwept = 0;
  pagesSweptBasis = 0;
  heapLiveBasis = liveBasis;
  let distance: i64 = trigger > liveBasis ? <i64>(trigger - liveBasis) : 0;
  distance -= <i64>SWEEP_MIN_HEAP_DISTANCE;
  if (distance < <i64>PAGE_SIZE) distance = <i64>PAGE_SIZE;
  pagesPerByte = n == 0 ? 0 : <f64>pagesInUse / <f64>distance;
}

/** Sweeps the next unswept object span in address order (Go's sweepone); false when none is left. */
function sweepOne(): bool {
  while (unsweptSpans > 0 && sweepPage < mappedPages) {
    let p = sweepPage;
    let s = pageOwner(p);
    if (s != p) { sweepPage++; continue; } // a free page, or not a span's first page
    sweepPage += spanPages(s);
    let st = spanState(s);
    if ((st == SPAN_SMALL || st == SPAN_LARGE) && !isSwept(s)) {
      sweepSpan(s);
      return true;
    }
  }
  return false;
}

/**
 * Proportional sweep, before taking a span of `spanBytes` (Go's
 * deductSweepCredit): sweep until pagesSwept keeps pace with the heap's
 * growth since the sweep began. `callerPages` are pages the caller is about
 * to sweep itself (a large allocation's own pages, as in Go).
 */
export function deductSweepCredit(live: u64, spanBytes: u64, callerPages: u64): void {
  if (pagesPerByte == 0) return;
  let newHeapLive = spanBytes + (live > heapLiveBasis ? live - heapLiveBasis : 0);
  let target = <i64>(pagesPerByte * <f64>newHeapLive) - <i64>callerPages;
  while (target > <i64>(pagesSwept - pagesSweptBasis)) {
    if (!sweepOne()) { pagesPerByte = 0; break; }
  }
}

/**
 * Before `npages` new pages are taken during the sweep phase, sweep spans
 * that have no marked object — each one freed whole — until that many pages
 * went back to the page heap (Go's mheap.reclaim and reclaimChunk, which
 * look for in-use spans with no marks). Spans with live objects are left to
 * the lazy and proportional sweepers.
 */
export function reclaim(npages: u32): void {
  if (sweepDone()) return;
  let need = <u64>npages;
  if (reclaimCredit >= need) { reclaimCredit -= need; return; }
  need -= reclaimCredit;
  reclaimCredit = 0;
  while (need > 0 && reclaimPage < mappedPages && unsweptSpans > 0) {
    let p = reclaimPage;
    let s = pageOwner(p);
    if (s != p) { reclaimPage++; continue; }
    let n = spanPages(s);
    reclaimPage += n;
    let st = spanState(s);
    if (st != SPAN_SMALL && st != SPAN_LARGE) continue;
    if (isSwept(s) || countBits(markBits(s), spanNelems(s)) != 0) continue;
    if (sweepSpan(s)) continue; // quarantine kept it (debug core)
    if (<u64>n >= need) { reclaimCredit += <u64>n - need; need = 0; } else need -= n;
  }
}

/**
 * Returns every swept object span that holds nothing to the page heap (after
 * the debug core's quarantine let go of its slots; the caller flushed the
 * allocation caches first, so no cache holds one of these spans).
 */
export function releaseEmptySpans(): void {
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    let s = listHead(c);
    while (s != NONE) {
      let next = spanNext(s);
      if (isSwept(s) && spanAllocCount(s) == 0) releaseSpan(s);
      s = next;
    }
  }
}
