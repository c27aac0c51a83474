// The pacer decides when the next cycle starts (golang/go mgcpacer.go).
//
// Goal. Go 1.18+: heap goal = live heap after the last mark × (1 + GOGC/100)
// + stack and global root bytes, never below the heap minimum, which is
// 4 MiB × GOGC/100 as in Go (so GOGC=1 collects a tiny heap often). A memory
// limit (GOMEMLIMIT) caps it: the goal may not exceed the limit less the
// roots and a 3% headroom for what the goal does not see — dead objects not
// yet swept and span rounding (Go keeps the same 3% headroom,
// memoryLimitHeapGoalHeadroomPercent) — so with GOGC=off and a limit the
// collector runs only as the heap nears the limit. --max-heap is different: it is the hard wall where
// allocation fails with out of memory.
//
// Trigger. A stop-the-world collector can start at the goal. A concurrent
// mark needs runway: the mutator keeps allocating while the marker works.
// With background marking at a share u of mutator time, background work
// alone finishes W words of scan work in W·(1−u)/u units of mutator time,
// during which the mutator allocates that many units × the bytes per unit
// it allocated during the last mark (Go's measured cons/mark ratio). The
// trigger is the goal minus that runway, clamped, as Go clamps it, to
// between 70% and 95% of the way from the marked heap to the goal; assists
// make up any shortfall.
//
// heapLive counts like Go's gcController.heapLive: it is reset to the marked
// bytes at mark termination and grows by a span's free bytes when an
// allocation cache takes that span, so the trigger is checked on refill, off
// the allocation fast path.

// @ts-ignore: decorator
@inline const HEAP_MINIMUM: u64 = 4 << 20;
// @ts-ignore: decorator
@inline export const GOGC_OFF: i32 = -1;
// @ts-ignore: decorator
@inline const NO_LIMIT: u64 = u64.MAX_VALUE;
// @ts-ignore: decorator
@inline const MIN_RUNWAY: u64 = 256 << 10;
// @ts-ignore: decorator
@inline const LIMIT_HEADROOM_PERCENT: u64 = 3;

export let gogc: i32 = 100;
export let memoryLimit: u64 = NO_LIMIT;
export let heapLive: u64 = 0;
export let heapGoal: u64 = HEAP_MINIMUM;
export let heapTrigger: u64 = HEAP_MINIMUM;
/** Background mark share of mutator time, in percent (Go: 25). */
export let bgPercent: u32 = 25;

export function setGogcValue(value: i32): void { gogc = value; }
export function setMemoryLimit(bytes: u64): void { memoryLimit = bytes == 0 ? NO_LIMIT : bytes; }
export function setBgPercent(p: u32): void { bgPercent = p; }

/**
 * Recomputes goal and trigger after a mark that found `marked` live bytes,
 * with `rootBytes` of stacks and globals, `scanWords` of expected scan work
 * and `bytesPerUnit` bytes allocated per unit of mutator time.
 */
export function updateGoal(marked: u64, rootBytes: u64, scanWords: u64, concurrent: bool, bytesPerUnit: f64): void {
  let goal = NO_LIMIT;
  if (gogc != GOGC_OFF) goal = max<u64>(marked + marked * <u64>gogc / 100, HEAP_MINIMUM * <u64>gogc / 100) + rootBytes;
  if (memoryLimit != NO_LIMIT) {
    let usable = memoryLimit - memoryLimit * LIMIT_HEADROOM_PERCENT / 100;
    goal = min<u64>(goal, usable > rootBytes ? usable - rootBytes : 0);
  }
  heapGoal = goal;
  if (goal == NO_LIMIT) {
    heapTrigger = NO_LIMIT;
    return;
  }
  // A goal at or below the live heap (a memory limit smaller than the live
  // set) would start a cycle on every refill. Like Go's GC CPU limiter, keep
  // the collector from taking all the time: the trigger stays MIN_RUNWAY above.
  if (!concurrent) {
    heapTrigger = max<u64>(goal, marked + MIN_RUNWAY);
    return;
  }
  let distance = goal > marked + MIN_RUNWAY ? goal - marked : MIN_RUNWAY;
  let runway = <u64>(<f64>scanWords * <f64>(100 - bgPercent) / <f64>max<u32>(bgPercent, 1) * bytesPerUnit);
  let lo = marked + distance * 70 / 100;
  let hi = marked + distance * 95 / 100;
  heapTrigger = max<u64>(lo, min<u64>(hi, goal > runway ? goal - runway : 0));
}

/** Counts `bytes` as allocated for the trigger. */
export function addHeapLive(bytes: u64): void {
  heapLive += bytes;
}

/** Resets heapLive to what the mark found live. */
export function setHeapLive(bytes: u64): void {
  heapLive = bytes;
}

/** True when the heap has reached the trigger: time to start a cycle. */
// @ts-ignore: decorator
@inline export function overTrigger(): bool {
  return heapLive >= heapTrigger;
}
