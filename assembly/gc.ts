// The GC cycle. Go's collector (golang/go mgc.go) runs four phases, and so
// does this one:
//
//   1. sweep termination  STW   finish last cycle's sweep, turn the barrier
//                               on, allocate black from now on; yuasa also scans
//                               every stack and the pins here (its snapshot)
//   2. mark               concurrent with the mutator (scheduler.ts): root
//                               jobs (the globals and pins, then one stack at
//                               a time, each a short per-goroutine pause) and
//                               draining grey objects, by background slices
//                               and mark assists
//   3. mark termination   STW   rescan the pins (every concurrent strategy)
//                               and, under dijkstra, the globals and the dirty
//                               stacks; drain what is left; optionally verify;
//                               barrier off; pace the next cycle (pacer.ts)
//   4. sweep              concurrent: lazy, proportional and by reclaim (sweep.ts)
//
// The stw strategy does 1–3 in a single pause. The others interleave with the
// mutator, which is single-threaded here: "concurrent" means the collector
// runs at safe points — every allocation, and explicit yields — chosen by a
// deterministic scheduler, so the same program gives the same interleaving,
// the same counters and the same verdicts everywhere.
//
// What holds after each phase (asserted on the debug core where cheap):
//   after sweep termination  no span is unswept (cached spans are swept ones);
//                            every live stack is grey (or, yuasa, black)
//   during the mark          the barrier invariant of barrier.ts; new objects
//                            are black; every cached span is swept
//   after mark termination   no grey object, no unscanned root; the mark bits
//                            are the live set; no cache holds a span; every
//                            object span is unswept (its mark bits hold the truth)
//   after collect()          the sweep is finished too (runtime.GC())
//
// Every pause records its wall time (host clock) and its deterministic work
// (words scanned, stacks scanned, objects scanned); tests compare work,
// benchmarks compare time. The per-cycle work splits into four parts that
// add up: the sweep-termination pause, background slices, assists and the
// mark-termination pause (C_*_WORDS).

import { nowNs, gcEvent } from "./host";
import { flushAllCaches } from "./alloc";
import { finishSweep, startSweep } from "./sweep";
import { resetMarkCounters, shadeSlot, drain, drainAll, queueEmpty, markedBytes, markedObjects, objectsScanned } from "./mark";
import {
  forEachGlobal, scanStack, scanPins, stackBytes, goroutineSlots, liveGoroutineAt, stackScanned, setStackScanned, stackDirty,
  goroutineId, greyAllStacks, resetAssistCredits, stackUsedBytes, liveGoroutines, PIN_WORDS
} from "./roots";
import { judgeLocals } from "./escapes";
import { advanceEpoch, listLength, objectSpanPages } from "./spans";
import * as pacer from "./pacer";
import { addTime, update as updateLimiter, limiting } from "./limiter";
import { verifyHeap, verifiedFloating } from "./verify";
import { barrierCalls, barrierShaded, resetBarrierCounters } from "./barrier";
import { phase, setMarking, markCycle, mutatorClock, PHASE_MARK } from "./state";
import { concurrent, hasBarrier, snapshotStacks, rescanDirtyStacks, alwaysVerify } from "./strategy";
import { beginMarkSchedule, resetAssistAccount } from "./scheduler";
import { globalsCount, cycleBase } from "./layout";
import { ageMark } from "./ages";
import * as abi from "../contract/abi";

export let cycles: u32 = 0;
export let forcedCycles: u32 = 0;
export let pauseTotalNs: f64 = 0;
export let pauseMaxNs: f64 = 0;
export let verifyEachCycle: bool = false;
export let lostAtMark: u64 = 0;
/** Cumulative words of GC work, and its three kinds (they add up). */
export let gcWork: u64 = 0;
export let gcWorkStw: u64 = 0;
export let gcWorkBackground: u64 = 0;
export let gcWorkAssist: u64 = 0;
/** The collector is running: re-entry guard (the collector itself never allocates). */
export let inGC: bool = false;

