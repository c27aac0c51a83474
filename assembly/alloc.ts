// The allocator: a per-size-class cache over one span, refilled from the
// class's span list, and large objects in spans of their own.
//
// Fast path (allocFast): the cache holds the inverted alloc bits of the
// current bitmap word, shifted so that bit 0 is `freeIndex` (Go's
// s.allocCache). ctz finds the next free slot; the slot's alloc bit is set
// at once so the bitmap is always exact — the verifier, handle checks and
// sweep never need to know about caches. No counters are touched: how many
// objects a span gained is recomputed with popcnt when the cache lets go of
// it (flush), which is also when heap statistics become exact.
//
//   cache (CACHE_BYTES = 32) per class
//   ├ +0 base of slot 0   ├ +8  nelems      ├ +16 allocCache (u64)
//   └ +4 elemSize         └ +12 freeIndex   ├ +24 wordEnd: first index past the cached word
//                                            └ +28 span (NONE: empty cache)
//
// Slow path (allocSlow): date what was allocated if an allocation epoch
// ended (ages.ts; one comparison, never true while tracking is off), flush,
// maybe start a cycle (the pacer is consulted
// only here, once per span, never per object), sweep in proportion to the
// heap's growth, then sweep spans of the class lazily until one has room,
// else take new pages (reclaiming empty unswept spans first, sweep.ts). If the
// page heap is at its maximum even after a full collection (and, on the debug
// core, after emptying the quarantine), allocation fails with out of memory
// and nothing has changed: the caller reports the error and carries on.

import { cacheBase, CACHE_BYTES, PAGE_SIZE, NONE } from "./layout";
import {
  allocBits, newSpan, spanBase, spanElemSize, spanNelems, spanAllocCount, setSpanAllocCount,
  countBits, spanNext, listCursor, setListCursor, setBit, SPAN_SMALL, SPAN_LARGE
} from "./spans";
import { sizeToClass, classPages, classSize, LARGE_CLASS } from "./sizeclasses";
import { countAllocated, countLive } from "./sites";
import { sweepSpan, deductSweepCredit, reclaim, releaseEmptySpans, noteAllocated, heapAlloc } from "./sweep";
import { addHeapLive, subHeapLive, heapLive, heapTrigger, revise } from "./pacer";
import { gcTrigger, gcCollect, noteGcWork } from "./gc";
import { safePoint } from "./scheduler";
import { allocBlack, tick, phase, mutatorClock, ALLOC_UNITS, PHASE_MARK } from "./state";
import { ageEnd, ageAdvance, ageCover } from "./ages";
import { concurrent } from "./strategy";
import { markNew, markNewSized } from "./mark";
import { stackBytes } from "./roots";
import { quarantineOn, releaseQuarantine } from "./quarantine";
import { limiting } from "./limiter";
import { NUM_CLASSES, HEADER_BYTES, SITE_SHIFT, HDR_SIZE, HDR_META, TRIGGER_HEAP, TRIGGER_HEAP_FULL } from "../contract/abi";

// @ts-ignore: decorator
@inline const C_BASE: usize = 0;
// @ts-ignore: decorator
@inline const C_ELEM: usize = 4;
// @ts-ignore: decorator
@inline const C_NELEMS: usize = 8;
// @ts-ignore: decorator
@inline const C_FREEINDEX: usize = 12;
// @ts-ignore: decorator
@inline const C_CACHE: usize = 16;
// @ts-ignore: decorator
@inline const C_WORDEND: usize = 24;
// @ts-ignore: decorator
@inline const C_SPAN: usize = 28;

export let objectsAllocated: u64 = 0;
export let bytesAllocated: u64 = 0;
export let heapPeak: u64 = 0;

// @ts-ignore: decorator
@inline function cacheOf(c: u32): usize { return cacheBase + <usize>c * CACHE_BYTES; }

/** Empties every cache; called at init. */
export function initCaches(): void {
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    let k = cacheOf(c);
    memory.fill(k, 0, CACHE_BYTES);
    store<u32>(k, NONE, C_SPAN);
  }
}

