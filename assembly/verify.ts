// The verifier: an independent check of everything the collector claims.
//
// It shares no marking code with mark.ts: it has its own bitmap (the verify
// table), its own queue, its own traversal and its own overflow handling, and
// it checks every pointer it follows instead of trusting it. Two questions:
//
//  1. Reachability. Every object reachable from the roots must be held live
//     by the collector. A reachable object the collector holds dead is LOST —
//     under a correct barrier this never happens; under `none` it must be
//     seen. "Held live" depends on when we look (VERIFY_AGAINST_*): right
//     after a mark it is the mark bit; at any other time it is the alloc bit
//     of a swept span or the mark bit of a span still waiting to be swept.
//
//  2. Integrity. Every object the collector holds live has a sane header
//     (pointer slots and payload fit its slot) and every pointer slot is nil
//     or the start of an object the collector holds live.
//
// Results land in the verify block (src/abi.ts V_*), with the first few
// offending addresses as samples. At mark termination the collector may ask
// for a rescue: each lost object is shaded as it is found, so the `none`
// strategy reports what it lost instead of freeing live objects silently and
// leaving the mutator with dangling pointers.

import { verifyBlockBase, verifyBitsBase, verifyQueueBase, queueCap, arenaBase, NONE, BITMAP_BYTES_PER_PAGE } from "./layout";
import { mappedPages } from "./pages";
import {
  spanOf, slotIndex, pageEntryOf, entrySlot, spanState, spanBase, spanElemSize, spanNelems, allocBits, markBits, verifyBits,
  isSwept, testBit, setBit, listHead, spanNext, isQuarantined, SPAN_SMALL, SPAN_LARGE
} from "./spans";
import { forEachRoot } from "./roots";
import { shade, drainAll } from "./mark";
import {
  HEADER_BYTES, NPTR_MASK, SITE_SHIFT, MAX_SITES, NUM_CLASSES, OK, E_NOT_IN_HEAP, E_MISALIGNED, E_FREED, E_NOT_OBJECT,
  V_REACHABLE_OBJECTS, V_REACHABLE_BYTES, V_LOST_OBJECTS, V_INTEGRITY_ERRORS, V_LIVE_OBJECTS, V_LIVE_BYTES,
  V_SAMPLES, V_SAMPLE_BASE, V_MAX_SAMPLES, VERIFY_SLOTS, VERIFY_AGAINST_MARK, I_LOST, I_BAD_HEADER, I_BAD_POINTER
} from "../contract/abi";

/** Verifications run so far: each rewrites the verify bits, which the heap analysis (analysis.ts) reads. */
export let verifyRuns: u32 = 0;
let mode: i32 = 0;
let rescue: bool = false;
let top: u32 = 0;
let overflowed: bool = false;

/**
 * True if the collector, looked at in the current mode, holds slot `i` of
 * span `s` live. A quarantined slot (debug core) is freed in every mode.
 */
// @ts-ignore: decorator
@inline export function heldLive(s: u32, i: u32, m: i32): bool {
  if (m == VERIFY_AGAINST_MARK || !isSwept(s)) return testBit(markBits(s), i);
  return testBit(allocBits(s), i) && !isQuarantined(s, i);
}

/**
 * Classifies a would-be object address: OK for the start of a slot the
 * collector holds live, else why not (E_NOT_IN_HEAP, E_MISALIGNED, E_NOT_OBJECT, E_FREED).
 * Shared with the boundary checks of index.ts: one definition of "valid handle".
 */
// @ts-ignore: decorator
@inline export function classify(p: usize, m: i32): i32 {
  let e = pageEntryOf(p); // one load for span and slot (spans.ts): the bitmap's miss overlaps the descriptor's
  let s = <u32>e;
  // A page no span owns, inside the mapped arena, held objects once: freed, not "outside".
  if (s == NONE) return p - arenaBase < (<usize>mappedPages << 13) ? E_FREED : E_NOT_IN_HEAP;
  if (p & 7) return E_MISALIGNED;
  let st = spanState(s);
  if (st != SPAN_SMALL && st != SPAN_LARGE) return E_NOT_OBJECT;
  let i = entrySlot(e, p);
  if (spanBase(s) + <usize>i * spanElemSize(s) != p) return E_MISALIGNED;
  if (i >= spanNelems(s)) return E_NOT_OBJECT;
  return heldLive(s, i, m) ? OK : E_FREED;
}

function slot(i: i32): usize { return verifyBlockBase + (<usize>i << 3); }
function bump(i: i32, by: f64): void { store<f64>(slot(i), load<f64>(slot(i)) + by); }

function sample(p: usize, code: i32): void {
  let n = <i32>load<f64>(slot(V_SAMPLES));
  if (n >= V_MAX_SAMPLES) return;
  store<f64>(slot(V_SAMPLE_BASE + 2 * n), <f64>p);
  store<f64>(slot(V_SAMPLE_BASE + 2 * n + 1), <f64>code);
  store<f64>(slot(V_SAMPLES), <f64>(n + 1));
}

