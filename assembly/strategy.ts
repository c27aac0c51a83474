// What each collector strategy does, declared once (in the spirit of MMTk's
// PlanConstraints): every other module asks a trait, never compares the
// strategy number.
//
//   strategy   concurrent  shade old  shade new  snapshot   rescan dirty  shade stack  always
//              mark        (deletion) (insertion) stacks at  stacks at     moves (into  verify
//                                                mark start termination   black stacks)
//   stw            -           -          -          -           -             -          -
//   dijkstra       x           -          x          -           x             -          -
//   yuasa          x           x          -          x           -             -          -
//   hybrid         x           x          x          -           -             x          -
//   none           x           -          -          -           -             -          x
//
// concurrent        the mark interleaves with the mutator at safe points; stw
//                   runs sweep termination, mark and mark termination in one pause.
// shade old/new     what the write barrier does to a heap or global slot while
//                   marking: shade the value overwritten (Yuasa's deletion
//                   barrier), the value written (Dijkstra's insertion barrier), or
//                   both (Go 1.8+'s hybrid barrier as Go implements it: mbarrier.go
//                   and mwbbuf.go wbBufFlush1 shade both pointers on every write
//                   while marking; the conditional "shade(ptr) only if the current
//                   stack is grey" of proposal 17503 is an optimisation Go never
//                   shipped).
// snapshot stacks   every stack is scanned in the sweep-termination pause
//                   (Yuasa's snapshot at the beginning; nothing is rescanned).
// rescan dirty      a stack written after its scan is grey again and is rescanned
//                   in the mark-termination pause (Go 1.5–1.7).
// shade stack moves a value pushed or stored into an already-scanned stack while
//                   some stack is still unscanned may have come from that
//                   unscanned stack, so it is shaded on the way (Go needs the
//                   same for `go f(x)` and channel sends into a scanned stack).
// always verify     the independent verifier runs at every mark termination
//                   and rescues what the strategy lost (`none` exists to show it).

import { STRATEGY_STW, STRATEGY_DIJKSTRA, STRATEGY_YUASA, STRATEGY_HYBRID, STRATEGY_NONE } from "../contract/abi";

// @ts-ignore: decorator
@inline const T_CONCURRENT: u8 = 1;
// @ts-ignore: decorator
@inline const T_SHADE_OLD: u8 = 2;
// @ts-ignore: decorator
@inline const T_SHADE_NEW: u8 = 4;
// @ts-ignore: decorator
@inline const T_SNAPSHOT: u8 = 8;
// @ts-ignore: decorator
@inline const T_RESCAN_DIRTY: u8 = 16;
// @ts-ignore: decorator
@inline const T_SHADE_MOVES: u8 = 32;
// @ts-ignore: decorator
@inline const T_VERIFY: u8 = 64;

/** The table above, one byte of T_* bits per strategy, indexed by STRATEGY_*. */
const TRAITS = memory.data<u8>([
  0, // stw
  T_CONCURRENT | T_SHADE_NEW | T_RESCAN_DIRTY, // dijkstra
  T_CONCURRENT | T_SHADE_OLD | T_SNAPSHOT, // yuasa
  T_CONCURRENT | T_SHADE_OLD | T_SHADE_NEW | T_SHADE_MOVES, // hybrid
  T_CONCURRENT | T_VERIFY, // none
]);

export let strategy: i32 = STRATEGY_STW;
export let concurrent: bool = false;
export let shadeOld: bool = false;
export let shadeNew: bool = false;
export let snapshotStacks: bool = false;
export let rescanDirtyStacks: bool = false;
export let shadeStackMoves: bool = false;
export let alwaysVerify: bool = false;
/** The strategy has a write barrier at all (it shades old, new, or both). */
export let hasBarrier: bool = false;

/** True if `s` names a strategy. */
export function validStrategy(s: i32): bool {
  return s >= STRATEGY_STW && s <= STRATEGY_NONE;
}

/** Selects strategy `s` (checked by the caller) and reads its traits once. */
export function setStrategy(s: i32): void {
  strategy = s;
  let t = load<u8>(TRAITS + <usize>s);
  concurrent = (t & T_CONCURRENT) != 0;
  shadeOld = (t & T_SHADE_OLD) != 0;
  shadeNew = (t & T_SHADE_NEW) != 0;
  snapshotStacks = (t & T_SNAPSHOT) != 0;
  rescanDirtyStacks = (t & T_RESCAN_DIRTY) != 0;
  shadeStackMoves = (t & T_SHADE_MOVES) != 0;
  alwaysVerify = (t & T_VERIFY) != 0;
  hasBarrier = shadeOld || shadeNew;
  if (!ASC_NO_ASSERT) {
    // The table and the names agree (a new strategy must be described here).
    assert(s != STRATEGY_HYBRID || (shadeOld && shadeNew && shadeStackMoves));
    assert(s != STRATEGY_YUASA || (shadeOld && snapshotStacks));
    assert(s != STRATEGY_DIJKSTRA || (shadeNew && rescanDirtyStacks));
  }
}