/** Takes a free slot of class `c` from its cache, or returns 0. */
// @ts-ignore: decorator
@inline function allocFast(c: u32): usize {
  let k = cacheOf(c);
  let cache = load<u64>(k, C_CACHE);
  if (cache == 0) return 0;
  let tz = <u32>ctz(cache);
  let idx = load<u32>(k, C_FREEINDEX) + tz;
  if (idx >= load<u32>(k, C_NELEMS)) return 0;
  // Two shifts: a shift by 64 is a shift by 0 in wasm.
  store<u64>(k, (cache >> tz) >> 1, C_CACHE);
  store<u32>(k, idx + 1, C_FREEINDEX);
  let s = load<u32>(k, C_SPAN);
  let w = allocBits(s) + ((<usize>idx >> 6) << 3);
  store<u64>(w, load<u64>(w) | (<u64>1 << (idx & 63)));
  if (allocBlack) markNew(s, idx);
  return <usize>load<u32>(k, C_BASE) + <usize>idx * <usize>load<u32>(k, C_ELEM);
}

/** Loads the next bitmap word with a free slot into the cache; false when the span is full. */
function nextWord(k: usize): bool {
  let s = load<u32>(k, C_SPAN);
  let n = load<u32>(k, C_NELEMS);
  let w = load<u32>(k, C_WORDEND);
  while (w < n) {
    let free = ~load<u64>(allocBits(s) + (<usize>w >> 3));
    if (free != 0) {
      store<u64>(k, free, C_CACHE);
      store<u32>(k, w, C_FREEINDEX);
      store<u32>(k, w + 64, C_WORDEND);
      return true;
    }
    w += 64;
  }
  return false;
}

/** Counts what the cache's span gained since it was last counted; the cache keeps its span. */
function countCache(k: usize): void {
  let s = load<u32>(k, C_SPAN);
  if (s == NONE) return;
  let count = countBits(allocBits(s), spanNelems(s));
  let gained = <u64>(count - spanAllocCount(s));
  setSpanAllocCount(s, count);
  let bytes = gained * <u64>spanElemSize(s);
  objectsAllocated += gained;
  bytesAllocated += bytes;
  noteAllocated(bytes);
  if (heapAlloc > heapPeak) heapPeak = heapAlloc;
}

/**
 * Counts the cache's span and lets go of it. With `giveBack`, the slots it
 * leaves unused stop counting in heapLive (Go's mcache.releaseAll: refill
 * counted the whole span); at mark termination heapLive is recomputed, so
 * nothing is given back then.
 */
export function flushCache(c: u32, giveBack: bool): void {
  let k = cacheOf(c);
  let s = load<u32>(k, C_SPAN);
  countCache(k);
  if (giveBack && s != NONE) subHeapLive(<u64>(spanNelems(s) - spanAllocCount(s)) * spanElemSize(s));
  store<u64>(k, 0, C_CACHE);
  store<u32>(k, 0, C_NELEMS);
  store<u32>(k, NONE, C_SPAN);
}

/** Lets go of every cache's span (a cycle is starting or ending): no span escapes its sweep. */
export function flushAllCaches(giveBack: bool): void {
  for (let c: u32 = 1; c < <u32>NUM_CLASSES; c++) flushCache(c, giveBack);
}

/** Objects and slot bytes the caches have handed out but not yet counted (set by measureCaches). */
export let uncountedObjects: u64 = 0;
export let uncountedBytes: u64 = 0;

/**
 * Measures what the caches hold uncounted, changing nothing: looking at the
 * heap must not change it, not even when the allocator's counters catch up
 * (a memory-limited goal reads them), so stats and profiles call this.
 */
export function measureCaches(): void {
  uncountedObjects = 0;
  uncountedBytes = 0;
  for (let c: u32 = 1; c < <u32>NUM_CLASSES; c++) {
    let s = load<u32>(cacheOf(c), C_SPAN);
    if (s == NONE) continue;
    let gained = <u64>(countBits(allocBits(s), spanNelems(s)) - spanAllocCount(s));
    uncountedObjects += gained;
    uncountedBytes += gained * <u64>spanElemSize(s);
  }
}

/** The heap's peak so far, exact at this moment (after measureCaches). */
export function peakNow(): u64 {
  return max<u64>(heapPeak, heapAlloc + uncountedBytes);
}

/** Makes span `s` the cache of class `c`. */
function loadCache(c: u32, s: u32): bool {
  let k = cacheOf(c);
  store<u32>(k, <u32>spanBase(s), C_BASE);
  store<u32>(k, spanElemSize(s), C_ELEM);
  store<u32>(k, spanNelems(s), C_NELEMS);
  store<u32>(k, s, C_SPAN);
  store<u32>(k, 0, C_WORDEND);
  // Go's heapLive: the span's free bytes count as allocated from now on.
  addHeapLive(<u64>(spanNelems(s) - spanAllocCount(s)) * spanElemSize(s));
  if (phase == PHASE_MARK) revise(stackBytes);
  return nextWord(k);
}

