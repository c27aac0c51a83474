// The GC CPU limiter: Go's leaky bucket (golang/go src/runtime/mgclimit.go,
// gcCPULimiterState.update / accumulate). The bucket fills with GC time and
// drains with mutator time, so once GC has taken more than half of the time
// for long enough to fill it, the limiter turns on, and while it is on mark
// assists are skipped (mgcmark.go gcAssistAlloc: "If the CPU limiter is
// enabled, intentionally don't assist"). That keeps a memory limit below
// the live heap from becoming a death spiral: the heap overshoots the soft
// limit instead of the collector taking all the time.
//
// Time here is the mutator clock (state.ts) and the units of GC work (one
// per word marked, in pauses, background slices and assists; ≈ 1 ns each).
// As in Go, time is pooled and the bucket is updated once per update period
// (Go: 10 ms, a hundredth of the bucket). Two deliberate differences, in the
// README: Go's bucket holds one CPU-second per P, sized for long-running
// servers; runs here last 10^7–10^10 units, so it holds 2^20 units (≈ 1 ms)
// and the limiter acts within a short run. And Go drops what overflows a
// full bucket and turns the limiter off as soon as the bucket is not full;
// here GC comes in bursts Go spreads out (an assist pays its whole debt,
// nothing parks it; a stw cycle is one pause), so the overflow is kept and
// the limiter stays on until the bucket has drained one update period below
// full. Over any run, GC then takes at most half the time plus one bucket —
// the 50% bound Go's design aims at.

// @ts-ignore: decorator
@inline const CAPACITY: f64 = <f64>(1 << 20);
// @ts-ignore: decorator
@inline const UPDATE_PERIOD: f64 = CAPACITY / 100;

let fill: f64 = 0;
let poolMutator: f64 = 0;
let poolGc: f64 = 0;
/** Assists are skipped while this is set (Go's gcCPULimiter.limiting()). */
export let limiting: bool = false;
/** Times the limiter turned on (cumulative). */
export let limiterEnabledCount: u64 = 0;

/** Adds `mutator` units of mutator time and `gc` units of GC time; updates the bucket once per period. */
export function addTime(mutator: f64, gc: f64): void {
  poolMutator += mutator;
  poolGc += gc;
  if (poolMutator + poolGc >= UPDATE_PERIOD) update();
}

/** Empties the pools into the bucket (Go's updateLocked; also at every GC transition). */
export function update(): void {
  accumulate(poolMutator, poolGc);
  poolMutator = 0;
  poolGc = 0;
}

/** The leaky bucket (Go's accumulate), keeping its overflow, with the hysteresis of the header comment. */
function accumulate(mutator: f64, gc: f64): void {
  fill = max<f64>(fill + gc - mutator, 0);
  if (!limiting && fill >= CAPACITY) {
    limiting = true;
    limiterEnabledCount++;
  } else if (limiting && fill <= CAPACITY - UPDATE_PERIOD) {
    limiting = false;
  }
}
