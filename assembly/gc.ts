// The GC cycle and its scheduler. Go's collector (golang/go mgc.go) runs
// four phases, and so does this one:
//
//   1. sweep termination  STW   finish last cycle's sweep, flush allocation
//                               caches, turn the barrier on; yuasa also scans
//                               every stack here (its snapshot)
//   2. mark               concurrent with the mutator: root jobs (globals,
//                               then one stack at a time, each a short
//                               per-goroutine pause) and draining grey objects
//   3. mark termination   STW   dijkstra rescans dirty stacks; drain what is
//                               left; optionally verify; barrier off; set the
//                               next goal
//   4. sweep              concurrent: lazy and proportional (sweep.ts)
//
// The stw strategy does 1–3 in a single pause. The others interleave with the
// mutator, which is single-threaded here: "concurrent" means the collector
// runs at safe points — every allocation, and explicit yields — chosen by a
// deterministic scheduler, so the same program gives the same interleaving,
// the same counters and the same verdicts everywhere.
//
// The scheduler's cost model: the mutator's time is the mutator clock
// (state.ts: every embedder call costs what the operation would cost a real
// mutator, in units of one word scanned); the marker's work is one unit per
// word scanned. At each safe point background marking earns u/(1−u) units of
// work per unit of mutator time since the last one (u = 25% by default, Go's
// dedicated-worker share). Allocation during a mark also owes assist work, as
// in Go: assistRatio = remaining expected scan work / remaining heap distance
// to the goal, so a mutator that outruns the background marker pays for its
// allocation in marking. If the work outgrows the estimate, the estimate
// becomes the whole heap at the start of the cycle and the goal stretches to
// Go's hard goal (1.1×). Background work runs one slice of `quantum` words
// per safe point at most (unspent credit is banked, up to 32 slices); assists
// pay their debt whole, in slices of at least `quantum` words, so each slice
// is timed and reported without timing every allocation.
//
// Every pause records its wall time (host clock) and its deterministic work
// (words scanned, stacks scanned, objects scanned); tests compare work,
// benchmarks compare time.

import { nowNs, gcEvent } from "./host";
import { flushAllCaches } from "./alloc";
import { finishSweep, startSweep } from "./sweep";
import { resetMarkCounters, shadeSlot, drain, drainAll, queueEmpty, markedBytes, markedObjects, wordsScanned, objectsScanned } from "./mark";
import {
  forEachRoot, forEachGlobal, scanStack, stackBytes, goroutineSlots, liveGoroutineAt, stackScanned, setStackScanned, stackDirty, goroutineId
} from "./roots";
import { advanceEpoch, listLength, objectSpanPages } from "./spans";
import { setHeapLive, updateGoal, heapLive, heapGoal, heapTrigger, bgPercent } from "./pacer";
import { verifyHeap, verifiedFloating } from "./verify";
import { barrierCalls, barrierShaded, resetBarrierCounters } from "./barrier";
import { phase, strategy, setMarking, markCycle, mutatorClock, PHASE_MARK } from "./state";
import { globalsCount, cycleBase } from "./layout";
import * as abi from "../src/abi";

/** Words of mark work per slice: background credit and assist debt are paid in quanta. */
let quantum: f64 = 4096;
// @ts-ignore: decorator
@inline const MAX_BANKED_QUANTA: f64 = 32;
export function setQuantum(words: u32): void { quantum = <f64>max<u32>(words, 1); }

export let cycles: u32 = 0;
export let forcedCycles: u32 = 0;
export let pauseTotalNs: f64 = 0;
export let pauseMaxNs: f64 = 0;
export let verifyEachCycle: bool = false;
export let lostAtMark: u64 = 0;
let inGC: bool = false; // re-entry guard: the collector itself never allocates

// Per-cycle state.
let forcedCycle: bool = false;
let globalsJobDone: bool = false;
let nextStackJob: u32 = 0;
let bgCredit: f64 = 0;
let assistDebt: f64 = 0;
let expectedScanWords: u64 = 0; // what the last cycle scanned: the next one's estimate
let cycleScanWords: u64 = 0; // scan work done so far this cycle
let stacksScanned: u32 = 0;
let markStartNs: f64 = 0;
let lastSafeClock: u64 = 0; // mutator clock at the last safe point
let markStartClock: u64 = 0;
let markStartHeap: u64 = 0;
/** Bytes allocated per unit of mutator time during the last mark: the pacer's runway estimate (Go's cons/mark). */
let bytesPerUnit: f64 = 1;

