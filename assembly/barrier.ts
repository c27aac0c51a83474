// The write barrier: the single entry point for every pointer store into a
// heap object or a global (golang/go src/runtime/mbarrier.go explains the
// reasoning this file follows).
//
// Stack slots never come here. Go's rule, and ours: stack writes take no
// barrier, because barriers on every stack write would cost too much; each
// strategy pays for that freedom differently (DESIGN.md §5):
//
//   dijkstra  shade(ptr)                       insertion: a black object never
//             points to a white one; stacks are not protected, so a stack that
//             ran after its scan is rescanned at mark termination.
//   yuasa     shade(*slot)                     deletion (snapshot at the
//             beginning): whatever was reachable when the mark started stays
//             marked; needs every stack scanned at mark start, world stopped.
//   hybrid    shade(*slot); if the current      Go 1.8+: stacks scanned one
//             stack is grey: shade(ptr)         goroutine at a time and never
//             rescanned; the deletion half covers pointers hidden in black
//             stacks, the insertion half covers pointers from grey stacks.
//   none      nothing                           unsafe on purpose: the
//             verifier must catch the objects it loses.
//   stw       nothing                           the mutator never runs while
//             marking.
//
// Initialising stores into a fresh object come here too: a new object is
// black during a mark, so storing a pointer into it is a store into a black
// object like any other.

import { barrierOn, strategy, curG, tick } from "./state";
import { shade } from "./mark";
import { stackScanned } from "./roots";
import { STRATEGY_DIJKSTRA, STRATEGY_YUASA } from "../src/abi";

export let barrierCalls: u64 = 0;
export let barrierShaded: u64 = 0;

/** Stores pointer `value` into the heap or global word at `slot`. */
// @ts-ignore: decorator
@inline export function writePointer(slot: usize, value: usize): void {
  tick(2); // a pointer store's worth of mutator time
  if (barrierOn) writeBarrier(slot, value);
  store<u32>(slot, <u32>value);
}

/** The slow path: runs only while marking under a strategy with a barrier. */
function writeBarrier(slot: usize, value: usize): void {
  barrierCalls++;
  let old = <usize>load<u32>(slot);
  if (strategy == STRATEGY_DIJKSTRA) {
    if (shade(value)) barrierShaded++;
    return;
  }
  if (shade(old)) barrierShaded++;
  if (strategy == STRATEGY_YUASA) return;
  // Hybrid: with no current goroutine known, assume its stack is grey (the safe side).
  if ((curG == 0 || !stackScanned(curG)) && shade(value)) barrierShaded++;
}

/** Resets the per-cycle counters. */
export function resetBarrierCounters(): void {
  barrierCalls = 0;
  barrierShaded = 0;
}