/** Pointer slots an object at `p` in a slot of `elem` bytes may have, never past its slot. */
function safeSlots(p: usize, elem: u32): u32 {
  return min<u32>(load<u32>(p, 4) & NPTR_MASK, (elem - HEADER_BYTES) >> 2);
}

/** Follows the pointer stored at `slotAddr`: records it reached, lost or bad. */
function reach(slotAddr: usize): void {
  let p = <usize>load<u32>(slotAddr);
  if (p == 0) return;
  let s = spanOf(p);
  let code = classify(p, mode);
  if (code != OK && code != E_FREED) {
    bump(V_INTEGRITY_ERRORS, 1);
    sample(slotAddr, I_BAD_POINTER);
    return;
  }
  let i = slotIndex(s, p);
  if (!setBit(verifyBits(s), i)) return;
  bump(V_REACHABLE_OBJECTS, 1);
  bump(V_REACHABLE_BYTES, <f64>spanElemSize(s));
  if (code == E_FREED) {
    bump(V_LOST_OBJECTS, 1);
    sample(p, I_LOST);
    if (rescue) shade(p);
    // A lost object whose bytes are intact (allocated, merely unmarked) is
    // still traversed, so everything lost behind it is counted too.
    if (!testBit(allocBits(s), i) || isQuarantined(s, i)) return;
  }
  if (top < queueCap) {
    store<u32>(verifyQueueBase + (<usize>top << 2), <u32>p);
    top++;
  } else {
    overflowed = true;
  }
}

function traverse(p: usize): void {
  let n = safeSlots(p, spanElemSize(spanOf(p)));
  for (let k: u32 = 0; k < n; k++) reach(p + HEADER_BYTES + (<usize>k << 2));
}

function drainQueue(): void {
  while (top > 0) {
    top--;
    traverse(<usize>load<u32>(verifyQueueBase + (<usize>top << 2)));
  }
}

/** Overflow recovery: retraverse every object with its verify bit set. */
function retraverse(): void {
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    for (let s = listHead(c); s != NONE; s = spanNext(s)) {
      let n = spanNelems(s);
      for (let i: u32 = 0; i < n; i++) {
        if (testBit(verifyBits(s), i) && testBit(allocBits(s), i) && !isQuarantined(s, i)) {
          traverse(spanBase(s) + <usize>i * spanElemSize(s));
          drainQueue();
        }
      }
    }
  }
}

/** Integrity of one object the collector holds live. */
function checkObject(p: usize, elem: u32): void {
  let size = load<u32>(p);
  let meta = load<u32>(p, 4);
  let nptr = meta & NPTR_MASK;
  if (<u64>size + HEADER_BYTES > <u64>elem || (nptr << 2) > size || (meta >>> SITE_SHIFT) >= <u32>MAX_SITES) {
    bump(V_INTEGRITY_ERRORS, 1);
    sample(p, I_BAD_HEADER);
    return;
  }
  for (let k: u32 = 0; k < nptr; k++) {
    let a = p + HEADER_BYTES + (<usize>k << 2);
    let q = <usize>load<u32>(a);
    if (q != 0 && classify(q, mode) != OK) {
      bump(V_INTEGRITY_ERRORS, 1);
      sample(a, I_BAD_POINTER);
    }
  }
}

function checkIntegrity(): void {
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) {
    for (let s = listHead(c); s != NONE; s = spanNext(s)) {
      let n = spanNelems(s);
      let elem = spanElemSize(s);
      for (let i: u32 = 0; i < n; i++) {
        if (!heldLive(s, i, mode)) continue;
        bump(V_LIVE_OBJECTS, 1);
        bump(V_LIVE_BYTES, <f64>elem);
        checkObject(spanBase(s) + <usize>i * elem, elem);
      }
    }
  }
}

/**
 * Runs both checks in mode `m`; fills the verify block and returns the
 * number of lost objects. With `rescueLost`, lost objects are shaded (the
 * caller drains the grey queue afterwards).
 */
export function verifyHeap(m: i32, rescueLost: bool): u32 {
  verifyRuns++;
  mode = m;
  rescue = rescueLost;
  memory.fill(verifyBlockBase, 0, VERIFY_SLOTS * 8);
  memory.fill(verifyBitsBase, 0, <usize>mappedPages * BITMAP_BYTES_PER_PAGE);
  top = 0;
  overflowed = false;
  forEachRoot(reach);
  drainQueue();
  while (overflowed) {
    overflowed = false;
    retraverse();
  }
  let lost = <u32>load<f64>(slot(V_LOST_OBJECTS));
  if (rescue && lost > 0) drainAll();
  checkIntegrity();
  return lost;
}

/** Objects held live but not reachable in the last verification: floating garbage. */
export function verifiedFloating(): f64 {
  // Rescued objects count as live; unrescued lost ones as reachable but not live.
  let reachedLive = load<f64>(slot(V_REACHABLE_OBJECTS)) - (rescue ? 0 : load<f64>(slot(V_LOST_OBJECTS)));
  return load<f64>(slot(V_LIVE_OBJECTS)) - reachedLive;
}