export function setVerifyEachCycle(on: bool): void { verifyEachCycle = on; }

/** Bytes of roots the pacer adds to the goal: stacks and globals (Go 1.18+). */
export function rootBytes(): u64 {
  return stackBytes + <u64>globalsCount * 4;
}

function put(i: i32, v: f64): void { store<f64>(cycleBase + (<usize>i << 3), v); }
function add(i: i32, v: f64): void { store<f64>(cycleBase + (<usize>i << 3), load<f64>(cycleBase + (<usize>i << 3)) + v); }
function get(i: i32): f64 { return load<f64>(cycleBase + (<usize>i << 3)); }

/** Counts a stop-the-world pause into the run's totals. */
function notePause(ns: f64): void {
  pauseTotalNs += ns;
  if (ns > pauseMaxNs) pauseMaxNs = ns;
}

// ── Phase 1: sweep termination ──────────────────────────────────────────────

/** Starts a cycle. For stw the whole cycle runs here, in one pause. */
export function gcStart(forced: bool): void {
  if (inGC || phase == PHASE_MARK) return;
  inGC = true;
  // Like Go's gcStart, the goroutine that starts the cycle first finishes the
  // last cycle's sweep itself, before the world stops: sweep termination then
  // has nothing left to do, and a forced cycle's pause stays small.
  finishSweep();
  let t0 = nowNs();
  memory.fill(cycleBase, 0, abi.CYCLE_SLOTS * 8);
  put(abi.C_CYCLE, <f64>(cycles + 1));
  put(abi.C_FORCED, forced ? 1 : 0);
  put(abi.C_START_NS, t0);
  put(abi.C_HEAP_START, <f64>heapLive);
  put(abi.C_HEAP_GOAL, <f64>heapGoal);
  put(abi.C_TRIGGER, <f64>heapTrigger);
  forcedCycle = forced;
  let words0 = wordsScanned;
  let objects0 = objectsScanned;

  flushAllCaches();
  put(abi.C_SPANS_SWEPT_STW, <f64>finishSweep());
  resetMarkCounters();
  resetBarrierCounters();
  globalsJobDone = false;
  nextStackJob = 0;
  bgCredit = 0;
  assistDebt = 0;
  cycleScanWords = 0;
  stacksScanned = 0;

  if (strategy == abi.STRATEGY_STW) {
    // One pause for the whole cycle; its phases are still timed apart for gctrace.
    setMarking(false, false, cycles + 1);
    let tMark = nowNs();
    put(abi.C_SWEEP_TERM_NS, tMark - t0);
    let rootWords = forEachRoot(shadeSlot);
    drainAll();
    cycleScanWords = wordsScanned - words0 + rootWords;
    stacksScanned = liveStacks();
    markStartNs = tMark;
    markTermination(t0, cycleScanWords, <f64>(objectsScanned - objects0));
    inGC = false;
    return;
  }

  setMarking(true, strategy != abi.STRATEGY_NONE, cycles + 1);
  lastSafeClock = mutatorClock;
  markStartClock = mutatorClock;
  markStartHeap = heapLive;
  let work: u64 = 0;
  let stacks: u32 = 0;
  if (strategy == abi.STRATEGY_YUASA) {
    // The snapshot: every stack, world stopped. Nothing is rescanned later.
    for (let i: u32 = 0; i < goroutineSlots(); i++) {
      let d = liveGoroutineAt(i);
      if (d == 0) continue;
      work += scanStack(d, shadeSlot);
      setStackScanned(d);
      stacks++;
    }
    nextStackJob = goroutineSlots();
    stacksScanned = stacks;
    cycleScanWords += work;
  }
  let t1 = nowNs();
  put(abi.C_SWEEP_TERM_NS, t1 - t0);
  put(abi.C_SWEEP_TERM_WORDS, <f64>work);
  notePause(t1 - t0);
  gcEvent(abi.EV_PAUSE_SWEEP_TERM, <i32>(cycles + 1), t0, t1, <f64>work, <f64>stacks, 0);
  markStartNs = t1;
  inGC = false;
}