/** The next span of class `c` with a free slot: lazily swept from the list, else new. */
function takeSpan(c: u32): u32 {
  deductSweepCredit(heapLive, <u64>classPages(c) * PAGE_SIZE, 0); // Go's mcentral.cacheSpan
  let s = listCursor(c);
  while (s != NONE) {
    let next = spanNext(s);
    setListCursor(c, next);
    if (sweepSpan(s) && spanAllocCount(s) < spanNelems(s)) return s;
    s = next;
  }
  return newSpanReclaiming(c, SPAN_SMALL, classPages(c));
}

/** A new span of `pages` pages, first reclaiming as many pages from empty unswept spans (Go's mheap.alloc). */
function newSpanReclaiming(c: u32, state: u32, pages: u32): u32 {
  reclaim(pages);
  return newSpan(c, state, pages);
}

/** Refills class `c`'s cache and allocates from it; 0 when the page heap is exhausted. */
function refillAndAlloc(c: u32): usize {
  flushCache(c, false); // full: nothing unused to give back
  let s = takeSpan(c);
  if (s == NONE) return 0;
  if (!loadCache(c, s)) return 0;
  return allocFast(c);
}

/**
 * True when the heap has reached the pacer's trigger: time to start a cycle.
 * A stw cycle is one pause with no assists for the CPU limiter to skip, so
 * while the limiter is on, heap-triggered stw cycles wait instead (the heap
 * overshoots its goal, as a concurrent collector's does without assists).
 */
function overTrigger(): bool {
  noteGcWork(0); // the limiter hears of mutator time on every refill, GC or not
  if (!concurrent && limiting) return false;
  return heapLive >= heapTrigger(concurrent);
}

/**
 * Out of memory, nearly: collect everything (the sweep finishes too) and,
 * on the debug core, empty the quarantine, so the debug core fails exactly
 * when the release core would.
 */
function collectForSpace(attempt: i32): bool {
  if (attempt == 0) {
    gcCollect(TRIGGER_HEAP_FULL);
    return true;
  }
  if (attempt == 1 && quarantineOn) {
    flushAllCaches(true);
    releaseQuarantine();
    releaseEmptySpans();
    return true;
  }
  return false;
}

/** Slow path: a new span for class `c`, collecting when the pacer says so or memory runs out. */
function allocSlow(c: u32): usize {
  let k = cacheOf(c);
  if (load<u32>(k, C_SPAN) != NONE && nextWord(k)) {
    let p = allocFast(c);
    if (p != 0) return p;
  }
  if (mutatorClock >= ageEnd) ageAdvance(); // allocation epochs (ages.ts): never fires while off
  if (overTrigger()) gcTrigger(TRIGGER_HEAP);
  let p = refillAndAlloc(c);
  for (let attempt = 0; p == 0 && collectForSpace(attempt); attempt++) p = refillAndAlloc(c);
  ageCover(); // the epoch planes cover a span the refill may have mapped
  return p;
}

/** A large object of `bytes` in a span of its own; 0 when memory is exhausted. */
function allocLarge(bytes: u32): usize {
  let pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
  if (mutatorClock >= ageEnd) ageAdvance();
  if (overTrigger()) gcTrigger(TRIGGER_HEAP);
  deductSweepCredit(heapLive, <u64>pages * PAGE_SIZE, pages); // Go's mheap.allocSpan for a large object
  let s = spanOrCollect(LARGE_CLASS, SPAN_LARGE, pages);
  if (s == NONE) return 0;
  ageCover();
  setBit(allocBits(s), 0);
  if (allocBlack) markNew(s, 0);
  setSpanAllocCount(s, 1);
  let size = <u64>pages * PAGE_SIZE;
  objectsAllocated++;
  bytesAllocated += size;
  noteAllocated(size);
  if (heapAlloc > heapPeak) heapPeak = heapAlloc;
  addHeapLive(size);
  return spanBase(s);
}

/**
 * Pages for a span that is not a small-object span (a large object or a
 * goroutine stack): sweep first if that may free pages, and if the heap is
 * still full, collect and try once more. NONE when even that fails.
 */
export function spanOrCollect(c: u32, state: u32, pages: u32): u32 {
  let s = newSpanReclaiming(c, state, pages);
  for (let attempt = 0; s == NONE && collectForSpace(attempt); attempt++) s = newSpanReclaiming(c, state, pages);
  return s;
}


