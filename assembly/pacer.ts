// The pacer decides when the next cycle starts.
//
// Go 1.18+ (mgcpacer.go): heap goal = live heap after the last mark ×
// (1 + GOGC/100) + stack and global root bytes, never below the 4 MiB heap
// minimum. heapLive counts like Go's gcController.heapLive: it is reset to the
// marked bytes at mark termination and grows by a span's free bytes when an
// allocation cache takes that span, so the check happens on refill, off the
// allocation fast path. With a stop-the-world collector the trigger is the
// goal itself; concurrent strategies start earlier (see the trigger ratio).

// @ts-ignore: decorator
@inline const HEAP_MINIMUM: u64 = 4 << 20;
// @ts-ignore: decorator
@inline export const GOGC_OFF: i32 = -1;

export let gogc: i32 = 100;
export let heapLive: u64 = 0;
export let heapGoal: u64 = HEAP_MINIMUM;
export let heapTrigger: u64 = HEAP_MINIMUM;

/** Sets GOGC (GOGC_OFF disables the trigger) and recomputes the goal from the last mark. */
export function setGogc(value: i32, lastMarked: u64, rootBytes: u64): void {
  gogc = value;
  updateGoal(lastMarked, rootBytes);
}

/** Recomputes goal and trigger after a mark that found `marked` live bytes. */
export function updateGoal(marked: u64, rootBytes: u64): void {
  if (gogc == GOGC_OFF) {
    heapGoal = u64.MAX_VALUE;
    heapTrigger = u64.MAX_VALUE;
    return;
  }
  let goal = marked + marked * <u64>gogc / 100;
  heapGoal = max<u64>(goal, HEAP_MINIMUM) + rootBytes;
  heapTrigger = heapGoal;
}

/** Counts `bytes` as allocated for the trigger. */
export function addHeapLive(bytes: u64): void {
  heapLive += bytes;
}

/** Resets heapLive to what the mark found live. */
export function setHeapLive(bytes: u64): void {
  heapLive = bytes;
}

/** True when the heap has reached the trigger: time to collect. */
// @ts-ignore: decorator
@inline export function overTrigger(): bool {
  return heapLive >= heapTrigger;
}