// ── Phase 2: concurrent mark ───────────────────────────────────────────────

/** Number of live goroutines (for the stw strategy's stack count). */
function liveStacks(): u32 {
  let n: u32 = 0;
  for (let i: u32 = 0; i < goroutineSlots(); i++) if (liveGoroutineAt(i) != 0) n++;
  return n;
}

/** True when every root job is done. */
function rootJobsDone(): bool {
  return globalsJobDone && nextStackJob >= goroutineSlots();
}

/** Runs one root job: the globals, or the next unscanned stack (a per-goroutine pause). Returns words. */
function rootJob(): u64 {
  if (!globalsJobDone) {
    globalsJobDone = true;
    return <u64>forEachGlobal(shadeSlot);
  }
  while (nextStackJob < goroutineSlots()) {
    let d = liveGoroutineAt(nextStackJob++);
    if (d == 0 || stackScanned(d)) continue;
    let t0 = nowNs();
    let words = scanStack(d, shadeSlot);
    setStackScanned(d);
    stacksScanned++;
    let t1 = nowNs();
    gcEvent(abi.EV_PAUSE_STACK, <i32>markCycle, t0, t1, <f64>words, <f64>goroutineId(d), 0);
    return <u64>words;
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
    let n = drain(budget - done);
    if (n == 0) break;
    done += n;
  }
  cycleScanWords += done;
  return done;
}

/** Runs `budget` words of mark work as one timed slice of `kind`; returns words done. */
function slice(kind: i32, budget: f64): f64 {
  let t0 = nowNs();
  let objects0 = objectsScanned;
  let done = <f64>markWork(<u64>budget);
  let t1 = nowNs();
  if (kind == abi.EV_ASSIST) {
    add(abi.C_ASSIST_WORDS, done);
    add(abi.C_ASSIST_NS, t1 - t0);
  } else {
    add(abi.C_BG_WORDS, done);
    add(abi.C_BG_NS, t1 - t0);
  }
  gcEvent(kind, <i32>markCycle, t0, t1, done, 0, <f64>(objectsScanned - objects0));
  return done;
}

/** Assist work owed per byte allocated: remaining expected work over remaining runway (Go's assistWorkPerByte). */
function assistRatio(): f64 {
  let expected = expectedScanWords;
  let goal = heapGoal;
  if (cycleScanWords >= expected) {
    // More work than last cycle: assume the worst, the whole heap, against the hard goal.
    expected = max<u64>(expected, markStartHeap >> 2) + (cycleScanWords >> 3) + 1;
    goal = heapGoal + heapGoal / 10;
  }
  if (heapLive >= goal) return f64.MAX_VALUE; // past the hard goal: finish the mark now
  let remaining = expected > cycleScanWords ? <f64>(expected - cycleScanWords) : 1;
  return remaining / <f64>(goal - heapLive);
}

/**
 * A safe point: the mutator has run since the last one (the mutator clock
 * says how long) and just allocated `bytes`. Outside a mark this costs one
 * branch in the caller.
 */
