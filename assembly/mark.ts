// The marker: tri-colour marking over side bitmaps with an explicit grey queue.
//
// Colours, as in Go (mgcmark.go): white = mark bit clear; grey = mark bit set
// and the object is on the work queue (or lost from it by overflow, below);
// black = mark bit set and every pointer slot scanned. shade(p) is the one
// way an object becomes non-white: set its bit, count its bytes, queue it.
//
// The queue is a LIFO of addresses in linear memory. Depth-first order keeps
// a linked list at one entry and a tree at about its depth, and nothing here
// recurses, so a 10-million-node list costs no host stack. The queue has a
// fixed capacity; when a push does not fit, the object stays marked but
// unscanned and `overflowed` is set. Recovery (Boehm's mark-stack overflow
// handling) rescans every marked object and drains again until a pass adds
// no overflow — correct because scanning a black object twice is harmless,
// and bounded because every pass marks at least the objects it dropped.
//
// Defence in depth. A sound collector never meets a pointer that is not the
// start of a live object, but a bug or a stale embedder write can plant one.
// shade() checks every object it is about to mark (the slow path, once per
// object per cycle): a pointer outside every span, into a stack or a free
// span, past a span's last slot, into the middle of a slot, or to a slot that
// is not allocated (or is quarantined, debug core) is counted as a heap
// corruption and never marked, so marking never writes outside its own
// tables and sweep never counts a slot it did not allocate.
//
// Invariant at the end of drainAll(): no black object points to a white one.

import { queueBase, queueCap, NONE } from "./layout";
import { pageEntryOf, entrySlot, markBits, spanElemSize, spanNelems, spanBase, testBit, listHead, spanNext, isObjectStart } from "./spans";
import { countLive, resetLiveSites } from "./sites";
import { NPTR_MASK, HEADER_BYTES, NUM_CLASSES, HDR_META, SITE_SHIFT } from "../contract/abi";

let queueTop: u32 = 0;
let overflowed: bool = false;

export let markedObjects: u64 = 0;
export let markedBytes: u64 = 0;
/** Words of object scanning (header + pointer slots), cumulative. */
export let wordsScanned: u64 = 0;
export let objectsScanned: u64 = 0;
export let queueOverflows: u64 = 0;
/** Pointers met while marking that are not the start of a live object (cumulative), and the first one. */
export let heapCorruptions: u64 = 0;
export let firstCorruption: usize = 0;

/** Clears the per-cycle counters; called at the start of a mark. */
export function resetMarkCounters(): void {
  markedObjects = 0;
  markedBytes = 0;
  queueTop = 0;
  overflowed = false;
  resetLiveSites();
}

/** Counts a pointer that names no live object. */
export function noteCorruption(p: usize): void {
  if (heapCorruptions == 0) firstCorruption = p;
  heapCorruptions++;
}

/** Greys `p`: marks it and queues it for scanning, unless nil or already marked. True if it was white. */
// @ts-ignore: decorator
@inline export function shade(p: usize): bool {
  if (p == 0) return false;
  let e = pageEntryOf(p); // the slot index from the page entry: the mark word's miss need not wait for the descriptor's
  let s = <u32>e;
  if (s == NONE) { noteCorruption(p); return false; }
  let i = entrySlot(e, p);
  let a = markBits(s) + ((<usize>i >> 6) << 3);
  let w = load<u64>(a);
  let m = <u64>1 << (i & 63);
  if (w & m) return false;
  return shadeSlow(s, i, p, a, w | m);
}

/** The white case of shade(): check that `p` is a live object, then mark and queue it. */
// @ts-ignore: decorator
@inline function shadeSlow(s: u32, i: u32, p: usize, a: usize, marked: u64): bool {
  if (!isObjectStart(s, i, p)) { noteCorruption(p); return false; }
  store<u64>(a, marked);
  let elem = spanElemSize(s);
  markedObjects++;
  markedBytes += elem;
  countLive(load<u32>(p, HDR_META) >>> SITE_SHIFT, elem);
  if (queueTop < queueCap) {
    store<u32>(queueBase + (<usize>queueTop << 2), <u32>p);
    queueTop++;
  } else {
    overflowed = true;
  }
  return true;
}

