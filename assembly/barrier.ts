// The write barrier: the single entry point for every pointer store into a
// heap object or a global (golang/go src/runtime/mbarrier.go explains the
// reasoning this file follows; strategy.ts says which half each strategy has).
//
//   dijkstra  shade(ptr)                 insertion: a black object never points
//             to a white one; stacks are not protected, so a stack written
//             after its scan is rescanned at mark termination (roots.ts).
//   yuasa     shade(*slot)               deletion (snapshot at the beginning):
//             whatever was reachable when the mark started stays marked; needs
//             every stack scanned at mark start, world stopped.
//   hybrid    shade(*slot); shade(ptr)   Go 1.8+ as Go implements it (mgc.go's
//             header, mwbbuf.go wbBufFlush1): both pointers, on every heap or
//             global write while marking. Stacks are scanned one goroutine at a
//             time and never rescanned: the deletion half protects what a black
//             stack loaded from the heap, the insertion half what any stack
//             stores into the heap — whichever goroutine the embedder acts as,
//             so soundness never depends on knowing "the current goroutine".
//             Values moved onto an already-scanned stack are shaded by the
//             stack rule in roots.ts.
//   none      nothing                    unsafe on purpose: the verifier must
//             catch the objects it loses.
//   stw       nothing                    the mutator never runs while marking.
//
// Why the hybrid barrier needs no stack barrier otherwise (the argument of
// proposal 17503, restated for an embedder that may move values between
// goroutines): a white object reachable from a black stack is either shaded
// when it was stored there (some stack was still grey) or was loaded from a
// heap path that starts at a grey object, and the deletion half keeps that
// path grey-protected until the marker reaches it. With no grey object and no
// grey stack left — mark termination — nothing reachable is white.
//
// Initialising stores into a fresh object come here too: a new object is
// black during a mark, so storing a pointer into it is a store into a black
// object like any other.

import { barrierOn, tick, STORE_UNITS } from "./state";
import { shadeOld, shadeNew } from "./strategy";
import { shade } from "./mark";
import { HEADER_BYTES } from "../contract/abi";

export let barrierCalls: u64 = 0;
export let barrierShaded: u64 = 0;

/** Stores pointer `value` into the heap or global word at `slot`. */
// @ts-ignore: decorator
@inline export function writePointer(slot: usize, value: usize): void {
  tick(STORE_UNITS); // a pointer store's worth of mutator time
  if (barrierOn) writeBarrier(slot, value);
  store<u32>(slot, <u32>value);
}

/**
 * The initialising stores of a constructor: `n` pointers from the words at
 * `src` into the first pointer slots of `p`, an object the same call just
 * allocated. Each is a store through the barrier, counted as one (tick,
 * barrierCalls), but its deletion half has nothing to shade — the slot was
 * just zeroed — so only the insertion half runs, inline: a mark-bit test per
 * pointer, and shadeSlow only for a white one. `mayMark` is a constant: false
 * where the caller has seen that no mark runs (so no barrier is on), and the
 * stores are plain ones, the first two before any loop (then n ≥ 1: the caller has npop > 0).
 */
// @ts-ignore: decorator
@inline export function initPointers(p: usize, src: usize, n: u32, mayMark: bool): void {
  tick(STORE_UNITS * <u64>n);
  if (!mayMark) {
    let slot = p + HEADER_BYTES;
    store<u32>(slot, load<u32>(src));
    if (n > 1) {
      store<u32>(slot + 4, load<u32>(src + 4));
      let i: u32 = 2;
      if (i < n) do { store<u32>(slot + (<usize>i << 2), load<u32>(src + (<usize>i << 2))); i++; } while (i < n);
    }
    return;
  }
  let on = barrierOn && shadeNew;
  if (barrierOn) barrierCalls += n;
  let slot = p + HEADER_BYTES;
  for (let i: u32 = 0; i < n; i++) {
    let v = <usize>load<u32>(src + (<usize>i << 2));
    if (on && shade(v)) barrierShaded++;
    store<u32>(slot + (<usize>i << 2), <u32>v);
  }
}

/** The slow path: runs only while marking under a strategy with a barrier. */
function writeBarrier(slot: usize, value: usize): void {
  barrierCalls++;
  if (shadeOld && shade(<usize>load<u32>(slot))) barrierShaded++;
  if (shadeNew && shade(value)) barrierShaded++;
}

/** Resets the per-cycle counters. */
export function resetBarrierCounters(): void {
  barrierCalls = 0;
  barrierShaded = 0;
}
