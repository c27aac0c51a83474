// The collector's phase and the mutator's clock. Every module reads these;
// only gc.ts changes the phase.
//
//   phase      OFF ──trigger──► MARK ──no grey, no root job──► OFF
//                  (sweep term.)        (mark termination)
//
// While MARK: the write barrier is on (for the strategies that have one,
// strategy.ts), new objects are allocated black, and every allocation is a
// safe point at which background mark work and assists run (scheduler.ts).

// @ts-ignore: decorator
@inline export const PHASE_OFF: i32 = 0;
// @ts-ignore: decorator
@inline export const PHASE_MARK: i32 = 1;

export let phase: i32 = PHASE_OFF;
/** Objects allocated now are born black (phase == MARK). */
export let allocBlack: bool = false;
/** The write barrier runs (MARK under a strategy with a barrier). */
export let barrierOn: bool = false;
/** Number of the cycle in progress, or of the last one when OFF. Stacks record it when scanned. */
export let markCycle: u32 = 0;

/**
 * The mutator's clock, in work units (one unit ≈ scanning one word ≈ 1 ns
 * on this project's machines): every embedder call that *acts* advances it
 * by what that operation costs a real mutator — an allocation ALLOC_UNITS
 * plus one per 4 bytes, a pointer store 2, a stack operation 1 — and yields
 * by what they declare. Read-only queries cost nothing, so looking at a run
 * never changes it. The scheduler gives the background marker its share of
 * this clock, never of wall time, so runs are deterministic.
 */
export let mutatorClock: u64 = 0;
// @ts-ignore: decorator
@inline export const ALLOC_UNITS: u64 = 16;
// @ts-ignore: decorator
@inline export const STORE_UNITS: u64 = 2;
// @ts-ignore: decorator
@inline export const STACK_OP_UNITS: u64 = 1;
// @ts-ignore: decorator
@inline export function tick(units: u64): void { mutatorClock += units; }

/** Enters or leaves the mark phase; `barrier` says whether this strategy's barrier runs. */
export function setMarking(on: bool, barrier: bool, cycle: u32): void {
  phase = on ? PHASE_MARK : PHASE_OFF;
  allocBlack = on;
  barrierOn = on && barrier;
  markCycle = cycle;
}
