// Spans: runs of pages that hold objects of one size class, one large object,
// or one goroutine stack.
//
// A span is named by its start page. Its descriptor sits in the span table at
// that index and its bitmaps at the same index in the alloc/mark/verify
// tables, so finding anything about a span is one multiply-add:
//
//   descriptor (SPAN_BYTES = 64)
//   ├ +0  npages     ├ +16 nelems      ├ +32 next span in class list
//   ├ +4  state      ├ +20 allocCount  ├ +36 prev span in class list
//   ├ +8  sizeclass  ├ +24 sweptEpoch  ├ +40 base address (slot 0)
//   └ +12 elemSize   └ +28 divMul      └ +44 aux: the heap analysis's dense index of the span's first reached object
//
// Slot index from an interior offset uses Go's trick (mbitmap.go objIndex):
// idx = (offset · divMul) >> 32 with divMul = ⌊(2³²−1)/size⌋ + 1, exact for
// every offset inside a span, so marking needs no division.
//
//   page entry (PAGE_ENTRY_BYTES = 8, one per arena page, layout.ts)
//   ├ +0 owning span's start page (NONE: a free page)
//   └ +4 that span's divMul, a copy of the descriptor's
//
// The copy is for the lookups of arbitrary addresses (marking, the handle
// checks, the analysis): from one load of the page entry, the slot index
// and so the mark or alloc bit's address follow, so the bitmap's cache miss
// no longer waits for the descriptor's (a span's base is its start page's
// address). On a heap larger than the caches, that is one dependent miss
// less per pointer followed.
//
// Invariants, asserted by checkSpan() on the debug core whenever a span is
// created, swept or released: a page belongs to at most one span; the
// page→span entry of every page of a span names its start page and holds
// its divMul; allocCount of a span outside an allocation cache equals
// popcount(alloc bits).

import {
  pageSpanBase, spanTableBase, allocBitsBase, markBitsBase, verifyBitsBase, quarantineBitsBase, classListBase, arenaBase,
  SPAN_BYTES, BITMAP_BYTES_PER_PAGE, CLASS_LIST_BYTES, PAGE_SIZE, NONE
} from "./layout";
import { allocPages, freePages, pageAddress, mappedPages } from "./pages";
import { classSize, classPages, LARGE_CLASS } from "./sizeclasses";
import { FRAG_SLOTS, FR_FREE_PAGES, FR_UNMAPPED_PAGES, FR_LARGEST_RUN, FR_CLASS_BASE, NUM_CLASSES } from "../contract/abi";

// @ts-ignore: decorator
@inline export const SPAN_FREE: u32 = 0;
// @ts-ignore: decorator
@inline export const SPAN_SMALL: u32 = 1;
// @ts-ignore: decorator
@inline export const SPAN_LARGE: u32 = 2;
// @ts-ignore: decorator
@inline export const SPAN_STACK: u32 = 3;

// @ts-ignore: decorator
@inline const SP_NPAGES: usize = 0;
// @ts-ignore: decorator
@inline const SP_STATE: usize = 4;
// @ts-ignore: decorator
@inline const SP_CLASS: usize = 8;
// @ts-ignore: decorator
@inline const SP_ELEMSIZE: usize = 12;
// @ts-ignore: decorator
@inline const SP_NELEMS: usize = 16;
// @ts-ignore: decorator
@inline const SP_ALLOCCOUNT: usize = 20;
// @ts-ignore: decorator
@inline const SP_SWEPT: usize = 24;
// @ts-ignore: decorator
@inline const SP_DIVMUL: usize = 28;
// @ts-ignore: decorator
@inline const SP_NEXT: usize = 32;
// @ts-ignore: decorator
@inline const SP_PREV: usize = 36;
// @ts-ignore: decorator
@inline const SP_BASE: usize = 40;
// @ts-ignore: decorator
@inline const SP_AUX: usize = 44;

/** Sweep generation: a span whose sweptEpoch differs is unswept (mark bits hold the truth). */
export let epoch: u32 = 1;
export let spansInUse: u32 = 0;
/** Pages of spans that hold objects (not stacks): what a sweep phase must cover. */
export let objectSpanPages: u64 = 0;
export let spansFreed: u64 = 0;

/** Advances the sweep generation: every span becomes unswept. Called at mark termination. */
export function advanceEpoch(): void { epoch++; }

