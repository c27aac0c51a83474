// The pacer: when the next cycle starts and how much marking each byte of
// allocation owes. A port of Go's gcControllerState (golang/go
// src/runtime/mgcpacer.go, Go 1.21+: commit, heapGoalInternal,
// memoryLimitHeapGoal, trigger, startCycle, revise, endCycle, resetLive),
// with Go's constants. Scan work is counted in bytes here, as in Go: one
// word the marker scans is 4 bytes (the core's words are 32-bit).
//
// Goal (commit). heapGoal = heapMarked + (heapMarked + lastStackScan +
// globalsScan) × GOGC/100, at least heapMinimum = 4 MiB × GOGC/100, where
// lastStackScan is the stack bytes actually scanned by the last cycle (the
// used part of each stack, Go's hi − sp) and globalsScan the global root
// bytes. A memory limit (GOMEMLIMIT) lowers the goal (memoryLimitHeapGoal):
// the limit less the memory that is not heap objects (stacks, free slots in
// spans), less a headroom of max(3%, 1 MiB), never below heapMarked (free
// pages count as returned to the host, as Go's scavenger would return them). Outside
// the memory-limited regime the goal is pushed up to keep a minimum sweep
// distance and at least 64 KiB above the point the cycle triggered at.
//
// Trigger. A concurrent mark needs runway: the mutator keeps allocating
// while the marker works. runway = consMark × (1 − u)/u × expected scan
// work, where consMark is the measured ratio of allocation rate to scan rate
// (the maximum of the last four cycles' measurements, Go 1.21+) and u the
// background utilization (25%). The trigger is goal − runway, bounded below
// at 45/64 (≈0.7) of the way from heapMarked to the goal and by the sweep
// distance, and above at 61/64 (≈0.95), or at goal − 4 MiB for large heaps;
// it never exceeds the goal. stw needs no runway: its trigger is the goal.
//
// Assists (revise). During a mark, assistWorkPerByte = remaining expected
// scan work / remaining heap distance to the goal. When the work done
// exceeds the estimate, the goal is extrapolated toward the worst case (all
// scannable heap, all allocated stack) and capped at (1 + GOGC/100) × goal;
// past even that, the goal stretches by 1.1× and the expected work becomes
// the worst case.
//
// Time. Go measures utilization in CPU time; here time is the mutator clock
// (state.ts) plus the units of mark work done, so cons/mark is bytes
// allocated per unit of mutator time over words scanned per unit of GC time.

import { mappedPages, freePageCount } from "./pages";
import { heapAlloc } from "./sweep";
import { PAGE_SIZE } from "./layout";

// @ts-ignore: decorator
@inline const DEFAULT_HEAP_MINIMUM: u64 = 4 << 20;
// @ts-ignore: decorator
@inline const MIN_RUNWAY: u64 = 64 << 10;
// @ts-ignore: decorator
@inline const SWEEP_MIN_HEAP_DISTANCE: u64 = 1 << 20;
// @ts-ignore: decorator
@inline const TRIGGER_RATIO_DEN: u64 = 64;
// @ts-ignore: decorator
@inline const MIN_TRIGGER_RATIO_NUM: u64 = 45;
// @ts-ignore: decorator
@inline const MAX_TRIGGER_RATIO_NUM: u64 = 61;
// @ts-ignore: decorator
@inline const LIMIT_HEADROOM_PERCENT: u64 = 3;
// @ts-ignore: decorator
@inline const LIMIT_MIN_HEADROOM: u64 = 1 << 20;
// @ts-ignore: decorator
@inline const MAX_OVERSHOOT: f64 = 1.1;
// @ts-ignore: decorator
@inline export const NO_GOAL: u64 = u64.MAX_VALUE;
// @ts-ignore: decorator
@inline export const GOGC_OFF: i32 = -1;

export let gcPercent: i32 = 100;
export let memoryLimit: u64 = NO_GOAL;
/** Background mark share of total time, percent (Go's gcBackgroundUtilization = 25). */
export let bgPercent: u32 = 25;
let heapMinimum: u64 = DEFAULT_HEAP_MINIMUM;

export let heapMarked: u64 = 0;
/** Bytes considered live: marked by the last cycle plus allocated since (Go's heapLive; cache refills count whole spans). */
export let heapLive: u64 = 0;
/** Scannable heap at this cycle's start (Go's heapScan; every allocation counts as scannable here). */
export let heapScan: u64 = 0;
export let lastHeapScan: u64 = 0;
export let lastStackScan: u64 = 0;
export let globalsScan: u64 = 0;
/** The point this cycle triggered at (heapLive when it started); NO_GOAL between cycles. */
export let triggered: u64 = NO_GOAL;
export let lastHeapGoal: u64 = 0;
export let consMark: f64 = 0;
let lastConsMark0: f64 = 0;
let lastConsMark1: f64 = 0;
let lastConsMark2: f64 = 0;
let lastConsMark3: f64 = 0;
let runway: u64 = 0;
let gcPercentHeapGoal: u64 = DEFAULT_HEAP_MINIMUM;
let sweepDistMinTrigger: u64 = 0;