/**
 * Marks slot `i` of span `s` black on allocation: counted as marked, never
 * queued (it has no pointers yet). Its header is not written yet: allocObject
 * counts it live for its site.
 */
export function markNew(s: u32, i: u32): void {
  markNewSized(s, i, spanElemSize(s));
}

/** markNew for a slot of `elem` bytes, the span's element size, which the caller already holds (the allocation fast path). */
// @ts-ignore: decorator
@inline export function markNewSized(s: u32, i: u32, elem: u32): void {
  let a = markBits(s) + ((<usize>i >> 6) << 3);
  store<u64>(a, load<u64>(a) | (<u64>1 << (i & 63)));
  markedObjects++;
  markedBytes += elem;
}

/** Shades the pointer stored at `slot` (a root or field word). */
export function shadeSlot(slot: usize): void {
  shade(<usize>load<u32>(slot));
}

/** Blackens `p`: shades every pointer slot. Returns the words of work: header + slots. */
// @ts-ignore: decorator
@inline function scanObject(p: usize): u32 {
  let n = load<u32>(p, 4) & NPTR_MASK;
  let slot = p + HEADER_BYTES;
  let end = slot + (<usize>n << 2);
  while (slot < end) {
    shade(<usize>load<u32>(slot));
    slot += 4;
  }
  wordsScanned += n + 2;
  objectsScanned++;
  return n + 2;
}

/**
 * Scans grey objects until none is left or `budget` words of work are done;
 * returns the words done. Recovers from queue overflow when the queue empties.
 */
export function drain(budget: u64): u64 {
  let done: u64 = 0;
  while (done < budget) {
    if (queueTop == 0) {
      if (!overflowed) break;
      let before = wordsScanned;
      overflowed = false;
      queueOverflows++;
      rescanMarked();
      done += wordsScanned - before;
      continue;
    }
    queueTop--;
    done += scanObject(<usize>load<u32>(queueBase + (<usize>queueTop << 2)));
  }
  return done;
}

/** Drains completely, recovering from queue overflow; afterwards there are no grey objects. Returns words done. */
export function drainAll(): u64 {
  return drain(u64.MAX_VALUE);
}

/** Overflow recovery: rescans every marked object of every span, draining as it goes. */
function rescanMarked(): void {
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    for (let s = listHead(c); s != NONE; s = spanNext(s)) {
      let bits = markBits(s);
      let n = spanNelems(s);
      let elem = <usize>spanElemSize(s);
      let base = spanBase(s);
      for (let i: u32 = 0; i < n; i++) {
        if (!testBit(bits, i)) continue;
        scanObject(base + <usize>i * elem);
        drainQueueOnly();
      }
    }
  }
}

/** Drains the queue without overflow recovery (recovery's own inner loop). */
function drainQueueOnly(): void {
  while (queueTop > 0) {
    queueTop--;
    scanObject(<usize>load<u32>(queueBase + (<usize>queueTop << 2)));
  }
}

/** True when no grey object remains. */
export function queueEmpty(): bool {
  return queueTop == 0 && !overflowed;
}

// ── Read-only views for the heap map (inspect.ts) ──────────────────────────

/** Entries on the grey queue now. */
export function greyQueueLength(): u32 { return queueTop; }

/** Grey-queue entry `k` (0 = the oldest), an object address. */
export function greyQueueEntry(k: u32): usize { return <usize>load<u32>(queueBase + (<usize>k << 2)); }

/** True when the queue overflowed this mark: some marked objects off the queue are still unscanned. */
export function greyQueueOverflowed(): bool { return overflowed; }