export function safePoint(bytes: u64): void {
  if (phase != PHASE_MARK || inGC) return;
  inGC = true;
  let units = mutatorClock - lastSafeClock;
  lastSafeClock = mutatorClock;
  bgCredit += <f64>units * <f64>bgPercent / <f64>(100 - min<u32>(bgPercent, 99));
  if (bytes > 0) assistDebt += <f64>bytes * assistRatio();
  if (bgCredit >= quantum) {
    // One quantum per safe point, like a worker preempted after a time slice:
    // the rest of the credit waits for the next safe points (up to a bound),
    // so no single slice stops the mutator for long.
    let done = slice(abi.EV_MARK_SLICE, quantum);
    bgCredit = done < quantum ? 0 : min<f64>(bgCredit - done, quantum * MAX_BANKED_QUANTA);
  }
  if (assistDebt >= quantum) {
    let done = slice(abi.EV_ASSIST, min<f64>(assistDebt, 1e15));
    assistDebt = done < assistDebt ? 0 : assistDebt - done;
  }
  if (rootJobsDone() && queueEmpty()) markTermination(nowNs(), 0, 0);
  inGC = false;
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
function markTermination(t0: f64, work0: u64, objects0: f64): void {
  let work = work0;
  let objects = objects0;
  let obj0 = objectsScanned;
  // For stw, t0 is the start of the whole pause and the mark ends now.
  let termStart = strategy == abi.STRATEGY_STW ? nowNs() : t0;
  put(abi.C_MARK_NS, termStart - markStartNs);

  if (strategy == abi.STRATEGY_DIJKSTRA) {
    // Stacks that ran after their scan may hide white pointers: rescan them, and the pins.
    let rescan = <u64>forEachGlobal(shadeSlot);
    for (let i: u32 = 0; i < goroutineSlots(); i++) {
      let d = liveGoroutineAt(i);
      if (d != 0 && stackDirty(d)) rescan += scanStack(d, shadeSlot);
    }
    put(abi.C_RESCAN_WORDS, <f64>rescan);
    work += rescan;
  }
  if (strategy != abi.STRATEGY_STW) {
    let drained = drainAll();
    work += drained;
    cycleScanWords += drained;
    objects += <f64>(objectsScanned - obj0);
  }

  // Verification is not part of the pause: its time is taken out.
  let verifyNs: f64 = 0;
  put(abi.C_FLOATING, -1);
  if (verifyEachCycle || strategy == abi.STRATEGY_NONE) {
    let v0 = nowNs();
    let lost = verifyHeap(abi.VERIFY_AGAINST_MARK, true);
    lostAtMark += lost;
    put(abi.C_LOST, <f64>lost);
    put(abi.C_FLOATING, <f64>verifiedFloating());
    verifyNs = nowNs() - v0;
  }

  cycles++;
  if (forcedCycle) forcedCycles++;
  put(abi.C_HEAP_END, <f64>heapLive);
  put(abi.C_HEAP_MARKED, <f64>markedBytes);
  put(abi.C_MARKED_OBJECTS, <f64>markedObjects);
  put(abi.C_STACK_BYTES, <f64>stackBytes);
  put(abi.C_GLOBALS_BYTES, <f64>(<u64>globalsCount * 4));
  put(abi.C_BARRIER_CALLS, <f64>barrierCalls);
  put(abi.C_BARRIER_SHADED, <f64>barrierShaded);
  put(abi.C_STACKS_SCANNED, <f64>stacksScanned);
  if (strategy != abi.STRATEGY_STW && mutatorClock > markStartClock) {
    let grown: u64 = heapLive > markStartHeap ? heapLive - markStartHeap : 0;
    bytesPerUnit = <f64>grown / <f64>(mutatorClock - markStartClock);
  }
  setMarking(false, false, markCycle);
  // Caches hold spans that are about to become unswept: let go of them, so
  // every allocation after this point goes through a swept span.
  flushAllCaches();
  expectedScanWords = cycleScanWords;
  setHeapLive(markedBytes);
  updateGoal(markedBytes, rootBytes(), expectedScanWords, strategy != abi.STRATEGY_STW, bytesPerUnit);
  put(abi.C_NEXT_GOAL, <f64>heapGoal);
  advanceEpoch();
  startSweep(objectSpans(), objectSpanPages, markedBytes, heapTrigger > markedBytes ? heapTrigger - markedBytes : 0);

  let t1 = nowNs();
  let pause = t1 - t0 - verifyNs;
  put(abi.C_MARK_TERM_NS, t1 - termStart - verifyNs);
  put(abi.C_MARK_TERM_WORDS, <f64>work);
  put(abi.C_END_NS, t1);
  notePause(pause);
  let kind = strategy == abi.STRATEGY_STW ? abi.EV_PAUSE_FULL : abi.EV_PAUSE_MARK_TERM;
  let stacks = strategy == abi.STRATEGY_STW ? stacksScanned : 0;
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

/** The pacer's trigger fired: start a cycle (for stw, run it whole). */
export function gcTrigger(): void {
  if (phase != PHASE_MARK) gcStart(false);
}

/**
 * A complete collection now (runtime.GC()): finish any mark in progress,
 * then run a full cycle to its end.
 */
export function gcCollect(): void {
  if (inGC) return;
  finishMark();
  gcStart(true);
  finishMark();
}