// Per-cycle, during a mark: scan work done (bytes), background credit, the assist ratio.
export let heapScanWork: u64 = 0;
export let stackScanWork: u64 = 0;
export let globalsScanWork: u64 = 0;
export let bgScanCredit: f64 = 0;
export let assistWorkPerByte: f64 = 0;
export let assistBytesPerWork: f64 = 0;

export function setGcPercent(v: i32): void {
  gcPercent = v < 0 ? GOGC_OFF : v;
  heapMinimum = gcPercent < 0 ? 0 : DEFAULT_HEAP_MINIMUM * <u64>gcPercent / 100;
}
export function setMemoryLimit(bytes: u64): void { memoryLimit = bytes == 0 ? NO_GOAL : bytes; }
export function setBgPercent(p: u32): void { bgPercent = p; }
export function setGlobalsScan(bytes: u64): void { globalsScan = bytes; }
// @ts-ignore: decorator
@inline function utilizationGoal(): f64 { return <f64>bgPercent / 100; }

/** Counts `bytes` as allocated (a span taken into a cache, or a large object). */
export function addHeapLive(bytes: u64): void {
  heapLive += bytes;
  heapScan += bytes;
}

/** Takes `bytes` back (a cache let go of a span's unused slots: Go's mcache.releaseAll). */
export function subHeapLive(bytes: u64): void {
  heapLive = heapLive > bytes ? heapLive - bytes : 0;
}

/** Go's commit: the GOGC goal, the sweep-distance bound and the runway, after a mark or a setting change. */
export function commit(sweepIsDone: bool): void {
  sweepDistMinTrigger = sweepIsDone ? 0 : heapLive + SWEEP_MIN_HEAP_DISTANCE;
  let goal = NO_GOAL;
  if (gcPercent >= 0) goal = heapMarked + (heapMarked + lastStackScan + globalsScan) * <u64>gcPercent / 100;
  if (goal < heapMinimum) goal = heapMinimum;
  gcPercentHeapGoal = goal;
  let u = utilizationGoal();
  runway = <u64>(consMark * (1 - u) / u * <f64>(lastHeapScan + lastStackScan + globalsScan));
}

/** The heap goal now (Go's heapGoalInternal); `minTrigger` is left in lastMinTrigger. */
let lastMinTrigger: u64 = 0;
export function heapGoal(): u64 {
  let goal = gcPercentHeapGoal;
  lastMinTrigger = 0;
  let limited = memoryLimitHeapGoal();
  if (limited < goal) return limited;
  // Not memory-limited: keep a minimum sweep distance and some runway past the trigger point.
  if (sweepDistMinTrigger > goal) goal = sweepDistMinTrigger;
  lastMinTrigger = sweepDistMinTrigger;
  if (triggered != NO_GOAL && goal < triggered + MIN_RUNWAY) goal = triggered + MIN_RUNWAY;
  return goal;
}

/**
 * Go 1.21's memoryLimitHeapGoal; NO_GOAL without a limit. Go compares the
 * limit with mappedReady, the memory it has not returned to the OS, and its
 * scavenger returns free pages to keep that under the limit. Wasm memory
 * cannot shrink, so free pages count as returned (an eager scavenger):
 * mappedReady = mapped − free pages, heapFree = 0.
 */
function memoryLimitHeapGoal(): u64 {
  if (memoryLimit == NO_GOAL) return NO_GOAL;
  let ready = (<u64>mappedPages - <u64>freePageCount) * PAGE_SIZE;
  let nonHeap = ready > heapAlloc ? ready - heapAlloc : 0; // stacks, free slots in spans
  let overage = ready > memoryLimit ? ready - memoryLimit : 0;
  if (nonHeap + overage >= memoryLimit) return heapMarked;
  let goal = memoryLimit - (nonHeap + overage);
  let headroom = max<u64>(goal / 100 * LIMIT_HEADROOM_PERCENT, LIMIT_MIN_HEADROOM);
  goal = goal < headroom || goal - headroom < headroom ? headroom : goal - headroom;
  return max<u64>(goal, heapMarked);
}