// Per-cycle state.
let globalsJobDone: bool = false;
let nextStackJob: u32 = 0;
let stacksScanned: u32 = 0;
let markStartNs: f64 = 0;
let markStartClock: u64 = 0;
let limiterClock: u64 = 0; // mutator clock already given to the CPU limiter
let limiterOnThisCycle: bool = false;

export function setVerifyEachCycle(on: bool): void { verifyEachCycle = on; }
export function setInGC(on: bool): void { inGC = on; }

/** Global root bytes the pacer counts (Go's globalsScan): the globals and the pins. */
function globalsBytes(): u64 { return (<u64>globalsCount + PIN_WORDS) << 2; }

// @ts-ignore: decorator
@inline function put(i: i32, v: f64): void { store<f64>(cycleBase + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function add(i: i32, v: f64): void { store<f64>(cycleBase + (<usize>i << 3), load<f64>(cycleBase + (<usize>i << 3)) + v); }
// @ts-ignore: decorator
@inline function get(i: i32): f64 { return load<f64>(cycleBase + (<usize>i << 3)); }
/** A byte count for the cycle block; NO_GOAL becomes -1. */
// @ts-ignore: decorator
@inline function bytesOrNone(v: u64): f64 { return v == pacer.NO_GOAL ? -1 : <f64>v; }

/** Counts a stop-the-world pause into the run's totals. */
function notePause(ns: f64, words: u64): void {
  pauseTotalNs += ns;
  if (ns > pauseMaxNs) pauseMaxNs = ns;
  noteGcWork(words);
  gcWorkStw += words;
}

/** Gives the CPU limiter the mutator time since it last heard, then `gcWords` of GC time. */
export function noteGcWork(gcWords: u64): void {
  addTime(<f64>(mutatorClock - limiterClock), <f64>gcWords);
  limiterClock = mutatorClock;
  gcWork += gcWords;
  if (limiting) limiterOnThisCycle = true;
}

// ── Phase 1: sweep termination ──────────────────────────────────────────────

/** Starts a cycle for the reason `kind` (abi TRIGGER_*). For stw the whole cycle runs here, in one pause. */
export function gcStart(kind: i32): void {
  if (inGC || phase == PHASE_MARK) return;
  inGC = true;
  // Like Go's gcStart, the goroutine that starts the cycle first finishes the
  // last cycle's sweep itself, before the world stops: sweep termination then
  // has nothing left to do, and a forced cycle's pause stays small.
  finishSweep();
  noteGcWork(0);
  updateLimiter(); // a GC transition (Go's startGCTransition)
  let t0 = nowNs();
  memory.fill(cycleBase, 0, abi.CYCLE_SLOTS * 8);
  put(abi.C_CYCLE, <f64>(cycles + 1));
  put(abi.C_FORCED, kind == abi.TRIGGER_USER ? 1 : 0);
  put(abi.C_TRIGGER_KIND, <f64>kind);
  put(abi.C_START_NS, t0);
  put(abi.C_TRIGGER, bytesOrNone(pacer.heapTrigger(concurrent)));
  // The allocation caches keep their spans, as Go's mcaches do: every cached
  // span is swept, and objects taken from it during the mark are born black.
  put(abi.C_SPANS_SWEPT_STW, <f64>finishSweep());
  resetMarkCounters();
  resetBarrierCounters();
  resetAssistCredits();
  resetAssistAccount();
  globalsJobDone = false;
  nextStackJob = 0;
  stacksScanned = 0;
  limiterOnThisCycle = limiting;
  put(abi.C_HEAP_START, <f64>pacer.heapLive);
  pacer.setGlobalsScan(globalsBytes());
  pacer.startCycle(stackBytes, concurrent);
  put(abi.C_TRIGGERED, <f64>pacer.heapLive);
  put(abi.C_ASSIST_RATIO, pacer.assistWorkPerByte);
  put(abi.C_HEAP_SCAN, <f64>pacer.heapScan);
  put(abi.C_GOAL_AT_START, bytesOrNone(pacer.heapGoal()));
  put(abi.C_BG_UTILIZATION, <f64>pacer.bgPercent / 100);
  put(abi.C_CONS_MARK_BEFORE, pacer.consMark);
  put(abi.C_EXPECTED_SCAN_WORK, <f64>(pacer.lastHeapScan + pacer.lastStackScan + pacer.globalsScan));

  if (!concurrent) {
    // One pause for the whole cycle; its phases are still timed apart for gctrace.
    setMarking(false, false, cycles + 1);
    let tMark = nowNs();
    put(abi.C_SWEEP_TERM_NS, tMark - t0);
    markStartNs = tMark;
    markStartClock = mutatorClock;
    let work = scanGlobalsJob();
    for (let i: u32 = 0; i < goroutineSlots(); i++) {
      let d = liveGoroutineAt(i);
      if (d != 0) work += scanOneStack(d);
    }
    let objects0 = objectsScanned;
    work += drainHeap(u64.MAX_VALUE);
    markTermination(t0, work, <f64>(objectsScanned - objects0));
    inGC = false;
    return;
  }

  setMarking(true, hasBarrier, cycles + 1);
  greyAllStacks();
  markStartClock = mutatorClock;
  beginMarkSchedule();
  let work: u64 = 0;
  let stacks: u32 = 0;
  if (snapshotStacks) {
    // The snapshot: every stack and the pins, world stopped. Nothing is rescanned later.
    for (let i: u32 = 0; i < goroutineSlots(); i++) {
      let d = liveGoroutineAt(i);
      if (d == 0) continue;
      work += scanOneStack(d);
      stacks++;
    }
    nextStackJob = goroutineSlots();
    work += scanPinsWork();
  }
  let t1 = nowNs();
  put(abi.C_SWEEP_TERM_NS, t1 - t0);
  put(abi.C_SWEEP_TERM_WORDS, <f64>work);
  notePause(t1 - t0, work);
  gcEvent(abi.EV_PAUSE_SWEEP_TERM, <i32>(cycles + 1), t0, t1, <f64>work, <f64>stacks, 0);
  markStartNs = t1;
  inGC = false;
}

// ── Phase 2: mark work (scheduled by scheduler.ts) ─────────────────────────

/** Scans goroutine `d`'s stack; counts it for the pacer (Go's stackScanWork: the used stack). */
function scanOneStack(d: usize): u64 {
  let words = scanStack(d, shadeSlot);
  setStackScanned(d);
  stacksScanned++;
  pacer.stackScanWork += stackUsedBytes(d);
  return <u64>words;
}

/** The globals root job: globals and pins. */
function scanGlobalsJob(): u64 {
  globalsJobDone = true;
  let words = <u64>forEachGlobal(shadeSlot);
  pacer.globalsScanWork += words << 2;
  return words;
}

/** The pins alone (yuasa's snapshot, every mark termination). */
function scanPinsWork(): u64 {
  let words = <u64>scanPins(shadeSlot);
  pacer.globalsScanWork += words << 2;
  return words;
}

/** Drains grey objects for up to `budget` words; counts heap scan work for the pacer. */
function drainHeap(budget: u64): u64 {
  let words = drain(budget);
  pacer.heapScanWork += words << 2;
  return words;
}

/** True when every root job is done. */
function rootJobsDone(): bool {
  return globalsJobDone && nextStackJob >= goroutineSlots();
}

/** True when the mark has nothing left to do: mark termination may run. */
export function markWorkDone(): bool {
  return rootJobsDone() && queueEmpty();
}

/** Runs one root job: the globals, or the next unscanned stack (a per-goroutine pause). Returns words. */
function rootJob(): u64 {
  if (!globalsJobDone) return scanGlobalsJob();
  while (nextStackJob < goroutineSlots()) {
    let d = liveGoroutineAt(nextStackJob++);
    if (d == 0 || stackScanned(d)) continue;
    let t0 = nowNs();
    let words = scanOneStack(d);
    let t1 = nowNs();
    gcEvent(abi.EV_PAUSE_STACK, <i32>markCycle, t0, t1, <f64>words, <f64>goroutineId(d), 0);
    return words;
  }
  return 0;
}

/** Does up to `budget` words of mark work: root jobs first, then grey objects. Returns words done. */
function markWork(budget: u64): u64 {
  let done: u64 = 0;
  while (done < budget) {
    if (!rootJobsDone()) {
      done += rootJob();
      continue;
    }
    let n = drainHeap(budget - done);
    if (n == 0) break;
    done += n;
  }
  return done;
}

/** Runs up to `budget` words of mark work as one timed slice of `kind` (EV_MARK_SLICE or EV_ASSIST); returns words done. */
export function slice(kind: i32, budget: f64): u64 {
  let t0 = nowNs();
  let objects0 = objectsScanned;
  let done = markWork(<u64>budget);
  let t1 = nowNs();
  if (kind == abi.EV_ASSIST) {
    add(abi.C_ASSIST_WORDS, <f64>done);
    add(abi.C_ASSIST_NS, t1 - t0);
    gcWorkAssist += done;
  } else {
    add(abi.C_BG_WORDS, <f64>done);
    add(abi.C_BG_NS, t1 - t0);
    gcWorkBackground += done;
  }
  noteGcWork(done);
  gcEvent(kind, <i32>markCycle, t0, t1, <f64>done, 0, <f64>(objectsScanned - objects0));
  return done;
}

/** Finishes the current mark without waiting for safe points (runtime.GC(), out of memory). */
function finishMark(): void {
  if (phase != PHASE_MARK) return;
  inGC = true;
  slice(abi.EV_MARK_SLICE, 1e18);
  markTermination(nowNs(), 0, 0);
  inGC = false;
}

// ── Phase 3: mark termination ──────────────────────────────────────────────

/**
 * Completes the mark with the world stopped. `t0` is when this pause (or, for
 * stw, the whole cycle's pause) began; `work0`/`objects0` is work already
 * done inside it.
 */
export function markTermination(t0: f64, work0: u64, objects0: f64): void {
  let work = work0;
  let objects = objects0;
  let obj0 = objectsScanned;
  // For stw, t0 is the start of the whole pause and the mark ends now.
  let termStart = concurrent ? t0 : nowNs();
  put(abi.C_MARK_NS, termStart - markStartNs);

  if (concurrent) {
    // The pins may hold values an allocation took in after the globals job: rescan them.
    let rescan = scanPinsWork();
    if (rescanDirtyStacks) {
      // Stacks written after their scan may hide white pointers: rescan them (and the globals).
      rescan += <u64>forEachGlobal(shadeSlot) - PIN_WORDS;
      for (let i: u32 = 0; i < goroutineSlots(); i++) {
        let d = liveGoroutineAt(i);
        if (d != 0 && stackDirty(d)) {
          rescan += <u64>scanStack(d, shadeSlot);
          pacer.stackScanWork += stackUsedBytes(d);
        }
      }
    }
    put(abi.C_RESCAN_WORDS, <f64>rescan);
    work += rescan + drainHeap(u64.MAX_VALUE);
    objects += <f64>(objectsScanned - obj0);
  }

  // Verification is not part of the pause: its time is taken out.
  let verifyNs: f64 = 0;
  put(abi.C_FLOATING, -1);
  if (verifyEachCycle || alwaysVerify) {
    let v0 = nowNs();
    let lost = verifyHeap(abi.VERIFY_AGAINST_MARK, true);
    lostAtMark += lost;
    put(abi.C_LOST, <f64>lost);
    put(abi.C_FLOATING, <f64>verifiedFloating());
    verifyNs = nowNs() - v0;
  }

  cycles++;
  if (get(abi.C_FORCED) != 0) forcedCycles++;
  // Escape verdicts read the mark bits: after the verifier's rescue, before anything is swept (escapes.ts).
  judgeLocals(cycles);
  put(abi.C_GOROUTINES, <f64>liveGoroutines);
  let mutatorUnits = <f64>(mutatorClock - markStartClock);
  put(abi.C_HEAP_END, <f64>pacer.heapLive);
  put(abi.C_HEAP_MARKED, <f64>markedBytes);
  put(abi.C_MARKED_OBJECTS, <f64>markedObjects);
  put(abi.C_STACK_BYTES, <f64>stackBytes);
  put(abi.C_GLOBALS_BYTES, <f64>globalsBytes());
  put(abi.C_BARRIER_CALLS, <f64>barrierCalls);
  put(abi.C_BARRIER_SHADED, <f64>barrierShaded);
  put(abi.C_STACKS_SCANNED, <f64>stacksScanned);
  put(abi.C_MUTATOR_UNITS, mutatorUnits);
  put(abi.C_HEAP_SCAN_WORK, <f64>pacer.heapScanWork);
  put(abi.C_STACK_SCAN_WORK, <f64>pacer.stackScanWork);
  put(abi.C_GLOBALS_SCAN_WORK, <f64>pacer.globalsScanWork);
  put(abi.C_UTILIZATION, pacer.endCycle(mutatorUnits, get(abi.C_BG_WORDS), get(abi.C_ASSIST_WORDS)));
  put(abi.C_HEAP_GOAL, bytesOrNone(pacer.lastHeapGoal));
  put(abi.C_CONS_MARK, pacer.consMark);
  setMarking(false, false, markCycle);
  // Caches hold spans that are about to become unswept: let go of them, so
  // every allocation after this point goes through a swept span. heapLive is
  // recomputed below, so nothing is given back (Go: stale spans).
  flushAllCaches(false);
  pacer.resetLive(markedBytes);
  pacer.setGlobalsScan(globalsBytes());
  pacer.commit(false);
  let trigger = pacer.heapTrigger(concurrent);
  put(abi.C_NEXT_GOAL, bytesOrNone(pacer.heapGoal()));
  ageMark(); // allocation epochs: the mark bits are the live set, nothing is swept yet (ages.ts)
  advanceEpoch();
  startSweep(objectSpans(), objectSpanPages, pacer.heapLive, trigger == pacer.NO_GOAL ? pacer.heapLive : trigger);

  let t1 = nowNs();
  let pause = t1 - t0 - verifyNs;
  put(abi.C_MARK_TERM_NS, t1 - termStart - verifyNs);
  put(abi.C_MARK_TERM_WORDS, <f64>work);
  put(abi.C_END_NS, t1);
  notePause(pause, work);
  updateLimiter(); // a GC transition (Go's finishGCTransition)
  put(abi.C_LIMITER, limiterOnThisCycle ? 1 : 0);
  let kind = concurrent ? abi.EV_PAUSE_MARK_TERM : abi.EV_PAUSE_FULL;
  let stacks = concurrent ? 0 : stacksScanned;
  gcEvent(kind, <i32>cycles, t0, t0 + pause, <f64>work, <f64>stacks, objects);
  gcEvent(abi.EV_CYCLE, <i32>cycles, get(abi.C_START_NS), t1, 0, 0, 0);
}

/** Spans holding objects (not stacks): the ones a sweep must visit. */
function objectSpans(): u32 {
  let n: u32 = 0;
  for (let c: u32 = 0; c < <u32>abi.NUM_CLASSES; c++) n += listLength(c);
  return n;
}

// ── Entry points ────────────────────────────────────────────────────────────

/** Starts a cycle for reason `kind` unless one is marking (for stw, runs it whole). */
export function gcTrigger(kind: i32): void {
  if (phase != PHASE_MARK) gcStart(kind);
}

/**
 * A complete collection now, for reason `kind` (runtime.GC() for
 * TRIGGER_USER): finish any mark in progress, run a full cycle to its end,
 * and finish its sweep before returning (mgc.go GC: "finish sweep N+1").
 */
export function gcCollect(kind: i32): void {
  if (inGC) return;
  finishMark();
  gcStart(kind);
  finishMark();
  finishSweep();
}