// @ts-ignore: decorator
@inline export function spanDesc(s: u32): usize { return spanTableBase + <usize>s * SPAN_BYTES; }
// @ts-ignore: decorator
@inline export function allocBits(s: u32): usize { return allocBitsBase + <usize>s * BITMAP_BYTES_PER_PAGE; }
// @ts-ignore: decorator
@inline export function markBits(s: u32): usize { return markBitsBase + <usize>s * BITMAP_BYTES_PER_PAGE; }
// @ts-ignore: decorator
@inline export function verifyBits(s: u32): usize { return verifyBitsBase + <usize>s * BITMAP_BYTES_PER_PAGE; }
/** Debug core only: the slots of span `s` held in quarantine (quarantine.ts). */
// @ts-ignore: decorator
@inline export function quarantineBits(s: u32): usize { return quarantineBitsBase + <usize>s * BITMAP_BYTES_PER_PAGE; }

// @ts-ignore: decorator
@inline export function spanPages(s: u32): u32 { return load<u32>(spanDesc(s), SP_NPAGES); }
// @ts-ignore: decorator
@inline export function spanState(s: u32): u32 { return load<u32>(spanDesc(s), SP_STATE); }
// @ts-ignore: decorator
@inline export function spanClass(s: u32): u32 { return load<u32>(spanDesc(s), SP_CLASS); }
// @ts-ignore: decorator
@inline export function spanElemSize(s: u32): u32 { return load<u32>(spanDesc(s), SP_ELEMSIZE); }
// @ts-ignore: decorator
@inline export function spanNelems(s: u32): u32 { return load<u32>(spanDesc(s), SP_NELEMS); }
// @ts-ignore: decorator
@inline export function spanAllocCount(s: u32): u32 { return load<u32>(spanDesc(s), SP_ALLOCCOUNT); }
// @ts-ignore: decorator
@inline export function setSpanAllocCount(s: u32, n: u32): void { store<u32>(spanDesc(s), n, SP_ALLOCCOUNT); }
// @ts-ignore: decorator
@inline export function spanBase(s: u32): usize { return <usize>load<u32>(spanDesc(s), SP_BASE); }
// @ts-ignore: decorator
@inline export function spanNext(s: u32): u32 { return load<u32>(spanDesc(s), SP_NEXT); }
// @ts-ignore: decorator
@inline export function isSwept(s: u32): bool { return load<u32>(spanDesc(s), SP_SWEPT) == epoch; }
// @ts-ignore: decorator
@inline export function setSwept(s: u32): void { store<u32>(spanDesc(s), epoch, SP_SWEPT); }
/** The word the heap analysis keeps in each span (analysis.ts); nothing else reads or writes it. */
// @ts-ignore: decorator
@inline export function spanAux(s: u32): u32 { return load<u32>(spanDesc(s), SP_AUX); }
// @ts-ignore: decorator
@inline export function setSpanAux(s: u32, v: u32): void { store<u32>(spanDesc(s), v, SP_AUX); }
/** Bytes of bitmap the span's slots occupy, whole u64 words. */
// @ts-ignore: decorator
@inline export function bitmapBytes(s: u32): u32 { return ((spanNelems(s) + 63) >> 6) << 3; }

/** The span owning the arena address `a`, or NONE (outside the arena, or a free page). */
// @ts-ignore: decorator
@inline export function spanOf(a: usize): u32 {
  return <u32>pageEntryOf(a);
}

/** The span owning arena page `page` (< mappedPages): its start page, or NONE for a free page. */
// @ts-ignore: decorator
@inline export function pageOwner(page: u32): u32 {
  return load<u32>(pageSpanBase + (<usize>page << 3));
}

/**
 * The page entry of arena address `a` as one u64: the owning span in the low
 * word (NONE outside the arena or on a free page), its divMul in the high word.
 */
// @ts-ignore: decorator
@inline export function pageEntryOf(a: usize): u64 {
  let off = a - arenaBase; // wraps to a huge value below the arena
  if (off >= (<usize>mappedPages << 13)) return <u64>NONE;
  return load<u64>(pageSpanBase + ((off >> 13) << 3));
}

/**
 * Slot index of byte `offset` into a span whose slots are `divMul`'s size
 * (Go's mbitmap.go objIndex / mspan.divideByElemSize): (offset · divMul) >> 32,
 * exact for every offset inside a span (the header says why). The one place
 * the formula is written; slotIndex and entrySlot differ only in where they
 * read the span's base and divMul.
 */
// @ts-ignore: decorator
@inline function objIndex(offset: usize, divMul: u32): u32 {
  return <u32>((<u64>offset * <u64>divMul) >> 32);
}

/** Slot index of address `a` in the span of its page entry `e` (slotIndex without the descriptor). */
// @ts-ignore: decorator
@inline export function entrySlot(e: u64, a: usize): u32 {
  return objIndex(a - pageAddress(<u32>e), <u32>(e >> 32));
}

/** Slot index of address `a` in span `s` (any address inside the slot). */
// @ts-ignore: decorator
@inline export function slotIndex(s: u32, a: usize): u32 {
  let d = spanDesc(s);
  return objIndex(a - <usize>load<u32>(d, SP_BASE), load<u32>(d, SP_DIVMUL));
}

