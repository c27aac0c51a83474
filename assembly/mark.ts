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

/** Greys `p`: marks it and queues it for scanning, unless nil or already marked. */
// @ts-ignore: decorator
@inline export function shade(p: usize): void {
  if (p == 0) return;
  let s = spanOf(p);
  if (!ASC_NO_ASSERT) assert(s != NONE, "shade: pointer outside every span");
  if (!setBit(markBits(s), slotIndex(s, p))) return;
  markedObjects++;
  markedBytes += spanElemSize(s);
  if (queueTop < queueCap) {
    store<u32>(queueBase + (<usize>queueTop << 2), <u32>p);
    queueTop++;
  } else {
    overflowed = true;
  }
}

/** Shades the pointer stored at `slot` (a root or field word). */
export function shadeSlot(slot: usize): void {
  shade(<usize>load<u32>(slot));
}

/** Blackens `p`: shades every pointer slot. */
// @ts-ignore: decorator
@inline function scanObject(p: usize): void {
  let n = load<u32>(p, 4) & NPTR_MASK;
  let slot = p + HEADER_BYTES;
  let end = slot + (<usize>n << 2);
  while (slot < end) {
    shade(<usize>load<u32>(slot));
    slot += 4;
  }
  wordsScanned += n + 2;
  objectsScanned++;
}

/** Scans grey objects until the queue is empty or `budget` objects were scanned; returns objects scanned. */
export function drain(budget: u64): u64 {
  let done: u64 = 0;
  while (queueTop > 0 && done < budget) {
    queueTop--;
    scanObject(<usize>load<u32>(queueBase + (<usize>queueTop << 2)));
    done++;
  }
  return done;
}

/** Drains completely, recovering from queue overflow; afterwards there are no grey objects. */
export function drainAll(): void {
  drain(u64.MAX_VALUE);
  while (overflowed) {
    overflowed = false;
    queueOverflows++;
    rescanMarked();
  }
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
        drain(u64.MAX_VALUE);
      }
    }
  }
}

/** True when no grey object remains. */
export function queueEmpty(): bool {
  return queueTop == 0 && !overflowed;
}