/**
 * The allocation fast path (whippet's allocFast, here for a whole object): a
 * small object of class `c` from its cache, with everything allocObject does
 * in one inlined sequence — the slot's alloc bit, the header in one store,
 * the payload zeroed, the site counted, the mutator clock advanced by `units`
 * (the caller's own operation) plus the allocation's, and while marking the
 * object born black and the safe point. Returns 0, having changed nothing,
 * when the cache has no free slot: the caller then takes allocObject, whose
 * allocSlow refills the cache. The caller has checked the sizes and that
 * `bytes` is small (class `c` = sizeToClass(bytes) ≠ LARGE_CLASS).
 * `mayMark` is a constant: false where the caller has seen !allocBlack, so
 * the marking code (and its call) is not compiled in and the path makes no
 * call at all; true to test allocBlack here.
 * Keep in step with allocObject: every counter it updates for a small
 * object, this updates too, in the same amounts.
 */
// @ts-ignore: decorator
@inline export function allocObjectFast(c: u32, site: u32, nptr: u32, bytes: u32, units: u64, g: usize, mayMark: bool): usize {
  let k = cacheOf(c);
  let cache = load<u64>(k, C_CACHE);
  if (cache == 0) return 0;
  let tz = <u32>ctz(cache);
  let idx = load<u32>(k, C_FREEINDEX) + tz;
  if (idx >= load<u32>(k, C_NELEMS)) return 0;
  store<u64>(k, (cache >> tz) >> 1, C_CACHE); // two shifts: a shift by 64 is a shift by 0 in wasm
  store<u32>(k, idx + 1, C_FREEINDEX);
  let s = load<u32>(k, C_SPAN);
  let elem = load<u32>(k, C_ELEM); // = classSize(c): the cache holds a span of class c
  let w = allocBits(s) + ((<usize>idx >> 6) << 3);
  let bit = <u64>1 << (idx & 63);
  store<u64>(w, load<u64>(w) | bit);
  let p = <usize>load<u32>(k, C_BASE) + <usize>idx * <usize>elem;
  countAllocated(site, elem);
  // The header, [payload bytes | site:12 nptr:20], in one store; then the payload's words.
  store<u64>(p, <u64>(bytes - HEADER_BYTES) | (<u64>(nptr | (site << SITE_SHIFT)) << 32));
  let a = p + HEADER_BYTES;
  let end = p + bytes;
  if (bytes <= 64) {
    // The same 8-byte words as allocObject's loop (slots are multiples of 8 bytes: never past
    // the slot), the first one before it: most objects have one, and enter no loop (whose
    // header is where the engine checks the stack).
    if (a < end) {
      store<u64>(a, 0);
      a += 8;
      if (a < end) do { store<u64>(a, 0); a += 8; } while (a < end);
    }
  } else {
    memory.fill(a, 0, end - a);
  }
  tick(units + ALLOC_UNITS + (<u64>bytes >> 2));
  if (mayMark && allocBlack) {
    markNewSized(s, idx, elem);
    countLive(site, elem);
    safePoint(bytes, g);
  }
  return p;
}

/**
 * Allocates an object of `bytes` (header included) with `nptr` pointer slots
 * for allocation site `site`, on behalf of goroutine descriptor `g` (0: the
 * embedder itself): header written, payload zeroed (slots are reused without
 * clearing at sweep). The mutator clock advances by what an allocation
 * costs; then a safe point, where the collector may do mark work and `g`
 * pays its assists: the new object is already black if a mark is running.
 * Every object is counted for its site (sites.ts). 0 means out of memory.
 */
export function allocObject(site: u32, nptr: u32, bytes: u32, g: usize): usize {
  let c = sizeToClass(bytes);
  let p: usize;
  let slot: u32; // what the object occupies, for its site: slot bytes, as every other byte count
  if (c == LARGE_CLASS) {
    p = allocLarge(bytes);
    slot = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  } else {
    p = allocFast(c);
    if (p == 0) p = allocSlow(c);
    slot = classSize(c);
  }
  if (p == 0) return 0;
  countAllocated(site, slot);
  store<u32>(p, bytes - HEADER_BYTES, HDR_SIZE);
  store<u32>(p, nptr | (site << SITE_SHIFT), HDR_META);
  let a = p + HEADER_BYTES;
  let end = p + bytes;
  if (bytes <= 64) {
    // Slots are multiples of 16 bytes, so 8-byte strides never pass the slot.
    while (a < end) { store<u64>(a, 0); a += 8; }
  } else {
    memory.fill(a, 0, end - a);
  }
  tick(ALLOC_UNITS + (<u64>bytes >> 2));
  if (allocBlack) {
    countLive(site, slot); // born black: live in this mark (markNew could not see the site)
    safePoint(bytes, g);
  }
  return p;
}