/** Tests bit `i` of the bitmap at `bits`. */
// @ts-ignore: decorator
@inline export function testBit(bits: usize, i: u32): bool {
  return (load<u64>(bits + ((<usize>i >> 6) << 3)) & (<u64>1 << (i & 63))) != 0;
}

/** Sets bit `i` of the bitmap at `bits`; returns true if it was clear. */
// @ts-ignore: decorator
@inline export function setBit(bits: usize, i: u32): bool {
  let a = bits + ((<usize>i >> 6) << 3);
  let w = load<u64>(a);
  let m = <u64>1 << (i & 63);
  if (w & m) return false;
  store<u64>(a, w | m);
  return true;
}

/** True if slot `i` of span `s` is quarantined (always false on the release core). */
// @ts-ignore: decorator
@inline export function isQuarantined(s: u32, i: u32): bool {
  if (ASC_NO_ASSERT) return false;
  return testBit(quarantineBits(s), i);
}

/**
 * True if `p`, which lies in span `s` at slot `i`, is the start of a live
 * object: an object span, a slot below nelems, the slot's first byte, its
 * alloc bit set and not quarantined. The slow-path check of shade().
 */
// @ts-ignore: decorator
@inline export function isObjectStart(s: u32, i: u32, p: usize): bool {
  let st = spanState(s);
  if (st != SPAN_SMALL && st != SPAN_LARGE) return false;
  if (i >= spanNelems(s)) return false;
  if (spanBase(s) + <usize>i * spanElemSize(s) != p) return false;
  return testBit(allocBits(s), i) && !isQuarantined(s, i);
}

/** Popcount of the first `nelems` bits at `bits` (tail bits are always clear). */
export function countBits(bits: usize, nelems: u32): u32 {
  let n: u32 = 0;
  let end = bits + ((<usize>(nelems + 63) >> 6) << 3);
  for (let a = bits; a < end; a += 8) n += <u32>popcnt(load<u64>(a));
  return n;
}

// ── Class lists: every in-use span of a class, in creation order ───────────
//   list (CLASS_LIST_BYTES = 16): +0 head, +4 tail, +8 sweep cursor, +12 length

// @ts-ignore: decorator
@inline export function classList(c: u32): usize { return classListBase + <usize>c * CLASS_LIST_BYTES; }
// @ts-ignore: decorator
@inline export function listHead(c: u32): u32 { return load<u32>(classList(c)); }
// @ts-ignore: decorator
@inline export function listCursor(c: u32): u32 { return load<u32>(classList(c), 8); }
// @ts-ignore: decorator
@inline export function setListCursor(c: u32, s: u32): void { store<u32>(classList(c), s, 8); }

/** Empties every class list; called once at init. */
export function initClassLists(c: u32): void {
  for (let i: u32 = 0; i < c; i++) {
    let l = classList(i);
    store<u32>(l, NONE); store<u32>(l, NONE, 4); store<u32>(l, NONE, 8); store<u32>(l, 0, 12);
  }
}

function linkTail(c: u32, s: u32): void {
  let l = classList(c);
  let tail = load<u32>(l, 4);
  store<u32>(spanDesc(s), NONE, SP_NEXT);
  store<u32>(spanDesc(s), tail, SP_PREV);
  if (tail == NONE) store<u32>(l, s); else store<u32>(spanDesc(tail), s, SP_NEXT);
  store<u32>(l, s, 4);
  store<u32>(l, load<u32>(l, 12) + 1, 12);
}

function unlink(c: u32, s: u32): void {
  let l = classList(c);
  let next = load<u32>(spanDesc(s), SP_NEXT);
  let prev = load<u32>(spanDesc(s), SP_PREV);
  if (prev == NONE) store<u32>(l, next); else store<u32>(spanDesc(prev), next, SP_NEXT);
  if (next == NONE) store<u32>(l, prev, 4); else store<u32>(spanDesc(next), prev, SP_PREV);
  if (load<u32>(l, 8) == s) store<u32>(l, next, 8);
  store<u32>(l, load<u32>(l, 12) - 1, 12);
}

/**
 * Takes `npages` pages for a new span in `state` and initialises it: a
 * SPAN_SMALL span of size class `c`, or a SPAN_LARGE or SPAN_STACK span of
 * one element covering all its pages. Returns NONE when the page heap is
 * exhausted.
 */