/** The heap size that starts the next cycle (Go's trigger); NO_GOAL when there is no goal. `concurrent` false: the goal itself. */
export function heapTrigger(concurrent: bool): u64 {
  let goal = heapGoal();
  if (goal == NO_GOAL) return NO_GOAL;
  if (!concurrent) return goal;
  let minTrigger = lastMinTrigger;
  if (heapMarked >= goal) return goal;
  if (minTrigger < heapMarked) minTrigger = heapMarked;
  let distance = goal - heapMarked;
  let lower = distance / TRIGGER_RATIO_DEN * MIN_TRIGGER_RATIO_NUM + heapMarked;
  if (minTrigger < lower) minTrigger = lower;
  let maxTrigger = distance / TRIGGER_RATIO_DEN * MAX_TRIGGER_RATIO_NUM + heapMarked;
  if (goal > DEFAULT_HEAP_MINIMUM && goal - DEFAULT_HEAP_MINIMUM > maxTrigger) maxTrigger = goal - DEFAULT_HEAP_MINIMUM;
  if (maxTrigger < minTrigger) maxTrigger = minTrigger;
  let trigger = runway > goal ? minTrigger : goal - runway;
  if (trigger < minTrigger) trigger = minTrigger;
  if (trigger > maxTrigger) trigger = maxTrigger;
  if (!ASC_NO_ASSERT) assert(trigger <= goal, "produced a trigger greater than the heap goal");
  return trigger;
}

/**
 * Go's startCycle: the cycle triggered at the current heapLive; pace the
 * assists. A stop-the-world cycle has no runway and no assists, so nothing
 * is measured from its trigger point (its goal is not pushed past it).
 */
export function startCycle(maxStackScan: u64, concurrent: bool): void {
  heapScanWork = 0;
  stackScanWork = 0;
  globalsScanWork = 0;
  bgScanCredit = 0;
  triggered = concurrent ? heapLive : NO_GOAL;
  revise(maxStackScan);
}

/** Go's revise: the assist ratio for the rest of the mark. */
export function revise(maxStackScan: u64): void {
  let percent = gcPercent < 0 ? 100000 : gcPercent; // a forced cycle under GOGC=off: as if GOGC were huge
  let live = heapLive;
  let work = <f64>(heapScanWork + stackScanWork + globalsScanWork);
  let goal = <f64>heapGoal();
  let expected = <f64>(lastHeapScan + lastStackScan + globalsScan);
  let maxWork = <f64>(heapScan + maxStackScan + globalsScan);
  if (work > expected) {
    // More work than the steady state predicts: the heap is growing. Extrapolate the runway to the worst case.
    let ext = (goal - <f64>triggered) / max<f64>(expected, 1) * maxWork + <f64>triggered;
    let hard = (1 + <f64>percent / 100) * goal;
    goal = min<f64>(ext, hard);
    expected = maxWork;
  }
  if (<f64>live > goal) {
    // Past even that: leave some extra runway and assume the worst.
    goal = goal * MAX_OVERSHOOT;
    expected = maxWork;
  }
  let remaining = max<f64>(expected - work, 1000);
  let distance = max<f64>(goal - <f64>live, 1);
  assistWorkPerByte = remaining / distance;
  assistBytesPerWork = distance / remaining;
}

/**
 * Go's endCycle at mark termination: measure this cycle's cons/mark from
 * the heap growth since the trigger and the time split between the mutator
 * (`mutatorUnits` of the mutator clock) and marking (`bgUnits` of background
 * work and `assistUnits` of assists, one unit per word), and keep the largest
 * of the last four measurements. As Go, it assumes the background worker
 * met its utilization goal. Returns the utilization.
 */
export function endCycle(mutatorUnits: f64, bgUnits: f64, assistUnits: f64): f64 {
  lastHeapGoal = heapGoal();
  let duration = mutatorUnits + bgUnits + assistUnits;
  let utilization = utilizationGoal();
  if (duration > 0) utilization += assistUnits / duration;
  if (triggered == NO_GOAL || heapLive <= triggered) return utilization;
  let scanWork = <f64>(heapScanWork + stackScanWork + globalsScanWork);
  if (scanWork <= 0 || utilization >= 1) return utilization;
  let current = (<f64>(heapLive - triggered) * utilization) / (scanWork * (1 - utilization));
  consMark = max<f64>(max<f64>(max<f64>(current, lastConsMark0), max<f64>(lastConsMark1, lastConsMark2)), lastConsMark3);
  lastConsMark0 = lastConsMark1;
  lastConsMark1 = lastConsMark2;
  lastConsMark2 = lastConsMark3;
  lastConsMark3 = current;
  return utilization;
}

/** Go's resetLive: the mark found `marked` bytes live; this cycle's scan work becomes the next estimate. */
export function resetLive(marked: u64): void {
  heapMarked = marked;
  heapLive = marked;
  heapScan = heapScanWork;
  lastHeapScan = heapScanWork;
  lastStackScan = stackScanWork;
  triggered = NO_GOAL;
}
