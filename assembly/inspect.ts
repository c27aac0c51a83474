// Inspection: the heap drawn as the collector sees it, for a page that shows
// a mark in progress (src/web). Read-only, like every query of index.ts: it
// reads the side tables and writes only its own static block, so a run that
// is looked at gives the same counters as one that is not
// (tests/inspect.test.ts holds it to tests/read-only.test.ts's standard).
//
// A slot's colour, from the bits (mark.ts has the definitions):
//   free   alloc bit clear, or quarantined (debug core)
//   white  allocated, mark bit clear
//   grey   mark bit set and on the grey queue — the objects still to scan
//   black  mark bit set and off the queue: scanned (or allocated black)
// The queue holds exactly the grey objects, except after an overflow: then
// a marked object that fell off it is unscanned but looks black here, and
// the header says so (HMF_OVERFLOWED). Outside a mark, swept spans have no
// mark bits (everything allocated is white) and a span waiting to be swept
// still shows the last mark's verdict: black survives, white is garbage.
//
// A stack span has one slot, its goroutine's stack: grey while the mark has
// not scanned it (or, under dijkstra, once it is dirty again: it will be
// rescanned), black once scanned, white outside a mark.
//
// The block layout is contract/abi.ts's HM_*: a header, a directory of spans
// in address order and their colours, 2 bits a slot. A heap larger than one
// block is read in chunks: heapMap(next) from the page the last call stopped at.

import { arenaBase, NONE } from "./layout";
import { mappedPages } from "./pages";
import {
  spanOf, slotIndex, pageOwner, spanState, spanClass, spanElemSize, spanNelems, spanBase, spanPages, allocBits, markBits, testBit,
  isQuarantined, SPAN_SMALL, SPAN_LARGE, SPAN_STACK
} from "./spans";
import { greyQueueLength, greyQueueEntry, greyQueueOverflowed } from "./mark";
import { goroutineSlots, liveGoroutineAt, goroutineId, stackScanned, stackDirty, stackSpanOf } from "./roots";
import { phase, markCycle, PHASE_MARK } from "./state";
import * as abi from "../contract/abi";

const BLOCK = memory.data(abi.HEAP_MAP_BYTES, 16);
// @ts-ignore: decorator
@inline const BLOCK_WORDS: u32 = <u32>abi.HEAP_MAP_BYTES >> 2;
// @ts-ignore: decorator
@inline const COLOURS_START: u32 = <u32>abi.HM_HEADER_WORDS + <u32>abi.HM_MAX_SPANS * <u32>abi.HM_SPAN_WORDS;

// @ts-ignore: decorator
@inline function word(i: u32): usize { return BLOCK + (<usize>i << 2); }
// @ts-ignore: decorator
@inline function entry(k: u32, field: i32): usize { return word(<u32>abi.HM_HEADER_WORDS + k * <u32>abi.HM_SPAN_WORDS + <u32>field); }

/** Where heapMap writes. */
export function heapMapAddress(): usize { return BLOCK; }

/**
 * Writes the spans that start at page `fromPage` or later, as many as fit,
 * into the block; returns the page the next call should start from
 * (abi.HM_DONE when the heap's end was reached, also in HM_NEXT_PAGE).
 */
export function heapMap(fromPage: u32): u32 {
  memory.fill(BLOCK, 0, <usize>COLOURS_START << 2);
  let n: u32 = 0;
  let next = COLOURS_START;
  let p = fromPage;
  while (p < mappedPages) {
    let s = pageOwner(p);
    if (s != p) { p++; continue; } // a free page (NONE) or inside a span already passed
    let words = (spanNelems(s) + 15) >> 4;
    if (n == <u32>abi.HM_MAX_SPANS || next + words > BLOCK_WORDS) break;
    writeSpan(n, s, next);
    next += words;
    n++;
    p += spanPages(s);
  }
  let done = p >= mappedPages;
  store<u32>(word(abi.HM_SPANS), n);
  store<u32>(word(abi.HM_NEXT_PAGE), done ? abi.HM_DONE : p);
  let flags: u32 = phase == PHASE_MARK ? abi.HMF_MARKING : 0;
  if (phase == PHASE_MARK && greyQueueOverflowed()) flags |= abi.HMF_OVERFLOWED;
  if (!ASC_NO_ASSERT) flags |= abi.HMF_DEBUG;
  store<u32>(word(abi.HM_FLAGS), flags);
  store<u32>(word(abi.HM_CYCLE), markCycle);
  store<u32>(word(abi.HM_GREY_QUEUE), phase == PHASE_MARK ? greyQueueLength() : 0);
  store<u32>(word(abi.HM_MAPPED_PAGES), mappedPages);
  store<u32>(word(abi.HM_ARENA_BASE), <u32>arenaBase);
  store<u32>(word(abi.HM_VERSION), abi.HEAP_MAP_VERSION);
  if (n > 0) {
    if (phase == PHASE_MARK) greyFromQueue(n);
    colourStacks(n);
  }
  return done ? abi.HM_DONE : p;
}