export function newSpan(c: u32, state: u32, npages: u32): u32 {
  let s = allocPages(npages);
  if (s == NONE) return NONE;
  let d = spanDesc(s);
  let elem = state == SPAN_SMALL ? classSize(c) : npages * PAGE_SIZE;
  let nelems = state == SPAN_SMALL ? (npages * PAGE_SIZE) / elem : 1;
  store<u32>(d, npages, SP_NPAGES);
  store<u32>(d, state, SP_STATE);
  store<u32>(d, c, SP_CLASS);
  store<u32>(d, elem, SP_ELEMSIZE);
  store<u32>(d, nelems, SP_NELEMS);
  store<u32>(d, 0, SP_ALLOCCOUNT);
  store<u32>(d, epoch, SP_SWEPT);
  store<u32>(d, <u32>(0xffffffff / elem) + 1, SP_DIVMUL);
  store<u32>(d, <u32>pageAddress(s), SP_BASE);
  let entry = <u64>s | (<u64>load<u32>(d, SP_DIVMUL) << 32); // the page entries' copy (see the header)
  for (let i: u32 = 0; i < npages; i++) store<u64>(pageSpanBase + (<usize>(s + i) << 3), entry);
  let bytes = <usize>npages * BITMAP_BYTES_PER_PAGE;
  memory.fill(allocBits(s), 0, bytes);
  memory.fill(markBits(s), 0, bytes);
  if (!ASC_NO_ASSERT) memory.fill(quarantineBits(s), 0, bytes);
  if (state != SPAN_STACK) {
    linkTail(state == SPAN_SMALL ? c : LARGE_CLASS, s);
    objectSpanPages += npages;
  }
  spansInUse++;
  checkSpan(s);
  return s;
}

/**
 * Debug core: asserts the span invariants of the header comment for span
 * `s` (its allocCount is exact whenever no allocation cache holds it).
 */
export function checkSpan(s: u32): void {
  if (ASC_NO_ASSERT) return;
  let n = spanPages(s);
  for (let p: u32 = 0; p < n; p++) {
    assert(pageOwner(s + p) == s, "page→span entry names another span");
    assert(load<u32>(pageSpanBase + (<usize>(s + p) << 3), 4) == load<u32>(spanDesc(s), SP_DIVMUL), "page entry's divMul differs from the span's");
  }
  assert(countBits(allocBits(s), spanNelems(s)) == spanAllocCount(s), "allocCount differs from popcount(alloc bits)");
}

/** Returns span `s` to the page heap; its pages' owner entries become NONE. */
export function releaseSpan(s: u32): void {
  if (!ASC_NO_ASSERT && spanState(s) != SPAN_STACK) checkSpan(s);
  let d = spanDesc(s);
  let npages = load<u32>(d, SP_NPAGES);
  let state = load<u32>(d, SP_STATE);
  if (state != SPAN_STACK) {
    unlink(state == SPAN_SMALL ? load<u32>(d, SP_CLASS) : LARGE_CLASS, s);
    objectSpanPages -= npages;
  }
  store<u32>(d, SPAN_FREE, SP_STATE);
  memory.fill(pageSpanBase + (<usize>s << 3), 0xff, <usize>npages << 3);
  freePages(s, npages);
  spansInUse--;
  spansFreed++;
}


/** Spans in class `c`'s list. */
// @ts-ignore: decorator
@inline export function listLength(c: u32): u32 { return load<u32>(classList(c), 12); }

/**
 * Fills the fragmentation block (contract/abi.ts FR_*): per size class, the
 * spans with a free slot, their free slots and their slots in use (from the
 * alloc bits, so exact even for a cached span; an unswept span's dead
 * objects still count as in use until it is swept) and the pages one span
 * of the class takes; free pages, pages the arena may still map, and the
 * longest free run. Read-only.
 */
export function fillFragmentation(out: usize, freePageCount: u32, unmapped: u32, largestRun: u32): void {
  memory.fill(out, 0, FRAG_SLOTS * 8);
  store<f64>(out + (<usize>FR_FREE_PAGES << 3), <f64>freePageCount);
  store<f64>(out + (<usize>FR_UNMAPPED_PAGES << 3), <f64>unmapped);
  store<f64>(out + (<usize>FR_LARGEST_RUN << 3), <f64>largestRun);
  for (let c: u32 = 1; c < <u32>NUM_CLASSES; c++) {
    let spans: u32 = 0;
    let free: u32 = 0;
    let used: u32 = 0;
    for (let s = listHead(c); s != NONE; s = spanNext(s)) {
      let n = spanNelems(s);
      let k = countBits(allocBits(s), n);
      if (k == n) continue;
      spans++;
      free += n - k;
      used += k;
    }
    let a = out + (<usize>(FR_CLASS_BASE + 4 * c) << 3);
    store<f64>(a, <f64>spans);
    store<f64>(a + 8, <f64>free);
    store<f64>(a + 16, <f64>used);
    store<f64>(a + 24, <f64>classPages(c));
  }
}
