// The GC CPU limiter: Go's leaky bucket (golang/go src/runtime/mgclimit.go,
// gcCPULimiterState.accumulate). The bucket fills with GC time and drains
// with mutator time, so once GC has taken more than half of the time for
// long enough to fill it, the limiter turns on, and while it is on mark
// assists are skipped (mgcmark.go gcAssistAlloc: "If the CPU limiter is
// enabled, intentionally don't assist"). That keeps a memory limit below
// the live heap from becoming a death spiral: the heap overshoots the soft
// limit instead of the collector taking all the time.
//
// Time here is the mutator clock (state.ts) and the units of GC work (one
// per word marked, in pauses, background slices and assists). Go's bucket
// holds one CPU-second per P, sized for long-running servers; runs here last
// 10^7–10^10 units (≈ ns), so the bucket holds 2^24 units (≈ 17 ms): the
// limiter acts within a short run, and the 50% bound is Go's.

// @ts-ignore: decorator
@inline const CAPACITY: f64 = <f64>(1 << 24);

let fill: f64 = 0;
/** Assists are skipped while this is set (Go's gcCPULimiter.limiting()). */
export let limiting: bool = false;
/** Times the limiter turned on (cumulative). */
export let limiterEnabledCount: u64 = 0;

/** Adds `mutator` units of mutator time and `gc` units of GC time (Go's accumulate). */
export function accumulate(mutator: f64, gc: f64): void {
  let headroom = CAPACITY - fill;
  let enabled = headroom == 0;
  let change = gc - mutator;
  if (change > 0 && headroom <= change) {
    fill = CAPACITY;
    if (!enabled) {
      limiting = true;
      limiterEnabledCount++;
    }
    return;
  }
  fill = change < 0 && fill <= -change ? 0 : fill + change;
  if (change != 0 && enabled) limiting = false;
}
