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
// Invariant at the end of drainAll(): no black object points to a white one.

import { queueBase, queueCap, NONE } from "./layout";
import { spanOf, slotIndex, markBits, setBit, spanElemSize, spanNelems, spanBase, testBit, listHead, spanNext } from "./spans";
import { NPTR_MASK, HEADER_BYTES, NUM_CLASSES } from "../src/abi";

let queueTop: u32 = 0;
let overflowed: bool = false;

export let markedObjects: u64 = 0;
export let markedBytes: u64 = 0;
export let wordsScanned: u64 = 0;
export let objectsScanned: u64 = 0;
export let queueOverflows: u64 = 0;

/** Clears the per-cycle counters; called at the start of a mark. */
export function resetMarkCounters(): void {
  markedObjects = 0;
  markedBytes = 0;
  queueTop = 0;
  overflowed = false;
}

/** Greys `p`: marks it and queues it for scanning, unless nil or already marked. True if it was white. */
// @ts-ignore: decorator
@inline export function shade(p: usize): bool {
  if (p == 0) return false;
  let s = spanOf(p);
  if (!ASC_NO_ASSERT) assert(s != NONE, "shade: pointer outside every span");
  if (!setBit(markBits(s), slotIndex(s, p))) return false;
  markedObjects++;
  markedBytes += spanElemSize(s);
  if (queueTop < queueCap) {
    store<u32>(queueBase + (<usize>queueTop << 2), <u32>p);
    queueTop++;
  } else {
    overflowed = true;
  }
  return true;
}

/** Marks `p` black on allocation: counted as marked, never queued (it has no pointers yet). */
export function markNew(s: u32, i: u32): void {
  setBit(markBits(s), i);
  markedObjects++;
  markedBytes += spanElemSize(s);
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