/** Directory entry `k` and the colours (at word `at`) of span `s`: free, white or black; grey comes from the queue. */
function writeSpan(k: u32, s: u32, at: u32): void {
  let st = spanState(s);
  let nelems = spanNelems(s);
  let kind = st == SPAN_SMALL ? abi.HMK_SMALL : st == SPAN_LARGE ? abi.HMK_LARGE : abi.HMK_STACK;
  store<u32>(entry(k, abi.HMS_BASE), <u32>spanBase(s));
  store<u32>(entry(k, abi.HMS_ELEM_BYTES), spanElemSize(s));
  store<u32>(entry(k, abi.HMS_NELEMS), nelems);
  store<u32>(entry(k, abi.HMS_KIND), <u32>kind | (spanClass(s) << 8));
  store<u32>(entry(k, abi.HMS_COLOURS), at);
  // Counted in one word per colour pair: the stub runtime has no heap to put an array on.
  let wg: u32 = 0;
  let bf: u32 = 0;
  memory.fill(word(at), 0, <usize>((nelems + 15) >> 4) << 2);
  for (let i: u32 = 0; i < nelems; i++) {
    let c = st == SPAN_STACK ? abi.COLOUR_WHITE : objectColour(s, i);
    setColour(at, i, c);
    if (c == abi.COLOUR_WHITE) wg += 1; else if (c == abi.COLOUR_BLACK) bf += 1; else bf += 1 << 16;
  }
  store<u32>(entry(k, abi.HMS_WHITE_GREY), wg);
  store<u32>(entry(k, abi.HMS_BLACK_FREE), bf);
}

/** Free, white or black from the bits of slot `i` of object span `s` (grey needs the queue). */
function objectColour(s: u32, i: u32): u32 {
  if (!testBit(allocBits(s), i) || isQuarantined(s, i)) return abi.COLOUR_FREE;
  // A swept span outside a mark has cleared mark bits: its objects are white, as they should be.
  return testBit(markBits(s), i) ? abi.COLOUR_BLACK : abi.COLOUR_WHITE;
}

// @ts-ignore: decorator
@inline function setColour(at: u32, i: u32, c: u32): void {
  let a = word(at + (i >> 4));
  let shift = (i & 15) << 1;
  store<u32>(a, (load<u32>(a) & ~(<u32>3 << shift)) | (c << shift));
}

// @ts-ignore: decorator
@inline function getColour(at: u32, i: u32): u32 {
  return (load<u32>(word(at + (i >> 4))) >> ((i & 15) << 1)) & 3;
}

/** Adds `by` to colour `c`'s count in directory entry `k` (white | grey << 16, black | free << 16). */
function count(k: u32, c: u32, by: i32): void {
  let a = entry(k, c == abi.COLOUR_WHITE || c == abi.COLOUR_GREY ? abi.HMS_WHITE_GREY : abi.HMS_BLACK_FREE);
  let shift: u32 = c == abi.COLOUR_GREY || c == abi.COLOUR_FREE ? 16 : 0;
  store<u32>(a, <u32>(<i32>load<u32>(a) + (by << shift)));
}

/** Moves slot `i` of entry `k` to colour `to`, keeping the counts. */
function recolour(k: u32, i: u32, to: u32): void {
  let at = load<u32>(entry(k, abi.HMS_COLOURS));
  let from = getColour(at, i);
  if (from == to) return;
  setColour(at, i, to);
  count(k, from, -1);
  count(k, to, 1);
}

/** The directory entry of the span whose slot 0 is at `base`, or NONE if it is not in this chunk. */
function findEntry(n: u32, base: u32): u32 {
  let lo: u32 = 0;
  let hi = n;
  while (lo < hi) {
    let mid = (lo + hi) >> 1;
    let b = load<u32>(entry(mid, abi.HMS_BASE));
    if (b == base) return mid;
    if (b < base) lo = mid + 1; else hi = mid;
  }
  return NONE;
}

/** Every object on the grey queue that lies in this chunk turns grey. */
function greyFromQueue(n: u32): void {
  let len = greyQueueLength();
  for (let q: u32 = 0; q < len; q++) {
    let p = greyQueueEntry(q);
    let s = spanOf(p);
    if (s == NONE) continue;
    let k = findEntry(n, <u32>spanBase(s));
    if (k != NONE) recolour(k, slotIndex(s, p), abi.COLOUR_GREY);
  }
}

/** Stack spans in this chunk get their goroutine's id, and while marking its stack's colour. */
function colourStacks(n: u32): void {
  let marking = phase == PHASE_MARK;
  for (let i: u32 = 0; i < goroutineSlots(); i++) {
    let d = liveGoroutineAt(i);
    if (d == 0) continue;
    let k = findEntry(n, <u32>spanBase(stackSpanOf(d)));
    if (k == NONE) continue;
    store<u32>(entry(k, abi.HMS_GOROUTINE), goroutineId(d));
    if (marking) recolour(k, 0, stackScanned(d) && !stackDirty(d) ? abi.COLOUR_BLACK : abi.COLOUR_GREY);
  }
}

/**
 * The raw bits of the slot that starts at `p` (abi SB_*: alloc, mark,
 * quarantine), or -1 when `p` is no slot start of an object span. The
 * primitive a test computes colours from, independently of heapMap.
 */
export function slotBits(p: usize): i32 {
  let s = spanOf(p);
  if (s == NONE) return -1;
  let st = spanState(s);
  if (st != SPAN_SMALL && st != SPAN_LARGE) return -1;
  let i = slotIndex(s, p);
  if (i >= spanNelems(s) || spanBase(s) + <usize>i * spanElemSize(s) != p) return -1;
  let bits: i32 = 0;
  if (testBit(allocBits(s), i)) bits |= abi.SB_ALLOC;
  if (testBit(markBits(s), i)) bits |= abi.SB_MARK;
  if (isQuarantined(s, i)) bits |= abi.SB_QUARANTINE;
  return bits;
}

/** Entries on the grey queue (0 outside a mark). */
export function greyQueueSize(): u32 { return phase == PHASE_MARK ? greyQueueLength() : 0; }

/** Grey-queue entry `k` (< greyQueueSize()), or 0. */
export function greyQueueAt(k: u32): usize { return k < greyQueueSize() ? greyQueueEntry(k) : 0; }
